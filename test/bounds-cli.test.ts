// Issue 13's worst cases through `tlbscn run` (the bundled CLI, after
// `npm run build`), each under a heap limit that the unbounded code passed:
// 4,000 declared guests took 1.6 GB; 3,000 sweeping moves ran out of heap.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { manyGuestsScenario, sweepingMovesScenario } from '../bench/generate';

const root = path.join(__dirname, '..');

/** `tlbscn run FILE` in a node whose heap may not pass `heapMiB`. */
function runWithin(heapMiB: number, text: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlbscn-bounds-'));
  const file = path.join(dir, 'case.tlbscn');
  fs.writeFileSync(file, text);
  try {
    const r = spawnSync(process.execPath, [`--max-old-space-size=${heapMiB}`, path.join(root, 'bin', 'tlbscn.js'), 'run', file], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
      maxBuffer: 1 << 28,
      timeout: 300_000,
    });
    return { code: r.status, signal: r.signal, out: r.stdout, err: r.stderr.split(file).join('FILE') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('4,000 guests of 1,024 vcpus on the largest machine run within a 150 MB heap', () => {
  const r = runWithin(150, manyGuestsScenario() + 'run g3999.vcpu1023 on cpu8191\n');
  assert.equal(r.code, 0, `${r.signal ?? ''} ${r.err.slice(-400)}`);
  assert.match(r.out, /0 accesses, 0 stale; 0\/0 expectations hold/);
});

test('a recorded run of 3,000 sweeping moves stops at its bound with a runtime error (exit 2), within a 1.5 GB heap', () => {
  const r = runWithin(1536, sweepingMovesScenario());
  assert.equal(r.code, 2, `${r.signal ?? ''} ${r.err.slice(-400)}`);
  assert.doesNotMatch(r.err, /heap out of memory/);
  // the first two runs take 4 and 6 steps, each later one 4,103 (its entry sweeps 4,096 sets): the 2 M-th falls in the 490th run, line 492
  assert.match(r.err, /^FILE:492:1: error: the run stopped after 2000000 recorded micro-steps: .*\(outcomes-only runs have no such bound\)$/m);
  assert.match(r.out, /1 runtime error/);
});
