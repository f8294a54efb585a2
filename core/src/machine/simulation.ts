// Runs a checked scenario: the sequential events one after another, and each
// `concurrently` block as lanes whose micro-steps interleave under a
// schedule (spec §5). The default schedule is round-robin by micro-step,
// lanes in written order; the explorer supplies others through `Chooser`.
//
// Spec v2: a lane moves only when its next step is enabled. Guest code runs
// only in guest mode, so a guest event waits for its vcpu to enter the
// guest; a `run` or `stop` of a vcpu waits while it is entering on another
// cpu; a thread that sent an IPI waits until the target has taken it
// (smp_call_function_single with wait=1). If no lane can move, that is a
// deadlock: a runtime error naming the waiting lanes. The simulation also
// measures each schedule's stall (spec §0.4): how long a lane sat in its
// interrupts-off entry path while other lanes moved.

import type { ConcurrentlyBlock, Expectation, KernelName, Outcome, Range, SimpleEvent } from '../language/ast';
import { isExpectation, vcpuName } from '../language/ast';
import { printEvent } from '../language/printer';
import type { ProgramItem, Scenario } from '../language/checker';
import { NotableSteps, explainStale } from './explain';
import { Kernel, type Op, type SavedSweeps } from './kernel';
import { type Change, type MachineState, cloneState, initialState, tlbKey } from './state';
import { type AccessRecord, type ExpectationResult, type Frame, type MicroStep, type RunResult, type RuntimeError, flat } from './trace';
import { DEFAULT_KERNEL, type KernelVariant, VARIANTS } from './variants';

/** One cpu's program inside a block, and the work it has in hand. */
export interface LaneState {
  cpu: number;
  /** Remaining ops of the event in progress, the next one last (a stack: a step is O(1), even in a long sweep). */
  pending: Op[];
  /** Events not yet started (re-entries forced by IPIs are put first). */
  events: (SimpleEvent | { kind: 'reentry'; ops: Op[] })[];
  /** Lane index in the block (new lanes made by IPIs come after the written ones). */
  index: number;
  /** Other lanes' micro-steps since this lane's last one, counted while it is in its interrupts-off region. */
  stall: number;
  /**
   * The explorer's number for what the lane holds (cpu, pending ops,
   * events), kept while the lane is unchanged and -1 once a step changes it:
   * a state's lanes are numbered again only where a step touched them.
   */
  key: number;
  /**
   * Held by an explorer snapshot, so shared with it: a step copies the lane
   * before it changes it (copy on write: a branching point copies no lane,
   * a step the one or two it changes).
   */
  frozen: boolean;
}

/**
 * A schedule's stall (spec §0.4): the most other lanes' micro-steps taken
 * while one lane sat in its interrupts-off region (kvmppc_start_thread to the
 * guest entry) with a step it could take.
 */
export interface Stall {
  steps: number;
  /** The stalled lane's cpu and the line of the statement it was running (0-based); -1 when nothing stalled. */
  cpu: number;
  line: number;
}

/** Picks which of the lanes that can move goes next. Returns an index into `ready`. */
export type Chooser = (ready: readonly LaneState[], lanes: readonly LaneState[]) => number;

/** Round-robin by micro-step, lanes in written order (spec §5). */
export function roundRobin(): Chooser {
  let last = -1;
  return (ready) => {
    const next = ready.findIndex((l) => l.index > last);
    const pick = next >= 0 ? next : 0;
    last = ready[pick].index;
    return pick;
  };
}

export function variantFor(scenario: Scenario, override?: KernelName): KernelVariant {
  return VARIANTS[override ?? scenario.kernel ?? DEFAULT_KERNEL];
}

/**
 * Where an outcomes-only run can be resumed: its state before program item
 * `item`. The language server keeps a few per document, so an edit re-runs
 * only what follows the first changed line.
 */
export interface Checkpoint {
  item: number;
  /** Last line of the items run before it: valid while the text up to this line is unchanged. */
  lastLine: number;
  kernel: KernelName;
  state: MachineState;
  lastAccess?: AccessRecord;
  outcomes: Record<Outcome, number>;
  stall: Stall;
  stallAtStale: Stall | undefined;
  stepCount: number;
  eventCount: number;
  /** The run it was taken from, whose records up to the counts below are the prefix. */
  from: Simulation;
  accesses: number;
  expectations: number;
  errors: number;
  notable: number;
}

