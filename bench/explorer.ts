// Explorer benchmarks (issue 10): time to verdict, states and memory per
// stored state, beside Spin on the exported model, on generated races
// (bench/generate.ts): the lost-update shape (domain.md S15) with 3 to 6
// lanes and sweeps of 4 to 64 sets, and the clear-before-flush shape (S8)
// with 4 to 7 lanes; then the largest on the machine's cores (parallel.ts),
// and symmetry reduction on and off.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ExploreResult, type KernelName, type Scenario, analyze, explore, exportPromela } from '../core/src/index';
import { searchThreads } from '../client/src/searchThreads';
import { earlyClearShape, lostUpdateShape } from './generate';
import type { Report } from './report';

/**
 * Spin on the same scenario, exported (`tlbscn export --promela`): compile
 * time apart, then pan's time to verdict, states stored and the memory its
 * states take. Undefined where spin or a C compiler is missing.
 */
function spinOn(scenario: Scenario, kernel: KernelName): SpinFigures | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'tlbscn-bench-spin-'));
  try {
    writeFileSync(join(dir, 'model.pml'), exportPromela(scenario, kernel));
    const t0 = process.hrtime.bigint();
    if (spawnSync('spin', ['-a', 'model.pml'], { cwd: dir }).status !== 0) return undefined;
    // the state vector of 7 lanes passes pan's default 1,024 bytes
    if (spawnSync('cc', ['-w', '-O2', '-DSAFETY', '-DVECTORSZ=4096', '-o', 'pan', 'pan.c'], { cwd: dir }).status !== 0) return undefined;
    const t1 = process.hrtime.bigint();
    // -E: invalid end states (the model's runtime errors) are not the property
    const pan = spawnSync('./pan', ['-E', '-m1000000', '-w20'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
    const t2 = process.hrtime.bigint();
    const states = Number(/([\d.e+]+) states, stored/.exec(pan.stdout)?.[1]);
    const mb = Number(/([\d.]+)\s+actual memory usage for states/.exec(pan.stdout)?.[1] ?? /([\d.]+)\s+equivalent memory usage for states/.exec(pan.stdout)?.[1]);
    // pan stops at its first error: a verdict only if that is the assertion (a stale access)
    const stale = /assertion violated/.test(pan.stdout);
    if (!stale && Number(/errors: (\d+)/.exec(pan.stdout)?.[1]) > 0) return undefined;
    return { compileMs: Number(t1 - t0) / 1e6, ms: Number(t2 - t1) / 1e6, states, bytesPerState: (mb * 2 ** 20) / states, stale };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface SpinFigures {
  compileMs: number;
  ms: number;
  states: number;
  bytesPerState: number;
  stale: boolean;
}

/**
 * Issue 13's explore that never finished: two threads of one core both
 * sweeping 4,096 TLB sets for a pending request, every interleaving of the
 * two sweeps; bounded by time, it must stop ("truncated") on time.
 */
const TWO_SWEEPS = [
  'machine cores 2 threads 2 tlb-sets 4096',
  'guest vm vcpus 3',
  'run vm.vcpu0 on cpu0',
  'run vm.vcpu0 on cpu2',
  'concurrently {',
  '  cpu0: run vm.vcpu1 on cpu0',
  '  cpu1: run vm.vcpu2 on cpu1',
  '}',
  '',
].join('\n');

/** CPU milliseconds (user + system) of `run`, the least of `times` runs: another process on the machine slows wall time, not this. */
function cpuMs<T>(run: () => T, times = 3): { ms: number; result: T } {
  let ms = Infinity;
  let result!: T;
  for (let i = 0; i < times; i++) {
    const before = process.cpuUsage();
    result = run();
    const used = process.cpuUsage(before);
    ms = Math.min(ms, (used.user + used.system) / 1000);
  }
  return { ms, result };
}

/**
 * Symmetry reduction (core/src/explorer/symmetry.ts), on and off, on the
 * shapes whose extra lanes are threads of one core running vcpus named
 * nowhere else: states stored and CPU time. The lost-update shape's extra
 * lanes share a core with a vcpu that moves inside the block (radix_flush_cpu
 * IPIs them in cpu order, which a swap does not keep): it gets none.
 */
/** A search's verdict in a word. */
const verdict = (r: ExploreResult): string => (r.counterexample ? 'stale' : r.truncated ? 'truncated' : 'none');

function benchSymmetry(report: Report): void {
  const cases: [shape: string, text: string, kernel: KernelName][] = [
    ['early-clear, 5 lanes', earlyClearShape(5), 'early-clear'],
    ['early-clear, 5 lanes', earlyClearShape(5), 'fixed'],
    ['early-clear, 6 lanes', earlyClearShape(6), 'early-clear'],
    ['early-clear, 6 lanes', earlyClearShape(6), 'fixed'],
    ['early-clear, 6 lanes', earlyClearShape(6), 'v5.17'],
    ['early-clear, 7 lanes', earlyClearShape(7), 'early-clear'],
    ['early-clear, 7 lanes', earlyClearShape(7), 'fixed'],
    ['lost-update, 4 lanes', lostUpdateShape(4), 'fixed'],
    ['lost-update, 5 lanes', lostUpdateShape(5), 'fixed'],
  ];
  for (const [shape, text, kernel] of cases) {
    const { scenario } = analyze(text);
    const on = cpuMs(() => explore(scenario, kernel, { maxTime: 60_000, symmetry: true }));
    const off = cpuMs(() => explore(scenario, kernel, { maxTime: 60_000, symmetry: false }));
    report(`explorer, ${shape}, ${kernel}: symmetry on (${verdict(on.result)}), CPU time`, on.ms, `ms, ${on.result.states} states`);
    report(`  symmetry off (${verdict(off.result)})`, off.ms, `ms, ${off.result.states} states; ${(off.result.states / on.result.states).toFixed(2)}× the states`);
  }
}

export function benchExplorer(report: Report): void {
  {
    const { scenario } = analyze(TWO_SWEEPS);
    const t0 = process.hrtime.bigint();
    const r = explore(scenario, 'fixed', { maxTime: 5000 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    report(`explorer, two sweeps of 4,096 sets with --max-time 5 s: stopped (${r.truncated ? `truncated by ${r.stoppedBy}` : 'finished'}, ${r.states} states)`, ms, 'ms', '≈ 5,000 ms, never more');
  }
  const cases: [shape: string, text: string, kernel: KernelName, target?: string][] = [
    ['lost-update, 3 lanes', lostUpdateShape(3), 'early-clear'],
    ['lost-update, 3 lanes', lostUpdateShape(3), 'fixed'],
    ['lost-update, 4 lanes', lostUpdateShape(4), 'early-clear', '≤ spin'],
    ['lost-update, 4 lanes', lostUpdateShape(4), 'fixed', '≤ spin'],
    ['lost-update, 5 lanes', lostUpdateShape(5), 'early-clear', '≤ spin'],
    ['lost-update, 5 lanes', lostUpdateShape(5), 'fixed', '≤ spin'],
    ['lost-update, 6 lanes', lostUpdateShape(6), 'early-clear', 'decided exactly'],
    ['lost-update, 6 lanes', lostUpdateShape(6), 'fixed', 'decided exactly'],
    ['lost-update, 4 lanes, 16 sets', lostUpdateShape(4, 16), 'early-clear'],
    ['lost-update, 4 lanes, 64 sets', lostUpdateShape(4, 64), 'early-clear'],
    ['early-clear, 4 lanes', earlyClearShape(4), 'early-clear'],
    ['early-clear, 5 lanes', earlyClearShape(5), 'early-clear'],
    ['early-clear, 6 lanes', earlyClearShape(6), 'early-clear', '< 10,000 ms'],
    ['early-clear, 7 lanes', earlyClearShape(7), 'early-clear'],
    ['early-clear, 6 lanes', earlyClearShape(6), 'fixed'],
  ];
  /** Per case: the one-thread time to verdict and Spin's, for the threads' section. */
  const measured = new Map<string, { ms: number; spinMs?: number }>();
  for (const [shape, text, kernel, target] of cases) {
    const { scenario } = analyze(text);
    // a warm-up, so that the figure is the search's and not the JIT's (the CLI pays it once per process)
    explore(scenario, kernel, { maxTime: 1000 });
    const r = explore(scenario, kernel, { maxTime: 60_000 });
    const ce = r.counterexample;
    const s = r.stats;
    report(`explorer, ${shape}, ${kernel}: time to verdict (${verdict(r)})`, s.verdictMs, 'ms', target);
    if (ce) {
      const least = ce.leastStall ? `least stall ${ce.run.stall.steps}, proven` : `stall ${ce.run.stall.steps}, least not proven (≥ ${ce.stallAtLeast})`;
      report(`  and with the least stall (${least})`, s.ms, 'ms');
    }
    report(`  states stored, bytes per state (every table as allocated)`, r.states, `states, ${s.bytesPerState.toFixed(1)} B/state; ${s.transitions} transitions`, '≤ 64 B/state');
    const spin = spinOn(scenario, kernel);
    measured.set(`${shape}|${kernel}`, { ms: s.verdictMs, spinMs: spin?.ms });
    if (!spin) {
      report('  spin: not installed (apt-get install spin) or failed', 0, '');
      continue;
    }
    const agrees = spin.stale === !!ce ? 'agrees' : r.truncated ? 'explorer truncated' : 'DISAGREES';
    report(`  spin on the exported model: ${spin.stale ? 'stale' : 'none'}, ${agrees} (compile ${spin.compileMs.toFixed(0)} ms apart)`, spin.ms, 'ms');
    report(`  spin states stored, bytes per state; explorer/spin time to verdict`, spin.states, `states, ${spin.bytesPerState.toFixed(0)} B/state; ${(s.verdictMs / spin.ms).toFixed(2)}×`);
  }
  benchThreads(report, measured);
  benchSymmetry(report);
}

/**
 * The parallel search (core/src/explorer/parallel.ts) on the machine's
 * cores, on the largest races above: time to verdict against one thread's
 * and Spin's (one core), and the states it stores (the one-thread count).
 */
function benchThreads(report: Report, measured: Map<string, { ms: number; spinMs?: number }>): void {
  const threads = Math.max(2, availableParallelism());
  const workerFile = join(__dirname, '..', '..', 'dist', 'searchWorker.js');
  const cases: [shape: string, text: string, kernel: KernelName][] = [
    ['lost-update, 5 lanes', lostUpdateShape(5), 'early-clear'],
    ['lost-update, 6 lanes', lostUpdateShape(6), 'early-clear'],
    ['lost-update, 6 lanes', lostUpdateShape(6), 'fixed'],
    ['lost-update, 4 lanes, 64 sets', lostUpdateShape(4, 64), 'early-clear'],
  ];
  for (const [shape, text, kernel] of cases) {
    const { scenario } = analyze(text);
    const r = explore(scenario, kernel, { maxTime: 60_000, parallel: searchThreads(text, kernel, threads, workerFile) });
    const one = measured.get(`${shape}|${kernel}`);
    const ratios = one ? `; ${(r.stats.verdictMs / one.ms).toFixed(2)}× one thread${one.spinMs ? `, ${(r.stats.verdictMs / one.spinMs).toFixed(2)}× spin` : ''}` : '';
    report(`explorer on ${r.stats.threads ?? 1} threads, ${shape}, ${kernel}: time to verdict (${verdict(r)})`, r.stats.verdictMs, `ms, ${r.states} states${ratios}`);
  }
}
