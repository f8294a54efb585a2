// Schedules as files (issue 12): what "Save Schedule" writes, and the
// regression scenario "Save as Regression Scenario" makes of a stale
// schedule. The language has no schedule block, so a schedule is always a
// sibling JSON file: `{ "file", "kernel", "schedule": [cpus], "stale" }`,
// the fields `tlbscn explore --json` writes, which the `trace` launch
// attribute and `tlbscn run --schedule` replay.

import type { RunResult, Scenario } from '../../core/src/index';
import type { Runtime } from './runtime';

export interface ScheduleFile {
  /** The scenario (absolute here; the client writes it relative to the schedule file). */
  file: string;
  kernel: string;
  /** The cpu that moved at each point where more than one lane could. */
  schedule: number[];
  /** Stale accesses of the run: a replay of a changed scenario warns when it differs. */
  stale: number;
}

export function scheduleFile(rt: Runtime): ScheduleFile {
  return { file: rt.loaded.file, kernel: rt.run.kernel, schedule: rt.schedule, stale: rt.run.stale };
}

/**
 * The scenario's text with its kernel pinned to the run's, `expect stale`
 * checked right after the run's first stale access (unless it is already),
 * and a header that names the schedule file; undefined when the run reads no
 * stale entry. The expectation goes into the lane when the access is in a
 * `concurrently` block: after the block, another lane's access could be the last.
 */
export function regressionScenario(scenario: Scenario, run: RunResult): string | undefined {
  const access = run.accesses.find((a) => a.outcome === 'stale');
  if (!access) return undefined;
  const lines = [...scenario.file.sourceLines];
  const expected = run.expectations.some((e) => e.afterStep === access.step && /^\s*(cpu\d+\s*:.*;\s*)?expect\s+stale\b/.test(lines[e.line] ?? ''));
  if (!expected) {
    const laneEvent = scenario.file.statements
      .flatMap((s) => (s.kind === 'concurrently' ? s.lanes.flatMap((l) => l.events) : []))
      .find((e) => e.kind === 'access' && e.range.start.line === access.line && e.task.text === access.task && e.page.text === access.page);
    if (laneEvent) {
      const line = lines[access.line];
      const at = laneEvent.range.end.character;
      lines[access.line] = `${line.slice(0, at)} ; expect stale${line.slice(at)}`;
    } else {
      const indent = /^\s*/.exec(lines[access.line])![0];
      lines.splice(access.line + 1, 0, `${indent}expect stale                     # pinned by the tlbscn debugger`);
    }
  }
  // lines before the access are unchanged by the insertion above
  const kernelLine = scenario.file.statements.find((s) => s.kind === 'kernel');
  if (kernelLine) lines[kernelLine.range.start.line] = lines[kernelLine.range.start.line].replace(/^(\s*)kernel\s+\S+/, `$1kernel ${run.kernel}`);
  else {
    const machine = scenario.file.statements.find((s) => s.kind === 'machine');
    lines.splice(machine ? machine.range.start.line + 1 : 0, 0, `kernel ${run.kernel}`);
  }
  const header = [
    `# Regression scenario (tlbscn debugger): under ${run.kernel}, the access of line ${access.line + 1} of the original`,
    `# (${access.task} ${access.page} on cpu${access.cpu}) reads a stale TLB entry under the schedule saved with it.`,
    '# The language has no schedule block: the schedule is the sibling file of the same name',
    '# ending in .schedule.json. Replay: tlbscn run THIS.tlbscn --schedule THIS.schedule.json,',
    '# or the debugger\'s "trace" launch attribute.',
  ];
  return [...header, ...lines].join('\n');
}