/**
 * A run in progress. `runAll()` for a whole run (the explorer passes its own
 * chooser); `runItem` item by item (the language server, between which it
 * yields and takes checkpoints).
 */
export class Simulation {
  readonly kernel: Kernel;
  readonly steps: MicroStep[] = [];
  readonly accesses: AccessRecord[] = [];
  readonly expectations: ExpectationResult[] = [];
  readonly errors: RuntimeError[] = [];
  private eventCount = 0;
  /** The ops a sequential event has still to run, next on top (empty between events; reused). */
  private readonly stack: Op[] = [];
  private lastAccess: AccessRecord | undefined;
  private outcomes: Record<Outcome, number> = { hit: 0, miss: 0, fault: 0, stale: 0 };
  /** The schedule's stall so far, and as it was at the first stale access. */
  private stall: Stall = { steps: 0, cpu: -1, line: -1 };
  private stallAtStale: Stall | undefined;
  /** Micro-steps executed so far (recorded or not). */
  private stepCount = 0;
  /** A recorded run reached its bound (options.maxRecordedSteps): nothing more runs. */
  private stopped = false;
  /** The micro-steps a run may record (see atBound); an outcomes-only run has no bound. */
  private readonly recordedBound: number;
  /** The steps explanations read (kept in both modes; see NotableSteps). */
  notable: NotableSteps;

  /**
   * `record: false` runs for outcomes only (stale accesses, expectations,
   * errors, explanations): no step records, texts or change journal, and of
   * the accesses only the stale ones; for the explorer and for diagnostics as
   * you type. `explain: false` also skips explaining stale accesses (the
   * explorer's search, which replays what it finds with a full record).
   * A recorded run stops with a runtime error after `maxRecordedSteps`
   * micro-steps (default MAX_RECORDED_STEPS). `allAccesses` keeps every
   * access in an outcomes-only run too: one per access event of the file (no
   * event runs twice), for the language server's inlay hints.
   */
  constructor(
    readonly scenario: Scenario,
    readonly variant: KernelVariant,
    readonly options: { record?: boolean; explain?: boolean; maxRecordedSteps?: number; allAccesses?: boolean } = {},
    readonly state: MachineState = initialState(scenario),
  ) {
    this.kernel = new Kernel(state, variant, scenario, options.record !== false);
    this.recordedBound = options.record !== false ? (options.maxRecordedSteps ?? MAX_RECORDED_STEPS) : Infinity;
    this.notable = new NotableSteps((cpu) => state.topology.tlbDomainOf(cpu));
  }

  /** The state before program item `item` (all items before it have run). */
  checkpoint(item: number): Checkpoint {
    if (this.recording) throw new Error('checkpoints are for outcomes-only runs');
    const before = this.scenario.program[item - 1];
    return {
      item,
      lastLine: before ? before.range.end.line : -1,
      kernel: this.variant.name,
      state: cloneState(this.state),
      lastAccess: this.lastAccess,
      outcomes: { ...this.outcomes },
      stall: this.stall,
      stallAtStale: this.stallAtStale,
      stepCount: this.stepCount,
      eventCount: this.eventCount,
      from: this,
      accesses: this.accesses.length,
      expectations: this.expectations.length,
      errors: this.errors.length,
      notable: this.notable.length,
    };
  }

  /** An outcomes-only run of `scenario` that carries on from a checkpoint of an earlier run. */
  static resume(scenario: Scenario, cp: Checkpoint, options: { explain?: boolean; allAccesses?: boolean } = {}): Simulation {
    const sim = new Simulation(scenario, VARIANTS[cp.kernel], { ...options, record: false }, cloneState(cp.state));
    prefix(sim.accesses, cp.from.accesses, cp.accesses);
    prefix(sim.expectations, cp.from.expectations, cp.expectations);
    prefix(sim.errors, cp.from.errors, cp.errors);
    sim.notable = NotableSteps.prefix(cp.from.notable, cp.notable);
    sim.lastAccess = cp.lastAccess;
    sim.outcomes = { ...cp.outcomes };
    sim.stall = cp.stall;
    sim.stallAtStale = cp.stallAtStale;
    sim.stepCount = cp.stepCount;
    sim.eventCount = cp.eventCount;
    return sim;
  }

