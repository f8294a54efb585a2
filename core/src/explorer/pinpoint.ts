// Race pinpointing (issue 10): for a stale schedule, the nearest safe
// schedule and the pair of micro-steps whose order decides it ("stale iff
// cpu2's clear of need_tlb_flush[0] runs before cpu1's entry test").
//
// The search walks the stale schedule's decisions from the last back to the
// first; at each, it lets another ready lane take its next micro-step one
// place earlier and then follows the stale schedule's remaining choices. The
// first such schedule that is safe (no stale access, no runtime error) is the
// nearest: it agrees with the stale one on the longest prefix. The two steps
// that trade places there are the race.

import type { KernelName } from '../language/ast';
import type { Scenario } from '../language/checker';
import { type Chooser, Simulation, variantFor } from '../machine/simulation';
import type { MicroStep, RunResult } from '../machine/trace';
import { type Schedule, scheduleChooser } from './explore';

export interface RaceStep {
  cpu: number;
  /** 0-based line of the statement the step belongs to. */
  line: number;
  /** What the step does, in a few words (`clear of need_tlb_flush[0]`). */
  what: string;
}

export interface Pinpoint {
  /** The nearest schedule with no stale access. */
  safeSchedule: Schedule;
  /** The decision (index into the schedules) where the two part. */
  decision: number;
  /** The step the stale schedule takes there, and the one the safe schedule takes instead. */
  staleFirst: RaceStep;
  safeFirst: RaceStep;
  /** "stale iff … runs before …". */
  summary: string;
}

/** `stale` is the stale schedule's replay, when the caller has it already. */
export function pinpoint(scenario: Scenario, schedule: Schedule, override?: KernelName, stale = replaySchedule(scenario, schedule, override)): Pinpoint | undefined {
  for (let k = schedule.length - 1; k >= 0; k--) {
    for (const cpu of stale.ready[k]) {
      if (cpu === schedule[k]) continue;
      const candidate = [...schedule.slice(0, k), cpu, ...schedule.slice(k)];
      const safe = replaySchedule(scenario, candidate, override);
      if (safe.run.stale > 0 || safe.run.errors.length > 0) continue;
      const staleFirst = describe(stale.run.steps[stale.stepAt[k]]);
      const safeFirst = describe(safe.run.steps[safe.stepAt[k]]);
      const name = (s: RaceStep) => `cpu${s.cpu}'s ${s.what} (line ${s.line + 1})`;
      return {
        safeSchedule: safe.schedule,
        decision: k,
        staleFirst,
        safeFirst,
        summary: `stale iff ${name(staleFirst)} runs before ${name(safeFirst)}`,
      };
    }
  }
  return undefined;
}

export interface Replay {
  run: RunResult;
  /** At each decision: the cpus that were ready, the index of the step taken, and the cpu that took it. */
  ready: number[][];
  stepAt: number[];
  schedule: Schedule;
}

/** A recorded replay of a schedule, with what was decided at each decision. */
export function replaySchedule(scenario: Scenario, schedule: Schedule, override?: KernelName): Replay {
  const sim = new Simulation(scenario, variantFor(scenario, override));
  const ready: number[][] = [];
  const stepAt: number[] = [];
  const taken: Schedule = [];
  const follow = scheduleChooser(schedule)();
  const chooser = (): Chooser => (lanes, all) => {
    const pick = follow(lanes, all);
    if (lanes.length > 1) {
      ready.push(lanes.map((l) => l.cpu));
      stepAt.push(sim.steps.length);
      taken.push(lanes[pick].cpu);
    }
    return pick;
  };
  return { run: sim.runAll(chooser), ready, stepAt, schedule: taken };
}

/** A micro-step in a few words, from what it recorded. */
function describe(step: MicroStep): RaceStep {
  const at = { cpu: step.cpu, line: step.line };
  if (step.clear) return { ...at, what: `clear of need_tlb_flush[${step.clear.bit}]` };
  if (step.entryTest) return { ...at, what: `entry test of need_tlb_flush[${step.entryTest.bit}] (${step.entryTest.wasSet ? 'set' : 'clear'})` };
  if (step.flush) return { ...at, what: `flush of set ${step.flush.set}` };
  if (step.access) return { ...at, what: `access ${step.access.task} ${step.access.page}` };
  if (step.ipi) return { ...at, what: step.ipi.take === undefined || step.ipi.take === 'in-send' ? `IPI to cpu${step.ipi.to}` : 'IPI take' };
  const frame = step.frames[step.frames.length - 1];
  return { ...at, what: frame ? frame.name : step.text };
}
