// The host kernel's routines and the guest's memory-management actions, one
// micro-step each. Names follow the kernel (a29ebeaf, v4.15's
// kvmppc_prepare_radix_vcpu); behaviour that differs between kernel variants
// is read from the variant table, never from the variant's name.
//
// A micro-step is an `Op`: plain data (so the explorer can copy and compare
// pending work). Executing one returns the ops that follow it.

import type { SimpleEvent, VcpuRef } from '../language/ast';
import { vcpuName } from '../language/ast';
import type { Scenario } from '../language/checker';
import { type Change, type GuestState, type MachineState, type PageState, type TaskState, type TlbEntry, type VcpuState, tlbKey } from './state';
import { type AccessRecord, type ClearRecord, type EntryTestRecord, type FlushRecord, type Frame, type MoveRecord, type StepRecords, flat } from './trace';
import { type KernelVariant, groupMembers, markedBits, representative } from './variants';

interface OpBase {
  /** The acting hardware thread. */
  cpu: number;
  line: number;
  frames: Frame[];
}

export type Op = OpBase &
  (
    | { op: 'exit'; vcpu: string; why: 'move' | 'stop' | 'preempt' | 'reenter' }
    | { op: 'prepare'; vcpu: string; reentry: boolean }
    | { op: 'radix_flush_cpu'; vcpu: string; prevCpu: number }
    /** smp_call_function_single(target, …, wait=1): the send, in the mover's lane (`cpu`). */
    | { op: 'ipi'; target: number; guest: string; why: 'flush' | 'migrate-away' }
    /** The target (`cpu`) takes the IPIs sent to it: out of the guest, and back in. */
    | { op: 'ipi_take' }
    | { op: 'start_thread'; vcpu: string; reentry: boolean }
    | { op: 'hv_entry'; vcpu: string; reentry: boolean }
    | { op: 'flush_set'; guest: string; set: number; bit: number }
    /** v5.17: own bit set but not every bit of the TLB domain: no sweep, a ptesync only. */
    | { op: 'ptesync'; guest: string; bit: number }
    | { op: 'clear_bit'; guest: string; bit: number }
    | { op: 'enter_guest'; vcpu: string; reentry: boolean }
    | { op: 'event'; event: Exclude<SimpleEvent, { kind: 'run' | 'expect-outcome' | 'expect-tlb' | 'expect-flush' }> }
  );

/** Most steps are followed by nothing; they share one (never mutated) list. */
const NO_OPS: Op[] = [];

/**
 * A micro-step's result; an `access` record's `step` is filled in by the
 * simulation. The kernel fills one instance, reused from step to step and
 * read before the next: a fresh object per step was the largest allocation
 * of a long run, and objects of a dozen shapes made every read of them slow.
 */
export class StepOutcome implements StepRecords {
  /**
   * What happened, in words: built only when the run is recorded ('' in an
   * outcomes-only run, which builds no text: no closures, no string work).
   */
  text = '';
  /** The ops that follow, to be copied before the next step (the kernel reuses the array). */
  follow: Op[] = NO_OPS;
  /**
   * A cpu in guest mode was sent an IPI: taking it is that cpu's next action
   * (the scheduler places an `ipi_take` op; the sender waits for it).
   */
  take: number | undefined = undefined;
  /** A runtime error: the event could not happen (inside concurrently blocks). */
  error: string | undefined = undefined;
  /** The rest of this event's micro-steps cannot happen: drop them. */
  abort = false;
  access: AccessRecord | undefined = undefined;
  /** Recorded runs only, like `flush`: what only the debugger and reports show. */
  ipi: StepRecords['ipi'] = undefined;
  move: MoveRecord | undefined = undefined;
  entryTest: EntryTestRecord | undefined = undefined;
  flush: FlushRecord | undefined = undefined;
  clear: ClearRecord | undefined = undefined;

  /** Empties it for the next step. */
  reset(): void {
    this.text = '';
    this.follow = NO_OPS;
    this.take = this.error = undefined;
    this.abort = false;
    this.access = this.ipi = this.move = this.entryTest = this.flush = this.clear = undefined;
  }
}

const NO_FRAMES: Frame[] = [];
/** What most invalidations remove: nothing (shared, never mutated). */
const NO_ENTRIES: TlbEntry[] = [];

/** Any pid, page or set: what removeEntries is given where it does not narrow. */
const ANY = undefined;

/** The sweeps in progress at a branching point (Kernel.saveSweeps). */
export type SavedSweeps = { cpu: number; test: EntryTestRecord; sweptSets: number }[];

export class Kernel {
  /**
   * Changes of the step being executed, when the run is recorded (for time
   * travel; the simulation empties it before each step and keeps a copy);
   * undefined in an outcomes-only run, which then builds no record.
   */
  changes: Change[] | undefined;
  /** Index of the micro-step being executed (set by the simulation). */
  step = 0;
  /**
   * The entry test whose sweep each cpu is running, so explanations can say
   * how far it got: by cpu, with the cpus that have one listed (an array, not
   * a Map: the explorer restores it at every branching point, and clearing a
   * Map allocates a new one).
   */
  private readonly sweeping: (EntryTestRecord | undefined)[] = [];
  private readonly sweepingCpus: number[] = [];
  private sweepingCount = 0;

  /**
   * The explorer's stateful search: an outcomes-only run that keeps every
   * change in `journal` (no texts, no stacks), so that it can go back to a
   * branching point by reverting them.
   */
  keepJournal(journal: Change[]): void {
    this.changes = journal;
  }

  /**
   * The sweeps in progress, to restore at a branching point of the
   * explorer's outcomes-only search: which record each cpu's sweep updates,
   * and how far it had got (the one field of a record that changes after
   * its test; records are shared, not copied, since no step keeps them there).
   */
  saveSweeps(): SavedSweeps {
    const saved: SavedSweeps = new Array(this.sweepingCount);
    for (let i = 0; i < this.sweepingCount; i++) {
      const cpu = this.sweepingCpus[i];
      const test = this.sweeping[cpu]!;
      saved[i] = { cpu, test, sweptSets: test.sweptSets };
    }
    return saved;
  }

  restoreSweeps(saved: SavedSweeps): void {
    for (let i = 0; i < this.sweepingCount; i++) this.sweeping[this.sweepingCpus[i]] = undefined;
    // a count, not `length = 0`: V8 frees an emptied array's storage, and this runs at every branch
    this.sweepingCount = 0;
    for (const { cpu, test, sweptSets } of saved) {
      test.sweptSets = sweptSets;
      this.startSweep(cpu, test);
    }
  }

