// Symmetry reduction (core/src/explorer/symmetry.ts) must not change a
// verdict: with interchangeable threads keyed as one, the search finds a
// stale schedule exactly when the plain search does, with the same least
// stall, in no more states, and what it finds replays as found.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import {
  type ConcurrentlyBlock,
  KERNEL_NAMES,
  type KernelName,
  type LaneState,
  type Op,
  type RunEvent,
  type Scenario,
  type SimpleEvent,
  Simulation,
  analyze,
  explore,
  plainState,
  roundRobin,
  runSchedule,
  variantFor,
  vcpuName,
} from '../../core/src/index';
import { StateStore } from '../../core/src/explorer/stateStore';
import { Symmetry } from '../../core/src/explorer/symmetry';
import { earlyClearShape } from '../../bench/generate';

const LIMIT = 30_000;

/** The interchangeable cpus found in each block, as cpu lists. */
function classes(text: string, kernel: KernelName): number[][] {
  const { scenario } = analyze(text);
  return Symmetry.detect(scenario, variantFor(scenario, kernel))?.classes().map((k) => k.cpus) ?? [];
}

/**
 * The symmetric search agrees with the plain one (both with or without the
 * partial-order reduction, and under a stall bound when given): same verdict,
 * same least stall, no more states, and its schedule replays to a stale
 * access. Undefined when the plain search is cut short.
 */
function compare(
  scenario: Scenario,
  kernel: KernelName,
  what: string,
  options: { reduce?: boolean; maxStall?: number; limit?: number } = {},
): { symmetric: number; plain: number; stale: boolean } | undefined {
  const plain = explore(scenario, kernel, { limit: LIMIT, ...options, symmetry: false });
  if (plain.truncated) return undefined;
  const symmetric = explore(scenario, kernel, { limit: LIMIT, ...options, symmetry: true });
  assert.equal(symmetric.truncated, false, `${kernel}: ${what}`);
  assert.equal(!!symmetric.counterexample, !!plain.counterexample, `${kernel}: verdict, ${what}`);
  assert.equal(!!symmetric.error, !!plain.error, `${kernel}: runtime error, ${what}`);
  assert.ok(symmetric.states <= plain.states, `${kernel}: ${symmetric.states} states with symmetry, ${plain.states} without, ${what}`);
  if (symmetric.counterexample) {
    const replay = runSchedule(scenario, symmetric.counterexample.schedule, kernel);
    assert.deepEqual(replay.errors, [], `${kernel}: replay, ${what}`);
    assert.ok(replay.stale > 0, `${kernel}: the schedule found replays to a stale access, ${what}`);
    assert.equal(symmetric.counterexample.run.stall.steps, plain.counterexample!.run.stall.steps, `${kernel}: least stall, ${what}`);
  }
  return { symmetric: symmetric.states, plain: plain.states, stale: !!plain.counterexample };
}

function samples(): [string, string][] {
  const root = path.join(__dirname, '..', '..', 'sample-scenarios');
  const files = [...fs.readdirSync(root).filter((f) => f.endsWith('.tlbscn')), ...fs.readdirSync(path.join(root, 'races')).map((f) => `races/${f}`)];
  return files.map((f) => [f, fs.readFileSync(path.join(root, f), 'utf8')]);
}