  /** Micro-steps executed so far (the explorer's depth). */
  get microSteps(): number {
    return this.stepCount;
  }

  /** The outcome of the last access run so far, if any. */
  get lastOutcome(): AccessRecord['outcome'] | undefined {
    return this.lastAccess?.outcome;
  }

  private get recording(): boolean {
    return this.kernel.recording;
  }

  /** Runs every event; `chooser` schedules the blocks (default: round-robin). */
  runAll(chooser: () => Chooser = roundRobin): RunResult {
    return this.runFrom(0, chooser);
  }

  /** Runs the program from item `first` on (the items before it have run, or were resumed from a checkpoint). */
  runFrom(first: number, chooser: () => Chooser = roundRobin): RunResult {
    const program = this.scenario.program;
    for (let i = first; i < program.length; i++) this.runItem(program[i], chooser);
    return this.result();
  }

  result(): RunResult {
    return {
      kernel: this.variant.name,
      steps: this.steps,
      events: this.eventCount,
      microSteps: this.stepCount,
      accesses: this.accesses,
      expectations: this.expectations,
      errors: this.errors,
      outcomes: { ...this.outcomes },
      stale: this.outcomes.stale,
      stall: { ...(this.stallAtStale ?? this.stall) },
    };
  }

  runItem(item: ProgramItem, chooser: () => Chooser): void {
    if (this.stopped) return;
    if (item.kind === 'concurrently') {
      const lanes = this.startBlock(item);
      const choose = chooser();
      const limit = this.stepCount + MAX_BLOCK_STEPS;
      const line = item.range.start.line;
      for (;;) {
        if (!lanes.some(hasWork)) break;
        const ready = this.readyLanes(lanes);
        if (ready.length === 0) {
          this.deadlock(item, lanes);
          break;
        }
        if (this.stepCount >= limit) {
          // a safety net: every front end runs scenarios as they are typed
          this.errors.push({ line, range: item.keyword.range, message: `the block did not finish within ${MAX_BLOCK_STEPS} micro-steps`, afterStep: this.stepCount - 1 });
          break;
        }
        this.moveLane(ready, lanes, ready[choose(ready, lanes)]);
        if (this.stopped) break;
      }
    } else if (isExpectation(item)) {
      this.checkExpectation(item);
    } else {
      // a sequential event: its ops run to completion, IPI re-entries nested
      // in place; a stack with the next op on top
      const event = this.eventCount++;
      const stack = this.expand(item, this.stack).reverse();
      while (stack.length) {
        if (this.atBound(item.line, item)) {
          stack.length = 0;
          break;
        }
        const op = stack.pop()!;
        const outcome = this.execute(op, event, undefined);
        if (outcome.abort) stack.length = 0;
        pushInOrder(stack, outcome.follow);
        // the IPI'd thread takes it, and re-enters, before the mover goes on (wait=1)
        if (outcome.take !== undefined) stack.push(this.kernel.takeOp(op, outcome.take));
      }
    }
  }

  /** The lanes of a block that can move now. */
  readyLanes(lanes: readonly LaneState[]): LaneState[] {
    // the explorer asks at every step: an array of the exact size (a filter's is several times larger)
    if (this.readyMarks.length < lanes.length) this.readyMarks = new Uint8Array(lanes.length);
    const marks = this.readyMarks;
    let n = 0;
    for (let i = 0; i < lanes.length; i++) n += marks[i] = hasWork(lanes[i]) && this.enabled(lanes[i], lanes) ? 1 : 0;
    const out: LaneState[] = new Array(n);
    for (let i = 0, k = 0; k < n; i++) if (marks[i]) out[k++] = lanes[i];
    return out;
  }

  /** Scratch for readyLanes: which lanes can move. */
  private readyMarks = new Uint8Array(0);

  /** No lane of `block` can move, but some have work: a runtime error naming what each waits for. */
  deadlock(block: ConcurrentlyBlock, lanes: readonly LaneState[]): void {
    const waiting = lanes.filter(hasWork).map((l) => this.waitsFor(l, lanes));
    const message = `deadlock: ${waiting.join(', ')}; nothing ${waiting.length === 1 ? 'runs it' : 'can run'}`;
    this.errors.push({ line: block.range.start.line, range: block.keyword.range, message, afterStep: this.stepCount - 1 });
  }