  private startSweep(cpu: number, test: EntryTestRecord): void {
    if (!this.sweeping[cpu]) this.sweepingCpus[this.sweepingCount++] = cpu;
    this.sweeping[cpu] = test;
  }

  /**
   * vcpu name → its state and guest, learnt as events name vcpus: a guest
   * may declare 1,024 vcpus on a machine of 8,192 threads, and a run uses a few.
   */
  private readonly vcpus = new Map<string, { vcpu: VcpuState; guest: GuestState }>();
  /** task → page → its TLB key, made once: the key is looked up on every access. */
  private readonly keys = new Map<string, Map<string, string>>();
  /** guest → vcpu index → the vcpu's name, made once: ops carry names, and a name made afresh would be hashed afresh. */
  private readonly vcpuNames = new Map<string, string[]>();

  constructor(
    readonly state: MachineState,
    readonly variant: KernelVariant,
    readonly scenario: Scenario,
    /** Build stacks and texts for the debugger (else outcomes only). */
    readonly recording: boolean,
  ) {
    this.changes = recording ? [] : undefined;
  }

  private keyOf(task: TaskState, page: string): string {
    let pages = this.keys.get(task.name);
    if (!pages) this.keys.set(task.name, (pages = new Map()));
    let key = pages.get(page);
    if (key === undefined) pages.set(page, (key = tlbKey(this.state.guests.get(task.guest)!.lpid, task.pid, page)));
    return key;
  }

  private vcpu(name: string): VcpuState {
    return (this.vcpus.get(name) ?? this.learn(name)).vcpu;
  }

  /** A vcpu's name, `guest.vcpuN`, made once. */
  nameOf(ref: VcpuRef): string {
    const guest = ref.guestName;
    let names = this.vcpuNames.get(guest);
    if (!names) this.vcpuNames.set(guest, (names = []));
    return (names[ref.index] ??= vcpuName(ref));
  }

  /**
   * Where a vcpu name leads. Names come from events (nameOf), or from the
   * state a resumed run starts with (a cpu's current vcpu).
   */
  private learn(name: string): { vcpu: VcpuState; guest: GuestState } {
    const dot = name.lastIndexOf('.vcpu');
    const guest = this.state.guests.get(name.slice(0, dot))!;
    const known = { vcpu: guest.vcpu(Number(name.slice(dot + 5))), guest };
    this.vcpus.set(name, known);
    return known;
  }

  // ---- recorded mutations ----------------------------------------------------

  private setBit(guest: string, mask: 'needTlbFlush' | 'cpuInGuest', cpu: number, to: boolean): void {
    const g = this.state.guests.get(guest)!;
    const from = g[mask][cpu];
    if (from === to) return;
    this.changes?.push({ kind: 'bit', guest, mask, cpu, from, to });
    g.setBit(mask, cpu, to);
  }

  private setVcpu(vcpu: string, field: 'cpu' | 'prevCpu' | 'lastCpu', to: number): void {
    const v = this.vcpu(vcpu);
    if (v[field] === to) return;
    this.changes?.push({ kind: 'vcpu', guest: v.guest, index: v.index, field, from: v[field], to });
    v[field] = to;
  }

  private setVcpuTask(guest: string, index: number, to: string | undefined): void {
    const v = this.state.guests.get(guest)!.vcpu(index);
    if (v.task === to) return;
    this.changes?.push({ kind: 'vcpu-task', guest, index, from: v.task, to });
    v.task = to;
  }

  private setCpu(cpu: number, field: 'lpidr' | 'pidr', to: number): void {
    const c = this.state.cpus[cpu];
    if (c[field] === to) return;
    this.changes?.push({ kind: 'cpu', cpu, field, from: c[field], to });
    c[field] = to;
  }

  private setCpuVcpu(cpu: number, to: string | undefined): void {
    const c = this.state.cpus[cpu];
    if (c.vcpu === to) return;
    this.changes?.push({ kind: 'cpu-vcpu', cpu, from: c.vcpu, to });
    c.vcpu = to;
  }

  private setCpuMode(cpu: number, to: boolean): void {
    const c = this.state.cpus[cpu];
    if (c.inGuest === to) return;
    this.changes?.push({ kind: 'cpu-mode', cpu, from: c.inGuest, to });
    c.inGuest = to;
  }

  private setIrqsOff(cpu: number, to: boolean): void {
    const c = this.state.cpus[cpu];
    if (c.irqsOff === to) return;
    this.changes?.push({ kind: 'cpu-irqs', cpu, from: c.irqsOff, to });
    c.irqsOff = to;
  }

  private setIpi(cpu: number, field: 'ipiWait' | 'ipisPending', to: number): void {
    const c = this.state.cpus[cpu];
    if (c[field] === to) return;
    this.changes?.push({ kind: 'cpu-ipi', cpu, field, from: c[field], to });
    c[field] = to;
  }

  /** `target` takes every IPI sent to it: their senders stop waiting. Returns the first sender. */
  private takeIpis(target: number): number {
    let first = -1;
    const cpus = this.state.cpus;
    for (let c = 0; c < cpus.length && cpus[target].ipisPending > 0; c++) {
      if (cpus[c].ipiWait !== target) continue;
      if (first < 0) first = c;
      this.setIpi(c, 'ipiWait', -1);
      this.setIpi(target, 'ipisPending', cpus[target].ipisPending - 1);
    }
    return first;
  }

  private setPte(task: string, page: string, to: PageState): void {
    const pages = this.state.tasks.get(task)!.pages;
    this.changes?.push({ kind: 'pte', task, page, from: pages.get(page)!, to });
    pages.set(page, to);
  }

  private setTaskVcpu(task: string, to: number | undefined): void {
    const t = this.state.tasks.get(task)!;
    if (t.vcpu === to) return;
    this.changes?.push({ kind: 'task-vcpu', task, from: t.vcpu, to });
    t.vcpu = to;
  }

  private insertEntry(domain: number, entry: TlbEntry): void {
    this.changes?.push({ kind: 'tlb-insert', domain, entry });
    this.state.tlbs[domain].set(tlbKey(entry.lpid, entry.pid, entry.page), entry);
  }

  /**
   * Removes one LPID's entries from one TLB domain, narrowed to one pid, page
   * or set where those are given; returns them.
   */
  private removeEntries(domain: number, lpid: number, pid: number | undefined, page: string | undefined, set: number | undefined): TlbEntry[] {
    let removed = NO_ENTRIES;
    const tlb = this.state.tlbs[domain];
    for (const e of tlb.values()) {
      if (e.lpid !== lpid || (pid !== undefined && e.pid !== pid) || (page !== undefined && e.page !== page) || (set !== undefined && e.set !== set)) continue;
      if (removed === NO_ENTRIES) removed = [];
      this.changes?.push({ kind: 'tlb-remove', domain, entry: e });
      tlb.delete(tlbKey(e.lpid, e.pid, e.page));
      removed.push(e);
    }
    return removed;
  }