test('interchangeable threads: private lanes of one core, only where the variant picks their bits alike', () => {
  // earlyClearShape(6): lanes cpu2..cpu6 each run a vcpu named nowhere else on an 8-thread core; cpu1's vcpu is scheduled
  const text = earlyClearShape(6);
  // round4 tests cpu4's bit for cpus 4..7 and cpu0's for 0..3: cpu4 stands for its group, 2↔3 and 5↔6 swap
  assert.deepEqual(classes(text, 'fixed'), [[2, 3], [5, 6]]);
  assert.deepEqual(classes(text, 'early-clear'), [[2, 3], [5, 6]]);
  // v5.2 tests the core's first thread: every thread but cpu0 alike
  assert.deepEqual(classes(text, 'v5.2'), [[2, 3, 4, 5, 6]]);
  // per-thread bits (v5.17): the same, cpu0 still stands for the TLB domain in radix_flush_cpu
  assert.deepEqual(classes(text, 'v5.17'), [[2, 3, 4, 5, 6]]);
  // a statement naming a lane's cpu or vcpu elsewhere pins it
  assert.deepEqual(classes(`${text}expect need_tlb_flush vm cpu3 clear\nstop vm.vcpu6\n`, 'v5.2'), [[2, 4, 5]]);
  // a lane that does more than run its own vcpu on its own cpu is no candidate
  assert.deepEqual(classes(text.replace('cpu2: run vm.vcpu2 on cpu2', 'cpu2: run vm.vcpu2 on cpu2 ; access X A'), 'v5.2'), [[3, 4, 5, 6]]);
  // the core's first thread stands for the core under every variant that tracks moves, but not before a29ebeaf
  const firsts = ['machine cores 2 threads 4', 'guest vm radix vcpus 4', 'concurrently {', '  cpu0: run vm.vcpu0 on cpu0', '  cpu1: run vm.vcpu1 on cpu1', '}', ''].join('\n');
  assert.deepEqual(classes(firsts, 'fixed'), []);
  assert.deepEqual(classes(firsts, 'v5.17'), []);
  assert.deepEqual(classes(firsts, 'buggy'), [[0, 1]]);
});

test('no symmetry where radix_flush_cpu may IPI the interchangeable threads (in cpu order, which a swap does not keep)', () => {
  const text = [
    'machine cores 2 threads 4',
    'guest vm radix vcpus 4',
    'run vm.vcpu0 on cpu0',
    'concurrently {',
    '  cpu1: run vm.vcpu1 on cpu1',
    '  cpu2: run vm.vcpu2 on cpu2',
    '  cpu4: run vm.vcpu0 on cpu4',
    '}',
    '',
  ].join('\n');
  // vcpu0 leaves core0 inside the block: radix_flush_cpu IPIs core0's threads in the guest
  assert.deepEqual(classes(text, 'fixed'), []);
  // nothing tracks the move before a29ebeaf: no radix_flush_cpu, no IPI
  assert.deepEqual(classes(text, 'buggy'), [[1, 2]]);
  // the move made before the block is over by then
  assert.deepEqual(classes(text.replace('  cpu4: run vm.vcpu0 on cpu4\n', '').replace('concurrently {', 'run vm.vcpu0 on cpu4\nconcurrently {'), 'fixed'), [[1, 2]]);
});

test('the symmetric and the plain search agree on every sample, under every variant', () => {
  let compared = 0;
  for (const [file, text] of samples()) {
    const { scenario, hasErrors } = analyze(text);
    if (hasErrors) continue;
    for (const kernel of KERNEL_NAMES) {
      if (compare(scenario, kernel, file)) compared++;
    }
  }
  assert.ok(compared >= samples().length * KERNEL_NAMES.length * 0.8, `${compared} comparisons`);
});

test('the early-clear shape with 5 and 6 lanes stores strictly fewer states with symmetry', () => {
  // 6 lanes: the plain search under v5.2, fixed-smt8 and v5.17 stores 0.6-0.8 M states (30-50 s); fixed and the racy ones here
  const cases: [number, KernelName[]][] = [
    [5, KERNEL_NAMES],
    [6, ['buggy', 'early-clear', 'fixed']],
  ];
  for (const [lanes, kernels] of cases) {
    const { scenario } = analyze(earlyClearShape(lanes));
    for (const kernel of kernels) {
      const r = compare(scenario, kernel, `early-clear shape, ${lanes} lanes`, { limit: 200_000 });
      assert.ok(r, `${kernel}, ${lanes} lanes: the plain search finishes`);
      // where the race is found in the first few states there is nothing to share; the full spaces shrink
      if (!r.stale) assert.ok(r.symmetric * 1.5 < r.plain, `${kernel}, ${lanes} lanes: ${r.symmetric} states with symmetry, ${r.plain} without`);
      if (kernel === 'early-clear' && lanes === 6) assert.ok(r.symmetric < r.plain, `early-clear, 6 lanes: ${r.symmetric} states with symmetry, ${r.plain} without`);
    }
  }
});

