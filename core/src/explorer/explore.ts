// The explorer: tries every interleaving of the micro-steps of every
// `concurrently` block and reports a schedule that ends in a stale access,
// or proves there is none.
//
// A stateful depth-first search over one live run. At each point where
// more than one lane could move (a branching point) the search keeps a
// snapshot of the lanes and counters and the length of the machine's change
// journal; to try the next lane there it reverts the journal to that length
// (the exact undo the debugger's time travel uses) and restores the snapshot:
// no schedule is replayed from the start of its block. A branching point whose
// state (machine + lanes) was already reached is not explored again: a step
// always makes progress, so a state never reaches itself. Where one lane's
// next step cannot interfere with any other lane, the search takes it without
// branching (partial-order reduction, independence.ts); such forced choices
// are recorded in the schedule too, so that it replays as it was found. A run
// stops at its first runtime error (a deadlock, a vcpu entering on two cpus):
// an interleaving that cannot happen proves nothing, and neither does anything
// after it. Sleep sets (Godefroid) skip the steps that lead only where a
// sibling branch already went (two commuting steps in the other order); a
// state keeps the lanes asleep at every visit, and a later visit with fewer
// asleep takes the lanes the earlier ones skipped, so every state is still
// reached (the same states, fewer steps). With `symmetry`, threads that play interchangeable roles
// (symmetry.ts) share one key in the visited set; the search itself still
// walks real states, so a schedule found replays as found.
//
// With a ParallelRunner (parallel.ts), the first search runs on several
// threads that share its visited states; the least stall is then proven here.
//
// Stalls (spec v2 §0.4): a counterexample reports the least stall with which
// a stale access can be reached, so the figure does not depend on search
// order. The search first runs unbounded (or within `--max-stall`); when it
// finds a stale schedule it searches again with the stall bounded at 0, 1,
// 2, … below that schedule's, and the first bound that finds one gives the
// least (every smaller bound found nothing).
// Under a bound the reduction takes a step alone only where no lane is in its
// interrupts-off region, and states are compared with their stalls by
// dominance (stateStore.ts).

import type { ConcurrentlyBlock, KernelName } from '../language/ast';
import type { Scenario } from '../language/checker';
import { type Chooser, type LaneState, Simulation, type SimulationSnapshot, hasWork, roundRobin, variantFor } from '../machine/simulation';
import { type Change, revertChanges } from '../machine/state';
import type { RunResult, RuntimeError } from '../machine/trace';
import { Independence } from './independence';
import { type ParallelRunner, parallelFirst } from './parallel';
import { type Pinpoint, pinpoint, replaySchedule } from './pinpoint';
import { StateStore } from './stateStore';
import { Symmetry } from './symmetry';

/** At each decision: the cpu of the lane that moved. Replayable by `scheduleChooser`. */
export type Schedule = number[];

export interface ExploreResult {
  kernel: string;
  /**
   * A schedule whose run has a stale access, with that run, if any exists;
   * `leastStall`: its stall is proven the least (false only when a bound stopped the proof).
   */
  counterexample?: { schedule: Schedule; run: RunResult; leastStall: boolean; stallAtLeast: number; race?: Pinpoint };
  /** Complete runs (and runs cut short at a state already explored), over every search made. */
  schedules: number;
  /** Distinct states (between micro-steps) at which the first search chose between lanes. */
  states: number;
  /** A bound (states, time or memory) stopped the search before a verdict. */
  truncated: boolean;
  /** What stopped it, when truncated. */
  stoppedBy?: StoppedBy;
  /** `--shortest`: whether the counterexample is proven the shortest (no bound stopped the search). */
  shortest?: boolean;
  /** The stall bound the search ran under (`--max-stall`), or null: unbounded. */
  maxStall: number | null;
  /**
   * Every schedule explored ended in a runtime error (a deadlock, say): the
   * scenario cannot run at all. The first such error.
   */
  error?: RuntimeError;
  /** The figures a model-checker user expects at the end. */
  stats: ExploreStats;
}

export type StoppedBy = 'states' | 'time' | 'memory';