  private newFrame(): number {
    const f = this.state.nextFrame;
    this.changes?.push({ kind: 'frames', from: f, to: f + 1 });
    this.state.nextFrame = f + 1;
    return f;
  }

  // ---- helpers -----------------------------------------------------------------

  /**
   * In an outcomes-only run, one object for every op of the same fields: the
   * explorer keys what it learns about an op (its number, its footprint) by
   * the object, and a run makes the same ops again on every path (a sweep's
   * flush_set ops at each entry). A recorded run keeps each op its own, with
   * its own stack.
   */
  private interned<T extends Op>(op: T): T {
    if (this.recording) return op;
    const key = opKey(op);
    const known = this.ops.get(key);
    if (known) return known as T;
    this.ops.set(key, op);
    return op;
  }

  private readonly ops = new Map<string, Op>();

  /**
   * Outcomes-only: a list of ops made once for its site (an op or event) and
   * key, then the same list on every path; a list built by `make` each time
   * would be hashed into the same interned ops again, key by key.
   */
  private madeOnce<K>(cache: WeakMap<object, Map<K, Op[]>>, site: object, key: K, make: () => Op[]): Op[] {
    let byKey = cache.get(site);
    if (!byKey) cache.set(site, (byKey = new Map()));
    let made = byKey.get(key);
    if (!made) byKey.set(key, (made = make()));
    return made;
  }

  /** Outcomes-only: the ops each (interned) kvmppc_hv_entry op adds, by its test's bit, action and clear. */
  private readonly entryFollows = new WeakMap<object, Map<number, Op[]>>();
  /** Outcomes-only: the entry path's ops, by site (a `run` event or an IPI's take op) and vcpu. */
  private readonly entryPaths = new WeakMap<object, Map<string, Op[]>>();

  /**
   * The call stack of a callee: `frames` plus one frame. Stacks are for the
   * debugger; an outcomes-only run (no change journal) builds none.
   */
  private callee(frames: Frame[], line: number, name: string, routine?: string): Frame[] {
    if (!this.recording) return NO_FRAMES;
    return [...frames, routine ? { name: flat(name), routine, line } : { name: flat(name), line }];
  }

  private guestOf(vcpu: string): GuestState {
    return (this.vcpus.get(vcpu) ?? this.learn(vcpu)).guest;
  }

  private domainName(cpu: number): string {
    return this.state.topology.tlbDomainName(this.state.topology.tlbDomainOf(cpu));
  }

  // ---- the run event: its micro-steps ------------------------------------------------

  /**
   * `run V on cpuC`: preempt C's other vcpu, exit V from its old cpu, then
   * the entry path. Expanded when the event starts; each op re-reads the
   * state when it executes. The ops are appended to `ops` (the simulation
   * passes the array it reuses for every sequential event).
   */
  expandRun(event: Extract<SimpleEvent, { kind: 'run' }>, frames: Frame[], ops: Op[] = []): Op[] {
    const vcpu = this.nameOf(event.vcpu);
    const cpu = event.cpu.index;
    const line = event.line;
    const here = this.recording ? this.callee(frames, line, `run ${vcpu} on cpu${cpu}`) : NO_FRAMES;
    const occupant = this.state.cpus[cpu].vcpu;
    if (occupant && occupant !== vcpu) ops.push(this.interned({ op: 'exit', vcpu: occupant, why: 'preempt', cpu, line, frames: here }));
    const v = this.vcpu(vcpu);
    if (v.cpu >= 0) ops.push(this.interned({ op: 'exit', vcpu, why: v.cpu === cpu ? 'reenter' : 'move', cpu: v.cpu, line, frames: here }));
    return this.entryPath(vcpu, cpu, line, here, false, ops, event);
  }

  /**
   * The entry path; `reentry` for the trip back into the guest that an IPI
   * forces. `site`: the `run` event or the IPI's (interned) take op, which
   * fixes cpu and line (and, for a `run`, the vcpu).
   */
  private entryPath(vcpu: string, cpu: number, line: number, frames: Frame[], reentry: boolean, ops: Op[], site: object): Op[] {
    if (this.recording) return this.newEntryPath(vcpu, cpu, line, frames, reentry, ops);
    // the same four ops on every path of an outcomes-only run: made once per site and vcpu
    for (const op of this.madeOnce(this.entryPaths, site, vcpu, () => this.newEntryPath(vcpu, cpu, line, frames, reentry, []))) ops.push(op);
    return ops;
  }

  private newEntryPath(vcpu: string, cpu: number, line: number, frames: Frame[], reentry: boolean, ops: Op[]): Op[] {
    if (this.guestOf(vcpu).mmu === 'radix') {
      ops.push(this.interned({ op: 'prepare', vcpu, cpu, line, reentry, frames: this.callee(frames, line, 'kvmppc_prepare_radix_vcpu', 'kvmppc_prepare_radix_vcpu') }));
    }
    ops.push(this.interned({ op: 'start_thread', vcpu, cpu, line, reentry, frames: this.callee(frames, line, 'kvmppc_start_thread', 'kvmppc_start_thread') }));
    const entry = this.callee(frames, line, 'kvmppc_hv_entry', 'kvmppc_hv_entry');
    ops.push(this.interned({ op: 'hv_entry', vcpu, cpu, line, reentry, frames: entry }));
    ops.push(this.interned({ op: 'enter_guest', vcpu, cpu, line, reentry, frames: this.callee(frames, line, 'enter guest', 'kvmppc_hv_entry') }));
    return ops;
  }