test('under a stall bound the lanes\' stalls follow the renaming: the same verdicts, bound by bound', () => {
  const { scenario } = analyze(earlyClearShape(4));
  for (const kernel of ['early-clear', 'fixed', 'v5.17'] as KernelName[]) {
    for (const maxStall of [0, 1, 2]) {
      for (const reduce of [true, false]) assert.ok(compare(scenario, kernel, `max stall ${maxStall}, reduce ${reduce}`, { maxStall, reduce, limit: 100_000 }));
    }
  }
});

/** `text` with its cpus renamed by `map` (cpu and core names alike are rewritten by the caller's map). */
function renamed(text: string, map: (cpu: number) => number, cores: (core: number) => number): string {
  return text.replace(/\bcpu(\d+)\b/g, (_, n) => `cpu${map(Number(n))}`).replace(/\bcore(\d+)\b/g, (_, n) => `core${cores(Number(n))}`);
}

/** A block's lanes written in the reverse order. */
function lanesReversed(text: string): string {
  return text.replace(/(concurrently \{\n)((?: +cpu\d+:[^\n]*\n)+)/g, (_, head: string, body: string) => head + body.trimEnd().split('\n').reverse().join('\n') + '\n');
}

test('mirror images: lanes in another order, cores swapped, interchangeable threads renamed: the same verdict', () => {
  const cases: [string, string, number][] = [
    ['early-clear shape, 4 lanes', earlyClearShape(4), 4],
    ['early-clear-race', fs.readFileSync(path.join(__dirname, '..', '..', 'sample-scenarios', 'early-clear-race.tlbscn'), 'utf8'), 4],
    ['lost-update', fs.readFileSync(path.join(__dirname, '..', '..', 'sample-scenarios', 'races', 'lost-update.tlbscn'), 'utf8'), 4],
  ];
  for (const [what, text, threads] of cases) {
    const cpus = threads * 2;
    const mirrors: [string, string][] = [
      ['lanes reversed', lanesReversed(text)],
      ['cores swapped', renamed(text, (c) => (c + threads) % cpus, (k) => 1 - k)],
      // threads 2 and 3 of core0 share every representative under every variant when neither is named but by its own lane
      ['threads 2 and 3 swapped', renamed(text, (c) => (c === 2 ? 3 : c === 3 ? 2 : c), (k) => k)],
    ];
    for (const [how, mirror] of mirrors) {
      assert.notEqual(mirror, text, `${what}: ${how} changes the text`);
      const original = analyze(text).scenario;
      const image = analyze(mirror);
      assert.equal(image.hasErrors, false, `${what}, ${how}: ${image.diagnostics.map((d) => d.message).join('; ')}`);
      for (const kernel of KERNEL_NAMES) {
        // the plain search of the original against the symmetric search of its image
        const a = explore(original, kernel, { limit: 100_000, symmetry: false });
        const b = explore(image.scenario, kernel, { limit: 100_000, symmetry: true });
        assert.equal(a.truncated || b.truncated, false, `${what}, ${how}, ${kernel}: finishes`);
        assert.equal(!!b.counterexample, !!a.counterexample, `${what}, ${how}, ${kernel}: verdict`);
        if (a.counterexample) assert.equal(b.counterexample!.run.stall.steps, a.counterexample.run.stall.steps, `${what}, ${how}, ${kernel}: least stall`);
      }
    }
  }
});

interface Block {
  threads: 4 | 8;
  mmu: 'radix' | 'hpt';
  /** Where vcpu0 runs first, and whether (and where) it moves before the block. */
  home: number;
  away: number | undefined;
  unmapBefore: boolean;
  /** Private lanes: a cpu each (threads of one core, mostly), running its own vcpu once or twice. */
  privates: { cpu: number; twice: boolean }[];
  /** The one lane that does something else: a statement list on its cpu. */
  actor: { cpu: number; events: string[] } | undefined;
  after: string;
}

/** What the actor lane on `cpu` may do: move vcpu0 there, touch, invalidate, reschedule. */
const actions = (cpu: number) => [`run vm.vcpu0 on cpu${cpu}`, 'access X A', 'unmap X A', 'tlbie X', 'access X B', `run vm.vcpu7 on cpu${cpu}`, 'schedule X on vm.vcpu7'];

const blockArb: fc.Arbitrary<Block> = fc
  .record({
    threads: fc.constantFrom(4 as const, 8 as const),
    mmu: fc.constantFrom('radix' as const, 'radix' as const, 'hpt' as const),
    home: fc.nat(15),
    away: fc.option(fc.nat(15)),
    unmapBefore: fc.boolean(),
    core: fc.nat(1),
    // a thread of `core` but its first each, or (high numbers) anywhere
    privates: fc.uniqueArray(fc.nat(11), { minLength: 3, maxLength: 3 }),
    // every private lane runs its vcpu once, or every one twice but the last: lanes alike, and one not
    twice: fc.boolean(),
    actor: fc.option(fc.record({ cpu: fc.nat(15), seeds: fc.array(fc.nat(6), { minLength: 1, maxLength: 3 }) })),
    after: fc.constantFrom('access X A', 'run vm.vcpu0 on cpu1\naccess X A', 'tlbiel X\naccess X B', ''),
  })
  .map(({ threads, mmu, home, away, unmapBefore, core, privates, twice, actor, after }): Block => {
    const cpus = threads * 2;
    const taken = new Set<number>();
    const place = (n: number) => (n < 9 ? core * threads + 1 + (n % (threads - 1)) : (n * 5) % cpus);
    const lanes = privates.map((p, i) => ({ cpu: place(p), twice: twice && i < 2 })).filter((p) => !taken.has(p.cpu) && taken.add(p.cpu));
    const actorCpu = actor ? actor.cpu % cpus : -1;
    return {
      threads,
      mmu,
      home: home % cpus,
      away: away === null ? undefined : away % cpus,
      unmapBefore,
      privates: lanes.filter((p) => p.cpu !== actorCpu),
      actor: actor ? { cpu: actorCpu, events: actor.seeds.map((k) => actions(actorCpu)[k]) } : undefined,
      after,
    };
  });

function blockText(b: Block, kernel: string): string {
  return [
    `machine cores 2 threads ${b.threads} tlb-sets 2`,
    `kernel ${kernel}`,
    `guest vm ${b.mmu} vcpus 8`,
    'task X in vm pages A B',
    `run vm.vcpu0 on cpu${b.home}`,
    'schedule X on vm.vcpu0',
    'access X A',
    ...(b.away !== undefined ? [`run vm.vcpu0 on cpu${b.away}`, 'access X A'] : []),
    ...(b.unmapBefore ? ['unmap X A'] : []),
    'concurrently {',
    // private lanes run vcpus 1..4, each its own
    ...b.privates.map((p, i) => `  cpu${p.cpu}: run vm.vcpu${i + 1} on cpu${p.cpu}${p.twice ? ` ; run vm.vcpu${i + 1} on cpu${p.cpu}` : ''}`),
    ...(b.actor ? [`  cpu${b.actor.cpu}: ${b.actor.events.join(' ; ')}`] : []),
    '}',
    'unmap X A',
    b.after,
    '',
  ].join('\n');
}

test('the symmetric and the plain search agree on every generated block, with and without the partial-order reduction, under every variant', () => {
  let compared = 0;
  let symmetric = 0;
  let fewer = 0;
  fc.assert(
    fc.property(blockArb, (block) => {
      for (const kernel of KERNEL_NAMES) {
        const text = blockText(block, kernel);
        const { scenario, hasErrors } = analyze(text);
        if (hasErrors) return;
        if (classes(text, kernel).length) symmetric++;
        for (const reduce of [true, false]) {
          const r = compare(scenario, kernel, `reduce ${reduce}\n${text}`, { reduce });
          if (!r) continue;
          compared++;
          if (r.symmetric < r.plain) fewer++;
        }
      }
    }),
    { numRuns: 30, seed: 20261130 },
  );
  assert.ok(compared > 150, `${compared} comparisons`);
  assert.ok(symmetric > 40, `${symmetric} blocks with interchangeable threads`);
  assert.ok(fewer > 20, `the symmetry reduces somewhere (${fewer} comparisons)`);
});

/**
 * The state as plain data, renamed by a permutation of the class threads
 * (`cpuTo`, and each class vcpu to the one at its place in the thread its
 * cpu goes to), written here apart from the store: what the store's key
 * leaves out (explanations: last_cpu, lines, stacks, fill steps) left out
 * too, lanes listed by cpu, a lane's statements as their place in the lane.
 */
function renamedState(scenario: Scenario, item: number, sim: Simulation, lanes: readonly LaneState[], cpuTo: number[], vcpuTo: Map<string, string>): string {
  const state = plainState(sim.state);
  const cpu = (c: number) => (c < 0 ? c : cpuTo[c]);
  const vcpu = (v: string | undefined) => (v === undefined ? v : (vcpuTo.get(v) ?? v));
  const block = scenario.program[item] as ConcurrentlyBlock;
  const laneOf = new Map(block.lanes.map((l) => [l.cpu.index, l]));
  /** A statement of a written lane: its renamed lane's cpu and its place there. */
  const event = (e: object, laneCpu: number) => {
    const at = laneOf.get(laneCpu)?.events.indexOf(e as SimpleEvent) ?? -1;
    return at >= 0 ? `${cpu(laneCpu)}#${at}` : `line${(e as SimpleEvent).line}`;
  };
  const op = (o: Op, laneCpu: number) => {
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      if (k === 'frames' || k === 'line') continue;
      fields[k] = k === 'cpu' || k === 'target' || k === 'prevCpu' || k === 'bit' ? cpu(v as number) : k === 'vcpu' ? vcpu(v as string) : k === 'event' ? event(v as object, laneCpu) : v;
    }
    return fields;
  };
  const renamedVcpu = (g: string, i: number) => {
    const name = vcpu(`${g}.vcpu${i}`)!;
    return Number(name.slice(name.lastIndexOf('.vcpu') + 5));
  };
  const from = (n: number) => cpuTo.indexOf(n);
  return JSON.stringify({
    item,
    last: sim.lastOutcome ?? '',
    tlbs: state.tlbs.map((t) => t.entries.map((e) => [e.lpid, e.pid, e.page, e.frame])),
    cpus: state.cpus.map((_, n) => state.cpus[from(n)]).map((c) => [vcpu(c.vcpu), c.inGuest, c.irqsOff, c.lpidr, c.pidr, cpu(c.ipiWait), c.ipisPending]),
    guests: state.guests.map((g) => ({
      flush: g.needTlbFlush.map((_, n) => g.needTlbFlush[from(n)]),
      inGuest: g.cpuInGuest.map((_, n) => g.cpuInGuest[from(n)]),
      vcpus: g.vcpus
        .map((v) => ({ at: renamedVcpu(g.name, v.index), cpu: cpu(v.cpu), prevCpu: cpu(v.prevCpu), task: v.task }))
        .sort((a, b) => a.at - b.at),
    })),
    tasks: state.tasks.map((t) => [t.name, t.vcpu, t.vcpuHistory, Object.values(t.pages).map((p) => p.frame)]),
    nextFrame: state.nextFrame,
    lanes: lanes
      .map((l) => ({
        cpu: cpu(l.cpu),
        pending: l.pending.map((o) => op(o, l.cpu)),
        events: l.events.map((e) => (e.kind === 'reentry' ? e.ops.map((o) => op(o, l.cpu)) : event(e, l.cpu))),
      }))
      .sort((a, b) => a.cpu - b.cpu),
  });
}

