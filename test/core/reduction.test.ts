// Partial-order reduction (core/src/explorer/independence.ts) must not change
// a verdict (and the same least stall): on generated blocks, the reduced search finds a stale schedule
// exactly when the full search does, and what it finds replays.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { KERNEL_NAMES, type KernelName, type Scenario, analyze, explore, runSchedule } from '../../core/src/index';

const LIMIT = 20_000;

interface Block {
  threads: 2 | 4;
  first: number;
  second: number;
  current: 0 | 1;
  lanes: { cpu: number; events: string[] }[];
  after: string;
}

/** What a lane on `cpu` may do (a lane runs vcpus on its own cpu only). */
const pool = (cpu: number) => [`run vm.vcpu0 on cpu${cpu}`, `run vm.vcpu1 on cpu${cpu}`, `run vm.vcpu2 on cpu${cpu}`, 'access X A', 'access X B', 'expect hit'];

const blockArb: fc.Arbitrary<Block> = fc
  .record({
    threads: fc.constantFrom(2 as const, 4 as const),
    placement: fc.tuple(fc.nat(7), fc.nat(7)),
    current: fc.constantFrom(0 as const, 1 as const),
    laneCpus: fc.uniqueArray(fc.nat(7), { minLength: 2, maxLength: 3 }),
    seeds: fc.array(fc.array(fc.nat(5), { minLength: 1, maxLength: 2 }), { minLength: 3, maxLength: 3 }),
    after: fc.constantFrom('access X A', 'access X B', 'run vm.vcpu2 on cpu0\nschedule X on vm.vcpu2\naccess X A'),
  })
  .map(({ threads, placement, current, laneCpus, seeds, after }) => {
    const cpus = threads * 2;
    const first = placement[0] % cpus;
    const second = (first + 1 + (placement[1] % (cpus - 1))) % cpus;
    const lanes = [...new Set(laneCpus.map((c) => c % cpus))].map((cpu, i) => ({
      cpu,
      events: seeds[i].map((k) => pool(cpu)[k]),
    }));
    return { threads, first, second, current, lanes, after };
  });

function scenarioText(b: Block, kernel: string): string {
  return [
    `machine cores 2 threads ${b.threads}`,
    `kernel ${kernel}`,
    'guest vm radix vcpus 3',
    'task X in vm pages A B',
    `run vm.vcpu0 on cpu${b.first}`,
    `run vm.vcpu1 on cpu${b.second}`,
    `schedule X on vm.vcpu${b.current}`,
    'access X A',
    'access X B',
    'concurrently {',
    ...b.lanes.map((l) => `  cpu${l.cpu}: ${l.events.join(' ; ')}`),
    '}',
    'unmap X A',
    b.after,
  ].join('\n');
}

/** The reduced search's verdict is the full search's; a stale schedule it finds replays. Undefined when the full search is cut short. */
function compare(scenario: Scenario, kernel: KernelName, what: string): { reduced: number; full: number } | undefined {
  const full = explore(scenario, kernel, { limit: LIMIT, reduce: false });
  if (full.truncated) return undefined;
  const reduced = explore(scenario, kernel, { limit: LIMIT });
  assert.equal(reduced.truncated, false);
  assert.equal(!!reduced.counterexample, !!full.counterexample, `${kernel}: ${what}`);
  if (reduced.counterexample) {
    const replay = runSchedule(scenario, reduced.counterexample.schedule, kernel);
    assert.deepEqual(replay.errors, []);
    assert.ok(replay.stale > 0);
    // the least stall, found with the reduction in its bounded searches, is the full search's
    assert.equal(reduced.counterexample.run.stall.steps, full.counterexample!.run.stall.steps, `${kernel}: least stall, ${what}`);
  }
  return { reduced: reduced.states, full: full.states };
}

