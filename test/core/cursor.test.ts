// Time travel: the state after n steps reached by seeking forward, backward
// or from afar is the same as a fresh run stopped after n steps.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TraceCursor, analyze, plainState, simulate, type MachineState } from '../../core/src/index';

/** An absent field and an undefined one are the same state. */
function plain(s: MachineState): unknown {
  return JSON.parse(JSON.stringify(plainState(s)));
}

const dir = path.join(__dirname, '..', '..', 'sample-scenarios');
for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.tlbscn'))) {
  test(`${f}: seeking forward and back is exact`, () => {
    const { scenario } = analyze(fs.readFileSync(path.join(dir, f), 'utf8'));
    const run = simulate(scenario);
    const reference: unknown[] = [];
    const walk = new TraceCursor(scenario, run.steps);
    for (let n = 0; n <= run.steps.length; n++) {
      walk.seek(n);
      reference.push(plain(walk.state));
    }
    const cursor = new TraceCursor(scenario, run.steps);
    cursor.seek(run.steps.length);
    for (let n = run.steps.length; n >= 0; n--) {
      cursor.seek(n);
      assert.deepEqual(plain(cursor.state), reference[n], `after ${n} steps, going back`);
    }
    // jumps
    for (const n of [run.steps.length, 3, run.steps.length - 1, 0, 7]) {
      const k = Math.max(0, Math.min(run.steps.length, n));
      cursor.seek(k);
      assert.deepEqual(plain(cursor.state), reference[k]);
    }
    cursor.seek(run.steps.length);
    assert.equal(cursor.position, run.steps.length);
  });
}