export interface ExploreStats {
  /** Micro-steps executed, over every search (a step run again after backtracking counts again). */
  transitions: number;
  /** The most micro-steps of one schedule, from the start of the scenario. */
  depth: number;
  /** Wall time of the whole exploration, and until the first search's verdict (before the least stall was proven). */
  ms: number;
  verdictMs: number;
  /** Bytes holding the first search's stored states (every table, as allocated), and per state. */
  bytes: number;
  bytesPerState: number;
  /** Threads the first search ran on (parallel.ts), when more than one. */
  threads?: number;
}


/** How far a search has got; `explore` reports it every `PROGRESS_EVERY` schedules. */
export type ExploreProgress = (schedules: number, states: number) => void;
const PROGRESS_EVERY = 1024;
/** How often (branches tried) the search reads the clock for its time bound. */
const CLOCK_EVERY = 64;

export interface ExploreOptions {
  /** Stop (truncated) after this many distinct states. */
  limit?: number;
  /** Stop (truncated) after this many milliseconds. */
  maxTime?: number;
  /** Stop (truncated) when the stored states hold this many bytes. */
  maxMemory?: number;
  /** Only schedules whose stall is at most this many micro-steps (spec v2 §0.4). */
  maxStall?: number;
  onProgress?: ExploreProgress;
  /** Partial-order reduction (independence.ts); off only to check it. */
  reduce?: boolean;
  /** Sleep sets, with the reduction: fewer steps, the same states; off only to check them. */
  sleepSets?: boolean;
  /**
   * Symmetry reduction (symmetry.ts): states that differ by swapping
   * interchangeable threads share one visited-set key; off only to check
   * it. With --shortest too: a swap maps every schedule from a state to one
   * as long from its image, so a state's image reached in fewer micro-steps
   * is the one worth exploring again, as the state itself would be.
   */
  symmetry?: boolean;
  /**
   * The counterexample with the fewest micro-steps (branch and bound over
   * the whole space) rather than the first found and then the least stall;
   * its stall is reported as it is, not minimised.
   */
  shortest?: boolean;
  /**
   * Threads for the first search (parallel.ts): a front end's runner. Only
   * an unbounded search without --shortest or a prefix runs on them; the
   * least stall is then proven by one thread, as always.
   */
  parallel?: ParallelRunner;
  /**
   * Only schedules that start with these choices: the cpu taken at each of
   * the first decisions, as a Schedule gives them. The debugger's "does a
   * stale schedule exist from here?" passes the decisions made up to its
   * cursor, so the search runs from that state and every schedule found
   * replays the same run up to there. Each choice must be a lane ready at its
   * decision (a schedule recorded from a run of this scenario is).
   */
  prefix?: Schedule;
}

export interface SearchResult {
  found?: Schedule;
  schedules: number;
  states: number;
  stoppedBy?: StoppedBy;
  transitions: number;
  depth: number;
  bytes: number;
  /** Schedules that ran to the end without a runtime error. */
  completed: number;
  firstError?: RuntimeError;
}