  /**
   * A vcpu runs on one cpu at a time. Inside a `concurrently` block a `run`
   * or `stop` of a vcpu that is entering elsewhere waits for that entry to
   * finish (spec v2), but a vcpu can still be taken away before its entry
   * starts: an IPI'd re-entry then has nothing left to enter (it stops
   * quietly); a `run` of the same vcpu in two lanes at once is a mistake in
   * the scenario (a runtime error). Either way the rest of this entry path
   * is dropped, and a thread that had disabled interrupts enables them.
   */
  private takenAway(op: Extract<Op, { op: 'prepare' | 'start_thread' | 'hv_entry' | 'enter_guest' }>): StepOutcome | undefined {
    const at = this.vcpu(op.vcpu).cpu;
    const before = op.op === 'prepare' || op.op === 'start_thread'; // not yet handed to this cpu
    if (before ? at < 0 || at === op.cpu : at === op.cpu) return undefined;
    const where = at < 0 ? 'has left it' : `is on cpu${at} now`;
    this.out.abort = true;
    this.leaveIrqsOff(op.cpu);
    if (op.reentry) return this.said(this.recording ? `cpu${op.cpu}: ${op.vcpu} ${where}: nothing to re-enter` : '');
    this.out.error = `${op.vcpu} cannot enter on cpu${op.cpu}: it ${where} (a vcpu runs on one cpu at a time)`;
    return this.said(this.out.error);
  }

  /** Interrupts back on: the IPIs the thread held off are taken now, with nothing to exit. */
  private leaveIrqsOff(cpu: number): void {
    this.setIrqsOff(cpu, false);
    if (this.state.cpus[cpu].ipisPending > 0) this.takeIpis(cpu);
  }

  /** The result of the step being executed (see StepOutcome). */
  private readonly out = new StepOutcome();
  /** The ops that follow the step being executed (see StepOutcome.follow). */
  private readonly next: Op[] = [];

  /** The empty list of ops that follow, to fill. */
  private follows(): Op[] {
    this.next.length = 0;
    return this.next;
  }

  /** Ends a step: what happened in words (recorded runs only) and the ops that follow. */
  private said(text: string, follow: Op[] = NO_OPS): StepOutcome {
    this.out.text = text;
    this.out.follow = follow;
    return this.out;
  }

  execute(op: Op): StepOutcome {
    this.out.reset();
    switch (op.op) {
      case 'exit':
        return this.exitGuest(op.vcpu, op.cpu, op.why);
      case 'prepare':
        return this.takenAway(op) ?? this.kvmppcPrepareRadixVcpu(op);
      case 'radix_flush_cpu':
        return this.radixFlushCpu(op);
      case 'ipi':
        return this.sendIpi(op);
      case 'ipi_take':
        return this.ipiTake(op);
      case 'start_thread':
        return this.takenAway(op) ?? this.kvmppcStartThread(op.vcpu, op.cpu);
      case 'hv_entry':
        return this.takenAway(op) ?? this.kvmppcHvEntry(op);
      case 'flush_set':
        return this.flushSet(op);
      case 'ptesync':
        return this.said(
          this.recording
            ? `cpu${op.cpu}: ptesync only: need_tlb_flush[${op.bit}] of ${op.guest} is set, but not every bit of ${this.domainName(op.cpu)} (another thread has swept since the request)`
            : '',
        );
      case 'clear_bit': {
        this.setBit(op.guest, 'needTlbFlush', op.bit, false);
        const test = this.sweeping[op.cpu]!;
        this.out.clear = { guest: op.guest, cpu: op.cpu, bit: op.bit, test };
        const after = test.action === 'sweep' ? 'after the flush' : 'after the ptesync';
        return this.said(this.recording ? `cpu${op.cpu}: clear need_tlb_flush[${op.bit}] of ${op.guest}, ${after}` : '');
      }
      case 'enter_guest':
        return this.takenAway(op) ?? this.enterGuest(op);
      case 'event':
        return this.guestEvent(op.event);
    }
  }

  /** Leaving guest mode: the thread drops out of cpu_in_guest; a move or stop also frees it. */
  private exitGuest(vcpu: string, cpu: number, why: 'move' | 'stop' | 'preempt' | 'reenter'): StepOutcome {
    const v = this.vcpu(vcpu);
    if (v.cpu !== cpu) return this.said(this.recording ? `cpu${cpu}: ${vcpu} is not running there; nothing to exit` : '');
    const g = this.leaveGuest(vcpu, cpu);
    if (why !== 'reenter') {
      this.setCpuVcpu(cpu, undefined);
      this.setVcpu(vcpu, 'cpu', -1);
    }
    const what = { move: 'exits to move', stop: 'exits (stop)', preempt: 'is preempted', reenter: 'exits to re-enter' }[why];
    return this.said(this.recording ? `cpu${cpu}: ${vcpu} ${what}; cpu_in_guest[${cpu}] of ${g.name} cleared` : '');
  }

  /** The exit half every way out of the guest shares: cpu_in_guest cleared, host LPID and PID back. */
  private leaveGuest(vcpu: string, cpu: number): GuestState {
    const g = this.guestOf(vcpu);
    this.setBit(g.name, 'cpuInGuest', cpu, false);
    this.setCpuMode(cpu, false);
    this.leaveIrqsOff(cpu);
    this.setCpu(cpu, 'lpidr', 0);
    this.setCpu(cpu, 'pidr', 0);
    return g;
  }

  /** kvmppc_prepare_radix_vcpu(): the movement check a29ebeaf added. */
  private kvmppcPrepareRadixVcpu(op: Extract<Op, { op: 'prepare' }>): StepOutcome {
    const v = this.vcpu(op.vcpu);
    const g = this.guestOf(op.vcpu);
    const t = this.state.topology;
    const group = this.variant.grouping;
    const prev = v.prevCpu;
    if (!group) {
      // before a29ebeaf there is no prev_cpu: a move is not noticed at all
      const move: MoveRecord | undefined =
        v.lastCpu >= 0 && t.tlbDomainOf(v.lastCpu) !== t.tlbDomainOf(op.cpu)
          ? { guest: g.name, vcpu: op.vcpu, from: v.lastCpu, to: op.cpu, unmarkedBecause: `${this.variant.name} does not track radix vcpu movement (no prev_cpu, no radix_flush_cpu)` }
          : undefined;
      this.out.move = move;
      return this.said(this.recording ? `${prepareCall(op)}: no movement tracking in ${this.variant.name}` : '');
    }
    if (prev < 0) {
      this.setVcpu(op.vcpu, 'prevCpu', op.cpu);
      return this.said(this.recording ? `${prepareCall(op)}: first run, prev_cpu := ${op.cpu}` : '');
    }
    if (prev === op.cpu) return this.said(this.recording ? `${prepareCall(op)}: prev_cpu is cpu${op.cpu}, nothing to do` : '');
    const sameGroup = representative(t, prev, group) === representative(t, op.cpu, group);
    const moved = t.tlbDomainOf(prev) !== t.tlbDomainOf(op.cpu);
    const move: MoveRecord = { guest: g.name, vcpu: op.vcpu, from: prev, to: op.cpu };
    this.setVcpu(op.vcpu, 'prevCpu', op.cpu);
    this.out.move = move;
    const follow = this.follows();
    if (sameGroup) {
      if (moved) {
        move.unmarkedBecause = `cpu${prev} and cpu${op.cpu} count as one core for ${this.variant.name} (same first thread, cpu${representative(t, prev, group)}), although they use different TLBs (${this.domainName(prev)}, ${this.domainName(op.cpu)})`;
      }
      // v5.17: a same-core move still IPIs the old cpu (do_migrate_away_vcpu)
      if (this.variant.migrateAwayIpi) follow.push(this.migrateAway(op, prev));
      const away = this.variant.migrateAwayIpi ? `, do_migrate_away_vcpu on cpu${prev}` : '';
      return this.said(this.recording ? `${prepareCall(op)}: cpu${prev} → cpu${op.cpu}, same core: prev_cpu := ${op.cpu}, no flush${away}` : '', follow);
    }
    const bits = this.marksFor(prev);
    move.markedBit = bits[0];
    move.markedBits = bits;
    follow.push(this.interned({ op: 'radix_flush_cpu', vcpu: op.vcpu, prevCpu: prev, cpu: op.cpu, line: op.line, frames: this.callee(op.frames, op.line, 'radix_flush_cpu', 'radix_flush_cpu') }));
    return this.said(this.recording ? `${prepareCall(op)}: cpu${prev} → cpu${op.cpu}, another core: radix_flush_cpu(cpu${prev}); prev_cpu := ${op.cpu}` : '', follow);
  }

