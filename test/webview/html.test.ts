// `tlbscn run|explore --html OUT`: one self-contained page with the run's
// pictures as JSON, written for a run and for an explorer's counterexample.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PictureReport } from '../../core/src/index';

const root = path.join(__dirname, '..', '..');
const seed = 'sample-scenarios/seed-a29ebeaf.tlbscn';

before(() => execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root }));

function tlbscn(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'tlbscn.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const outFile = (name: string) => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tlbscn-html-')), name);

/** The report's data, read back from the page. */
function dataOf(html: string): PictureReport {
  const m = /<script id="tlbscn-data" type="application\/json">([^]*?)<\/script>/.exec(html);
  assert.ok(m, 'the page holds its data');
  return JSON.parse(m[1]) as PictureReport;
}

test('run --html writes one page with the map and timeline of the whole run; the run prints as usual', () => {
  const out = outFile('seed.html');
  const r = tlbscn('run', seed, '--kernel', 'buggy', '--html', out);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /→ STALE/);
  const html = fs.readFileSync(out, 'utf8');
  const data = dataOf(html);
  assert.equal(data.kernel, 'buggy');
  assert.equal(data.title, 'seed-a29ebeaf.tlbscn');
  assert.equal(data.deltas.length, data.timeline.steps);
  assert.deepEqual(data.timeline.marks.filter((m) => m.kind === 'stale').map((m) => [m.cpu, m.line + 1]), [[1, 36]]);
  assert.match(data.summary, /3 accesses, 1 stale; 6\/6 expectations hold/);
  // self-contained: script and style inline, nothing to fetch, and a CSP that would refuse it anyway
  assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href=|@import|url\((?!#)/);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.match(html, /<style>[^]*\.entry\.stale/);
  assert.ok(html.length < 200_000, `${html.length} bytes`);
});

test('the page data cannot end its script element, whatever the scenario says', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlbscn-html-'));
  const file = path.join(dir, 'x.tlbscn');
  fs.writeFileSync(file, fs.readFileSync(path.join(root, seed), 'utf8').replace('# key access', '# </script><script>alert(1)</script>'));
  const out = path.join(dir, 'x.html');
  assert.equal(tlbscn('run', file, '--html', out).code, 0);
  const html = fs.readFileSync(out, 'utf8');
  assert.equal(html.match(/<\/script>/g)?.length, 2, 'the data script and the page script end, nothing else');
  assert.match(dataOf(html).lines.join('\n'), /<\/script><script>alert\(1\)<\/script>/);
});

test('explore --html writes the counterexample\'s run; a search with none writes nothing', () => {
  const out = outFile('race.html');
  const r = tlbscn('explore', 'sample-scenarios/early-clear-race.tlbscn', '--kernel', 'early-clear', '--html', out);
  assert.equal(r.code, 1, r.err);
  const data = dataOf(fs.readFileSync(out, 'utf8'));
  assert.equal(data.kernel, 'early-clear');
  assert.ok(data.timeline.marks.some((m) => m.kind === 'stale'));
  const none = outFile('none.html');
  const fixed = tlbscn('explore', 'sample-scenarios/early-clear-race.tlbscn', '--kernel', 'fixed', '--html', none);
  assert.equal(fixed.code, 0);
  assert.match(fixed.err, /no stale schedule: .*none\.html not written/);
  assert.equal(fs.existsSync(none), false);
});

test('--html needs a path it can write', () => {
  assert.equal(tlbscn('run', seed, '--html').code, 2);
  const r = tlbscn('run', seed, '--html', path.join(os.tmpdir(), 'no-such-dir-tlbscn', 'x.html'));
  assert.equal(r.code, 2);
  assert.match(r.err, /cannot write the report \(ENOENT\)/);
  assert.match(tlbscn('check', seed, '--html', 'x.html').err, /unknown option '--html'/);
});