export function explore(scenario: Scenario, override?: KernelName, options: ExploreOptions = {}): ExploreResult {
  const variant = variantFor(scenario, override);
  const { limit = 1_000_000, maxTime, maxMemory = Infinity, maxStall, onProgress, reduce = true, sleepSets = true, symmetry = true, shortest = false, prefix = [], parallel } = options;
  const started = Date.now();
  const deadline = maxTime === undefined ? Infinity : started + maxTime;
  const stats: ExploreStats = { transitions: 0, depth: 0, ms: 0, verdictMs: 0, bytes: 0, bytesPerState: 0 };
  const search = (bound: number | undefined, progress?: ExploreProgress, fewest = false) => {
    // the reduction may take a step before the access that a shorter schedule takes after it: not with --shortest
    const r = searchSchedules(scenario, override, { limit, deadline, maxMemory, bound, reduce: reduce && !fewest, sleepSets, symmetry, onProgress: progress, shortest: fewest, prefix });
    stats.transitions += r.transitions;
    stats.depth = Math.max(stats.depth, r.depth);
    return r;
  };
  // threads for the first search when it may use them (and they ran), else this thread
  const threads = parallel && maxStall === undefined && !shortest && prefix.length === 0 ? parallelFirst(parallel, { limit, deadline, maxMemory, reduce, sleepSets, symmetry }, onProgress) : undefined;
  if (threads) {
    stats.transitions += threads.transitions;
    stats.depth = threads.depth;
    stats.threads = parallel!.workers;
  }
  const first = threads ?? search(maxStall, onProgress, shortest);
  stats.verdictMs = Date.now() - started;
  stats.bytes = first.bytes;
  stats.bytesPerState = first.states ? first.bytes / first.states : 0;
  const result: ExploreResult = { kernel: variant.name, schedules: first.schedules, states: first.states, truncated: false, maxStall: maxStall ?? null, stats };
  const finished = (): ExploreResult => {
    stats.ms = Date.now() - started;
    return result;
  };
  if (!first.found) {
    if (first.stoppedBy) Object.assign(result, { truncated: true, stoppedBy: first.stoppedBy });
    else if (first.completed === 0 && first.firstError) result.error = first.firstError;
    return finished();
  }
  let schedule = first.found;
  // only the stall of a schedule found on the way is read: an outcomes-only run gives it
  const stallOf = (s: Schedule) => new Simulation(scenario, variant, { record: false, explain: false }).runAll(scheduleChooser(s)).stall.steps;
  let stall = stallOf(schedule);
  let leastStall = stall === 0;
  /** Searches with every bound below this found nothing: the least stall is at least this. */
  let provenBelow = 0;
  if (shortest) {
    // the shortest one, proven so unless a bound stopped the search; its stall is its own, not minimised
    result.shortest = !first.stoppedBy;
  } else {
    // the least stall: searches bounded at 0, 1, 2, … below the stall found, until one finds a stale
    // schedule, whose stall is then the least (the one before found nothing). Upwards, because a search
    // under a small bound is small, and one that finds stops early; downwards from a large stall, each
    // search found a schedule only one step better, again and again.
    let bound = 0;
    for (; !leastStall && bound < stall && Date.now() < deadline; bound++) {
      const tighter = search(bound);
      result.schedules += tighter.schedules;
      if (tighter.found) {
        schedule = tighter.found;
        stall = stallOf(schedule);
        leastStall = true;
      } else if (tighter.stoppedBy) {
        // a bound that cut the search short proves nothing: the stall found stays, not proven the least
        break;
      }
    }
    // or every bound below the stall found nothing
    leastStall ||= bound === stall;
    provenBelow = bound;
  }
  result.counterexample = counterexampleOf(scenario, schedule, leastStall, override, provenBelow);
  return finished();
}

/**
 * A stale schedule as a counterexample: its recorded run and the race
 * pinpointed in it (one replay serves both). `atLeast`: what is proven of the
 * least stall when it is not proven to be this schedule's.
 */
export function counterexampleOf(scenario: Scenario, schedule: Schedule, leastStall: boolean, override?: KernelName, atLeast = 0): NonNullable<ExploreResult['counterexample']> {
  const stale = replaySchedule(scenario, schedule, override);
  const race = pinpoint(scenario, schedule, override, stale);
  return { schedule, run: stale.run, leastStall, stallAtLeast: leastStall ? stale.run.stall.steps : atLeast, ...(race ? { race } : {}) };
}

/** What one search is asked to do (`explore` makes one per stall bound; a parallel search one per part). */
export interface SearchOptions {
  limit: number;
  deadline: number;
  maxMemory: number;
  bound: number | undefined;
  reduce: boolean;
  sleepSets: boolean;
  symmetry: boolean;
  onProgress?: ExploreProgress;
  shortest: boolean;
  prefix: Schedule;
  /** The visited states, when the search shares them (a parallel search's part); else its own. */
  store?: StateStore;
  /** A parallel search's part: when to stop, and where to give work away. */
  share?: SearchShare;
}

/** A thread's part of a parallel search (parallel.ts), as its search loop sees it. */
export interface SearchShare {
  /** Another thread ended the search (a stale schedule, a bound). */
  stopped(): boolean;
  /** Some thread waits for work that nobody has given yet. */
  hungry(): boolean;
  /** Gives away the schedules that start with `prefix`: false when there is no room for it. */
  give(prefix: Schedule): boolean;
  /** This part's schedules so far, for progress. */
  progress(schedules: number): void;
}

