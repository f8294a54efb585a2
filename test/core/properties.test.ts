// Laws, checked with fast-check over generated scenarios:
//  - a guest that invalidates by its own policy (no explicit form) and maps
//    only unmapped pages never reads a stale entry, in a sequential run,
//    under `fixed` and `early-clear` on cores of at most 4 threads (their
//    entry test rounds to a multiple of 4, domain.md S10), under `v5.2` on
//    any machine without big cores, under `fixed-smt8` and `v5.17` on any;
//  - under `buggy` such scenarios do find stale accesses, and so does
//    `fixed` on 8-thread cores (S10) and on big cores (S9);
//  - parse → print → parse is stable.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyze, printFile, simulate, type KernelName } from '../../core/src/index';

interface Shape {
  cores: number;
  threads: number;
  bigcore: boolean;
  guests: { hpt: boolean; vcpus: number }[];
}

const shapeArb = (bigcoreAllowed: boolean, threads: number[] = [1, 2, 4, 8]): fc.Arbitrary<Shape> =>
  fc
    .record({
      cores: fc.integer({ min: 1, max: 3 }),
      threads: fc.constantFrom(...threads),
      bigcore: bigcoreAllowed ? fc.boolean() : fc.constant(false),
      // mostly radix: the movement logic is what is under test
      guests: fc.array(fc.record({ hpt: fc.integer({ min: 0, max: 9 }).map((n) => n < 2), vcpus: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 2 }),
    })
    .map((s) => ({ ...s, bigcore: s.bigcore && s.threads === 8 }));

/**
 * Commands are numbers; a model of the machine turns each into a valid event,
 * or skips it. Kinds are weighted towards runs and accesses, the moves and
 * fills that the flush logic is about: 0-5 run, 6 stop, 7-8 schedule,
 * 9-15 access, 16-19 unmap or map.
 */
const KIND = [0, 0, 0, 0, 0, 0, 1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 5, 5, 5, 5];
const commandsArb = fc.array(fc.tuple(fc.nat(19).map((k) => KIND[k]), fc.nat(63), fc.nat(63)), { minLength: 10, maxLength: 80 });

function buildScenario(shape: Shape, commands: [number, number, number][]): string {
  const cpus = shape.cores * shape.threads;
  const lines = [`machine cores ${shape.cores} threads ${shape.threads}${shape.bigcore ? ' bigcore' : ''}`];
  const vcpus: { name: string; guest: number; cpu: number }[] = [];
  const tasks: { name: string; guest: number; pages: string[]; mapped: boolean[]; vcpu?: number }[] = [];
  shape.guests.forEach((g, gi) => {
    lines.push(`guest g${gi} ${g.hpt ? 'hpt' : 'radix'} vcpus ${g.vcpus}`);
    for (let v = 0; v < g.vcpus; v++) vcpus.push({ name: `g${gi}.vcpu${v}`, guest: gi, cpu: -1 });
  });
  shape.guests.forEach((_, gi) => {
    for (let t = 0; t < 1 + (gi % 2); t++) {
      const name = `T${gi}_${t}`;
      tasks.push({ name, guest: gi, pages: ['A', 'B'], mapped: [true, true] });
      lines.push(`task ${name} in g${gi} pages A B`);
    }
  });
  const running = (t: (typeof tasks)[number]) => t.vcpu !== undefined && vcpus[t.vcpu].cpu >= 0;
  for (const [kind, a, b] of commands) {
    switch (kind) {
      case 0: {
        // run a vcpu on a cpu (possibly preempting another: the kernel path handles it)
        const v = vcpus[a % vcpus.length];
        const cpu = b % cpus;
        for (const o of vcpus) if (o.cpu === cpu) o.cpu = -1;
        v.cpu = cpu;
        lines.push(`run ${v.name} on cpu${cpu}`);
        break;
      }
      case 1: {
        const v = vcpus[a % vcpus.length];
        if (v.cpu < 0) break;
        v.cpu = -1;
        lines.push(`stop ${v.name}`);
        break;
      }
      case 2: {
        const t = tasks[a % tasks.length];
        const candidates = vcpus.map((v, i) => ({ v, i })).filter(({ v }) => v.guest === t.guest);
        const { v, i } = candidates[b % candidates.length];
        for (const o of tasks) if (o.vcpu === i) o.vcpu = undefined;
        t.vcpu = i;
        lines.push(`schedule ${t.name} on ${v.name}`);
        break;
      }
      case 3: {
        const t = tasks[a % tasks.length];
        if (!running(t)) break;
        lines.push(`access ${t.name} ${t.pages[b % 2]}`);
        break;
      }
      case 5: {
        const t = tasks[a % tasks.length];
        if (!running(t)) break;
        const p = b % 2;
        // unmap by the guest's own policy; map only what is unmapped
        lines.push(`${t.mapped[p] ? 'unmap' : 'map'} ${t.name} ${t.pages[p]}`);
        t.mapped[p] = !t.mapped[p];
        break;
      }
    }
  }
  return lines.join('\n') + '\n';
}

function staleUnder(text: string, kernel: KernelName): number {
  const r = analyze(text);
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), [], text);
  const run = simulate(r.scenario, kernel);
  assert.deepEqual(run.errors, [], text);
  return run.stale;
}