  /** The bits radix_flush_cpu sets for a move away from `prevCpu`, made once per cpu (every move would otherwise make a list). */
  private marksFor(prevCpu: number): readonly number[] {
    return (this.marks[prevCpu] ??= markedBits(this.state.topology, this.variant, prevCpu));
  }

  private readonly marks: (readonly number[])[] = [];

  /** v5.17's waiting cross-call to the cpu a vcpu leaves (do_migrate_away_vcpu: tlbsync/ptesync there). */
  private migrateAway(op: { vcpu: string; cpu: number; line: number; frames: Frame[] }, prev: number): Op {
    const frames = this.recording ? this.callee(op.frames, op.line, `smp_call_function_single(cpu${prev}, do_migrate_away_vcpu)`, 'do_migrate_away_vcpu') : NO_FRAMES;
    return this.interned({ op: 'ipi', target: prev, guest: this.guestOf(op.vcpu).name, why: 'migrate-away', cpu: op.cpu, line: op.line, frames });
  }

  /**
   * radix_flush_cpu(): mark the old core (v5.17: every thread of its TLB
   * domain), then, after the barrier, read cpu_in_guest once and IPI each of
   * its threads in this guest, waiting for each (wait=1).
   */
  private radixFlushCpu(op: Extract<Op, { op: 'radix_flush_cpu' }>): StepOutcome {
    const g = this.guestOf(op.vcpu);
    const t = this.state.topology;
    const bits = this.marksFor(op.prevCpu);
    for (const bit of bits) this.setBit(g.name, 'needTlbFlush', bit, true);
    const targets: number[] = [];
    const follow = this.follows();
    for (const target of groupMembers(t, op.prevCpu, this.variant.grouping!)) {
      if (!g.cpuInGuest[target] || target === op.cpu) continue;
      const frames = this.recording ? this.callee(op.frames, op.line, `smp_call_function_single(cpu${target})`, 'smp_call_function_single') : NO_FRAMES;
      targets.push(target);
      follow.push(this.interned({ op: 'ipi', target, guest: g.name, why: 'flush', cpu: op.cpu, line: op.line, frames }));
    }
    if (this.variant.migrateAwayIpi) follow.push(this.migrateAway(op, op.prevCpu));
    if (!this.recording) return this.said('', follow);
    const whom = targets.length ? `IPI ${targets.map((c) => `cpu${c}`).join(', ')}` : `no thread of ${this.domainName(op.prevCpu)} is in ${g.name}, no IPI`;
    return this.said(`radix_flush_cpu: set need_tlb_flush[${bits.join(', ')}] of ${g.name}, ${whom}`, follow);
  }

  /**
   * The send of smp_call_function_single(target, …, wait=1). A target in
   * guest mode takes it as its next step; one in its interrupts-off entry
   * path takes it at its guest entry; either way the sender waits for the
   * take. A target in neither (idle, or gone meanwhile) takes it at once.
   */
  private sendIpi(op: Extract<Op, { op: 'ipi' }>): StepOutcome {
    const target = this.state.cpus[op.target];
    const what = op.why === 'flush' ? 'IPI' : 'do_migrate_away_vcpu IPI';
    if (!target.inGuest && !target.irqsOff) {
      if (this.recording) this.out.ipi = { from: op.cpu, to: op.target, take: 'in-send' };
      return this.said(this.recording ? `${what} cpu${op.target}: not in a guest, it runs the cross-call at once; nothing re-enters` : '');
    }
    this.setIpi(op.target, 'ipisPending', target.ipisPending + 1);
    this.setIpi(op.cpu, 'ipiWait', op.target);
    if (this.recording) this.out.ipi = { from: op.cpu, to: op.target };
    if (target.inGuest) {
      this.out.take = op.target;
      return this.said(this.recording ? `${what} cpu${op.target} sent: ${target.vcpu} will exit to take it; cpu${op.cpu} waits (wait=1)` : '');
    }
    return this.said(
      this.recording ? `${what} cpu${op.target} sent: cpu${op.target} is in its entry path with interrupts off and takes it at its guest entry; cpu${op.cpu} waits (wait=1)` : '',
    );
  }

  /** The IPI'd thread takes the interrupt: it leaves the guest, runs the cross-call, and re-enters. */
  private ipiTake(op: Extract<Op, { op: 'ipi_take' }>): StepOutcome {
    const cpu = this.state.cpus[op.cpu];
    const vcpu = cpu.vcpu;
    const sender = this.takeIpis(op.cpu);
    if (this.recording) this.out.ipi = { from: sender, to: op.cpu, take: 'take' };
    if (!vcpu || !cpu.inGuest) return this.said(this.recording ? `cpu${op.cpu} takes the IPI: no longer in the guest, nothing re-enters` : '');
    const g = this.leaveGuest(vcpu, op.cpu);
    return this.said(
      this.recording ? `cpu${op.cpu} takes the IPI: ${vcpu} leaves the guest (cpu_in_guest[${op.cpu}] of ${g.name} cleared) and re-enters` : '',
      this.reentry(vcpu, op),
    );
  }

