// Issue 13, bounded work: the machine state grows with what a run does, not
// with guests × cpus × vcpus declared; a recorded run stops with a runtime
// error at its bound of micro-steps, where an outcomes-only run goes on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Simulation,
  TraceCursor,
  analyze,
  applyChanges,
  cloneState,
  initialState,
  plainState,
  roundRobin,
  simulate,
  variantFor,
  type MachineState,
  type MicroStep,
  type RunResult,
  type Scenario,
} from '../../core/src/index';
import { manyGuestsScenario, sweepingMovesScenario } from '../../bench/generate';

function checked(text: string): Scenario {
  const r = analyze(text);
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  return r.scenario;
}

/** An absent field and an undefined one are the same state. */
function plain(s: MachineState): unknown {
  return JSON.parse(JSON.stringify(plainState(s)));
}

function outcomes(r: RunResult) {
  return {
    accesses: r.accesses.filter((a) => a.outcome === 'stale').map((a) => [a.line, a.task, a.page, a.cpu, a.explanation ?? '']),
    expectations: r.expectations.map((e) => [e.line, e.passed, e.message]),
    errors: r.errors.map((e) => [e.line, e.message]),
    outcomes: r.outcomes,
  };
}

test('4,000 guests of 1,024 vcpus on 8,192 cpus: the run makes no state per declared vcpu or per guest × cpu', () => {
  const scenario = checked(manyGuestsScenario() + 'run g7.vcpu5 on cpu9\nrun g7.vcpu5 on cpu17\nexpect need_tlb_flush g7 core1 set\n');
  // a move from core1 marks core1's first thread (a29ebeaf's round to the core)
  const heap0 = process.memoryUsage().heapUsed;
  const recorded = new Simulation(scenario, variantFor(scenario));
  const run = recorded.runAll();
  const quiet = new Simulation(scenario, variantFor(scenario), { record: false });
  quiet.runAll();
  // both states alive: each was 0.8 GB when every guest had an array per cpu and an object per vcpu
  const grown = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
  assert.ok(grown < 150, `the runs grew the heap by ${grown.toFixed(0)} MB`);
  assert.deepEqual(run.errors, []);
  assert.deepEqual(
    run.expectations.map((e) => e.passed),
    [true],
  );
  for (const sim of [recorded, quiet]) {
    const g7 = sim.state.guests.get('g7')!;
    const idle = [...sim.state.guests.values()].filter((g) => g !== g7);
    // every guest that never ran shares one all-clear array
    const clear = idle[0].needTlbFlush;
    assert.ok(clear.length === 8192 && clear.every((b) => b === false));
    assert.ok(idle.every((g) => g.needTlbFlush === clear && g.cpuInGuest === clear));
    assert.equal(g7.needTlbFlush[8], true);
    assert.equal(g7.cpuInGuest[17], true);
    assert.equal(g7.cpuInGuest[9], false);
  }
});

test('the readers see every declared vcpu and every bit, the same objects the kernel changed', () => {
  const scenario = checked('machine cores 4 threads 2\nguest vm vcpus 6\nguest other vcpus 3\ntask T in vm pages p\nrun vm.vcpu4 on cpu3\nschedule T on vm.vcpu4\n');
  const sim = new Simulation(scenario, variantFor(scenario));
  sim.runAll();
  const vm = sim.state.guests.get('vm')!;
  assert.equal(vm.vcpus.length, 6);
  assert.deepEqual(
    vm.vcpus.map((v) => [v.index, v.cpu, v.task]),
    [
      [0, -1, undefined],
      [1, -1, undefined],
      [2, -1, undefined],
      [3, -1, undefined],
      [4, 3, 'T'],
      [5, -1, undefined],
    ],
  );
  assert.equal(vm.vcpus[4], vm.vcpu(4));
  assert.equal(sim.state.guests.get('other')!.vcpus.length, 3);
  assert.deepEqual([...vm.cpuInGuest], [false, false, false, true, false, false, false, false]);
});

/**
 * Many guests, moves across cores (marks and IPIs), an HPT guest's host
 * tlbiel (which marks every thread), vcpus first named in different orders.
 */
const JOURNAL = [
  'machine cores 8 threads 4',
  ...Array.from({ length: 40 }, (_, g) => `guest r${g} radix vcpus 64`),
  'guest h hpt vcpus 1',
  'task T in r3 pages a b',
  'task H in h pages x',
  'run r3.vcpu63 on cpu0',
  'run r3.vcpu1 on cpu1',
  'schedule T on r3.vcpu63',
  'access T a',
  'run r3.vcpu63 on cpu5',
  'run r17.vcpu2 on cpu0',
  'access T b',
  'unmap T a',
  'run r3.vcpu63 on cpu9',
  'run h.vcpu0 on cpu12',
  'schedule H on h.vcpu0',
  'access H x',
  'unmap H x',
  'run h.vcpu0 on cpu20',
  'concurrently {',
  '  cpu1: run r3.vcpu1 on cpu1',
  '  cpu0: run r17.vcpu2 on cpu0',
  '}',
  'stop r3.vcpu63',
  'expect need_tlb_flush h cpu0 set',
].join('\n');