  /** One micro-step of `lane`, one of the `ready` lanes (the others in their interrupts-off region wait a step longer). */
  moveLane(ready: readonly LaneState[], lanes: LaneState[], lane: LaneState): void {
    this.countStall(ready, lanes, lane);
    // countStall may have put a copy of it in its place
    this.stepLane(lanes, writable(lanes, lanes[lane.index]));
  }

  /**
   * What a branching point of the explorer's stateful search needs besides
   * the machine state (which it restores from the change journal): the
   * lanes, the counters, the records kept so far (by length).
   */
  snapshot(lanes: readonly LaneState[]): SimulationSnapshot {
    for (const l of lanes) l.frozen = true;
    return {
      lanes: lanes.slice(),
      stepCount: this.stepCount,
      eventCount: this.eventCount,
      outcomes: copyOutcomes(this.outcomes),
      lastAccess: this.lastAccess,
      stall: this.stall,
      stallAtStale: this.stallAtStale,
      accesses: this.accesses.length,
      errors: this.errors.length,
      expectations: this.expectations.length,
      sweeps: this.kernel.saveSweeps(),
    };
  }

  /**
   * Back to a snapshot (the machine state must have been restored already);
   * returns the lanes, in a fresh array unless `last` (the snapshot's own: it
   * will not be restored again). The lanes themselves are the snapshot's,
   * frozen: a step copies the ones it changes.
   */
  restore(s: SimulationSnapshot, last = false): LaneState[] {
    this.stepCount = s.stepCount;
    this.eventCount = s.eventCount;
    // the last option may have the snapshot's own counts: nothing restores them again
    this.outcomes = last ? s.outcomes : copyOutcomes(s.outcomes);
    this.lastAccess = s.lastAccess;
    this.stall = s.stall;
    this.stallAtStale = s.stallAtStale;
    this.accesses.length = s.accesses;
    this.errors.length = s.errors;
    this.expectations.length = s.expectations;
    this.kernel.restoreSweeps(s.sweeps);
    return last ? s.lanes : s.lanes.slice();
  }

  startBlock(block: ConcurrentlyBlock): LaneState[] {
    return block.lanes.map((lane, index) => ({ cpu: lane.cpu.index, pending: [], events: [...lane.events], index, stall: 0, key: -1, frozen: false }));
  }

  /**
   * The largest stall a lane would have if `moving` took the next step: the
   * explorer leaves out a move that passes its stall bound before making it.
   */
  stallAfter(ready: readonly LaneState[], moving: LaneState): number {
    let most = 0;
    for (const l of ready) if (l !== moving && l.stall >= most && this.state.cpus[l.cpu].irqsOff) most = l.stall + 1;
    return most;
  }

  /**
   * Every ready lane in its interrupts-off region but the one that moves
   * waits one more step (spec v2: a waiting lane is not stalled).
   */
  private countStall(ready: readonly LaneState[], lanes: LaneState[], moving: LaneState): void {
    for (const r of ready) {
      if (r === moving || !this.state.cpus[r.cpu].irqsOff) continue;
      const l = writable(lanes, r);
      l.stall++;
      if (l.stall > this.stall.steps) this.stall = { steps: l.stall, cpu: l.cpu, line: l.pending[l.pending.length - 1]?.line ?? -1 };
    }
    if (moving.stall !== 0) writable(lanes, moving).stall = 0;
  }

  /** Whether a lane's next step can run now (spec v2 §0.1, §0.3). */
  private enabled(lane: LaneState, lanes: readonly LaneState[]): boolean {
    if (this.state.cpus[lane.cpu].ipiWait >= 0) return false;
    if (lane.pending.length > 0) return true;
    const e = nextEvent(lane);
    if (!e || e.kind === 'reentry') return true;
    switch (e.kind) {
      case 'run':
      case 'stop':
        return this.enteringOn(this.kernel.nameOf(e.vcpu), lanes) === undefined;
      case 'schedule':
        return this.inGuestMode(e.vcpu.guestName, e.vcpu.index);
      default: {
        const task = this.state.tasks.get(e.taskName)!;
        return task.vcpu !== undefined && this.inGuestMode(task.guest, task.vcpu);
      }
    }
  }

