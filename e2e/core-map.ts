// The core map panel in the real workbench (issue 11): F5 on the seed under
// buggy stops at the stale access; "tlbscn: Show Core Map" opens the panel
// beside it, drawn from the adapter's `picture`; step back redraws it; a
// click on the timeline's fill mark moves the debugger there. Screenshots.
//   node --import tsx e2e/core-map.ts BASE_URL WORKSPACE SHOTS_DIR

import type { FrameLocator } from 'playwright-core';
import * as path from 'node:path';
import { command, stopwatch, withBrowser } from './browser';

const [baseUrl, folder, shots] = process.argv.slice(2);
const SEED = 'seed-a29ebeaf.tlbscn';
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

void withBrowser(async (context) => {
  const page = context.pages()[0] ?? (await context.newPage());
  const shot = (name: string) => page.screenshot({ path: path.join(shots, `${name}.png`) });
  try {
    await page.goto(`${baseUrl}/?folder=${encodeURIComponent(folder)}`);
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: SEED }).first().waitFor({ timeout: 60_000 });
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill(SEED);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: SEED }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    await page.waitForSelector(`.tab.active[aria-label*="${SEED}"]`, { timeout: 15_000 });
    // the extension is up when its CodeLens is
    await page.locator('.contentWidgets .codelens-decoration', { hasText: 'Run under every kernel' }).first().waitFor({ timeout: 60_000 });

    await page.keyboard.press('F5');
    await page.waitForSelector('.debug-toolbar', { timeout: 30_000 });
    await page.locator('.zone-widget .exception-widget, .debug-exception-widget').first().waitFor({ timeout: 30_000 }).catch(() => undefined);
    await command(page, 'tlbscn: Show Core Map');
    const map = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await map.locator('.thread').first().waitFor({ timeout: 30_000 });
    let now = await read(map);
    check('the core map opens at the stale stop: core0 holds X:p stale, about to be read', /after 18 of 19/.test(now.position) && now.core0.length === 1 && /stale/.test(now.core0[0]) && /read-next/.test(now.core0[0]), JSON.stringify(now));
    const marks = await map.locator('.mark').count();
    check('the timeline is drawn with its marks', marks === 8, String(marks));
    await shot('core-map-stale-stop');

    const before = now.position;
    await page.locator('.debug-toolbar .action-label.codicon-debug-step-back, .debug-toolbar [aria-label^="Step Back"]').first().click();
    const after = await redrawn(map, before);
    check('step back redraws the map', /after \d+ of 19/.test(after) && after !== before, `${before} → ${after}`);

    await map.locator('.mark[data-kind="fill"][data-cpu="0"]').click();
    await redrawn(map, after);
    now = await read(map);
    check('a click on the fill mark moves the debugger just after the fill', /after 10 of 19/.test(now.position) && /added/.test(now.core0[0] ?? ''), JSON.stringify(now));
    await shot('core-map-after-fill');
    await page.keyboard.press('Shift+F5');
  } catch (e) {
    failed++;
    log('FAIL', e instanceof Error ? e.message : String(e));
    await shot('core-map-failure').catch(() => undefined);
  }
  process.exitCode = failed ? 1 : 0;
});
