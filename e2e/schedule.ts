// Driving the race from the debugger in the real workbench (issue 12), on the
// early-clear race (domain S8, sample-scenarios/early-clear-race.tlbscn): a
// breakpoint at the concurrently block; the run lines' inline values (the
// need_tlb_flush bit each cpu's entry path tests); cpu1's thread selected in
// the Call Stack and stepped over, so that cpu1 enters while cpu2 waits (the
// bit is then clear and cpu1 is in its guest); "Let CPU Move Next…" on cpu2's
// thread; then "tlbscn: Save Schedule" through the save dialog, the file it
// writes read back and replayed by the CLI. Screenshots.
//   node --import tsx e2e/schedule.ts BASE_URL WORKSPACE SHOTS_DIR

import type { Page } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { command, cursor, cursorLine, openScenario, stopwatch, withBrowser } from './browser';

const [baseUrl, folder, shots] = process.argv.slice(2);
const RACE = 'early-clear-race.tlbscn';
const BLOCK_LINE = 33; // `cpu2: run vm.vcpu2 on cpu2`, the block's first lane
const CPU1_LINE = 34; // `cpu1: run vm.vcpu1 on cpu1 ; access X D`
const SAVED = path.join(folder, 'early-clear-race.schedule.json');
const CLI = path.join(__dirname, '..', 'bin', 'tlbscn.js');
const log = stopwatch();
let failed = 0;
const check = (name: string, ok: boolean, detail = '') => {
  if (!ok) failed++;
  log(ok ? 'PASS' : 'FAIL', name, ok ? '' : detail);
};
const flat = (s: string) => s.replace(/[\s\u00a0]+/g, ' ').trim();

/** The editor's rendered lines (inlay hints and inline values included), flattened. */
async function editorLines(page: Page): Promise<string[]> {
  return (await page.locator('.editor-instance .monaco-editor .view-lines .view-line').allInnerTexts()).map(flat);
}