/** Every permutation of `xs`. */
function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [xs.slice()];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

/**
 * The least renamed state over the whole group, by brute force: every
 * permutation of every class, the class vcpus carried with their threads.
 */
function orbitKey(scenario: Scenario, item: number, sim: Simulation, lanes: readonly LaneState[], group: number[][]): string {
  const block = scenario.program[item] as ConcurrentlyBlock;
  const vcpusOf = (c: number) => [...new Set(block.lanes.find((l) => l.cpu.index === c)!.events.map((e) => vcpuName((e as RunEvent).vcpu)))];
  let renamings: { cpuTo: number[]; vcpuTo: Map<string, string> }[] = [{ cpuTo: Array.from({ length: scenario.topology.cpuCount }, (_, i) => i), vcpuTo: new Map() }];
  for (const cpus of group) {
    renamings = renamings.flatMap((r) =>
      permutations(cpus).map((image) => {
        const cpuTo = r.cpuTo.slice();
        const vcpuTo = new Map(r.vcpuTo);
        cpus.forEach((c, i) => {
          cpuTo[c] = image[i];
          vcpusOf(c).forEach((v, j) => vcpuTo.set(v, vcpusOf(image[i])[j]));
        });
        return { cpuTo, vcpuTo };
      }),
    );
  }
  return renamings.map((r) => renamedState(scenario, item, sim, lanes, r.cpuTo, r.vcpuTo)).sort()[0];
}