  /** Why a lane cannot move (for the deadlock message). */
  private waitsFor(lane: LaneState, lanes: readonly LaneState[]): string {
    const who = `cpu${lane.cpu}`;
    const target = this.state.cpus[lane.cpu].ipiWait;
    if (target >= 0) return `${who} waits for cpu${target} to take its IPI`;
    const e = nextEvent(lane)!;
    if (e.kind === 'reentry') return `${who} waits`;
    switch (e.kind) {
      case 'run':
      case 'stop': {
        const vcpu = vcpuName(e.vcpu);
        return `${who} waits for ${vcpu} to finish entering on cpu${this.enteringOn(vcpu, lanes)?.cpu}`;
      }
      case 'schedule':
        return `${who} waits for ${vcpuName(e.vcpu)} to enter the guest`;
      default: {
        const task = this.state.tasks.get(e.task.text)!;
        if (task.vcpu === undefined) return `${who} waits for ${task.name} to be scheduled on a vcpu`;
        return `${who} waits for ${vcpuName({ guest: task.guest, index: task.vcpu })} to enter the guest`;
      }
    }
  }

  private inGuestMode(guest: string, index: number): boolean {
    const cpu = this.state.guests.get(guest)!.vcpu(index).cpu;
    return cpu >= 0 && this.state.cpus[cpu].inGuest;
  }

  /**
   * The lane whose `run` (or IPI'd re-entry) of `vcpu` is under way: its
   * pending ops end with that vcpu's guest entry.
   */
  private enteringOn(vcpu: string, lanes: readonly LaneState[]): LaneState | undefined {
    for (const l of lanes) {
      const last = l.pending[0];
      if (last !== undefined && last.op === 'enter_guest' && last.vcpu === vcpu) return l;
    }
    return undefined;
  }

  /** One micro-step of one lane (plus the expectations that follow it, which take no step). */
  private stepLane(lanes: LaneState[], lane: LaneState): void {
    lane.key = -1;
    this.settle(lane, true);
    if (lane.pending.length === 0) return;
    const top = lane.pending[lane.pending.length - 1];
    if (this.atBound(top.line, top)) return;
    const op = lane.pending.pop()!;
    const outcome = this.execute(op, this.laneEvent(lane), lane.index);
    if (outcome.abort) lane.pending.length = 0;
    else pushInOrder(lane.pending, outcome.follow);
    if (outcome.take !== undefined) {
      // taking the IPI is the kicked thread's next action, interleaving with the rest (spec v2 §0.3)
      const cpu = outcome.take;
      const take = this.kernel.takeOp(op, cpu);
      const found = lanes.find((l) => l.cpu === cpu);
      const target = found && writable(lanes, found);
      if (target) target.key = -1;
      if (!target) lanes.push({ cpu, pending: [], events: [{ kind: 'reentry', ops: [take] }], index: lanes.length, stall: 0, key: -1, frozen: false });
      else if (target.pending.length) target.pending.push(take);
      else target.events.unshift({ kind: 'reentry', ops: [take] });
    }
    if (lane.pending.length === 0) this.settle(lane, false);
  }

  private readonly laneEvents = new WeakMap<LaneState, number>();

  private laneEvent(lane: LaneState): number {
    return this.laneEvents.get(lane) ?? -1;
  }

  /**
   * Checks the expectations that come next in the lane (they take no step),
   * then, if `start`, starts its next event: an event is expanded only when
   * its first micro-step runs, so that it reads the state of that moment.
   */
  private settle(lane: LaneState, start: boolean): void {
    while (lane.pending.length === 0 && lane.events.length > 0) {
      const first = lane.events[0];
      if (first.kind !== 'reentry' && isExpectation(first)) {
        lane.events.shift();
        this.checkExpectation(first);
        continue;
      }
      if (!start) return;
      const next = lane.events.shift()!;
      if (next.kind === 'reentry') {
        pushInOrder(lane.pending, next.ops);
      } else if (!isExpectation(next)) {
        pushInOrder(lane.pending, this.expand(next));
      }
      this.laneEvents.set(lane, this.eventCount++);
    }
  }

  /** The ops of an event, appended to `ops`. */
  private expand(e: Exclude<SimpleEvent, Expectation>, ops: Op[] = []): Op[] {
    if (e.kind === 'run') return this.kernel.expandRun(e, [], ops);
    const line = e.line;
    const cpu = e.kind === 'stop' || e.kind === 'schedule' ? this.vcpuCpu(e.vcpu.guestName, e.vcpu.index) : (this.kernel.taskCpu(e.taskName) ?? -1);
    ops.push({ op: 'event', event: e, cpu, line, frames: this.recording ? [{ name: printEvent(e), line }] : NO_FRAMES });
    return ops;
  }

