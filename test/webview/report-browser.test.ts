// The --html report of the seed in a real browser (Debian's chromium, driven
// by playwright-core): what the page draws at the stale access under buggy
// and during the sweep under fixed, read from the DOM; the slider, the keys
// and a click on a timeline mark move it; nothing is fetched from anywhere.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';

const root = path.join(__dirname, '..', '..');
const seed = path.join(root, 'sample-scenarios', 'seed-a29ebeaf.tlbscn');
const CHROMIUM = '/usr/bin/chromium';
const shots = fs.mkdtempSync(path.join(os.tmpdir(), 'tlbscn-report-shots-'));

interface MapRead {
  position: string;
  core0: string[];
  core1: string[];
  flushLit: number[];
  ringed: number[];
  inGuest: number[];
  threads: string[];
  last: string;
}

/**
 * The page as the DOM shows it: entries per TLB domain, lit and ringed bits.
 * A string, evaluated as is: tsx would wrap a function's inner functions in
 * a helper (`__name`) the page does not have.
 */
const READ_MAP = `(() => {
  const entries = (sel) => [...document.querySelectorAll(sel)].map((e) => e.getAttribute('data-key') + ' ' + e.className.replace(/^entry ?/, ''));
  const bits = (mask, cls) => [...document.querySelectorAll('.bits[data-guest="vm"][data-mask="' + mask + '"] .bit.' + cls)].map((b) => Number(b.getAttribute('data-cpu')));
  return {
    position: document.querySelector('#where').textContent,
    core0: entries('.tlb[data-domain="core0"] .entry'),
    core1: entries('.tlb[data-domain="core1"] .entry'),
    flushLit: bits('needTlbFlush', 'lit'),
    ringed: bits('needTlbFlush', 'ringed'),
    inGuest: bits('cpuInGuest', 'lit'),
    threads: [...document.querySelectorAll('.thread')].map((t) => t.getAttribute('data-cpu') + ':' + t.className.match(/mode-(\\w+)/)[1] + ':' + t.querySelector('.vcpu').textContent),
    last: document.querySelector('.step-line.last')?.textContent ?? '',
  };
})()`;

const readMap = (page: Page) => page.evaluate(READ_MAP) as Promise<MapRead>;

