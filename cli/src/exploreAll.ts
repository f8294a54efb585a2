// `tlbscn explore FILE --kernel all`: the verdict of every kernel variant in
// one run, as a matrix (issue 10): which rows have a stale schedule, with its
// least stall, and how much each search explored.

import { availableParallelism } from 'node:os';
import { type ExploreResult, type KernelName, KERNEL_NAMES, type Scenario, describeStall, explore, exploreJson, isModelLevel } from '../../core/src/index';
import { exploreInWorker, exploreResultOf } from '../../client/src/exploreRunner';

export interface MatrixOptions {
  json: boolean;
  maxStates?: number;
  maxStall?: number;
  maxTime?: number;
  maxMemory?: number;
  shortest?: boolean;
}

/**
 * Every row's search, on the machine's cores: one worker thread a row, as many
 * at once as there are cores (the searches share nothing). On one core, here.
 */
async function exploreRows(text: string, scenario: Scenario, o: MatrixOptions): Promise<ExploreResult[]> {
  const threads = Math.min(availableParallelism(), KERNEL_NAMES.length);
  if (threads < 2) return KERNEL_NAMES.map((kernel) => explore(scenario, kernel, { limit: o.maxStates, maxStall: o.maxStall, maxTime: o.maxTime, maxMemory: o.maxMemory, shortest: o.shortest }));
  const results: ExploreResult[] = [];
  let next = 0;
  const never = { onCancellationRequested: () => undefined };
  const worker = async (): Promise<void> => {
    for (let i = next++; i < KERNEL_NAMES.length; i = next++) {
      const kernel: KernelName = KERNEL_NAMES[i];
      const request = { text, kernel, maxStall: o.maxStall, maxStates: o.maxStates ?? 1_000_000, maxSeconds: (o.maxTime ?? Infinity) / 1000, maxMemory: o.maxMemory, shortest: o.shortest };
      const done = await exploreInWorker(request, () => undefined, never);
      results[i] = exploreResultOf(done!, scenario, kernel, o.maxStall);
    }
  };
  await Promise.all(Array.from({ length: threads }, worker));
  return results;
}

/** Prints the matrix; resolves to the exit status: 1 if some variant is stale, else 3 if a bound cut a search short, else 2 if one cannot run, else 0. */
export async function exploreMatrix(file: string, text: string, scenario: Scenario, o: MatrixOptions, write: (text: string) => void): Promise<number> {
  const results = await exploreRows(text, scenario, o);
  const topology = scenario.topology;
  if (o.json) {
    write(JSON.stringify({ file, maxStall: o.maxStall ?? null, kernels: results.map((r) => exploreJson(r, file, topology)) }, null, 2) + '\n');
  } else {
    const rows = results.map((r) => {
      const ce = r.counterexample;
      const verdict = ce ? 'stale' : r.truncated ? 'truncated' : r.error ? 'error' : 'none';
      const stall = ce ? `${ce.run.stall.steps}${ce.leastStall && isModelLevel(ce.run.stall, topology) ? ' (model-level)' : ''}` : '-';
      return [r.kernel, verdict, stall, String(r.schedules), String(r.states)];
    });
    const header = ['kernel', 'verdict', o.shortest ? 'stall' : 'least stall', 'schedules', 'states'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    const bound = o.maxStall === undefined ? 'stall unbounded' : `stall ≤ ${o.maxStall}`;
    write(`${file}: every kernel variant (${bound})\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`);
    for (const r of results) {
      if (r.counterexample) write(`${r.kernel}: ${describeStall(r.counterexample.run.stall, topology, r.maxStall, r.counterexample.leastStall, r.counterexample.stallAtLeast)}\n`);
      if (r.error && !r.counterexample) write(`${r.kernel}: ${r.error.message} (line ${r.error.line + 1})\n`);
    }
  }
  if (results.some((r) => r.counterexample)) return 1;
  if (results.some((r) => r.truncated)) return 3;
  return results.some((r) => r.error) ? 2 : 0;
}