  private vcpuCpu(guest: string, index: number): number {
    return this.state.guests.get(guest)?.vcpu(index).cpu ?? -1;
  }

  private execute(op: Op, event: number, lane: number | undefined) {
    const journal = this.kernel.changes;
    if (journal && this.recording) journal.length = 0; // one journal, emptied for each step; the step keeps a copy
    this.kernel.step = this.stepCount;
    const outcome = this.kernel.execute(op);
    const index = this.stepCount++;
    // only explanations read them (the explorer's search explains nothing)
    if (this.options.explain !== false) this.notable.note(index, outcome);
    const access = outcome.access;
    if (access) {
      access.step = index;
      if (access.outcome === 'stale' && this.options.explain !== false) access.explanation = explainStale(this, access);
      // an outcomes-only run keeps the stale accesses only (and the last, for `expect`), unless asked for all
      if (this.recording || access.outcome === 'stale' || this.options.allAccesses) this.accesses.push(access);
      if (access.outcome === 'stale' && !this.stallAtStale) this.stallAtStale = { ...this.stall };
      this.lastAccess = access;
      this.outcomes[access.outcome]++;
    }
    if (this.recording) {
      // most steps change little: an exact-size journal (or the shared empty one) keeps long traces small
      const changes = journal!.length ? journal!.slice() : NO_CHANGES;
      const step: MicroStep = { index, line: op.line, event, cpu: op.cpu, frames: op.frames, text: flat(outcome.text), changes };
      if (lane !== undefined) step.lane = lane;
      if (outcome.ipi) step.ipi = outcome.ipi;
      if (outcome.move) step.move = outcome.move;
      if (outcome.entryTest) step.entryTest = outcome.entryTest;
      if (outcome.flush) step.flush = outcome.flush;
      if (outcome.clear) step.clear = outcome.clear;
      if (access) step.access = access;
      this.steps.push(step);
    }
    if (outcome.error) this.errors.push({ line: op.line, range: rangeOf(op), message: outcome.error, afterStep: index });
    return outcome;
  }

  /**
   * Whether a recorded run has reached its bound, stopping it (with a runtime
   * error at the event whose step would pass it) if so. Every recorded step is
   * kept, with its text, stack and changes, for the debugger's time travel: a
   * valid scenario of a few thousand lines can ask for tens of millions
   * (each entry after a move sweeps up to 4,096 TLB sets), beyond any heap.
   */
  private atBound(line: number, at: { range: Range } | Op): boolean {
    // asked before every op: nothing is built (an event's range is made when read) until the bound is reached
    if (this.stepCount < this.recordedBound) return false;
    if (this.stopped) return true;
    const range = 'op' in at ? rangeOf(at) : at.range;
    const message = `the run stopped after ${this.recordedBound} recorded micro-steps: a recorded run keeps every step for stepping back, and more would exhaust memory (outcomes-only runs have no such bound)`;
    this.errors.push({ line, range, message, afterStep: this.stepCount - 1 });
    this.stopped = true;
    return true;
  }

  private checkExpectation(e: Expectation): void {
    const { passed, message } = this.evaluate(e);
    this.expectations.push({ line: e.line, range: e.range, passed, message, afterStep: this.stepCount - 1 });
  }

