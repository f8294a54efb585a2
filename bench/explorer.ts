// Explorer benchmarks (issue 10): time to verdict, states and memory per
// stored state on generated races of the lost-update shape (domain.md S15)
// with 3 to 5 lanes: one thread sweeping core0 for an earlier request, one
// vcpu filling core0 and leaving it, and more threads of core0 entering.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KernelName, type Scenario, analyze, explore, exportPromela } from '../core/src/index';
import type { Report } from './report';

/**
 * Spin on the same scenario, exported (`tlbscn export --promela`): compile
 * time apart, then pan's time to verdict and states stored. Undefined where
 * spin or a C compiler is missing.
 */
function spinOn(scenario: Scenario, kernel: KernelName): { compileMs: number; ms: number; states: number; stale: boolean } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'tlbscn-bench-spin-'));
  try {
    writeFileSync(join(dir, 'model.pml'), exportPromela(scenario, kernel));
    const t0 = process.hrtime.bigint();
    if (spawnSync('spin', ['-a', 'model.pml'], { cwd: dir }).status !== 0) return undefined;
    if (spawnSync('cc', ['-w', '-O2', '-DSAFETY', '-o', 'pan', 'pan.c'], { cwd: dir }).status !== 0) return undefined;
    const t1 = process.hrtime.bigint();
    // -E: invalid end states (the model's runtime errors) are not the property
    const pan = spawnSync('./pan', ['-E', '-m1000000', '-w20'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 });
    const t2 = process.hrtime.bigint();
    const states = Number(/([\d.e+]+) states, stored/.exec(pan.stdout)?.[1]);
    return { compileMs: Number(t1 - t0) / 1e6, ms: Number(t2 - t1) / 1e6, states, stale: Number(/errors: (\d+)/.exec(pan.stdout)?.[1]) > 0 };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The lost-update race with `lanes` lanes (3: the sample's; each more: one more thread of core0 entering). */
export function lostUpdateShape(lanes: number, sets = 4): string {
  const extra = Array.from({ length: lanes - 3 }, (_, i) => `  cpu${i + 1}: run vm.vcpu${i + 1} on cpu${i + 1}`);
  return [
    `machine cores 2 threads 4 tlb-sets ${sets}`,
    'guest vm radix vcpus 6',
    'task X in vm pages A B C D',
    'run vm.vcpu4 on cpu2',
    'run vm.vcpu4 on cpu6',
    'schedule X on vm.vcpu5',
    'concurrently {',
    '  cpu0: run vm.vcpu0 on cpu0',
    '  cpu3: run vm.vcpu5 on cpu3 ; access X D',
    '  cpu4: run vm.vcpu5 on cpu4',
    ...extra,
    '}',
    'unmap X D',
    'run vm.vcpu3 on cpu1',
    'schedule X on vm.vcpu3',
    'access X D',
    '',
  ].join('\n');
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

export function benchExplorer(report: Report): void {
  {
    const { scenario } = analyze(TWO_SWEEPS);
    const t0 = process.hrtime.bigint();
    const r = explore(scenario, 'fixed', { maxTime: 5000 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    report(`explorer, two sweeps of 4,096 sets with --max-time 5 s: stopped (${r.truncated ? `truncated by ${r.stoppedBy}` : 'finished'}, ${r.states} states)`, ms, 'ms', '≈ 5,000 ms, never more');
  }
  for (const [lanes, kernel] of [
    [3, 'early-clear'],
    [4, 'early-clear'],
    [3, 'fixed'],
    [4, 'fixed'],
  ] as [number, KernelName][]) {
    const { scenario } = analyze(lostUpdateShape(lanes));
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = process.hrtime.bigint();
    const r = explore(scenario, kernel, { maxTime: 120_000 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const heap = Math.max(0, process.memoryUsage().heapUsed - heap0);
    const verdict = r.counterexample ? `stale, least stall ${r.counterexample.run.stall.steps}` : r.truncated ? 'truncated' : 'none';
    report(`explorer, lost-update shape, ${lanes} lanes, ${kernel}: time to verdict (${verdict})`, ms, 'ms');
    report(`  states stored (first search), schedules over every search`, r.states, `states, ${r.schedules} schedules`);
    if (r.states > 0) report(`  heap growth per stored state (approx.)`, heap / r.states, 'B/state');
    // with a stale schedule the explorer's time includes proving its least stall, which pan does not do
    const spin = spinOn(scenario, kernel);
    if (!spin) {
      report('  spin: not installed (apt-get install spin) or failed', 0, '');
      continue;
    }
    report(`  spin on the exported model: ${spin.stale ? 'stale' : 'none'}${spin.stale === !!r.counterexample ? ', agrees' : ', DISAGREES'} (compile ${spin.compileMs.toFixed(0)} ms apart)`, spin.ms, 'ms');
    report(`  spin states stored; explorer/spin time`, spin.states, `states; ${(ms / spin.ms).toFixed(1)}×`);
  }
}