  /** The step in which `target` takes the IPI that `send` sent it (placed by the simulation). */
  takeOp(send: Op, target: number): Op {
    const frames = this.recording ? this.callee(send.frames.slice(0, -1), send.line, `IPI cpu${target} taken`, 'smp_call_function_single') : NO_FRAMES;
    return this.interned({ op: 'ipi_take', cpu: target, line: send.line, frames });
  }

  /** The entry path again, after an IPI: nested beside the step that took it. */
  private reentry(vcpu: string, op: { cpu: number; line: number; frames: Frame[] }): Op[] {
    const base = this.recording ? this.callee(op.frames.slice(0, -1), op.line, `IPI cpu${op.cpu}: ${vcpu} re-enters`) : NO_FRAMES;
    return this.entryPath(vcpu, op.cpu, op.line, base, true, this.follows(), op);
  }

  /** kvmppc_start_thread(): hand the vcpu to the thread, set it in cpu_in_guest; interrupts are hard-disabled from here to the guest entry. */
  private kvmppcStartThread(vcpu: string, cpu: number): StepOutcome {
    const g = this.guestOf(vcpu);
    const old = this.state.cpus[cpu].vcpu;
    this.setCpuVcpu(cpu, vcpu);
    this.setVcpu(vcpu, 'cpu', cpu);
    this.setVcpu(vcpu, 'lastCpu', cpu);
    this.setBit(g.name, 'cpuInGuest', cpu, true);
    this.setIrqsOff(cpu, true);
    return this.said(this.recording ? `kvmppc_start_thread: ${vcpu} on cpu${cpu}${old && old !== vcpu ? ` (replacing ${old})` : ''}, cpu_in_guest[${cpu}] of ${g.name} set; interrupts off` : '');
  }

  /** kvmppc_hv_entry: load LPIDR, test the bit that stands for this cpu, flush if set. */
  private kvmppcHvEntry(op: Extract<Op, { op: 'hv_entry' }>): StepOutcome {
    const g = this.guestOf(op.vcpu);
    const t = this.state.topology;
    const variant = this.variant;
    this.setCpu(op.cpu, 'lpidr', g.lpid);
    const bit = representative(t, op.cpu, variant.entryBit);
    const wasSet = g.needTlbFlush[bit];
    // v5.17: only the first thread to enter after a request (every bit still set) sweeps
    const clearBit = wasSet && variant.sweepOnlyIfAllSet ? groupMembers(t, op.cpu, variant.grouping!).find((b) => !g.needTlbFlush[b]) : undefined;
    const action = !wasSet ? 'none' : clearBit === undefined ? 'sweep' : 'ptesync';
    const early = wasSet && variant.clear === 'before-flush';
    const entryTest: EntryTestRecord = { guest: g.name, cpu: op.cpu, bit, wasSet, action, clearedBeforeFlush: early, sweptSets: 0, step: this.step };
    if (clearBit !== undefined) entryTest.clearBit = clearBit;
    this.out.entryTest = entryTest;
    if (!wasSet) {
      return this.said(this.recording ? `cpu${op.cpu}: kvmppc_hv_entry: LPIDR := ${g.lpid}; need_tlb_flush[${bit}] of ${g.name} is clear, no flush` : '');
    }
    if (early) this.setBit(g.name, 'needTlbFlush', bit, false);
    this.startSweep(op.cpu, entryTest);
    const sweep = (follow: Op[]): Op[] => {
      if (action === 'ptesync') {
        follow.push(this.interned({ op: 'ptesync', guest: g.name, bit, cpu: op.cpu, line: op.line, frames: this.recording ? this.callee(op.frames, op.line, 'ptesync', 'kvmppc_hv_entry') : NO_FRAMES }));
      } else {
        for (let set = 0; set < t.tlbSets; set++) {
          follow.push(this.interned({ op: 'flush_set', guest: g.name, set, bit, cpu: op.cpu, line: op.line, frames: this.recording ? this.callee(op.frames, op.line, `flush set ${set} of ${t.tlbSets}`, 'kvmppc_hv_entry') : NO_FRAMES }));
        }
      }
      if (!early) follow.push(this.interned({ op: 'clear_bit', guest: g.name, bit, cpu: op.cpu, line: op.line, frames: op.frames }));
      return follow;
    };
    // an outcomes-only run makes the same list for the same entry and test on every path: once
    if (!this.recording) return this.said('', this.madeOnce(this.entryFollows, op, bit * 4 + (action === 'ptesync' ? 2 : 0) + (early ? 1 : 0), () => sweep([])));
    const follow = sweep(this.follows());
    if (action === 'ptesync') {
      return this.said(`cpu${op.cpu}: kvmppc_hv_entry: LPIDR := ${g.lpid}; own bit need_tlb_flush[${bit}] of ${g.name} is set but bit ${clearBit} is clear: ptesync only, no sweep, then clear bit ${bit}`, follow);
    }
    const order = early ? 'cleared now, before the flush' : 'flush, then clear';
    return this.said(`cpu${op.cpu}: kvmppc_hv_entry: LPIDR := ${g.lpid}; need_tlb_flush[${bit}] of ${g.name} is set: ${order} (LPID ${g.lpid} from ${this.domainName(op.cpu)} TLB)`, follow);
  }

  /** One tlbiel IS=2 of the entry-time sweep: this LPID's entries in one set of this TLB. */
  private flushSet(op: Extract<Op, { op: 'flush_set' }>): StepOutcome {
    const g = this.state.guests.get(op.guest)!;
    const t = this.state.topology;
    const domain = t.tlbDomainOf(op.cpu);
    const knows = this.variant.flushedMmus.includes(g.mmu);
    const test = this.sweeping[op.cpu];
    if (test) test.sweptSets = op.set + 1;
    // The pre-fix sweep is an HPT-format tlbiel: it removes no radix entries.
    const removed = knows ? this.removeEntries(domain, g.lpid, ANY, ANY, op.set) : NO_ENTRIES;
    if (!this.recording) return this.said('');
    this.out.flush = { guest: g.name, cpu: op.cpu, domain, set: op.set, removed: removed.length };
    const what = removed.length ? ` (removed ${removed.map((e) => `${e.task}:${e.page}`).join(', ')})` : '';
    const format = knows ? '' : ` — HPT-format tlbiel, radix entries untouched`;
    return this.said(`cpu${op.cpu}: flush LPID ${g.lpid} from ${t.tlbDomainName(domain)} TLB, set ${op.set} of ${t.tlbSets}${what}${format}`);
  }

