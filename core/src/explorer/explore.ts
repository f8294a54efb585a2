// The explorer: tries every interleaving of the micro-steps of every
// `concurrently` block and reports a schedule that ends in a stale access,
// or proves there is none.
//
// Stateless search by replay: a schedule is the list of lane choices made at
// each point where more than one lane could move. Each run follows a prefix
// and then takes the first lane; the next run backtracks to the deepest point
// with an untried lane. A run that reaches a state (machine + lanes) that an
// earlier run already reached stops there: everything after it was explored
// from the first visit (a step always makes progress, so a state never
// reaches itself). Where one lane's next step cannot interfere with any other
// lane, the search takes it without branching (partial-order reduction,
// independence.ts); such forced choices are recorded too, so that a schedule
// replays as it was found. A run stops at its first runtime error (a
// deadlock, a vcpu entering on two cpus): an interleaving that cannot happen
// proves nothing, and neither does anything after it.
//
// Stalls (spec v2 §0.4): a counterexample reports the least stall with which
// a stale access can be reached, so the figure does not depend on search
// order. The search first runs unbounded (or within `--max-stall`), then
// searches again with the stall bounded just below the stall of what it
// found, until a bound finds nothing: the last stall found is the least. Bounded searches
// count each lane's stall in the state and run without the reduction (taking
// a step early can lengthen another lane's stall).

import type { KernelName } from '../language/ast';
import type { Scenario } from '../language/checker';
import { type Chooser, type LaneState, Simulation, StallBeyondLimit, roundRobin, variantFor } from '../machine/simulation';
import type { MachineState } from '../machine/state';
import type { RunResult, RuntimeError } from '../machine/trace';
import type { Op } from '../machine/kernel';
import { independentLane } from './independence';

/** At each decision: the cpu of the lane that moved. Replayable by `scheduleChooser`. */
export type Schedule = number[];

export interface ExploreResult {
  kernel: string;
  /**
   * A schedule whose run has a stale access, with that run, if any exists;
   * `leastStall`: its stall is proven the least (false only when a bound stopped the proof).
   */
  counterexample?: { schedule: Schedule; run: RunResult; leastStall: boolean };
  /** Complete runs (and runs cut short at a state already explored), over every search made. */
  schedules: number;
  /** Distinct states (between micro-steps) at which the first search chose between lanes. */
  states: number;
  /** A bound (states or time) stopped the search before a verdict. */
  truncated: boolean;
  /** What stopped it, when truncated. */
  stoppedBy?: 'states' | 'time';
  /** The stall bound the search ran under (`--max-stall`), or null: unbounded. */
  maxStall: number | null;
  /**
   * Every schedule explored ended in a runtime error (a deadlock, say): the
   * scenario cannot run at all. The first such error.
   */
  error?: RuntimeError;
}

class Pruned {}

/** How far a search has got; `explore` reports it every `PROGRESS_EVERY` schedules. */
export type ExploreProgress = (schedules: number, states: number) => void;
const PROGRESS_EVERY = 1000;

export interface ExploreOptions {
  /** Stop (truncated) after this many distinct states. */
  limit?: number;
  /** Stop (truncated) after this many milliseconds. */
  maxTime?: number;
  /** Only schedules whose stall is at most this many micro-steps (spec v2 §0.4). */
  maxStall?: number;
  onProgress?: ExploreProgress;
  /** Partial-order reduction (independence.ts); off only to check it. */
  reduce?: boolean;
}

interface SearchResult {
  found?: Schedule;
  schedules: number;
  states: number;
  stoppedBy?: 'states' | 'time';
  /** Schedules that ran to the end without a runtime error. */
  completed: number;
  firstError?: RuntimeError;
}

export function explore(scenario: Scenario, override?: KernelName, options: ExploreOptions = {}): ExploreResult {
  const variant = variantFor(scenario, override);
  const { limit = 1_000_000, maxTime, maxStall, onProgress, reduce = true } = options;
  const deadline = maxTime === undefined ? Infinity : Date.now() + maxTime;
  const search = (bound: number | undefined, progress?: ExploreProgress) =>
    searchSchedules(scenario, override, { limit, deadline, bound, reduce: reduce && bound === undefined, onProgress: progress });
  const first = search(maxStall, onProgress);
  const result: ExploreResult = { kernel: variant.name, schedules: first.schedules, states: first.states, truncated: false, maxStall: maxStall ?? null };
  if (!first.found) {
    if (first.stoppedBy) return { ...result, truncated: true, stoppedBy: first.stoppedBy };
    if (first.completed === 0 && first.firstError) result.error = first.firstError;
    return result;
  }
  let schedule = first.found;
  let run = runSchedule(scenario, schedule, override);
  let leastStall = run.stall.steps === 0;
  // the least stall: a search bounded just below the stall of what was found, again and again until
  // one finds nothing (searches that find stop early; only the last one is exhaustive)
  while (!leastStall && Date.now() < deadline) {
    const tighter = search(run.stall.steps - 1);
    result.schedules += tighter.schedules;
    if (!tighter.found) {
      // none below: this stall is the least, unless a bound cut that search short
      leastStall = !tighter.stoppedBy;
      break;
    }
    schedule = tighter.found;
    run = runSchedule(scenario, schedule, override);
    leastStall = run.stall.steps === 0;
  }
  result.counterexample = { schedule, run, leastStall };
  return result;
}