test('the change journal stays exact: seeking to the end, back to the start and anywhere matches the run', () => {
  const scenario = checked(JOURNAL);
  const sim = new Simulation(scenario, variantFor(scenario));
  const run = sim.runAll();
  assert.deepEqual(run.errors, []);
  assert.ok(run.expectations.every((e) => e.passed));
  const cursor = new TraceCursor(scenario, run.steps);
  const forward: unknown[] = [];
  for (let n = 0; n <= run.steps.length; n++) {
    cursor.seek(n);
    forward.push(plain(cursor.state));
  }
  assert.deepEqual(forward[run.steps.length], plain(sim.state));
  assert.deepEqual(forward[0], plain(initialState(scenario)));
  for (const n of [run.steps.length, 0, 17, 5, run.steps.length - 3, 1]) {
    cursor.seek(n);
    assert.deepEqual(plain(cursor.state), forward[n], `at step ${n}`);
  }
});

test('a cloned state shares nothing mutable, the all-clear array included', () => {
  const scenario = checked(JOURNAL);
  const run = simulate(scenario);
  const start = initialState(scenario);
  const copy = cloneState(start);
  const before = plain(start);
  for (const step of run.steps) applyChanges(copy, step.changes);
  assert.deepEqual(plain(start), before);
  assert.ok([...start.guests.values()].every((g) => g.needTlbFlush.every((b) => !b) && g.cpuInGuest.every((b) => !b)));
  // and a clone of a state in mid-run carries its written bits and vcpus
  const again = cloneState(copy);
  assert.deepEqual(plain(again), plain(copy));
});

test('a run resumed from a checkpoint finds the vcpus its state holds (a cpu’s current vcpu)', () => {
  const text = [
    'machine cores 4 threads 2',
    'guest a radix vcpus 200',
    'guest b radix vcpus 2',
    'task T in a pages p',
    'run a.vcpu150 on cpu0',
    'schedule T on a.vcpu150',
    'access T p',
    'run b.vcpu1 on cpu0',
    'run a.vcpu150 on cpu4',
    'access T p',
    'expect miss',
    'expect need_tlb_flush a cpu0 set',
  ].join('\n');
  const scenario = checked(text);
  const full = simulate(scenario, 'fixed', { record: false });
  assert.deepEqual(
    full.expectations.map((e) => e.passed),
    [true, true],
  );
  for (const at of [1, 2, 3, 4]) {
    const sim = new Simulation(scenario, variantFor(scenario, 'fixed'), { record: false });
    scenario.program.slice(0, at).forEach((item) => sim.runItem(item, roundRobin));
    // resumed before b.vcpu1 preempts a.vcpu150 on cpu0, the new kernel meets a.vcpu150 first in the state
    const resumed = Simulation.resume(scenario, sim.checkpoint(at));
    assert.deepEqual(outcomes(resumed.runFrom(at)), outcomes(full), `resumed before item ${at}`);
  }
});

test('a recorded run stops at its bound with a runtime error at the event that reached it; outcomes-only runs go on', () => {
  const text = sweepingMovesScenario(12) + 'expect need_tlb_flush vm cpu0 set\n';
  const scenario = checked(text);
  const bound = 10_000;
  const whole = simulate(scenario);
  assert.ok(whole.steps.length > bound && whole.errors.length === 0);
  const run = simulate(scenario, undefined, { maxRecordedSteps: bound });
  assert.equal(run.steps.length, bound);
  assert.equal(run.microSteps, bound);
  const said = (steps: readonly MicroStep[]) => steps.map((st) => `${st.index} ${st.line} ${st.text}`).join('\n');
  assert.equal(said(run.steps), said(whole.steps.slice(0, bound)));
  assert.equal(run.errors.length, 1);
  const [e] = run.errors;
  // the event whose next step would be the bound's first one past
  assert.equal(e.line, whole.steps[bound].line);
  assert.deepEqual(e.range.start, { line: e.line, character: 0 });
  assert.equal(e.afterStep, bound - 1);
  assert.match(e.message, /^the run stopped after 10000 recorded micro-steps: .*\(outcomes-only runs have no such bound\)$/);
  assert.equal(run.events, whole.steps[bound].event + 1);
  assert.deepEqual(run.expectations, [], 'nothing after the stop is checked');

  const quiet = simulate(scenario, undefined, { record: false, maxRecordedSteps: bound });
  assert.deepEqual(quiet.errors, []);
  assert.equal(quiet.microSteps, whole.microSteps);
  assert.equal(quiet.expectations.length, 1);
});

test('the bound holds inside a concurrently block: the error is at the lane’s event, and the run stops there', () => {
  const text = [
    'machine cores 2 threads 2 tlb-sets 4096',
    'guest vm vcpus 2',
    'run vm.vcpu0 on cpu0',
    'run vm.vcpu0 on cpu2',
    'run vm.vcpu0 on cpu0',
    'concurrently {',
    '  cpu2: run vm.vcpu1 on cpu2',
    '  cpu1: run vm.vcpu0 on cpu1',
    '}',
    'run vm.vcpu1 on cpu3',
  ].join('\n');
  const scenario = checked(text);
  const whole = simulate(scenario);
  assert.deepEqual(whole.errors, []);
  const blockStart = whole.steps.findIndex((s) => s.lane !== undefined);
  const bound = blockStart + 100;
  assert.equal(whole.steps[bound].lane !== undefined, true, 'the bound falls inside the block');
  const run = simulate(scenario, undefined, { maxRecordedSteps: bound });
  assert.equal(run.steps.length, bound);
  assert.equal(run.errors.length, 1);
  assert.equal(run.errors[0].line, whole.steps[bound].line);
  assert.match(run.errors[0].message, /^the run stopped after \d+ recorded micro-steps/);
  assert.ok(run.steps.every((s) => s.line <= 7), 'the event after the block did not run');
});