test('a state the symmetric store has seen is a renaming by the group of one it saw before (random walks, checked by brute force)', () => {
  const cases: [string, KernelName][] = [
    [earlyClearShape(5), 'fixed'],
    [earlyClearShape(5), 'v5.17'],
    [earlyClearShape(4), 'early-clear'],
    [earlyClearShape(6), 'buggy'],
  ];
  let merged = 0;
  for (const [text, kernel] of cases) {
    const { scenario } = analyze(text);
    const variant = variantFor(scenario, kernel);
    const symmetry = Symmetry.detect(scenario, variant)!;
    const item = scenario.program.findIndex((i) => i.kind === 'concurrently');
    const group = symmetry.classes().map((k) => k.cpus);
    const store = new StateStore(false, false, symmetry);
    const orbits = new Set<string>();
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let walk = 0; walk < 60; walk++) {
      const sim = new Simulation(scenario, variant, { record: false, explain: false });
      for (let i = 0; i < item; i++) sim.runItem(scenario.program[i], roundRobin);
      const lanes = sim.startBlock(scenario.program[item] as ConcurrentlyBlock);
      for (;;) {
        const ready = sim.readyLanes(lanes);
        if (ready.length === 0 || sim.errors.length > 0) break;
        const orbit = orbitKey(scenario, item, sim, lanes, group);
        if (!store.add(item, sim.state, lanes, sim.lastOutcome ?? '', sim.microSteps)) {
          merged++;
          assert.ok(orbits.has(orbit), `${kernel}: a key shared with no renaming of an earlier state, after ${sim.microSteps} steps of walk ${walk}`);
        }
        orbits.add(orbit);
        sim.moveLane(ready, lanes, ready[random(ready.length)]);
      }
    }
  }
  assert.ok(merged > 500, `${merged} states found seen`);
});

