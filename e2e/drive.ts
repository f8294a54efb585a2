// The checks a user would make, in the real workbench, on the installed .vsix:
// highlighting, a squiggle and a Problems entry for a typo, completions after
// `run `, F5 stopping at the stale access under `buggy`, the Variables pane,
// step back, and the Testing view listing and running the samples. A screenshot after each step.
//   node --import tsx e2e/drive.ts BASE_URL WORKSPACE SHOTS_DIR

import type { Page } from 'playwright-core';
import * as path from 'node:path';
import { command, cursor, cursorLine, expand, section, stopwatch, variableRow, withBrowser } from './browser';

const [baseUrl, folder, shots] = process.argv.slice(2);
const SEED = 'seed-a29ebeaf.tlbscn';
const STALE_LINE = 36; // `access X p  # key access` in the seed
const log = stopwatch();
const results: { name: string; ok: boolean }[] = [];
const check = (name: string, ok: boolean, detail = '') => {
  results.push({ name, ok });
  log(ok ? 'PASS' : 'FAIL', name, ok ? '' : detail);
};
const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

async function goToLine(page: Page, line: number): Promise<void> {
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').fill(`:${line}`);
  await page.keyboard.press('Enter');
}

/** Undoes typing until the editor is back to the saved file. */
async function undoAll(page: Page): Promise<void> {
  for (let i = 0; i < 20 && (await page.locator('.tab.active.dirty').count()) > 0; i++) await page.keyboard.press('Control+Z');
}

/** Drags the sash between the side bar and the editor, so that variable values fit. */
async function widenSideBar(page: Page, by: number): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width + 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width + 1 + by, y, { steps: 8 });
  await page.mouse.up();
}

