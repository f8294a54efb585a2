// The core map panel in the real workbench (issue 11): F5 on the seed under
// buggy stops at the stale access and the panel opens by itself beside the
// editor (tlbscn.coreMap.openOnDebug), which keeps the focus; "tlbscn: Show
// Core Map" reveals that panel rather than opening a second. It is drawn from
// the adapter's `picture`. A click on the stale TLB entry offers its
// provenance chain and moves the debugger to the step picked; a click on a
// need_tlb_flush lamp says under buggy that no move ever set it; step back
// redraws; a click on the timeline's fill mark moves the debugger there; the
// Variables pane's "Go to the Step That Last Wrote It" on the TLB entry does
// the same. Then the early-clear race: a click on its need_tlb_flush lamp goes
// to the entry test that cleared it. Last, the walkthrough opens. Screenshots.
//   node --import tsx e2e/core-map.ts BASE_URL WORKSPACE SHOTS_DIR

import type { FrameLocator, Page } from 'playwright-core';
import * as path from 'node:path';
import { command, expand, openFile, openScenario, pick, section, stopwatch, variableRow, withBrowser } from './browser';

const [baseUrl, folder, shots] = process.argv.slice(2);
const SEED = 'seed-a29ebeaf.tlbscn';
const RACE = 'early-clear-race.tlbscn';
const log = stopwatch();
let failed = 0;
const check = (name: string, ok: boolean, detail = '') => {
  if (!ok) failed++;
  log(ok ? 'PASS' : 'FAIL', name, ok ? '' : detail);
};

/** What the map shows: its position line and core0's entries. */
async function read(map: FrameLocator): Promise<{ position: string; core0: string[] }> {
  const position = await map.locator('.map-head .position').innerText();
  const core0 = await map.locator('.tlb[data-domain="core0"] .entry').evaluateAll((es) => es.map((e) => `${e.getAttribute('data-key')} ${e.className}`));
  return { position, core0 };
}

