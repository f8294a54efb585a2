// Core benchmarks: parse + check of generated scenarios, simulator throughput.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, explore, simulate } from '../core/src/index';
import { generateScenario } from './generate';
import { type Report, median, repoRoot } from './report';

function time<T>(f: () => T): [T, number] {
  const t0 = process.hrtime.bigint();
  const r = f();
  return [r, Number(process.hrtime.bigint() - t0) / 1e6];
}

export async function benchCore(report: Report): Promise<void> {
  for (const lines of [10_000, 100_000]) {
    const text = generateScenario(lines);
    analyze(text); // warm up
    const ms = median(Array.from({ length: 5 }, () => time(() => analyze(text))[1]));
    report(`parse+check, ${lines / 1000}k lines (median of 5)`, ms, 'ms', lines === 100_000 ? '< 200 ms' : undefined);
  }
  const text = generateScenario(100_000);
  const { scenario } = analyze(text);
  for (const [mode, record, runs] of [
    ['outcomes only (explorer, diagnostics)', false, 5],
    ['full trace (debugger: texts, frames, change journal)', true, 3],
  ] as const) {
    const first = simulate(scenario, undefined, { record });
    const { events, microSteps } = first;
    for (let i = 0; i < 2; i++) simulate(scenario, undefined, { record }); // warm up: steady-state throughput
    const ms = median(Array.from({ length: runs }, () => time(() => simulate(scenario, undefined, { record }))[1]));
    // the target is the simulator's, as the explorer and diagnostics run it; a recorded run keeps every step for the debugger
    report(`simulator, ${mode}: events/s`, events / (ms / 1000), 'events/s', record ? undefined : '≥ 1M events/s');
    report(`simulator, ${mode}: micro-steps/s`, microSteps / (ms / 1000), 'steps/s');
    if (!record) report(`  (the run: ${events} events, ${microSteps} micro-steps)`, events, 'events');
  }

  // the explorer, exhaustively: domain.md S15 under early-clear, which has no stale schedule
  const race = analyze(readFileSync(join(repoRoot(), 'sample-scenarios', 'races', 'lost-update.tlbscn'), 'utf8')).scenario;
  explore(race, 'early-clear'); // warm up
  const [result, ms] = time(() => explore(race, 'early-clear'));
  report(`explorer, races/lost-update.tlbscn under early-clear: schedules/s`, result.schedules / (ms / 1000), 'schedules/s');
  report(`  (${result.schedules} schedules, ${result.states} states: ${result.counterexample ? 'a stale schedule found' : 'no stale access'})`, ms, 'ms');
  const [full, fullMs] = time(() => explore(race, 'early-clear', { reduce: false }));
  report(`  without partial-order reduction: ${full.schedules} schedules, ${full.states} states`, fullMs, 'ms');
}