export function searchSchedules(scenario: Scenario, override: KernelName | undefined, o: SearchOptions): SearchResult {
  const variant = variantFor(scenario, override);
  const program = scenario.program;
  // only the visited set's keys are symmetric: the search walks real states, so a schedule found replays
  const seen = o.store ?? new StateStore(o.bound !== undefined, o.shortest, o.symmetry ? Symmetry.detect(scenario, variant) : undefined);
  /** --shortest: the fewest micro-steps to a stale access found so far, and the schedule. */
  let best = Infinity;
  let bestPath: Schedule | undefined;
  const r: SearchResult = { schedules: 0, states: 0, completed: 0, transitions: 0, depth: 0, bytes: 0 };
  // one live run: its changes are journaled so that a branching point can be gone back to
  const sim = new Simulation(scenario, variant, { record: false, explain: false });
  const journal: Change[] = [];
  sim.kernel.keepJournal(journal);
  seen.watch(journal);
  const independence = new Independence(sim.state, variant);
  /** The cpu that moved at each step where more than one lane could (scheduleChooser's format). */
  const path: number[] = [];
  /** Steps taken without branching, for the clock. */
  let forced = 0;
  const stack: Branch[] = [];

  /**
   * Runs what has only one way to go (sequential items, single ready lanes,
   * steps the reduction takes alone) up to the next branching point or the
   * end of the schedule.
   */
  const advance = (at: Position): Leaf | { ready: LaneState[] } => {
    for (;;) {
      if (sim.errors.length > 0) return 'error';
      // an outcomes-only run keeps only the stale accesses
      if (sim.accesses.length > 0) return 'stale';
      // branch and bound: nothing from here can be shorter than what was found
      if (sim.microSteps >= best) return 'pruned';
      if (!at.lanes) {
        if (at.item >= program.length) return 'end';
        const item = program[at.item];
        if (item.kind === 'concurrently') {
          at.lanes = sim.startBlock(item);
          sleep = 0;
          independence.forget();
        } else {
          sim.runItem(item, roundRobin);
          at.item++;
        }
        continue;
      }
      const lanes = at.lanes;
      if (!lanes.some(hasWork)) {
        at.lanes = undefined;
        at.item++;
        continue;
      }
      const ready = sim.readyLanes(lanes);
      if (ready.length === 0) {
        sim.deadlock(program[at.item] as ConcurrentlyBlock, lanes);
        return 'error';
      }
      let only = ready.length === 1 ? 0 : -1;
      // a decision the prefix makes: taken as it says, before the reduction could pick another lane
      if (only < 0 && path.length < o.prefix.length) {
        only = ready.findIndex((l) => l.cpu === o.prefix[path.length]);
        if (only < 0) throw new RangeError(`the schedule prefix's choice ${path.length + 1}, cpu${o.prefix[path.length]}, is no lane ready there`);
      }
      // a step no other lane can interfere with: taken now, without branching (recorded, for replay)
      if (only < 0 && o.reduce) {
        only = independence.independentLane(ready, lanes);
        if (only >= 0 && o.bound !== undefined && !stallNeutral(lanes, ready[only])) only = -1;
      }
      if (only < 0) return { ready };
      const lane = ready[only];
      // a lane asleep here: every state its step leads to is reached from an earlier sibling
      if (sleep & laneBit(lane)) return 'pruned';
      if (ready.length > 1) path.push(lane.cpu);
      if (beyondBound(ready, lane)) return 'pruned';
      if (sleep) sleep = awakeAfter(sleep, lanes, lane);
      independence.stepping(lane.pending[lane.pending.length - 1]);
      sim.moveLane(ready, lanes, lane);
      // a long stretch without branching (a sweep of thousands of sets) still honours the time bound
      if (++forced % CLOCK_EVERY === 0 && Date.now() >= o.deadline) return 'late';
    }
  };

  /** Handles where a run got to: a leaf, or a new branching point pushed on the stack. */
  const reached = (at: Position, result: Leaf | { ready: LaneState[] }): Verdict | undefined => {
    r.depth = Math.max(r.depth, sim.microSteps);
    if (typeof result === 'string') {
      r.schedules++;
      if (result === 'stale' && o.shortest) {
        // keep searching for a shorter one
        best = sim.microSteps;
        bestPath = path.slice();
        return undefined;
      }
      if (result === 'stale' || result === 'late') return result;
      if (result === 'error') r.firstError ??= sim.errors[0];
      if (result === 'end') r.completed++;
      return undefined;
    }
    // the lanes to take from here: all awake ones at a new state, at a state seen before those asleep at every earlier visit and awake now
    let take = ALL_LANES;
    if (sleeps) take = seen.visit(at.item, sim.state, at.lanes!, sim.lastOutcome ?? '', sleep);
    else if (!seen.add(at.item, sim.state, at.lanes!, sim.lastOutcome ?? '', sim.microSteps)) take = 0;
    if (seen.full) return 'memory';
    if (take === 0) {
      r.schedules++; // explored from an earlier visit
      return undefined;
    }
    if (seen.size >= o.limit) return 'limit';
    if (o.maxMemory < Infinity && seen.bytes >= o.maxMemory) return 'memory';
    // as positions in the ready lanes (at most 30 with sleep sets), the order the search tries them in
    let choices = ALL_LANES;
    if (take !== ALL_LANES) {
      choices = 0;
      result.ready.forEach((l, i) => {
        if (take & laneBit(l)) choices |= 1 << i;
      });
    }
    // sharing, the ready lanes' indexes: an option given away names its lane
    const ready = o.share ? result.ready.map((l) => l.index) : undefined;
    stack.push({ item: at.item, snapshot: sim.snapshot(at.lanes!), mark: journal.length, pathLength: path.length, options: result.ready.length, next: 0, choices, sleep, done: 0, ready });
    return undefined;
  };

  /**
   * Under a stall bound the reduction may take a step early only where that
   * lengthens no gap: no lane is in its interrupts-off region (so nobody's
   * stall grows) and the step does not start one (kvmppc_start_thread, which
   * would start the lane's own gaps sooner).
   */
  const stallNeutral = (lanes: readonly LaneState[], early: LaneState): boolean =>
    lanes.every((l) => !sim.state.cpus[l.cpu].irqsOff) && early.pending[early.pending.length - 1]?.op !== 'start_thread';

  /** A move that would hold a lane past the stall bound: the schedule is left out before the move is made. */
  const beyondBound = (ready: readonly LaneState[], moving: LaneState): boolean => o.bound !== undefined && sim.stallAfter(ready, moving) > o.bound;

  /**
   * Sleep sets (Godefroid): the lanes whose next step a sibling branch
   * explored before this one and that commutes with every step since. Taking
   * one now reaches only states that sibling reached, so it is not taken.
   * Not under a stall bound or --shortest, where the order of two commuting
   * steps changes the stalls or the depth that the dominance check compares,
   * nor on a machine of more than 30 threads (a lane is a bit of a mask).
   */
  const sleeps = o.reduce && o.sleepSets && o.bound === undefined && !o.shortest && sim.state.topology.cpuCount <= 30;
  let sleep = 0;
  /** The lanes of `asleep` that stay asleep after `moved` steps: those whose next step commutes with its. */
  const awakeAfter = (asleep: number, lanes: readonly LaneState[], moved: LaneState): number => {
    const step = moved.pending[moved.pending.length - 1];
    for (const l of lanes) if (asleep & laneBit(l) && !independence.commute(step, l.pending[l.pending.length - 1])) asleep &= ~laneBit(l);
    return asleep;
  };

  /**
   * Gives another thread the next untried option nearest the root (the
   * largest part, as far as one can tell): the schedule up to its branching
   * point and the option's lane. This thread treats it as tried: a sibling
   * may put it to sleep, since the other thread explores what it leads to.
   */
  const giveAway = (share: SearchShare): void => {
    for (const b of stack) {
      if (b.options > 31) continue;
      const left = (b.choices === ALL_LANES ? (1 << b.options) - 1 : b.choices) & ~((1 << b.next) - 1);
      if (left === 0) continue;
      const option = 31 - Math.clz32(left & -left);
      const lane = b.snapshot.lanes[b.ready![option]];
      if (!share.give([...path.slice(0, b.pathLength), lane.cpu])) return;
      b.choices = left & ~(1 << option);
      b.done |= laneBit(lane);
      return;
    }
  };

  const root: Position = { item: 0, lanes: undefined };
  let verdict = reached(root, advance(root));
  r.transitions = sim.microSteps;
  let visits = 0;
  while (!verdict && stack.length) {
    const b = stack[stack.length - 1];
    if (b.choices !== ALL_LANES) while (b.next < b.options && !(b.choices & (1 << b.next))) b.next++;
    if (b.next >= b.options) {
      stack.pop();
      continue;
    }
    const choice = b.next++;
    const last = b.choices === ALL_LANES ? b.next === b.options : b.choices >>> b.next === 0;
    // back to the branching point: undo the machine's changes since, restore the lanes and counters
    if (journal.length > b.mark) {
      seen.reverting(b.mark);
      revertChanges(sim.state, journal, b.mark);
      journal.length = b.mark;
    }
    // the branch's last option may have the snapshot's lanes themselves: nothing restores them again
    const lanes = sim.restore(b.snapshot, last);
    const from = sim.microSteps;
    path.length = b.pathLength;
    const at: Position = { item: b.item, lanes };
    const ready = sim.readyLanes(lanes);
    const lane = ready[choice];
    path.push(lane.cpu);
    if (beyondBound(ready, lane)) {
      r.schedules++;
      continue;
    }
    // the lanes asleep here and those tried before this one stay asleep where their steps commute with this one's
    sleep = sleeps ? awakeAfter(b.sleep | b.done, lanes, lane) : 0;
    b.done |= laneBit(lane);
    independence.forget();
    sim.moveLane(ready, lanes, lane);
    verdict = reached(at, advance(at));
    r.transitions += sim.microSteps - from;
    if (++visits % CLOCK_EVERY === 0) {
      if (visits % PROGRESS_EVERY === 0) o.onProgress?.(r.schedules, seen.size);
      if (Date.now() >= o.deadline) verdict = 'late';
      if (o.share) {
        o.share.progress(r.schedules);
        if (o.share.stopped()) verdict = 'stopped';
        else if (o.share.hungry()) giveAway(o.share);
      }
    }
  }
  r.states = seen.size;
  r.bytes = seen.bytes;
  // --shortest keeps the best found so far, even when a bound stopped it
  const found = bestPath ?? (verdict === 'stale' ? path.slice() : undefined);
  const stoppedBy = verdict === 'limit' ? 'states' : verdict === 'late' ? 'time' : verdict === 'memory' ? 'memory' : undefined;
  return { ...r, ...(found ? { found } : {}), ...(stoppedBy ? { stoppedBy } : {}) };
}