/** Calls `check` on 40 generated blocks (a fixed seed), each under every variant where it has no errors. */
function forEveryBlock(seed: number, check: (scenario: Scenario, kernel: KernelName, what: string) => void): void {
  fc.assert(
    fc.property(blockArb, (block) => {
      for (const kernel of KERNEL_NAMES) {
        const { scenario, hasErrors } = analyze(scenarioText(block, kernel));
        if (hasErrors) return;
        check(scenario, kernel, `\n${scenarioText(block, kernel)}`);
      }
    }),
    { numRuns: 40, seed },
  );
}

/** A block's lanes in the other order: the reduction prefers the first lane it can take. */
function lanesSwapped(text: string): string {
  return text.replace(/(concurrently \{\n)([^\n]*\n)([^\n]*\n)/, '$1$3$2');
}

test('the reduced search and the full search agree on the sample races, under every variant', () => {
  const root = path.join(__dirname, '..', '..', 'sample-scenarios');
  const files = ['early-clear-race.tlbscn', 'ipi-race.tlbscn', 'races/lost-update.tlbscn'];
  const texts = files.flatMap((file) => {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    assert.notEqual(lanesSwapped(text), text);
    return [
      [file, text],
      [`${file}, lanes swapped`, lanesSwapped(text)],
    ];
  });
  for (const [file, text] of texts) {
    const { scenario } = analyze(text);
    for (const kernel of KERNEL_NAMES) {
      const states = compare(scenario, kernel, file);
      assert.ok(states, `${file} under ${kernel}: the full search finishes`);
      assert.ok(states.reduced <= states.full, `${file} under ${kernel}: ${states.reduced} states reduced, ${states.full} full`);
    }
  }
});

test('the reduced search and the full search agree on every generated block, under every variant', () => {
  let compared = 0;
  let fewer = 0;
  forEveryBlock(20261125, (scenario, kernel, what) => {
    const states = compare(scenario, kernel, what);
    if (!states) return;
    compared++;
    if (states.reduced < states.full) fewer++;
  });
  assert.ok(compared > 80, `${compared} comparisons`);
  assert.ok(fewer > 0, 'the reduction reduces somewhere');
});

/** Sleep sets (explore.ts) skip steps that only lead where a sibling branch went: the same states, the same verdict, no more steps. */
function compareSleep(scenario: Scenario, kernel: KernelName, what: string): { with: number; without: number } | undefined {
  const without = explore(scenario, kernel, { limit: LIMIT, sleepSets: false, symmetry: false });
  if (without.truncated) return undefined;
  const withSleep = explore(scenario, kernel, { limit: LIMIT, symmetry: false });
  assert.equal(!!withSleep.counterexample, !!without.counterexample, `${kernel}: ${what}`);
  if (!without.counterexample) assert.equal(withSleep.states, without.states, `${kernel}: the same states, ${what}`);
  else assert.ok(runSchedule(scenario, withSleep.counterexample!.schedule, kernel).stale > 0);
  return { with: withSleep.stats.transitions, without: without.stats.transitions };
}

test('sleep sets store the same states and reach the same verdicts, in fewer steps, on generated blocks and the lost-update race', () => {
  let fewer = 0;
  forEveryBlock(20261130, (scenario, kernel, what) => {
    const steps = compareSleep(scenario, kernel, what);
    if (steps && steps.with < steps.without) fewer++;
  });
  assert.ok(fewer > 0, 'sleep sets save steps somewhere');
  // the lost-update race with 4 lanes (no stale schedule under early-clear): every state, far fewer steps
  const text = fs.readFileSync(path.join(__dirname, '..', '..', 'sample-scenarios', 'races', 'lost-update.tlbscn'), 'utf8');
  const { scenario } = analyze(text);
  for (const kernel of KERNEL_NAMES) {
    const steps = compareSleep(scenario, kernel, 'lost-update');
    assert.ok(steps && steps.with <= steps.without, `lost-update under ${kernel}`);
  }
});
