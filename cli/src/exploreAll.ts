// `tlbscn explore FILE --kernel all`: the verdict of every kernel variant in
// one run, as a matrix (issue 10): which rows have a stale schedule, with its
// least stall, and how much each search explored.

import { KERNEL_NAMES, type Scenario, describeStall, explore, exploreJson, isModelLevel } from '../../core/src/index';

export interface MatrixOptions {
  json: boolean;
  maxStates?: number;
  maxStall?: number;
  maxTime?: number;
  maxMemory?: number;
  shortest?: boolean;
}

/** Prints the matrix; returns the exit status: 1 if some variant is stale, else 3 if a bound cut a search short, else 2 if one cannot run, else 0. */
export function exploreMatrix(file: string, scenario: Scenario, o: MatrixOptions, write: (text: string) => void): number {
  const results = KERNEL_NAMES.map((kernel) => explore(scenario, kernel, { limit: o.maxStates, maxStall: o.maxStall, maxTime: o.maxTime, maxMemory: o.maxMemory, shortest: o.shortest }));
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