  /**
   * The guest entry, the end of the interrupts-off region. IPIs that arrived
   * meanwhile are taken here: the thread exits at once (no guest code runs)
   * and goes through the whole entry path again.
   */
  private enterGuest(op: Extract<Op, { op: 'enter_guest' }>): StepOutcome {
    const { vcpu, cpu } = op;
    if (this.state.cpus[cpu].ipisPending > 0) {
      const sender = this.takeIpis(cpu);
      if (this.recording) this.out.ipi = { from: sender, to: cpu, take: 'at-entry' };
      const g = this.leaveGuest(vcpu, cpu);
      return this.said(
        this.recording ? `cpu${cpu}: ${vcpu} reaches the guest entry with an IPI pending: takes it, exits at once (cpu_in_guest[${cpu}] of ${g.name} cleared) and re-enters` : '',
        this.reentry(vcpu, op),
      );
    }
    const v = this.vcpu(vcpu);
    this.setIrqsOff(cpu, false);
    this.setCpuMode(cpu, true);
    const task = v.task ? this.state.tasks.get(v.task) : undefined;
    this.setCpu(cpu, 'pidr', task?.pid ?? 0);
    return this.said(this.recording ? `cpu${cpu}: ${vcpu} enters the guest${task ? ` (${task.name} resumes)` : ''}` : '');
  }

  // ---- guest events -------------------------------------------------------------------

  /** The cpu a task acts from: its vcpu's, when the vcpu runs. */
  taskCpu(task: string): number | undefined {
    const t = this.state.tasks.get(task)!;
    if (t.vcpu === undefined) return undefined;
    const cpu = this.state.guests.get(t.guest)!.vcpu(t.vcpu).cpu;
    return cpu >= 0 ? cpu : undefined;
  }

  /** A guest event acts from the cpu its task (or vcpu) is on when it runs, not when it was queued. */
  private guestEvent(e: Extract<Op, { op: 'event' }>['event']): StepOutcome {
    switch (e.kind) {
      case 'stop': {
        const vcpu = this.nameOf(e.vcpu);
        const v = this.vcpu(vcpu);
        if (v.cpu < 0) return this.said(this.recording ? `${vcpu} is not running` : '');
        return this.exitGuest(vcpu, v.cpu, 'stop');
      }
      case 'schedule':
        return this.schedule(e.taskName, e.vcpu.guestName, e.vcpu.index);
    }
    const taskName = e.taskName;
    const task = this.state.tasks.get(taskName)!;
    const acting = this.taskCpu(taskName);
    if (acting === undefined) {
      const why = task.vcpu === undefined ? 'is not current on any vcpu' : `is current on ${task.guest}.vcpu${task.vcpu}, which is not running`;
      this.out.error = `'${e.kind}' by task '${taskName}', which ${why}`;
      return this.said(this.recording ? `${e.kind}: task ${taskName} ${why}` : '');
    }
    switch (e.kind) {
      case 'access':
        return this.access(taskName, e.pageName, acting, e.line);
      case 'unmap':
        return this.unmap(taskName, e.pageName, acting, e.form?.value, e.line);
      case 'map': {
        const f = this.newFrame();
        const page = e.pageName;
        const old = task.pages.get(page)!;
        this.setPte(taskName, page, { frame: f, changedLine: e.line, invalidation: old.frame !== undefined ? 'remapped without invalidation' : undefined });
        if (!this.recording) return this.said('');
        const note = old.frame !== undefined ? ` (was frame ${old.frame}: entries for it are now stale)` : '';
        return this.said(`${taskName}: map ${page} → frame ${f}${note}`);
      }
      case 'tlbiel':
      case 'tlbie':
        return this.invalidate(taskName, e.page?.text, acting, e.kind, 'the guest');
    }
  }

  private schedule(taskName: string, guest: string, index: number): StepOutcome {
    const task = this.state.tasks.get(taskName)!;
    const g = this.state.guests.get(guest)!;
    if (task.vcpu !== undefined && task.vcpu !== index) this.setVcpuTask(guest, task.vcpu, undefined);
    const displaced = g.vcpu(index).task;
    if (displaced && displaced !== taskName) this.setTaskVcpu(displaced, undefined);
    this.setVcpuTask(guest, index, taskName);
    this.setTaskVcpu(taskName, index);
    if (!task.vcpuHistory.includes(index)) {
      this.changes?.push({ kind: 'history', task: taskName, vcpu: index });
      task.vcpuHistory.push(index);
    }
    const cpu = g.vcpu(index).cpu;
    if (cpu >= 0 && this.state.cpus[cpu].inGuest) this.setCpu(cpu, 'pidr', task.pid);
    if (!this.recording) return this.said('');
    return this.said(
      `${guest} schedules ${taskName} on ${guest}.vcpu${index}${cpu >= 0 ? ` (cpu${cpu})` : ''}; mm_cpumask = {${task.vcpuHistory.map((v) => `vcpu${v}`).join(', ')}}` +
        (displaced && displaced !== taskName ? `; ${displaced} is now current nowhere` : ''),
    );
  }

  /** The core question: what does the task's translation of the page come from? */
  private access(taskName: string, page: string, cpu: number, line: number): StepOutcome {
    const task = this.state.tasks.get(taskName)!;
    const g = this.state.guests.get(task.guest)!;
    const t = this.state.topology;
    const domain = t.tlbDomainOf(cpu);
    const entry = this.state.tlbs[domain].get(this.keyOf(task, page));
    const pte = task.pages.get(page)!;
    // built whole, without spreads or closures: this is the hottest path of a long run
    const access: AccessRecord = {
      step: -1,
      line,
      task: taskName,
      page,
      cpu,
      domain,
      outcome: 'fault',
      frame: undefined,
      entry: undefined,
      filledLine: undefined,
      changedLine: undefined,
    };
    this.out.access = access;
    const touches = this.recording ? `${taskName} touches ${page} on cpu${cpu}` : '';
    if (entry) {
      access.frame = entry.frame;
      access.entry = entry;
      if (entry.frame === pte.frame) {
        access.outcome = 'hit';
        return this.said(this.recording ? `${touches}: hit in ${t.tlbDomainName(domain)} TLB → frame ${entry.frame}` : '');
      }
      access.outcome = 'stale';
      access.filledLine = entry.filledLine;
      access.changedLine = pte.changedLine;
      const now = this.recording && (pte.frame === undefined ? 'unmapped' : `mapped to frame ${pte.frame}`);
      return this.said(this.recording ? `${touches}: STALE — ${t.tlbDomainName(domain)} TLB still maps it to frame ${entry.frame}, but the page is ${now}` : '');
    }
    if (pte.frame === undefined) {
      return this.said(this.recording ? `${touches}: fault (no TLB entry, page unmapped) — a correct guest page fault` : '');
    }
    const set = t.setOfPage(this.scenario.tasks.get(taskName)!.pages.indexOf(page));
    const fresh: TlbEntry = { lpid: g.lpid, pid: task.pid, guest: g.name, task: taskName, page, frame: pte.frame, set, filledLine: line, filledStep: this.step };
    this.insertEntry(domain, fresh);
    access.outcome = 'miss';
    access.frame = pte.frame;
    access.entry = fresh;
    return this.said(this.recording ? `${touches}: miss, table walk → ${t.tlbDomainName(domain)} TLB caches lpid ${g.lpid} pid ${task.pid} ${page} → frame ${pte.frame} (set ${set})` : '');
  }