  private evaluate(e: Expectation): { passed: boolean; message: string } {
    const t = this.state.topology;
    switch (e.kind) {
      case 'expect-outcome': {
        const a = this.lastAccess;
        if (!a) return { passed: false, message: `expected ${e.outcome.value}, but no access has run yet` };
        const passed = a.outcome === e.outcome.value;
        const what = `${a.task} ${a.page} on cpu${a.cpu} (line ${a.line + 1})`;
        return { passed, message: passed ? `${what}: ${a.outcome}, as expected` : `expected ${e.outcome.value}, got ${a.outcome}: ${what}` };
      }
      case 'expect-tlb': {
        const domain = e.where.kind === 'cpu' ? t.tlbDomainOf(e.where.index) : e.where.index;
        const task = this.state.tasks.get(e.task.text)!;
        const lpid = this.state.guests.get(task.guest)!.lpid;
        const present = this.state.tlbs[domain].has(tlbKey(lpid, task.pid, e.page.text));
        const passed = present === e.has;
        const dname = t.tlbDomainName(domain);
        const found = present ? 'holds' : 'lacks';
        return { passed, message: `${dname} TLB ${found} ${e.task.text}:${e.page.text}` + (passed ? '' : ` (expected it to ${e.has ? 'hold' : 'lack'} it)`) };
      }
      case 'expect-flush': {
        const bit = e.where.kind === 'cpu' ? e.where.index : t.firstThreadOfCore(e.where.index * t.threads);
        const value = this.state.guests.get(e.guest.text)!.needTlbFlush[bit];
        const passed = value === e.set;
        return { passed, message: `need_tlb_flush[${bit}] of ${e.guest.text} is ${value ? 'set' : 'clear'}` + (passed ? '' : ` (expected ${e.set ? 'set' : 'clear'})`) };
      }
    }
  }
}

const NO_CHANGES: Change[] = [];
/**
 * The default bound of a recorded run (see Simulation.atBound). A recorded
 * step takes ~600 bytes (a sweep step's text, stack and flush record): 2 M
 * steps are ~1.2 GB, within the 2 GB heap Node gives itself on an 8 GB
 * machine; 5 M took 3 GB and a minute. The 100k-line benchmark is 0.5 M.
 */
export const MAX_RECORDED_STEPS = 2_000_000;
/** Far beyond any block a person writes (each lane's entry sweeps at most 4096 sets). */
const MAX_BLOCK_STEPS = 1_000_000;
const NO_FRAMES: Frame[] = [];

/** The range a runtime error of an op points at: its event's, or the start of its line. */
function rangeOf(op: Op): Range {
  return op.op === 'event' ? op.event.range : { start: { line: op.line, character: 0 }, end: { line: op.line, character: 0 } };
}

/** Pushes `ops` on a stack whose top is the next op to run, so that they run in their order. */
function pushInOrder(stack: Op[], ops: readonly Op[]): void {
  for (let i = ops.length - 1; i >= 0; i--) stack.push(ops[i]);
}

/** Copies the first `n` records (a loop: a spread of 100k arguments would overflow the stack). */
function prefix<T>(into: T[], from: readonly T[], n: number): void {
  for (let i = 0; i < n; i++) into.push(from[i]);
}

export interface SimulationSnapshot {
  lanes: LaneState[];
  stepCount: number;
  eventCount: number;
  outcomes: Record<Outcome, number>;
  lastAccess: AccessRecord | undefined;
  stall: Stall;
  stallAtStale: Stall | undefined;
  accesses: number;
  errors: number;
  expectations: number;
  sweeps: SavedSweeps;
}

/** The outcome counts, copied field by field (faster than a spread at every branching point). */
function copyOutcomes(o: Record<Outcome, number>): Record<Outcome, number> {
  return { hit: o.hit, miss: o.miss, fault: o.fault, stale: o.stale };
}

/**
 * The lane to change: itself, or, when a snapshot holds it, a copy that
 * shares nothing mutable with it (ops and events are never changed in
 * place), put in its place in `lanes` (a lane sits at its index there).
 */
function writable(lanes: LaneState[], l: LaneState): LaneState {
  if (!l.frozen) return l;
  const copy: LaneState = { cpu: l.cpu, pending: l.pending.slice(), events: l.events.slice(), index: l.index, stall: l.stall, key: l.key, frozen: false };
  lanes[l.index] = copy;
  return copy;
}

export function hasWork(l: LaneState): boolean {
  return l.pending.length > 0 || l.events.length > 0;
}

/** A lane's next event to start, past the expectations (which take no step). */
function nextEvent(lane: LaneState): Exclude<LaneState['events'][number], Expectation> | undefined {
  for (const e of lane.events) if (e.kind === 'reentry' || !isExpectation(e)) return e;
  return undefined;
}

/** Runs a checked, error-free scenario under a variant (the file's, or `override`). */
export function simulate(scenario: Scenario, override?: KernelName, options: { record?: boolean; maxRecordedSteps?: number } = {}): RunResult {
  return new Simulation(scenario, variantFor(scenario, override), options).runAll();
}
