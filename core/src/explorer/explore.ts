// The explorer: tries every interleaving of the micro-steps of every
// `concurrently` block and reports the first schedule that ends in a stale
// access, or proves there is none.
//
// Stateless search by replay: a schedule is the list of lane choices made at
// each point where more than one lane could move. Each run follows a prefix
// and then takes the first lane; the next run backtracks to the deepest point
// with an untried lane. A run that reaches a state (machine + lanes) that an
// earlier run already reached stops there: everything after it was explored
// from the first visit (a step always makes progress, so a state never
// reaches itself).

import type { KernelName } from '../language/ast';
import type { Scenario } from '../language/checker';
import { type Chooser, type LaneState, Simulation, variantFor } from '../machine/simulation';
import type { MachineState } from '../machine/state';
import type { RunResult } from '../machine/trace';

/** At each decision: the cpu of the lane that moved. Replayable by `scheduleChooser`. */
export type Schedule = number[];

export interface ExploreResult {
  kernel: string;
  /** A schedule whose run has a stale access, with that run, if any exists. */
  counterexample?: { schedule: Schedule; run: RunResult };
  /** Complete runs (and runs cut short at a state already explored). */
  schedules: number;
  /** Distinct states reached inside blocks, counted per micro-step. */
  states: number;
  /** The search stopped at `limit` states without a verdict. */
  truncated: boolean;
}

class Pruned {}

export function explore(scenario: Scenario, override?: KernelName, limit = 1_000_000): ExploreResult {
  const variant = variantFor(scenario, override);
  const seen = new Set<string>();
  let prefix: number[] = []; // indices into `ready` at each decision
  let schedules = 0;
  for (;;) {
    const taken: { pick: number; options: number; cpu: number }[] = [];
    const sim = new Simulation(scenario, variant, { record: false, explain: false });
    const chooser = (): Chooser => (ready, lanes) => {
      const at = taken.length;
      if (ready.length === 1) return 0; // no decision
      if (at >= prefix.length) {
        const key = stateKey(sim.state, lanes, sim.lastOutcome ?? '');
        if (seen.has(key)) throw new Pruned();
        seen.add(key);
        if (seen.size >= limit) throw new Pruned();
      }
      const pick = at < prefix.length ? prefix[at] : 0;
      taken.push({ pick, options: ready.length, cpu: ready[pick].cpu });
      return pick;
    };
    try {
      sim.runAll(chooser);
    } catch (e) {
      if (!(e instanceof Pruned)) throw e;
    }
    schedules++;
    // a run cut short at an explored state may still have read a stale entry
    // before it; a run with a runtime error (say, one vcpu entering on two
    // cpus at once) is an interleaving that cannot happen, and proves nothing
    if (sim.errors.length === 0 && sim.accesses.some((a) => a.outcome === 'stale')) {
      // the search runs record nothing; replay the schedule with the full trace
      const schedule = taken.map((t) => t.cpu);
      return { kernel: variant.name, counterexample: { schedule, run: runSchedule(scenario, schedule, variant.name) }, schedules, states: seen.size, truncated: false };
    }
    if (seen.size >= limit) return { kernel: variant.name, schedules, states: seen.size, truncated: true };
    let k = taken.length - 1;
    while (k >= 0 && taken[k].pick + 1 >= taken[k].options) k--;
    if (k < 0) return { kernel: variant.name, schedules, states: seen.size, truncated: false };
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

function stateKey(state: MachineState, lanes: readonly LaneState[], lastOutcome: string): string {
  const parts: string[] = [lastOutcome, String(state.nextFrame)];
  for (const tlb of state.tlbs) parts.push([...tlb.values()].map((e) => `${e.lpid}/${e.pid}/${e.page}=${e.frame}`).sort().join(','));
  for (const c of state.cpus) parts.push(`${c.vcpu ?? ''}${c.inGuest ? '+' : '-'}${c.lpidr}/${c.pidr}`);
  for (const g of state.guests.values()) {
    parts.push(g.needTlbFlush.map(Number).join('') + g.cpuInGuest.map(Number).join(''));
    for (const v of g.vcpus) parts.push(`${v.cpu},${v.prevCpu},${v.task ?? ''}`);
  }
  for (const t of state.tasks.values()) {
    parts.push(`${t.vcpu ?? ''}|${t.vcpuHistory.join(',')}|${[...t.pages.values()].map((p) => p.frame ?? '-').join(',')}`);
  }
  for (const l of lanes) {
    const ops = l.pending.map(({ frames: _f, line: _l, ...rest }) => JSON.stringify(rest, (k, v) => (k === 'event' ? `${v.range.start.line}:${v.range.start.character}` : v)));
    const events = l.events.map((e) => ('range' in e ? `${e.range.start.line}:${e.range.start.character}` : `re:${e.ops.length}:${e.ops[0]?.cpu}`));
    parts.push(`${l.cpu}[${ops.join(';')}][${events.join(';')}]`);
  }
  return parts.join('\n');
}