  private unmap(taskName: string, page: string, cpu: number, form: 'tlbiel' | 'tlbie' | 'none' | undefined, line: number): StepOutcome {
    const task = this.state.tasks.get(taskName)!;
    const g = this.state.guests.get(task.guest)!;
    if (g.mmu === 'hpt') return this.hostInvalidate(taskName, page, cpu, line);
    // mm_is_thread_local(): the guest uses tlbiel only when the mm has only run on one vcpu
    const ran = task.vcpuHistory.length;
    const chosen = form ?? (ran <= 1 ? 'tlbiel' : 'tlbie');
    if (chosen === 'none') {
      this.setPte(taskName, page, { changedLine: line, invalidation: 'no invalidation (unmap … none)' });
      return this.said(this.recording ? `${taskName}: unmap ${page}, no invalidation` : '');
    }
    const who = this.recording ? `the guest (${form ? 'explicit' : `${taskName} has ${ran <= 1 ? 'only run on one vcpu' : `run on ${ran} vcpus`}`})` : '';
    const result = this.invalidate(taskName, page, cpu, chosen, who);
    const where = chosen === 'tlbiel' ? `tlbiel on ${this.domainName(cpu)} only` : 'tlbie on every TLB';
    this.setPte(taskName, page, { changedLine: line, invalidation: where });
    // the pte change comes first in the text, ahead of the invalidation
    if (this.recording) result.text = `${taskName}: unmap ${page}; ${result.text}`;
    return result;
  }

  /** tlbiel reaches the TLB of the executing core only; tlbie reaches every TLB. */
  private invalidate(taskName: string, page: string | undefined, cpu: number, form: 'tlbiel' | 'tlbie', who: string): StepOutcome {
    const task = this.state.tasks.get(taskName)!;
    const g = this.state.guests.get(task.guest)!;
    const t = this.state.topology;
    const first = form === 'tlbiel' ? t.tlbDomainOf(cpu) : 0;
    const last = form === 'tlbiel' ? first : t.domainCount - 1;
    const gone: string[] = [];
    for (let d = first; d <= last; d++) {
      const removed = this.removeEntries(d, g.lpid, task.pid, page, ANY);
      if (this.recording) for (const e of removed) gone.push(`${t.tlbDomainName(d)}:${e.page}`);
    }
    if (!this.recording) return this.said('');
    const scope = form === 'tlbiel' ? `${t.tlbDomainName(first)} TLB` : 'every TLB';
    const what = page ? `${taskName}:${page}` : `all of pid ${task.pid}`;
    return this.said(`${who}: ${form} ${what} from cpu${cpu} → ${scope}${gone.length ? ` (removed ${gone.join(', ')})` : ' (nothing cached)'}`);
  }

  /**
   * HPT guests: H_REMOVE, and the host's global_invalidates(): a local tlbiel
   * when the guest has one vcpu and it runs here, marking every other core in
   * need_tlb_flush; otherwise tlbie.
   */
  private hostInvalidate(taskName: string, page: string, cpu: number, line: number): StepOutcome {
    const task = this.state.tasks.get(taskName)!;
    const g = this.state.guests.get(task.guest)!;
    const t = this.state.topology;
    if (g.vcpuCount === 1) {
      const result = this.invalidate(taskName, page, cpu, 'tlbiel', 'host');
      for (let c = 0; c < t.cpuCount; c++) this.setBit(g.name, 'needTlbFlush', c, true);
      const keep = representative(t, cpu, this.variant.hostTlbielKeeps);
      this.setBit(g.name, 'needTlbFlush', keep, false);
      this.setPte(taskName, page, { changedLine: line, invalidation: `host tlbiel on ${this.domainName(cpu)}, other cores marked in need_tlb_flush` });
      if (this.recording) result.text = `${taskName}: H_REMOVE ${page}; global_invalidates: one vcpu, running here → ${result.text}; need_tlb_flush of ${g.name} := all but [${keep}]`;
      return result;
    }
    const result = this.invalidate(taskName, page, cpu, 'tlbie', 'host');
    this.setPte(taskName, page, { changedLine: line, invalidation: 'host tlbie on every TLB' });
    if (this.recording) result.text = `${taskName}: H_REMOVE ${page}; global_invalidates: ${g.vcpuCount} vcpus → ${result.text}`;
    return result;
  }
}

/** How a step of kvmppc_prepare_radix_vcpu names its call. */
function prepareCall(op: Extract<Op, { op: 'prepare' }>): string {
  return `kvmppc_prepare_radix_vcpu(${op.vcpu}, cpu${op.cpu})`;
}

/** The fields of a non-event op (all but its stack), as a text: `interned`'s key. */
function opKey(o: Op): string {
  switch (o.op) {
    case 'exit':
      return `exit ${o.vcpu} ${o.why} ${o.cpu} ${o.line}`;
    case 'prepare':
    case 'start_thread':
    case 'hv_entry':
    case 'enter_guest':
      return `${o.op} ${o.vcpu} ${o.reentry} ${o.cpu} ${o.line}`;
    case 'radix_flush_cpu':
      return `radix_flush_cpu ${o.vcpu} ${o.prevCpu} ${o.cpu} ${o.line}`;
    case 'ipi':
      return `ipi ${o.target} ${o.guest} ${o.why} ${o.cpu} ${o.line}`;
    case 'ipi_take':
      return `ipi_take ${o.cpu} ${o.line}`;
    case 'flush_set':
      return `flush_set ${o.guest} ${o.set} ${o.bit} ${o.cpu} ${o.line}`;
    case 'ptesync':
    case 'clear_bit':
      return `${o.op} ${o.guest} ${o.bit} ${o.cpu} ${o.line}`;
    case 'event':
      throw new TypeError('event ops are not interned');
  }
}