/** Where a run is in the program: an item, and the lanes when that item is a block under way. */
interface Position {
  item: number;
  lanes: LaneState[] | undefined;
}

/** How a schedule ended: a stale access, the end, a runtime error, a stall past the bound, or the time bound. */
type Leaf = 'stale' | 'end' | 'error' | 'pruned' | 'late';

/** Why a search loop ended before its stack emptied ('stopped': another thread of a parallel search ended it). */
type Verdict = 'stale' | 'late' | 'limit' | 'memory' | 'stopped';

/** A branching point of the search: what to restore, and which lane to try next. */
interface Branch {
  item: number;
  snapshot: SimulationSnapshot;
  /** The journal's length there: changes past it are undone on return. */
  mark: number;
  pathLength: number;
  options: number;
  next: number;
  /** The ready lanes to try, as a mask of their positions, or ALL_LANES. */
  choices: number;
  /** Sleep sets: the lanes asleep when the search got here, and those tried from here so far (lane index masks). */
  sleep: number;
  done: number;
  /** Sharing work (a parallel search): the ready lanes' indexes, in option order. */
  ready: number[] | undefined;
}

/** Every lane (or ready position): a mask with all bits set. */
const ALL_LANES = -1;

/** A lane's bit in a sleep set (at most 30 lanes when sleep sets are on). */
function laneBit(l: LaneState): number {
  return l.index < 31 ? 1 << l.index : 0;
}

/** Replays a recorded schedule (from `explore` or a JSON trace). */
export function scheduleChooser(schedule: Schedule): () => Chooser {
  let at = 0;
  return () => (ready) => {
    if (ready.length === 1) return 0;
    const cpu = schedule[at++];
    const i = ready.findIndex((l) => l.cpu === cpu);
    return i >= 0 ? i : 0;
  };
}

export function runSchedule(scenario: Scenario, schedule: Schedule, override?: KernelName): RunResult {
  return new Simulation(scenario, variantFor(scenario, override)).runAll(scheduleChooser(schedule));
}