test('--shortest with symmetry finds counterexamples exactly as short as without, in fewer states', () => {
  const texts: [string, string][] = ['early-clear-race.tlbscn', 'ipi-race.tlbscn', 'races/lost-update.tlbscn'].map((f) => [f, fs.readFileSync(path.join(__dirname, '..', '..', 'sample-scenarios', f), 'utf8')]);
  texts.push(['clear-before-flush, 4 lanes', earlyClearShape(4)], ['clear-before-flush, 5 lanes', earlyClearShape(5)]);
  let fewer = 0;
  for (const [what, text] of texts) {
    const { scenario } = analyze(text);
    for (const kernel of KERNEL_NAMES) {
      const on = explore(scenario, kernel, { shortest: true });
      const off = explore(scenario, kernel, { shortest: true, symmetry: false });
      assert.equal(on.truncated || off.truncated, false, `${what} under ${kernel}`);
      assert.equal(!!on.counterexample, !!off.counterexample, `${what} under ${kernel}: the same verdict`);
      if (on.counterexample) {
        const steps = (s: number[]) => runSchedule(scenario, s, kernel).steps.length;
        assert.equal(steps(on.counterexample.schedule), steps(off.counterexample!.schedule), `${what} under ${kernel}: as short`);
        assert.equal(on.shortest, true);
      }
      if (on.states < off.states) fewer++;
    }
  }
  assert.ok(fewer >= 6, `symmetry stored fewer states in ${fewer} searches`);
});