/** Waits until the map's position line changes from `before`. */
async function redrawn(map: FrameLocator, before: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const now = await map.locator('.map-head .position').innerText();
    if (now !== before) return now;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the map still shows "${before}"`);
}

/** "after N of M": the micro-steps the map stands after. */
const after = (position: string) => Number(/after (\d+) of/.exec(position)?.[1]);

/** The open quick pick's title and rows, each as its label, then its description and detail (flattened). */
async function quickPick(page: Page): Promise<{ title: string; rows: string[] }> {
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 15_000 });
  const title = (await widget.locator('.quick-input-title').innerText()).trim();
  const rows = await widget.locator('.quick-input-list .monaco-list-row').evaluateAll((rs) =>
    rs.map((r) => ['.label-name', '.label-description', '.quick-input-list-label-meta, .quick-input-list-detail']
      .map((sel) => r.querySelector(sel)?.textContent ?? '').join(' ').replace(/\s+/g, ' ').trim()),
  );
  return { title, rows };
}

/** The provenance pick's step for a row: its description says `step N, line L…`. */
const stepOf = (row: string | undefined) => Number(/step (\d+), line/.exec(row ?? '')?.[1]);

void withBrowser(async (context) => {
  const page = context.pages()[0] ?? (await context.newPage());
  const shot = (name: string) => page.screenshot({ path: path.join(shots, `${name}.png`) });
  try {
    await openScenario(page, baseUrl, folder, SEED, 'Run under every kernel');

    // 1. F5: the map opens by itself, beside the editor, which keeps the focus.
    await page.keyboard.press('F5');
    await page.waitForSelector('.debug-toolbar', { timeout: 30_000 });
    await page.locator('.zone-widget .exception-widget, .debug-exception-widget').first().waitFor({ timeout: 30_000 }).catch(() => undefined);
    const map = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await map.locator('.thread').first().waitFor({ timeout: 30_000 });
    let now = await read(map);
    check('the core map opens by itself at the stale stop: core0 holds X:p stale, about to be read', /after 18 of 19/.test(now.position) && now.core0.length === 1 && /stale/.test(now.core0[0]) && /read-next/.test(now.core0[0]), JSON.stringify(now));
    const activeGroupTab = await page.locator('.editor-group-container.active .tab.active').getAttribute('aria-label');
    check('the editor keeps the focus (the map opened beside it)', (activeGroupTab ?? '').includes(SEED) && (await page.locator('.editor-group-container').count()) === 2, String(activeGroupTab));
    await command(page, 'tlbscn: Show Core Map');
    await map.locator('.thread').first().waitFor({ timeout: 30_000 });
    check('Show Core Map reveals the open panel: one webview, same picture', (await page.locator('iframe.webview').count()) === 1 && (await read(map)).position === now.position, String(await page.locator('iframe.webview').count()));
    const marks = await map.locator('.mark').count();
    check('the timeline is drawn with its marks', marks === 8, String(marks));
    await shot('core-map-stale-stop');

    // 2. A need_tlb_flush lamp under buggy: no move ever set it (the bug a29ebeaf fixed).
    await map.locator('.bits[data-guest="vm"][data-mask="needTlbFlush"] .bit[data-cpu="0"]').click();
    let picked = await quickPick(page);
    check('a click on need_tlb_flush bit 0 says it was never written under buggy', /need_tlb_flush/.test(picked.title) && /Never written/.test(picked.rows[0] ?? ''), JSON.stringify(picked));
    await page.keyboard.press('Escape');

    // 3. A click on the stale entry: the chain that left it there; picking "unmapped" moves the debugger after the unmap.
    await map.locator('.tlb[data-domain="core0"] .entry[data-key="X:p"]').click();
    picked = await quickPick(page);
    const unmapped = picked.rows.find((r) => /^unmapped/.test(r));
    check('a click on the stale entry shows its provenance: last write, filled, the move, no bit set, unmapped',
      /core0 TLB entry lpid 1 pid 1 X:p/.test(picked.title) && /Go to the step that last wrote it/.test(picked.rows[0]) && !!unmapped
        && picked.rows.some((r) => /^filled step 9, line 20/.test(r)) && picked.rows.some((r) => /^the vcpu move step \d+, line 24/.test(r))
        && picked.rows.some((r) => /^the need_tlb_flush bit no need_tlb_flush bit of core0 was set/.test(r)),
      JSON.stringify(picked));
    await shot('core-map-provenance');
    await pick(page, /^unmapped/);
    const atUnmap = await redrawn(map, now.position);
    check('picking "unmapped" moves the debugger to just after the unmap', after(atUnmap) === stepOf(unmapped) + 1, `${atUnmap} vs ${unmapped}`);

    // 4. The Variables pane: right-click core0's X:p entry, Go to the Step That Last Wrote It: the fill.
    for (const title of ['Watch', 'Call Stack', 'Breakpoints']) await section(page, title, false);
    await expand(page, 'Machine');
    await expand(page, 'core0');
    await expand(page, 'set 0');
    await variableRow(page, 'X:p').click({ button: 'right' });
    const menuItem = page.locator('.monaco-menu .action-item', { hasText: 'Go to the Step That Last Wrote It' });
    await menuItem.first().waitFor({ timeout: 10_000 });
    await shot('variables-provenance-menu');
    await menuItem.first().click();
    picked = await quickPick(page);
    const lastWrite = picked.rows[0];
    check('the Variables pane\'s context menu offers the entry\'s provenance', /core0 TLB entry lpid 1 pid 1 X:p/.test(picked.title) && /Go to the step that last wrote it/.test(lastWrite ?? ''), JSON.stringify(picked));
    await pick(page, /Go to the step that last wrote it/);
    const wrote = await redrawn(map, atUnmap);
    check('…and picking the last write moves the debugger just after the fill', after(wrote) === stepOf(lastWrite) + 1 && after(wrote) === 10, `${wrote} vs ${lastWrite}`);
    for (const title of ['Watch', 'Call Stack', 'Breakpoints']) await section(page, title, true);

    // 5. Continue to the stale stop again; step back redraws; a click on the fill mark moves the debugger just after the fill.
    await page.locator('.debug-toolbar .action-label.codicon-debug-continue, .debug-toolbar [aria-label^="Continue"]').first().click();
    const stale = await redrawn(map, wrote);
    check('continue stops at the stale access again', after(stale) === 18, stale);
    await page.locator('.debug-toolbar .action-label.codicon-debug-step-back, .debug-toolbar [aria-label^="Step Back"]').first().click();
    const back = await redrawn(map, stale);
    check('step back redraws the map', after(back) < after(stale), `${stale} → ${back}`);
    await map.locator('.mark[data-kind="fill"][data-cpu="0"]').click();
    await redrawn(map, back);
    now = await read(map);
    check('a click on the fill mark moves the debugger just after the fill', /after 10 of 19/.test(now.position) && /added/.test(now.core0[0] ?? ''), JSON.stringify(now));
    await shot('core-map-after-fill');
    await page.keyboard.press('Shift+F5');
    await page.waitForSelector('.debug-toolbar', { state: 'hidden', timeout: 15_000 });

    // 6. The early-clear race: the map follows the new session; the lit bit 0 lamp's last write is the entry test that cleared it.
    await openFile(page, RACE);
    await page.keyboard.press('F5');
    await page.waitForSelector('.debug-toolbar', { timeout: 30_000 });
    // the race's own picture replaces the seed's
    await redrawn(map, now.position);
    await page.locator('.zone-widget .exception-widget').first().waitFor({ timeout: 30_000 });
    now = await read(map);
    await map.locator('.bits[data-guest="vm"][data-mask="needTlbFlush"] .bit[data-cpu="0"]').click();
    picked = await quickPick(page);
    const clear = picked.rows[0];
    check('in the race, need_tlb_flush bit 0\'s last write is cpu2\'s entry test on line 33', /need_tlb_flush/.test(picked.title) && /line 33, cpu2/.test(clear ?? ''), JSON.stringify(picked));
    await pick(page, /Go to the step that last wrote it/);
    const cleared = await redrawn(map, now.position);
    const lamp = await map.locator('.bits[data-guest="vm"][data-mask="needTlbFlush"] .bit[data-cpu="0"]').getAttribute('class');
    check('…picking it moves the debugger just after the clear: the lamp is out, marked changed', after(cleared) === stepOf(clear) + 1 && !/\blit\b/.test(lamp ?? '') && /changed/.test(lamp ?? ''), `${cleared} ${lamp}`);
    await shot('core-map-race-bit-cleared');
    await page.keyboard.press('Shift+F5');
    await page.waitForSelector('.debug-toolbar', { state: 'hidden', timeout: 15_000 });

    // 7. The walkthrough is listed and opens on its title and steps.
    await command(page, 'Welcome: Open Walkthrough...');
    const walk = page.locator('.quick-input-list .monaco-list-row', { hasText: 'See a TLB-flush race' });
    await walk.first().waitFor({ timeout: 15_000 });
    await walk.first().click();
    const welcome = page.locator('.gettingStartedContainer');
    await welcome.locator('text=See a TLB-flush race').first().waitFor({ timeout: 15_000 });
    const steps = await welcome.locator('.getting-started-step .step-title').allInnerTexts();
    check('the walkthrough opens with its title and five steps', steps.length === 5 && steps[0] === 'Open the seed scenario' && steps[4] === 'Explore the early-clear race', JSON.stringify(steps));
    await shot('walkthrough');
  } catch (e) {
    failed++;
    log('FAIL', e instanceof Error ? e.message : String(e));
    await shot('core-map-failure').catch(() => undefined);
  }
  process.exitCode = failed ? 1 : 0;
});
