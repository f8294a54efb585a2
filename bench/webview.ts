// The core map in Chromium (issue 11): how long one redraw takes on a 16-core
// x 8-thread machine holding ~1,000 TLB entries, stepping one micro-step at a
// time as the debugger does, and how large the --html report of a 10k-event
// run is. The page is the CLI's own --html report, driven through its slider:
// the same drawing code the VS Code panel runs at each stop.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { bigMapScenario, generateScenario } from './generate';
import { type Report, median, repoRoot } from './report';

const CHROMIUM = '/usr/bin/chromium';

/** `tlbscn run FILE --html OUT` on a generated scenario; the page's path and the CLI's time. */
function writeReport(dir: string, name: string, text: string): { html: string; ms: number } {
  const file = join(dir, `${name}.tlbscn`);
  const html = join(dir, `${name}.html`);
  writeFileSync(file, text);
  const t0 = process.hrtime.bigint();
  // a run with failed or stale expectations exits 1 and writes its page all the same
  spawnSync(process.execPath, [join(repoRoot(), 'bin', 'tlbscn.js'), 'run', file, '--html', html], { stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!existsSync(html)) throw new Error(`bench: tlbscn run ${file} --html wrote nothing`);
  return { html, ms };
}

/**
 * Times each step of the slider over the last `frames` positions, the second
 * time through (the first warms the JIT and the style system, as the first
 * steps of a debug session do): the page's input handler (the map and the
 * timeline cursor redrawn) and the style and layout it leaves, forced before
 * the clock stops. Paint is not included.
 */
const MEASURE = (frames: number) => `(() => {
  const scrub = document.getElementById('scrub');
  const total = Number(scrub.max);
  const times = [];
  for (let pass = 0; pass < 2; pass++) {
    for (let p = total - ${frames}; p <= total; p++) {
      const t0 = performance.now();
      scrub.value = String(p);
      scrub.dispatchEvent(new Event('input'));
      void document.body.offsetHeight;
      if (pass === 1) times.push(performance.now() - t0);
    }
  }
  return { times, entries: document.querySelectorAll('.entry').length, threads: document.querySelectorAll('.thread').length };
})()`;

export async function benchWebview(report: Report): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log(`  (skipped: ${CHROMIUM} is missing; apt-get install -y chromium)`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tlbscn-bench-webview-'));
  const big = writeReport(dir, 'bigmap', bigMapScenario());
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(`file://${big.html}`);
    await page.waitForSelector('.thread');
    const run = (await page.evaluate(MEASURE(200))) as { times: number[]; entries: number; threads: number };
    report(`core map redraw, ${run.threads} threads, ${run.entries} TLB entries (median of ${run.times.length} steps)`, median(run.times), 'ms', '< 16 ms per frame');
    report('  slowest of those steps', Math.max(...run.times), 'ms');
  } finally {
    await browser.close();
  }
  const tenK = writeReport(dir, 'events10k', generateScenario(10_000));
  report('--html report of a 10k-event run: size', statSync(tenK.html).size / 1024 / 1024, 'MB');
  report('  tlbscn run --html for it (whole process)', tenK.ms, 'ms');
}
