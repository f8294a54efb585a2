// The explorer over concurrently blocks: S8 (early-clear) has a stale
// schedule and fixed has none; a found schedule replays to the same stale
// access; every schedule it reports is a real interleaving.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, explore, runSchedule, simulate } from '../../core/src/index';

const read = (f: string) => fs.readFileSync(path.join(__dirname, '..', '..', 'sample-scenarios', f), 'utf8');

test('S8: early-clear has a stale schedule, and it replays', () => {
  const { scenario } = analyze(read('early-clear-race.tlbscn'));
  const r = explore(scenario, 'early-clear');
  assert.ok(r.counterexample);
  const replay = runSchedule(scenario, r.counterexample.schedule, 'early-clear');
  assert.deepEqual(
    replay.accesses.map((a) => a.outcome),
    r.counterexample.run.accesses.map((a) => a.outcome),
  );
  assert.ok(replay.stale > 0);
});

test('S8: fixed and fixed-smt8 have no stale schedule; the search is exhaustive', () => {
  const { scenario } = analyze(read('early-clear-race.tlbscn'));
  for (const k of ['fixed', 'fixed-smt8'] as const) {
    const r = explore(scenario, k);
    assert.equal(r.counterexample, undefined, k);
    assert.equal(r.truncated, false);
    assert.ok(r.schedules > 10 && r.states > 10, `${k}: ${r.schedules} schedules, ${r.states} states`);
  }
});

test('S6: the IPI/entry Dekker pair never misses under fixed', () => {
  const r = explore(analyze(read('ipi-race.tlbscn')).scenario, 'fixed');
  assert.equal(r.counterexample, undefined);
});

/** Two guests, one task each, each on its own cpu of one core. */
const TWO_GUESTS_RUNNING = [
  'machine cores 1 threads 2',
  'guest a vcpus 1',
  'guest b vcpus 1',
  'task X in a pages P',
  'task Y in b pages Q',
  'run a.vcpu0 on cpu0',
  'run b.vcpu0 on cpu1',
  'schedule X on a.vcpu0',
  'schedule Y on b.vcpu0',
];

test('two lanes of two steps that do not commute: all six interleavings are tried', () => {
  const text = [
    ...TWO_GUESTS_RUNNING,
    'concurrently {',
    // each map takes the next frame of one machine-wide counter: order matters
    '  cpu0: map X P ; map X P',
    '  cpu1: map Y Q ; map Y Q',
    '}',
  ].join('\n');
  const r = explore(analyze(text).scenario, 'fixed');
  assert.equal(r.counterexample, undefined);
  assert.equal(r.schedules, 6);
});

test('steps that commute reach one state: the explorer prunes the repeat', () => {
  const text = [
    ...TWO_GUESTS_RUNNING,
    'concurrently {',
    '  cpu0: access X P ; unmap X P none',
    '  cpu1: access Y Q ; unmap Y Q none',
    '}',
  ].join('\n');
  const r = explore(analyze(text).scenario, 'fixed');
  assert.ok(r.schedules < 6, `${r.schedules} schedules`);
});

test('v2: a guest event whose vcpu never enters the guest waits; with nothing else to run, a deadlock naming the lane', () => {
  const text = [
    'machine cores 1 threads 2',
    'guest vm vcpus 2',
    'task X in vm pages P',
    'run vm.vcpu0 on cpu0',
    'concurrently {',
    '  cpu0: access X P',
    '}',
  ].join('\n');
  const { scenario, hasErrors } = analyze(text);
  assert.equal(hasErrors, false);
  const run = runSchedule(scenario, [], 'fixed');
  assert.equal(run.errors.length, 1);
  assert.match(run.errors[0].message, /^deadlock: cpu0 waits for X to be scheduled on a vcpu; nothing runs it$/);
  assert.equal(run.errors[0].line, 4, 'at the block');
  const r = explore(scenario, 'fixed');
  assert.equal(r.counterexample, undefined);
  assert.match(r.error?.message ?? '', /deadlock/);
});

test('S15: the explorer finds the lost update under fixed, a model-level race (least stall = tlb-sets), and explains it; early-clear keeps the request', () => {
  const { scenario } = analyze(read('races/lost-update.tlbscn'));
  const fixed = explore(scenario, 'fixed');
  assert.ok(fixed.counterexample, 'fixed has a stale schedule');
  assert.deepEqual(fixed.counterexample.run.errors, []);
  assert.deepEqual(fixed.counterexample.run.stall, { steps: 4, cpu: 0, line: 29 });
  assert.equal(fixed.counterexample.leastStall, true, 'proven: nothing within stall 3');
  const stale = fixed.counterexample.run.accesses.find((a) => a.outcome === 'stale');
  assert.match(stale?.explanation ?? '', /set again when vm\.vcpu5 left, while cpu0 was still sweeping .* the new request was lost/);
  const bounded = explore(scenario, 'fixed', { maxStall: 3 });
  assert.equal(bounded.counterexample, undefined, 'nothing within stall 3');
  assert.equal(bounded.truncated, false, 'a stall bound is not a cut-short search');
  const early = explore(scenario, 'early-clear');
  assert.equal(early.counterexample, undefined);
  assert.equal(early.truncated, false);
});