describe('the --html report in chromium', { skip: !fs.existsSync(CHROMIUM) && `${CHROMIUM} is missing (apt-get install -y chromium)` }, () => {
  let browser: Browser;
  const pages: Record<string, string> = {};
  const requests: string[] = [];

  before(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root });
    for (const kernel of ['buggy', 'fixed']) {
      pages[kernel] = path.join(shots, `seed-${kernel}.html`);
      // the seed expects stale: under fixed the run exits 1, and writes its page all the same
      spawnSync(process.execPath, [path.join(root, 'bin', 'tlbscn.js'), 'run', seed, '--kernel', kernel, '--html', pages[kernel]], { cwd: root, stdio: 'ignore' });
      assert.ok(fs.existsSync(pages[kernel]));
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    console.log(`screenshots in ${shots}`);
  });

  async function open(kernel: string, hash = ''): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1300, height: 860 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${pages[kernel]}${hash}`);
    await page.waitForSelector('.thread');
    assert.deepEqual(errors, []);
    return page;
  }

  test('buggy: the page opens just after the stale access; core0 holds X:p stale, no bit is lit, every bit is ringed', async () => {
    const page = await open('buggy');
    const map = await readMap(page);
    assert.equal(map.position, 'after 19 of 19 micro-steps');
    assert.deepEqual(map.core0, ['X:p stale read-last']);
    assert.deepEqual(map.core1, []);
    assert.deepEqual(map.flushLit, []);
    assert.deepEqual(map.ringed, [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(map.inGuest, [1, 4]);
    assert.match(map.last, /line 36, cpu1: access X p › access X p STALE/);
    assert.ok(map.threads.includes('1:guest:vm.vcpu1') && map.threads.includes('4:guest:vm.vcpu0') && map.threads.includes('0:idle:—'));
    // the stale access's arrow, from cpu1 to the entry
    assert.equal(await page.locator('.arrows .arrow-access-stale').count(), 1);
    const marks = (await page.evaluate(`[...document.querySelectorAll('.mark')].map((m) => m.dataset.step + ':cpu' + m.dataset.cpu + ':' + m.dataset.kind)`)) as string[];
    assert.deepEqual(marks, ['2:cpu0:entry-test', '6:cpu1:entry-test', '9:cpu0:fill', '11:cpu4:move', '13:cpu4:entry-test', '15:cpu4:fill', '16:cpu4:unmap', '18:cpu1:stale']);
    await page.screenshot({ path: path.join(shots, 'report-seed-buggy-stale.png'), fullPage: true });
    await page.close();
  });

  test('buggy: back to the fill with the keys, then a click on the stale mark moves to it again', async () => {
    const page = await open('buggy');
    await page.keyboard.press('Home');
    for (let i = 0; i < 3; i++) await page.keyboard.press('PageDown');
    let map = await readMap(page);
    assert.equal(map.position, 'after 10 of 19 micro-steps');
    assert.deepEqual(map.core0, ['X:p added']);
    await page.click('.mark[data-kind="stale"]');
    map = await readMap(page);
    assert.equal(map.position, 'after 19 of 19 micro-steps');
    assert.deepEqual(map.core0, ['X:p stale read-last']);
    assert.equal(new URL(page.url()).hash, '#step=19');
    await page.close();
  });

  test('fixed: during the sweep core0 set 0 loses X:p, need_tlb_flush[0] is lit, bits 0 and 4 are ringed; at the end the access faults', async () => {
    const page = await open('fixed', '#step=19');
    let map = await readMap(page);
    assert.equal(map.position, 'after 19 of 31 micro-steps');
    assert.deepEqual(map.core0, ['X:p removed']);
    assert.deepEqual(map.flushLit, [0]);
    assert.deepEqual(map.ringed, [0, 4]);
    assert.ok(map.threads.includes('1:entry:vm.vcpu1'));
    assert.equal(await page.locator('.tlb[data-domain="core0"] .set.flushed[data-set="0"]').count(), 1);
    const flows = await page.locator('.flow').count();
    assert.equal(flows, 2, 'IPI send → take, need_tlb_flush[0] set → the test that read it');
    await page.screenshot({ path: path.join(shots, 'report-seed-fixed-flush.png'), fullPage: true });
    // the slider goes to the end
    await page.locator('#scrub').fill('31');
    map = await readMap(page);
    assert.equal(map.position, 'after 31 of 31 micro-steps');
    assert.deepEqual(map.core0, []);
    assert.deepEqual(map.flushLit, []);
    assert.match(map.last, /FAULT/);
    await page.close();
  });

  test('a redraw updates the map in place: an entry keeps its element from step to step, and its tooltip is written when the pointer reaches it', async () => {
    const page = await open('buggy', '#step=10');
    await page.evaluate(`window.kept = document.querySelector('.tlb[data-domain="core0"] .entry'); window.keptThread = document.querySelector('.thread[data-cpu="4"]')`);
    for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowRight');
    assert.equal((await readMap(page)).position, 'after 19 of 19 micro-steps');
    assert.equal(await page.evaluate(`window.kept === document.querySelector('.tlb[data-domain="core0"] .entry') && window.keptThread === document.querySelector('.thread[data-cpu="4"]')`), true);
    const entry = page.locator('.tlb[data-domain="core0"] .entry');
    assert.equal(await entry.getAttribute('title'), null);
    await entry.hover();
    assert.match((await entry.getAttribute('title')) ?? '', /X:p → frame 1, filled at line 20 .*\nSTALE/);
    const lamp = page.locator('.bits[data-guest="vm"][data-mask="needTlbFlush"] .bit[data-cpu="0"]');
    await lamp.hover();
    assert.match((await lamp.getAttribute('title')) ?? '', /tested by the entry path of cpu0$/m);
    await page.close();
  });

  test('the page fetched nothing but itself', () => {
    assert.ok(requests.length > 0);
    assert.deepEqual(requests.filter((u) => !u.startsWith('file://')), []);
  });
});