void withBrowser(async (context) => {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (e) => log('pageerror:', e.message.slice(0, 200)));
  const shot = async (name: string) => page.screenshot({ path: path.join(shots, `${name}.png`) });
  const editor = page.locator('.editor-instance .monaco-editor .view-lines');
  try {
    // 1. The workbench on a copy of the sample scenarios.
    await page.goto(`${baseUrl}/?folder=${encodeURIComponent(folder)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: SEED }).first().waitFor({ timeout: 60_000 });
    log('workbench ready');
    await widenSideBar(page, 160);

    // 2. The seed opens highlighted, with the CodeLens and the kernel in the status bar.
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill(SEED);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: SEED }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.tab.active[aria-label*="${SEED}"]`, { timeout: 15_000 });
    await editor.waitFor();
    const lens = page.locator('.contentWidgets .codelens-decoration', { hasText: 'Run under every kernel' });
    await lens.first().waitFor({ timeout: 60_000 });
    check('CodeLens above the scenario', true);
    const spans = await page.locator('.view-lines .view-line span span').evaluateAll((els) =>
      els.map((e) => ({ text: (e.textContent ?? '').replace(/\u00a0/g, ' '), cls: e.className })),
    );
    const classOf = (re: RegExp) => spans.find((s) => re.test(s.text))?.cls;
    const keyword = classOf(/^machine$/);
    const comment = classOf(/# lpid 1/);
    const number = classOf(/^4$/);
    check('the seed is highlighted (keywords, numbers, comments coloured apart)',
      !!keyword && !!comment && !!number && new Set([keyword, comment, number]).size === 3, JSON.stringify({ keyword, comment, number, spans: spans.slice(0, 30) }));
    const status = page.locator('.statusbar-item', { hasText: 'buggy' });
    await status.first().waitFor({ timeout: 15_000 });
    check('status bar shows the kernel variant', true);
    await shot('01-seed-highlighted');

    // 3. A typo: squiggle and a Problems entry.
    await editor.click();
    await goToLine(page, STALE_LINE);
    await page.keyboard.press('Home');
    await page.keyboard.type('q');
    await page.waitForSelector('.monaco-editor .squiggly-error', { timeout: 30_000 });
    check('the typo gets a squiggle', true);
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.markers-panel .monaco-list-row').first().waitFor({ timeout: 15_000 });
    const problems = flat(await page.locator('.markers-panel').innerText());
    check('the Problems view lists the typo', /qaccess/.test(problems) && /Ln 36/.test(problems), problems.slice(0, 300));
    await shot('02-typo-problems');
    await undoAll(page);
    await page.keyboard.press('Control+Shift+M');
    await page.waitForSelector('.monaco-editor .squiggly-error', { state: 'detached', timeout: 30_000 });

    // 4. Ctrl+Space after `run ` offers the declared vcpus.
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('run ');
    await page.keyboard.press('Control+Space');
    const suggest = page.locator('.editor-widget.suggest-widget.visible .monaco-list-row');
    await suggest.first().waitFor({ timeout: 15_000 });
    const labels = await page.locator('.editor-widget.suggest-widget.visible .monaco-list-row .label-name').allInnerTexts();
    check('completion offers vm.vcpu0 and vm.vcpu1 after `run `', labels.includes('vm.vcpu0') && labels.includes('vm.vcpu1'), JSON.stringify(labels));
    await shot('03-completion');
    await page.keyboard.press('Escape');
    await undoAll(page);
    check('the seed is back to its saved text', (await page.locator('.tab.active.dirty').count()) === 0);

    // 5. F5 without a launch.json: the seed under buggy stops at the stale access.
    await page.keyboard.press('F5');
    await page.waitForSelector('.debug-toolbar', { timeout: 30_000 });
    const exception = page.locator('.zone-widget .exception-widget');
    await exception.first().waitFor({ timeout: 30_000 });
    const exceptionText = flat(await exception.first().innerText());
    check('the stale exception is shown', /stale/i.test(exceptionText), exceptionText);
    await cursor(page).filter({ hasText: `Ln ${STALE_LINE},` }).waitFor({ timeout: 15_000 });
    const stopLine = await cursorLine(page);
    check(`stopped on line ${STALE_LINE}`, stopLine === STALE_LINE, String(stopLine));
    const stack = flat(await page.locator('.debug-call-stack').innerText());
    check('the call stack shows the cpu that made the stale access', /STALE TLB ACCESS/i.test(stack) && /access X p/.test(stack), stack);
    await page.locator('.debug-variables .monaco-list-row').first().waitFor({ timeout: 15_000 });
    await shot('04-stale-stop');

    // 6. Variables: the stale entry in core0's TLB and vm's need_tlb_flush bits. The other
    //    sections close so that the pane has the room (its rows are virtualised: only visible ones exist).
    for (const title of ['Watch', 'Call Stack', 'Breakpoints']) await section(page, title, false);
    await expand(page, 'Machine');
    await expand(page, 'core0');
    await expand(page, 'set 0');
    const entry = flat(await variableRow(page, 'X:p').innerText());
    check('Variables show the stale entry in core0\'s TLB', /lpid 1 pid 1 p → frame 1/.test(entry) && /STALE/.test(entry), entry);
    await expand(page, 'Guests');
    await expand(page, 'vm');
    const flush = flat(await variableRow(page, 'need_tlb_flush').innerText());
    check('Variables show need_tlb_flush', /need_tlb_flush = \S/.test(flush), flush);
    await shot('05-variables');
    await section(page, 'Call Stack', true);

    // 7. Step back: the stop moves to an earlier line.
    await page.locator('.debug-toolbar .action-label.codicon-debug-step-back, .debug-toolbar [aria-label^="Step Back"]').first().click();
    await cursor(page).filter({ hasNotText: `Ln ${STALE_LINE},` }).waitFor({ timeout: 15_000 });
    const backTo = await cursorLine(page);
    check('step back moves to an earlier line', backTo < STALE_LINE, String(backTo));
    await shot('06-step-back');
    await page.keyboard.press('Shift+F5');
    await page.waitForSelector('.debug-toolbar', { state: 'hidden', timeout: 15_000 });

    // 8. The Testing view lists the sample scenarios.
    await command(page, 'Testing: Focus on Test Explorer View');
    const testRow = page.locator('.test-explorer .monaco-list-row', { hasText: SEED });
    await testRow.first().waitFor({ timeout: 30_000 });
    const rows = await page.locator('.test-explorer .monaco-list-row').allInnerTexts();
    check('the Testing view lists the sample scenarios', rows.filter((r) => /\.tlbscn/.test(r)).length >= 10, JSON.stringify(rows.slice(0, 6)));
    await testRow.first().click();
    await page.keyboard.press('ArrowRight');
    await page.locator('.test-explorer .monaco-list-row', { hasText: 'under buggy' }).first().waitFor({ timeout: 10_000 });
    await shot('07-test-explorer');

    // 9. Run every test from the Testing view: all sample expectations hold.
    await page.locator('.part.sidebar .title-actions .action-label[aria-label^="Run Tests"]').first().click();
    // The view sums up a run as `passed/total` (then the duration, with no space between them in the
    // text). Its total grows while the run starts the explore tests, so a transient `16/16` is no end:
    // the run is over when the sum reads the same on two looks a second apart, passed equal to total.
    const sum = async () => /\b(\d+)\/(\d+)/.exec(await page.locator('.part.sidebar').first().innerText())?.[0];
    let passed: string | undefined;
    for (let last: string | undefined, i = 0; i < 120; i++, await page.waitForTimeout(1000)) {
      const now = await sum();
      const [done, total] = (now ?? '').split('/').map(Number);
      if (now && now === last && done === total) {
        passed = now;
        break;
      }
      last = now;
    }
    check('every sample test passes in the Testing view', !!passed && Number(passed.split('/')[0]) >= 14, passed ?? (await sum()));
    await shot('08-tests-run');
  } catch (e) {
    check('no exception in the driver', false, String((e as Error).message).split('\n')[0]);
    await shot('99-failure').catch(() => undefined);
  }
}).then(() => {
  const failed = results.filter((r) => !r.ok).length;
  log(`${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
});
