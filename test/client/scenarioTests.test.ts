// The Testing view's plan and verdicts (client/src/scenarioTests.ts), without VS Code:
// one test per kernel variant a scenario names, failures at the failing line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { planTests, runTest } from '../../client/src/scenarioTests';

const seed = readFileSync(path.join(__dirname, '..', '..', 'sample-scenarios', 'seed-a29ebeaf.tlbscn'), 'utf8');

test('the seed: its own variant checks the expect lines, the # outcomes: line adds the others', () => {
  const plan = planTests(seed);
  assert.deepEqual(plan.map((t) => [t.kernel, t.expects, t.keyOutcome]), [
    ['buggy', true, 'stale'],
    ['early-clear', false, 'fault'],
    ['fixed', false, 'fault'],
    ['v5.2', false, 'fault'],
    ['fixed-smt8', false, 'fault'],
    ['v5.17', false, 'fault'],
  ]);
  for (const t of plan) assert.deepEqual(runTest(seed, t), { errors: [], failures: [] }, t.kernel);
});

test('a scenario without expect lines holds no test; without a kernel line it runs under the fallback', () => {
  const head = 'machine cores 1 threads 1\nguest vm vcpus 1\ntask X in vm pages p\nrun vm.vcpu0 on cpu0\nschedule X on vm.vcpu0\naccess X p\n';
  assert.deepEqual(planTests(head), []);
  assert.deepEqual(planTests(`${head}expect miss\n`, 'buggy').map((t) => t.kernel), ['buggy']);
});

test('a failing expect is reported at its line; a file with errors is an error, not a failure', () => {
  const wrong = seed.replace(/expect stale/, 'expect hit');
  const [buggy] = planTests(wrong);
  const verdict = runTest(wrong, buggy);
  assert.equal(verdict.failures.length, 1);
  assert.equal(verdict.failures[0].range.start.line, 36);
  const broken = seed.replace('access X p  ', 'acess X p   ');
  assert.ok(runTest(broken, buggy).errors.length > 0);
});