function searchSchedules(
  scenario: Scenario,
  override: KernelName | undefined,
  o: { limit: number; deadline: number; bound: number | undefined; reduce: boolean; onProgress?: ExploreProgress },
): SearchResult {
  const variant = variantFor(scenario, override);
  const seen = new Set<string>();
  const events = new EventIds();
  let prefix: number[] = []; // indices into `ready` at each decision
  const r: SearchResult = { schedules: 0, states: 0, completed: 0 };
  // everything before the first block runs one way only: run it once, and start each schedule after it
  const firstBlock = Math.max(0, scenario.program.findIndex((item) => item.kind === 'concurrently'));
  const setup = new Simulation(scenario, variant, { record: false, explain: false });
  for (let i = 0; i < firstBlock; i++) setup.runItem(scenario.program[i], roundRobin);
  const start = setup.checkpoint(firstBlock);
  for (;;) {
    const taken: { pick: number; options: number; cpu: number }[] = [];
    const sim = Simulation.resume(scenario, start, { explain: false });
    sim.stallLimit = o.bound;
    const chooser = (): Chooser => (ready, lanes) => {
      // an interleaving with a runtime error cannot happen: nothing after it can be a counterexample
      if (sim.errors.length > start.errors) throw new Pruned();
      const at = taken.length;
      if (ready.length === 1) return 0; // no decision
      if (at >= prefix.length && o.reduce) {
        // a step no other lane can interfere with: taken now, without branching (recorded, for replay)
        const only = independentLane(ready, lanes, sim.state, variant);
        if (only >= 0) {
          taken.push({ pick: only, options: 1, cpu: ready[only].cpu });
          return only;
        }
      }
      if (at >= prefix.length) {
        const key = stateKey(sim.state, lanes, sim.lastOutcome ?? '', events, o.bound !== undefined);
        if (seen.has(key)) throw new Pruned();
        seen.add(key);
        if (seen.size >= o.limit) throw new Pruned();
      }
      const pick = at < prefix.length ? prefix[at] : 0;
      taken.push({ pick, options: ready.length, cpu: ready[pick].cpu });
      return pick;
    };
    let finished = false;
    try {
      sim.runFrom(firstBlock, chooser);
      finished = true;
    } catch (e) {
      if (!(e instanceof Pruned) && !(e instanceof StallBeyondLimit)) throw e;
    }
    r.schedules++;
    r.states = seen.size;
    if (o.onProgress && r.schedules % PROGRESS_EVERY === 0) o.onProgress(r.schedules, seen.size);
    const errors = sim.errors.length - start.errors;
    if (errors > 0) r.firstError ??= sim.errors[start.errors];
    else if (finished) r.completed++;
    // a run cut short at an explored state may still have read a stale entry before it
    if (errors === 0 && sim.accesses.some((a) => a.outcome === 'stale')) return { ...r, found: taken.map((t) => t.cpu) };
    if (seen.size >= o.limit) return { ...r, stoppedBy: 'states' };
    if (Date.now() >= o.deadline) return { ...r, stoppedBy: 'time' };
    let k = taken.length - 1;
    while (k >= 0 && taken[k].pick + 1 >= taken[k].options) k--;
    if (k < 0) return r;
    prefix = [...taken.slice(0, k).map((t) => t.pick), taken[k].pick + 1];
  }
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

/** Numbers for the scenario's events in state keys: an event is its statement, whatever its text. */
class EventIds {
  private readonly ids = new WeakMap<object, number>();
  private next = 0;

  of(event: object): number {
    let id = this.ids.get(event);
    if (id === undefined) this.ids.set(event, (id = this.next++));
    return id;
  }
}

/** A pending op as the explorer tells states apart: all of it but its stack and line (which it implies). */
function opKey(op: Op, events: EventIds): string {
  let key = '';
  for (const field in op) {
    if (field === 'frames' || field === 'line') continue;
    const value = (op as unknown as Record<string, unknown>)[field];
    key += field === 'event' ? `#${events.of(value as object)},` : `${value},`;
  }
  return key;
}

function stateKey(state: MachineState, lanes: readonly LaneState[], lastOutcome: string, events: EventIds, stalls: boolean): string {
  const parts: string[] = [lastOutcome, String(state.nextFrame)];
  for (const tlb of state.tlbs) parts.push([...tlb.values()].map((e) => `${e.lpid}/${e.pid}/${e.page}=${e.frame}`).sort().join(','));
  for (const c of state.cpus) parts.push(`${c.vcpu ?? ''}${c.inGuest ? '+' : '-'}${c.irqsOff ? '!' : ''}${c.lpidr}/${c.pidr}/${c.ipiWait}/${c.ipisPending}`);
  for (const g of state.guests.values()) {
    parts.push(g.needTlbFlush.map(Number).join('') + g.cpuInGuest.map(Number).join(''));
    for (const v of g.vcpus) parts.push(`${v.cpu},${v.prevCpu},${v.task ?? ''}`);
  }
  for (const t of state.tasks.values()) {
    parts.push(`${t.vcpu ?? ''}|${t.vcpuHistory.join(',')}|${[...t.pages.values()].map((p) => p.frame ?? '-').join(',')}`);
  }
  for (const l of lanes) {
    const ops = l.pending.map((op) => opKey(op, events));
    const todo = l.events.map((e) => (e.kind === 'reentry' ? `re:${e.ops.map((op) => opKey(op, events)).join(';')}` : `#${events.of(e)}`));
    // under a stall bound, how long a lane has waited decides what may follow
    parts.push(`${l.cpu}${stalls ? `~${l.stall}` : ''}[${ops.join(';')}][${todo.join(';')}]`);
  }
  return parts.join('\n');
}
