// The Testing view's plan and verdicts (client/src/scenarioTests.ts), without VS Code:
// one test per kernel variant a scenario names, failures at the failing line;
// saved schedules replayed; explore tests judged against an `# explore:` line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { analyze, explore } from '../../core/src/index';
import { judgeExplore, parseScheduleFile, planExploreTests, planTests, runScheduleTest, runTest } from '../../client/src/scenarioTests';

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

const sample = (name: string) => readFileSync(path.join(__dirname, '..', '..', 'sample-scenarios', name), 'utf8');

test('a saved schedule: a stale one must read a stale entry again; any other keeps the expect lines', () => {
  const race = sample('early-clear-race.tlbscn');
  const { scenario } = analyze(race);
  const found = explore(scenario, 'early-clear').counterexample!;
  const stale = parseScheduleFile(JSON.stringify({ file: 'early-clear-race.tlbscn', kernel: 'early-clear', schedule: found.schedule, stale: 1 }));
  assert.ok(!('error' in stale));
  assert.deepEqual(runScheduleTest(race, stale), { errors: [], failures: [] });
  // the race is gone under fixed: the schedule no longer reproduces what it was saved for
  const [gone] = runScheduleTest(race, { ...stale, kernel: 'fixed' }).failures;
  assert.match(gone.message, /^fixed: the schedule was saved with 1 stale access; its replay reads no stale entry$/);
  // the nearest safe schedule, saved with stale 0: the scenario's `expect stale` (written for the default schedule) fails
  const safe = runScheduleTest(race, { file: 'early-clear-race.tlbscn', schedule: found.race!.safeSchedule, stale: 0 });
  assert.equal(safe.failures.length, 1);
  assert.equal(safe.failures[0].range.start.line, 35);
  assert.deepEqual(parseScheduleFile('{"file": "x.tlbscn", "schedule": [1, "2"]}'), { error: "not a schedule file: 'schedule' must be a list of cpu numbers" });
  assert.deepEqual(parseScheduleFile('{"schedule": []}'), { error: "not a schedule file: 'file' must name the scenario" });
  assert.deepEqual(parseScheduleFile('{"file": "x", "kernel": "nosuch", "schedule": []}'), { error: "unknown kernel variant 'nosuch'" });
});

test('explore tests: a block and no expect; one per # explore: variant, else the own variant, reporting the verdict', () => {
  const lost = sample('races/lost-update.tlbscn');
  assert.deepEqual(planExploreTests(lost).map((t) => [t.kernel, t.expected, t.line]), [['fixed', undefined, 22]]);
  const headed = `# explore: early-clear=none fixed=stale buggy=maybe\n${lost}`;
  assert.deepEqual(planExploreTests(headed).map((t) => [t.kernel, t.expected, t.line]), [['early-clear', 'none', 0], ['fixed', 'stale', 0]]);
  // a scenario with expect lines is tested by them, not explored
  assert.deepEqual(planExploreTests(sample('early-clear-race.tlbscn')), []);
  assert.deepEqual(planExploreTests(seed), []);
  const [early, fixed] = planExploreTests(headed);
  assert.deepEqual(judgeExplore(fixed, { verdict: 'stale', summary: 'fixed: a stale schedule' }), { status: 'passed', message: 'fixed: a stale schedule' });
  assert.deepEqual(judgeExplore(early, { verdict: 'stale', summary: 'early-clear: a stale schedule' }), { status: 'failed', message: 'early-clear: the # explore: line says none; early-clear: a stale schedule' });
  assert.equal(judgeExplore(early, { verdict: 'no verdict', summary: 'truncated' }).status, 'errored');
  assert.equal(judgeExplore(planExploreTests(lost)[0], { verdict: 'none', summary: 'none' }).status, 'passed');
});