test('fixed and early-clear never give a stale access on cores of at most 4 threads', () => {
  fc.assert(
    fc.property(shapeArb(false, [1, 2, 4]), commandsArb, (shape, commands) => {
      const text = buildScenario(shape, commands);
      assert.equal(staleUnder(text, 'fixed'), 0, text);
      assert.equal(staleUnder(text, 'early-clear'), 0, text);
    }),
    { numRuns: 1000 },
  );
});

test('v5.2 never gives a stale access on machines without bigcore, 8-thread cores included', () => {
  fc.assert(
    fc.property(shapeArb(false), commandsArb, (shape, commands) => {
      const text = buildScenario(shape, commands);
      assert.equal(staleUnder(text, 'v5.2'), 0, text);
    }),
    { numRuns: 500 },
  );
});

test('fixed-smt8 and v5.17 never give a stale access, big cores included', () => {
  fc.assert(
    fc.property(shapeArb(true), commandsArb, (shape, commands) => {
      const text = buildScenario(shape, commands);
      assert.equal(staleUnder(text, 'fixed-smt8'), 0, text);
      assert.equal(staleUnder(text, 'v5.17'), 0, text);
    }),
    { numRuns: 500 },
  );
});

test('fixed on 8-thread cores: the S10 bit mismatch is found by generation too', () => {
  const samples = fc.sample(fc.tuple(shapeArb(false, [8]), commandsArb), { numRuns: 400, seed: 11 });
  const stale = samples.filter(([shape, commands]) => staleUnder(buildScenario(shape, commands), 'fixed') > 0).length;
  assert.ok(stale > 0);
});

test('buggy: such generated scenarios do find stale accesses', () => {
  const samples = fc.sample(fc.tuple(shapeArb(false), commandsArb), { numRuns: 300, seed: 42 });
  const stale = samples.filter(([shape, commands]) => staleUnder(buildScenario(shape, commands), 'buggy') > 0).length;
  assert.ok(stale > 0, 'at least one generated scenario is stale under buggy');
});

test('fixed on a big core: the SMT8 bug is found by generation too', () => {
  const samples = fc.sample(fc.tuple(shapeArb(true).filter((s) => s.bigcore), commandsArb), { numRuns: 400, seed: 7 });
  const stale = samples.filter(([shape, commands]) => staleUnder(buildScenario(shape, commands), 'fixed') > 0).length;
  assert.ok(stale > 0);
});

/** A scenario text with a concurrently block, for the printer law. */
const blockArb = fc.array(
  fc.record({ cpu: fc.integer({ min: 0, max: 7 }), events: fc.array(fc.constantFrom('access X A', 'run vm.vcpu0 on cpuN', 'stop vm.vcpu1', 'expect hit', 'tlbie X'), { minLength: 1, maxLength: 3 }) }),
  { minLength: 1, maxLength: 3 },
);

test('parse → print → parse is stable', () => {
  fc.assert(
    fc.property(shapeArb(true), commandsArb, blockArb, fc.integer({ min: 0, max: 3 }), (shape, commands, lanes, spaces) => {
      const pad = ' '.repeat(spaces);
      const block = ['concurrently {', ...lanes.map((l) => `${pad}cpu${l.cpu}:${pad} ${l.events.map((e) => e.replace('cpuN', `cpu${l.cpu}`)).join(` ${pad};`)}`), '}'];
      const text = buildScenario(shape, commands).replace(/ /g, ` ${pad}`) + block.join('\n') + '\n';
      const once = printFile(analyze(text).scenario.file);
      const twice = printFile(analyze(once).scenario.file);
      assert.equal(twice, once);
      // and printing loses nothing the checker sees
      assert.deepEqual(
        analyze(once).diagnostics.map((d) => d.code),
        analyze(text).diagnostics.map((d) => d.code),
      );
    }),
    { numRuns: 200 },
  );
});