test('S17: v5.17 loses a request with cpu0 held one micro-step; fixed does not', () => {
  const { scenario } = analyze(read('races/v5.17-lost-request.tlbscn'));
  const r = explore(scenario, 'v5.17', { maxStall: 2 });
  assert.ok(r.counterexample);
  assert.equal(r.counterexample.run.stall.steps, 1);
  assert.equal(r.maxStall, 2);
  const stale = r.counterexample.run.accesses.find((a) => a.outcome === 'stale');
  assert.match(stale?.explanation ?? '', /ptesync only, no sweep.*cleared its own bit 0/);
  assert.equal(explore(scenario, 'v5.17', { maxStall: 0 }).counterexample, undefined, 'not with cpu0 never held');
  assert.equal(explore(scenario, 'fixed').counterexample, undefined);
});

test('S8: the early-clear race needs a stall of 1, and stall 0 excludes it', () => {
  const { scenario } = analyze(read('early-clear-race.tlbscn'));
  assert.equal(explore(scenario, 'early-clear').counterexample?.run.stall.steps, 1);
  assert.equal(explore(scenario, 'early-clear', { maxStall: 0 }).counterexample, undefined);
});

test('a run of one vcpu in two lanes at once is serialised (v2: a run waits while the vcpu enters elsewhere), never an error', () => {
  const { scenario } = analyze(read('races/lost-update.tlbscn'));
  const run = simulate(scenario, 'fixed');
  assert.deepEqual(run.errors, []);
});

test('a time bound cuts the search short: truncated, no verdict', () => {
  const { scenario } = analyze(read('races/lost-update.tlbscn'));
  const r = explore(scenario, 'early-clear', { maxTime: 1 });
  assert.equal(r.counterexample, undefined);
  assert.equal(r.truncated, true);
  assert.equal(r.stoppedBy, 'time');
});

test('race pinpointing: the nearest safe schedule replays without a stale access, and names the two steps that trade places', () => {
  for (const [file, kernel, summary] of [
    ['early-clear-race.tlbscn', 'early-clear', /^stale iff cpu1's access X D \(line 34\) runs before cpu2's flush of set 3 \(line 33\)$/],
    ['races/v5.17-lost-request.tlbscn', 'v5.17', /^stale iff cpu5's radix_flush_cpu \(line 31\) runs before cpu0's clear of need_tlb_flush\[0\] \(line 30\)$/],
  ] as const) {
    const { scenario } = analyze(read(file));
    const r = explore(scenario, kernel);
    const race = r.counterexample?.race;
    assert.ok(race, file);
    assert.match(race.summary, summary);
    const safe = runSchedule(scenario, race.safeSchedule, kernel);
    assert.equal(safe.stale, 0);
    assert.deepEqual(safe.errors, []);
    // it parts from the stale schedule only at the decision it names
    assert.deepEqual(race.safeSchedule.slice(0, race.decision), r.counterexample!.schedule.slice(0, race.decision));
  }
});

test('a schedule prefix: the search runs from where those choices lead; the safe side of the race has no stale schedule left', () => {
  const { scenario } = analyze(read('early-clear-race.tlbscn'));
  const whole = explore(scenario, 'early-clear');
  const race = whole.counterexample!.race!;
  for (let k = 0; k <= race.decision; k++) {
    const prefix = whole.counterexample!.schedule.slice(0, k);
    const r = explore(scenario, 'early-clear', { prefix });
    assert.deepEqual(r.counterexample?.schedule.slice(0, k), prefix, `prefix of ${k}`);
    assert.equal(r.counterexample?.run.stall.steps, 1);
  }
  // once the safe lane has gone first at the race's decision, nothing is stale any more: an exhaustive "none"
  const past = explore(scenario, 'early-clear', { prefix: race.safeSchedule.slice(0, race.decision + 1) });
  assert.equal(past.counterexample, undefined);
  assert.equal(past.truncated, false);
  assert.throws(() => explore(scenario, 'early-clear', { prefix: [7] }), /choice 1, cpu7, is no lane ready there/);
});
