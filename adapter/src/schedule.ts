// Schedules in the debugger (issue 12). The run being debugged is one
// schedule: the cpu that moved at each point where more than one lane of a
// `concurrently` block could (the explorer's Schedule, which runSchedule
// replays). Choosing who moves next re-simulates the scenario with a chooser
// that keeps every earlier decision, so the trace up to the debugger's
// position is the same and only what follows changes.

import {
  type Chooser,
  type KernelName,
  type LaneState,
  type RunResult,
  type Schedule,
  type Scenario,
  Simulation,
  hasWork,
  isExpectation,
  printEvent,
  scheduleChooser,
  variantFor,
} from '../../core/src/index';

/** One point of a run where more than one lane could move. */
export interface Decision {
  /** The index of the micro-step taken there. */
  step: number;
  /** The cpus whose lanes could move. */
  ready: number[];
  /** The cpu that moved. */
  cpu: number;
}

export interface ScheduledRun {
  run: RunResult;
  decisions: Decision[];
}

/** The cpus that moved at the decisions: what a schedule file holds. */
export const scheduleOf = (decisions: readonly Decision[]): Schedule => decisions.map((d) => d.cpu);

/**
 * A recorded run (as `simulate` or `runSchedule` make it) under the chooser
 * `make` returns, with its decisions; `make` may read how many micro-steps
 * have run.
 */
export function recordRun(scenario: Scenario, kernel: KernelName | undefined, make: (stepsRun: () => number) => () => Chooser): ScheduledRun {
  const sim = new Simulation(scenario, variantFor(scenario, kernel));
  const decisions: Decision[] = [];
  const chooser = make(() => sim.steps.length);
  const recording = (): Chooser => {
    const choose = chooser();
    return (ready, lanes) => {
      const pick = choose(ready, lanes);
      if (ready.length > 1) decisions.push({ step: sim.steps.length, ready: ready.map((l) => l.cpu), cpu: ready[pick].cpu });
      return pick;
    };
  };
  return { run: sim.runAll(recording), decisions };
}

/**
 * The chooser of a re-scheduled run: the `old` decisions before micro-step
 * `from` (an identical prefix); from there `cpu` moves first and, with
 * `whole`, keeps moving, whenever it can, until its current event is over
 * (step over: the other lanes wait); then the old decisions from that point
 * on, each as far as its cpu can still move, and round-robin (the default
 * schedule, spec §5) where one cannot or when they run out.
 */
export function steer(old: Schedule, from: number, cpu: number, whole: boolean): (stepsRun: () => number) => () => Chooser {
  return (stepsRun) => {
    // the next old decision to follow: the steered moves are inserted before it, as pinpoint inserts one
    let next = 0;
    let steering = true;
    let moved = false;
    return () => {
      // round-robin restarts with each block, as the default chooser does
      let last = -1;
      const choose = (ready: readonly LaneState[], lanes: readonly LaneState[]): number => {
        const find = (c: number | undefined) => ready.findIndex((l) => l.cpu === c);
        if (stepsRun() >= from && steering) {
          const mine = find(cpu);
          if (mine >= 0 && (!moved || (whole && ready[mine].pending.length > 0))) {
            moved = true;
            return mine;
          }
          // one micro-step asked for, or its event is over (no op of it pending)
          if (moved && (!whole || !(lanes.find((l) => l.cpu === cpu)?.pending.length ?? 0))) steering = false;
        }
        if (ready.length === 1) return 0;
        const listed = find(old[next++]);
        return listed >= 0 ? listed : Math.max(0, ready.findIndex((l) => l.index > last));
      };
      return (ready, lanes) => {
        const pick = choose(ready, lanes);
        last = ready[pick].index;
        return pick;
      };
    };
  };
}

/** A lane of the block at some micro-step, as the debugger offers it. */
export interface LaneChoice {
  cpu: number;
  /** Whether it can move at that step. */
  ready: boolean;
  /** Why it cannot, when it cannot. */
  why?: string;
}

/** Stops a replay once it has seen what it was run for. */
class Seen extends Error {}

/**
 * The lanes of the block under way at micro-step `step` of the run that
 * `schedule` replays, and what each waits for; undefined when that step is
 * not in a block. Replays the run up to there (only asked for on demand).
 */
export function lanesAt(scenario: Scenario, kernel: KernelName | undefined, schedule: Schedule, step: number): LaneChoice[] | undefined {
  const sim = new Simulation(scenario, variantFor(scenario, kernel));
  let found: LaneChoice[] | undefined;
  const follow = scheduleChooser(schedule);
  const chooser = (): Chooser => {
    const choose = follow();
    return (ready, lanes) => {
      if (sim.steps.length !== step) return choose(ready, lanes);
      found = lanes.filter(hasWork).map((l) => (ready.includes(l) ? { cpu: l.cpu, ready: true } : { cpu: l.cpu, ready: false, why: whyWaiting(sim, l) }));
      throw new Seen();
    };
  };
  try {
    sim.runAll(chooser);
  } catch (e) {
    if (!(e instanceof Seen)) throw e;
  }
  return found;
}

/** What a lane that cannot move waits for (docs/language.md, execution model v2). */
function whyWaiting(sim: Simulation, lane: LaneState): string {
  const ipi = sim.state.cpus[lane.cpu].ipiWait;
  if (ipi >= 0) return `it waits for cpu${ipi} to take its IPI (smp_call_function_single with wait=1)`;
  const next = lane.events.find((e) => e.kind === 'reentry' || !isExpectation(e));
  if (!next || next.kind === 'reentry') return 'it waits for its re-entry';
  const what = `its next event, '${printEvent(next)}' (line ${next.line + 1}),`;
  if (next.kind === 'run' || next.kind === 'stop') return `${what} waits until that vcpu has finished entering the guest on another cpu`;
  return `${what} is guest code: it waits until its vcpu has entered the guest (guest code runs only in guest mode)`;
}