/** Waits until a rendered line that starts with `start` holds `text` (inline values come after the stop). */
async function lineShows(page: Page, start: string, text: string): Promise<string> {
  let last = '';
  for (let i = 0; i < 100; i++) {
    last = (await editorLines(page)).find((l) => l.startsWith(start)) ?? '';
    if (last.includes(text)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

/** A thread's row in the Call Stack view, by the start of its name (`cpu1 (core0)`). */
const threadRow = (page: Page, name: string) => page.locator('.debug-call-stack .monaco-list-row', { hasText: name }).first();

void withBrowser(async (context) => {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => log('pageerror:', e.message.slice(0, 200)));
  const shot = (name: string) => page.screenshot({ path: path.join(shots, `${name}.png`) });
  try {
    await openScenario(page, baseUrl, folder, RACE, 'Explore interleavings');

    // 1. A breakpoint on the block's first lane, F5: the stop before any lane has moved.
    await page.locator('.editor-instance .monaco-editor .view-lines').click();
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').fill(`:${BLOCK_LINE}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('F9');
    await page.locator('.codicon-debug-breakpoint').first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('F5');
    await page.waitForSelector('.debug-toolbar', { timeout: 30_000 });
    await cursor(page).filter({ hasText: `Ln ${BLOCK_LINE},` }).waitFor({ timeout: 30_000 });
    // cpu2's thread, the stopped one, shows its frames once VS Code has asked for them
    await threadRow(page, 'kvmppc_prepare_radix_vcpu').waitFor({ timeout: 15_000 });
    const stack0 = flat(await page.locator('.debug-call-stack').innerText());
    check('F5 stops at the block: every lane is a thread, cpu1 and cpu2 still idle', /cpu1 \(core0\) — idle/.test(stack0) && /cpu2 \(core0\) — idle/.test(stack0) && /kvmppc_prepare_radix_vcpu/.test(stack0), stack0);
    // the inline values: each run line's need_tlb_flush bit, as its cpu's entry path tests it under early-clear
    const cpu0Run = await lineShows(page, 'run vm.vcpu0 on cpu0', 'need_tlb_flush(vm, cpu0.entry_bit) = true');
    const cpu1Run = await lineShows(page, 'cpu1: run vm.vcpu1 on cpu1', 'need_tlb_flush(vm, cpu1.entry_bit) = true');
    check('inline values: bit 0, which cpu0\'s and cpu1\'s entry paths test, is set', cpu0Run.includes('need_tlb_flush(vm, cpu0.entry_bit) = true') && cpu1Run.includes('need_tlb_flush(vm, cpu1.entry_bit) = true'), `${cpu0Run} | ${cpu1Run}`);
    await shot('schedule-1-block');
    // cpu2's statement starts later in the schedules that follow: the breakpoint would stop there
    await command(page, 'Remove All Breakpoints');
    await page.locator('.codicon-debug-breakpoint').first().waitFor({ state: 'detached', timeout: 10_000 });

    // 2. cpu1's thread selected, step over: cpu1 runs its whole `run` (it tests bit 0 while set) while cpu2 waits.
    await threadRow(page, 'cpu1 (core0)').click();
    await page.locator('.debug-toolbar .action-label.codicon-debug-step-over, .debug-toolbar [aria-label^="Step Over"]').first().click();
    await threadRow(page, 'cpu1 (core0) — vm.vcpu1').waitFor({ timeout: 15_000 });
    await cursor(page).filter({ hasText: `Ln ${CPU1_LINE},` }).waitFor({ timeout: 15_000 });
    const stack1 = flat(await page.locator('.debug-call-stack').innerText());
    check('step over on cpu1\'s thread moves cpu1: it is in its guest, about to access X D; cpu2 has not entered', /cpu1 \(core0\) — vm\.vcpu1/.test(stack1) && /access X D/.test(stack1) && /cpu2 \(core0\) — idle/.test(stack1), stack1);
    const cleared = await lineShows(page, 'cpu1: run vm.vcpu1 on cpu1', 'need_tlb_flush(vm, cpu1.entry_bit) = false');
    check('the inline value follows: cpu1\'s entry (early-clear) cleared bit 0', cleared.includes('need_tlb_flush(vm, cpu1.entry_bit) = false'), cleared);
    await shot('schedule-2-cpu1-stepped');

    // 3. Let CPU Move Next… on cpu2's thread: the stop shows cpu2 about to move, without moving it.
    await threadRow(page, 'cpu2 (core0)').click({ button: 'right' });
    const letMove = page.locator('.monaco-menu .action-item', { hasText: 'Let CPU Move Next' });
    await letMove.first().waitFor({ timeout: 10_000 });
    await letMove.first().click();
    await cursor(page).filter({ hasText: `Ln ${BLOCK_LINE},` }).waitFor({ timeout: 15_000 });
    await threadRow(page, 'kvmppc_start_thread').waitFor({ timeout: 15_000 });
    const stack2 = flat(await page.locator('.debug-call-stack').innerText());
    check('Let CPU Move Next on cpu2: the stop is cpu2\'s, about to start its thread; cpu1 stays in its guest', /kvmppc_start_thread/.test(stack2) && /cpu1 \(core0\) — vm\.vcpu1/.test(stack2) && (await cursorLine(page)) === BLOCK_LINE, stack2);
    await shot('schedule-3-let-cpu2-move');

    // 4. Save Schedule: the save dialog suggests <scenario>.schedule.json beside the scenario.
    await command(page, 'tlbscn: Save Schedule');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    // the simple file dialog fills its path in as it resolves the folder: wait for the file name
    let suggested = '';
    for (let i = 0; i < 50 && !suggested.endsWith('.json'); i++) {
      suggested = await input.inputValue();
      await new Promise((r) => setTimeout(r, 100));
    }
    check('the save dialog suggests early-clear-race.schedule.json', suggested.endsWith('early-clear-race.schedule.json'), suggested);
    await page.keyboard.press('Enter');
    const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'Schedule saved' });
    await toast.first().waitFor({ timeout: 15_000 });
    await shot('schedule-4-saved');
    const saved = existsSync(SAVED) ? JSON.parse(readFileSync(SAVED, 'utf8')) : undefined;
    check('Save Schedule wrote the schedule being debugged: cpu1 first, under early-clear, no stale access',
      saved?.file === RACE && saved.kernel === 'early-clear' && Array.isArray(saved.schedule) && saved.schedule[0] === 1 && saved.stale === 0, JSON.stringify(saved));
    const replay = spawnSync(process.execPath, [CLI, 'run', path.join(folder, RACE), '--schedule', SAVED], { encoding: 'utf8' });
    const out = replay.stdout + replay.stderr;
    check('tlbscn run --schedule replays it: cpu1\'s access faults instead of reading a stale entry', /access X D/.test(out) && !/→ STALE/.test(out) && /FAULT/.test(out), out.slice(-600));
    await page.keyboard.press('Shift+F5');
    await page.waitForSelector('.debug-toolbar', { state: 'hidden', timeout: 15_000 });
  } catch (e) {
    failed++;
    log('FAIL', e instanceof Error ? e.message.split('\n')[0] : String(e));
    await shot('schedule-failure').catch(() => undefined);
  }
  process.exitCode = failed ? 1 : 0;
});
