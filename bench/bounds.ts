// Issue 13's worst cases, each run by the CLI in a process of its own, so
// that its time and peak memory are its own: 4,000 declared guests on the
// largest machine, the checker's did-you-means for 4,000 undeclared tasks,
// and a recorded run that reaches its bound of micro-steps.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_RECORDED_STEPS, analyze, simulate } from '../core/src/index';
import { manyGuestsScenario, sweepingMovesScenario, undeclaredTasksScenario } from './generate';
import { type Report, repoRoot } from './report';

/** Loaded before the CLI: on exit, its peak RSS and CPU time, on stderr. */
const PEAK = `process.on('exit', () => {
  const u = process.resourceUsage();
  require('node:fs').writeSync(2, '\\n@peak ' + JSON.stringify({ maxRssKiB: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }) + '\\n');
});
`;

interface CliRun {
  status: number | null;
  stderr: string;
  wallMs: number;
  cpuMs: number;
  peakMiB: number;
}

function runCli(preload: string, file: string, command: 'run' | 'check' = 'run'): CliRun {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--require', preload, path.join(repoRoot(), 'bin', 'tlbscn.js'), command, file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wallMs = performance.now() - t0;
  const peak = /@peak (.*)/.exec(r.stderr);
  if (!peak) throw new Error(`tlbscn run ${file} ended without its figures (status ${r.status}, signal ${r.signal}): ${r.stderr.slice(-500)}`);
  const { maxRssKiB, cpuMs } = JSON.parse(peak[1]) as { maxRssKiB: number; cpuMs: number };
  return { status: r.status, stderr: r.stderr, wallMs, cpuMs, peakMiB: maxRssKiB / 1024 };
}

export async function benchBounds(report: Report): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlbscn-bounds-'));
  try {
    const preload = path.join(dir, 'peak.js');
    fs.writeFileSync(preload, PEAK);

    const guests = path.join(dir, 'many-guests.tlbscn');
    fs.writeFileSync(guests, manyGuestsScenario());
    const g = runCli(preload, guests);
    if (g.status !== 0) throw new Error(`tlbscn run of 4,000 guests: status ${g.status}: ${g.stderr.slice(0, 500)}`);
    report('tlbscn run, 4,000 guests × 1,024 vcpus on 8,192 cpus: time', g.wallMs, 'ms', '< 1 s');
    report(`  (CPU time)`, g.cpuMs, 'ms');
    report('  peak memory (maxRSS)', g.peakMiB, 'MB', '< 200 MB');

    const undeclared = path.join(dir, 'undeclared-tasks.tlbscn');
    const source = undeclaredTasksScenario();
    fs.writeFileSync(undeclared, source);
    const c = runCli(preload, undeclared, 'check');
    if (c.status !== 2) throw new Error(`tlbscn check of 4,000 undeclared tasks: status ${c.status}`);
    report(`tlbscn check, 4,000 tasks + 4,000 uses of undeclared ones (${Math.round(source.length / 1024)} KB): time`, c.wallMs, 'ms', 'was 24-32 s');
    report('  peak memory (maxRSS)', c.peakMiB, 'MB');

    const moves = path.join(dir, 'sweeping-moves.tlbscn');
    const text = sweepingMovesScenario();
    fs.writeFileSync(moves, text);
    const m = runCli(preload, moves);
    if (m.status !== 2 || !m.stderr.includes(`the run stopped after ${MAX_RECORDED_STEPS} recorded micro-steps`)) {
      throw new Error(`tlbscn run of 3,000 sweeping moves did not stop at its bound (status ${m.status}): ${m.stderr.slice(0, 500)}`);
    }
    report(`tlbscn run, 3,000 sweeping moves, stopped at ${MAX_RECORDED_STEPS / 1e6} M recorded steps: time`, m.wallMs, 'ms');
    report(`  (CPU time)`, m.cpuMs, 'ms');
    report('  peak memory (maxRSS)', m.peakMiB, 'MB', '< 1.5 GB');

    // the same file outcomes-only (the language server's run): no bound, the whole run, little memory
    const { scenario } = analyze(text);
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const run = simulate(scenario, undefined, { record: false });
    const ms = performance.now() - t0;
    report(`  outcomes only, the whole run (${(run.microSteps / 1e6).toFixed(1)} M micro-steps): time`, ms, 'ms');
    report('  heap grown by it', (process.memoryUsage().heapUsed - heap0) / 2 ** 20, 'MB');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
