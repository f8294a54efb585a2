// "Does a stale schedule exist from here?" (issue 12): the explorer run from
// where the debugger stands, that is over the schedules that start with the
// decisions taken before the cursor (explore's `prefix`), so that a schedule it
// finds replays the very run the user is looking at up to here. The answer
// says "none" only when the search was exhaustive, and always under which
// stall bound.

import { type KernelName, type RunResult, type Scenario, type Schedule, type StoppedBy, describeStall, explore } from '../../core/src/index';

/** The bounds of one search; it runs in the adapter, which VS Code runs inline in its extension host. */
export interface FromHereBounds {
  /** Only schedules whose stall is at most this (spec v2 §0.4); absent: unbounded. */
  maxStall?: number;
  maxStates: number;
  maxSeconds: number;
}

export interface FromHereAnswer {
  /**
   * `stale`: a schedule from here reads a stale entry (`schedule`, the whole of
   * it, prefix included); `none`: no schedule from here does (within `maxStall`);
   * `truncated`: a bound stopped the search before a verdict; `already`: this
   * run read a stale entry before here; `error`: every schedule from here ends
   * in a runtime error.
   */
  verdict: 'stale' | 'none' | 'truncated' | 'already' | 'error';
  /** One line for the console and the notification. */
  message: string;
  /** The decisions taken before here, which every schedule searched starts with. */
  prefix: Schedule;
  schedule?: Schedule;
  schedules: number;
  states: number;
  maxStall: number | null;
  stoppedBy?: StoppedBy;
}

/** `run` is the run being debugged, `position` the micro-steps it has run where the debugger stands. */
export function staleFromHere(scenario: Scenario, kernel: KernelName, run: RunResult, prefix: Schedule, position: number, bounds: FromHereBounds): FromHereAnswer {
  const maxStall = bounds.maxStall ?? null;
  const base = { prefix, schedules: 0, states: 0, maxStall };
  const earlier = run.accesses.find((a) => a.outcome === 'stale' && a.step < position);
  if (earlier) {
    return { ...base, verdict: 'already', message: `this run read a stale entry already, at line ${earlier.line + 1} (cpu${earlier.cpu}, step ${earlier.step}): step back before it to ask what else could happen` };
  }
  const r = explore(scenario, kernel, { prefix, maxStall: bounds.maxStall, limit: bounds.maxStates, maxTime: bounds.maxSeconds * 1000 });
  const answer = { ...base, schedules: r.schedules, states: r.states, ...(r.stoppedBy ? { stoppedBy: r.stoppedBy } : {}) };
  const counted = `${r.schedules} schedule${r.schedules === 1 ? '' : 's'}, ${r.states} states`;
  const within = maxStall === null ? 'stall unbounded' : `stall ≤ ${maxStall}`;
  if (r.counterexample) {
    const { schedule, run: found, leastStall } = r.counterexample;
    const stale = found.accesses.find((a) => a.outcome === 'stale')!;
    const stall = describeStall(found.stall, scenario.topology, maxStall, leastStall);
    return {
      ...answer,
      verdict: 'stale',
      schedule,
      message: `a stale schedule exists from here: at line ${stale.line + 1}, cpu${stale.cpu} reads a stale entry of ${stale.task}:${stale.page} (${counted}); ${stall}`,
    };
  }
  if (r.truncated) {
    const bound = r.stoppedBy === 'time' ? `its time bound (${bounds.maxSeconds} s)` : `its state bound (${bounds.maxStates.toLocaleString('en-US')} states)`;
    return { ...answer, verdict: 'truncated', message: `truncated, no verdict: no stale schedule from here in the first ${counted} (${within}); the search stopped at ${bound}` };
  }
  if (r.error) return { ...answer, verdict: 'error', message: `every schedule from here ends in a runtime error: line ${r.error.line + 1}: ${r.error.message}` };
  return { ...answer, verdict: 'none', message: `none from here: no schedule from here reads a stale entry (${within}; ${counted}, exhaustive)` };
}
