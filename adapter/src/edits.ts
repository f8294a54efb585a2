// Edits during a session (issue 12): the run being debugged was made from the
// scenario's text at launch; when that text changes (on disk, or in the
// editor, which the client reports), the debugger says so and can restart at
// the same step of a run of the new text. "The same step" is the same
// micro-step when it still runs the same statement, else the same statement
// (its text, on the nearest line that has it, the same time it runs), else
// the same step number: the restart says which.

import type { Timeline } from './timeline';

/** Where the debugger stood in the old run, as the new run can recognise it. */
export interface OldPlace {
  /** Micro-steps run. */
  position: number;
  /** 0-based line of the statement there. */
  line: number;
  /** The old text of that line. */
  text: string;
  /** Which time (0 first) that statement runs, among the times the line runs. */
  time: number;
}

export interface NewPlace {
  point: number;
  /** How it was matched, for the console. */
  how: string;
}

/** A statement's text without its comment and indentation: what makes two lines the same statement. */
const statement = (line: string | undefined) => (line ?? '').replace(/#.*$/, '').trim();

export function placeOf(timeline: Timeline, point: number, lines: readonly string[]): OldPlace {
  const line = timeline.lineOf(point);
  const times = timeline.statementsByLine.get(line) ?? [];
  let time = 0;
  while (time + 1 < times.length && times[time + 1] <= point) time++;
  return { position: timeline.pos[point], line, text: statement(lines[line]), time };
}

/** The point of the new run (its timeline and lines) equivalent to `old`. */
export function equivalentPoint(old: OldPlace, timeline: Timeline, lines: readonly string[]): NewPlace {
  const same = old.position < timeline.pointOfStep.length ? timeline.pointOfStep[old.position] : undefined;
  if (same !== undefined && timeline.lineOf(same) === old.line && statement(lines[old.line]) === old.text) {
    return { point: same, how: `the same step (${old.position}, line ${old.line + 1})` };
  }
  // the nearest line holding the same statement, which the new run reaches
  let best: number | undefined;
  for (let l = 0; l < lines.length; l++) {
    if (statement(lines[l]) !== old.text || !timeline.statementsByLine.get(l)?.length) continue;
    if (best === undefined || Math.abs(l - old.line) < Math.abs(best - old.line)) best = l;
  }
  if (best !== undefined && old.text !== '') {
    const times = timeline.statementsByLine.get(best)!;
    const point = times[Math.min(old.time, times.length - 1)];
    return { point, how: `step ${old.position} no longer runs '${old.text}': the same statement, now at line ${best + 1} (step ${timeline.pos[point]})` };
  }
  const point = same ?? timeline.end;
  return { point, how: `'${old.text}' (line ${old.line + 1}) no longer runs: step ${timeline.pos[point]}, the same step number` };
}
