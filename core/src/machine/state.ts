// The machine state the simulator keeps and the debugger shows, and the
// changes a micro-step makes to it.
//
// Time travel: every change records its old and new value, so a micro-step
// can be applied or reverted exactly, in O(changes). The debugger keeps one
// state and walks it forward and back along the recorded trace; no snapshots
// are needed, and memory grows only with the changes themselves.

import type { Mmu } from '../language/ast';
import type { Scenario } from '../language/checker';
import type { Topology } from './topology';

export interface TlbEntry {
  lpid: number;
  pid: number;
  guest: string;
  task: string;
  page: string;
  frame: number;
  set: number;
  /** Scenario line of the access that filled it (0-based), and that access's micro-step. */
  filledLine: number;
  filledStep: number;
}

export interface VcpuState {
  guest: string;
  index: number;
  /** Where it runs now, -1 when not running (thread_cpu). */
  cpu: number;
  /** Last cpu it ran on, -1 initially (prev_cpu, added by a29ebeaf). */
  prevCpu: number;
  /**
   * The last cpu it was handed to. Not a kernel field (the pre-fix kernel has
   * no prev_cpu): the simulator keeps it to explain moves under every variant.
   */
  lastCpu: number;
  task?: string;
}

export interface CpuState {
  id: number;
  /** The vcpu handed to this thread, by name. */
  vcpu?: string;
  /** In guest mode (between guest entry and exit). */
  inGuest: boolean;
  /**
   * In the entry path's interrupts-off region: after kvmppc_start_thread,
   * until it enters the guest (real mode at a29ebeaf). An IPI sent now is
   * taken at the guest entry; the thread cannot be descheduled, only slow.
   */
  irqsOff: boolean;
  /** The cpu whose take of this cpu's IPI this cpu waits for (smp_call_function_single, wait=1), or -1. */
  ipiWait: number;
  /** IPIs sent to this cpu and not yet taken. */
  ipisPending: number;
  /** LPIDR: 0 is the host. */
  lpidr: number;
  /** PIDR: the current task's pid while in a guest. */
  pidr: number;
}

/**
 * One guest's kvm->arch fields and vcpus. A machine of 8,192 threads may
 * declare 4,000 guests of 1,024 vcpus and run a few of them, so what a guest
 * holds grows with what the run does with it: its flag arrays are shared
 * until first written, its vcpus made when first looked up.
 */
export class GuestState {
  /**
   * kvm->arch.need_tlb_flush, one flag per host thread. Read-only here:
   * written through setBit, which copies the shared all-clear array first.
   */
  needTlbFlush: readonly boolean[];
  /** kvm->arch.cpu_in_guest, written like needTlbFlush. */
  cpuInGuest: readonly boolean[];
  /**
   * The vcpus made so far, at their index (holes for the others): lookups,
   * time travel and copies touch only these. An array, not a Map: every guest
   * event looks its task's vcpu up.
   */
  private readonly made: VcpuState[];
  /** Every vcpu, once a reader has asked for them all (`vcpus`). */
  private all: VcpuState[] | undefined;

  constructor(
    readonly name: string,
    readonly lpid: number,
    readonly mmu: Mmu,
    /** How many vcpus it declares. */
    readonly vcpuCount: number,
    /** An all-clear array of one flag per host thread, shared by every guest until it writes one (never written). */
    readonly clear: readonly boolean[],
    made: VcpuState[] = [],
  ) {
    this.needTlbFlush = clear;
    this.cpuInGuest = clear;
    this.made = made;
  }

  /** Vcpu `index`, made as it is before it first runs (not running, no prev_cpu) when first asked for. */
  vcpu(index: number): VcpuState {
    return (this.made[index] ??= { guest: this.name, index, cpu: -1, prevCpu: -1, lastCpu: -1 });
  }

  /** Every declared vcpu, in index order: for views that list them all (the debugger, plainState). */
  get vcpus(): readonly VcpuState[] {
    if (!this.all) this.all = Array.from({ length: this.vcpuCount }, (_, i) => this.vcpu(i));
    return this.all;
  }

  setBit(mask: 'needTlbFlush' | 'cpuInGuest', cpu: number, to: boolean): void {
    let bits = this[mask];
    if (bits === this.clear) this[mask] = bits = [...bits];
    (bits as boolean[])[cpu] = to;
  }

  /** A copy that shares nothing mutable with this one (the all-clear array is never written). */
  copy(): GuestState {
    // map() keeps the holes, and visits only the vcpus made
    const g = new GuestState(this.name, this.lpid, this.mmu, this.vcpuCount, this.clear, this.made.map((v) => ({ ...v })));
    g.needTlbFlush = this.needTlbFlush === this.clear ? this.clear : [...this.needTlbFlush];
    g.cpuInGuest = this.cpuInGuest === this.clear ? this.clear : [...this.cpuInGuest];
    return g;
  }
}

export interface PageState {
  /** The frame the page table maps the page to, or undefined when unmapped. */
  frame?: number;
  /** Line of the last unmap/map of this page, for explanations. */
  changedLine?: number;
  /** How the guest (or host) invalidated at that unmap/map. */
  invalidation?: string;
}

export interface TaskState {
  name: string;
  guest: string;
  pid: number;
  pages: Map<string, PageState>;
  /** Every vcpu index the task has run on: the guest's mm_cpumask for the tlbiel/tlbie choice. */
  vcpuHistory: number[];
  /** The vcpu index it is current on. */
  vcpu?: number;
}

export interface MachineState {
  topology: Topology;
  /** One map per TLB domain, keyed by `lpid/pid/page`. */
  tlbs: Map<string, TlbEntry>[];
  cpus: CpuState[];
  guests: Map<string, GuestState>;
  tasks: Map<string, TaskState>;
  nextFrame: number;
}

export type Change =
  | { kind: 'bit'; guest: string; mask: 'needTlbFlush' | 'cpuInGuest'; cpu: number; from: boolean; to: boolean }
  | { kind: 'tlb-insert'; domain: number; entry: TlbEntry }
  | { kind: 'tlb-remove'; domain: number; entry: TlbEntry }
  | { kind: 'vcpu'; guest: string; index: number; field: 'cpu' | 'prevCpu' | 'lastCpu'; from: number; to: number }
  | { kind: 'vcpu-task'; guest: string; index: number; from?: string; to?: string }
  | { kind: 'cpu'; cpu: number; field: 'lpidr' | 'pidr'; from: number; to: number }
  | { kind: 'cpu-vcpu'; cpu: number; from?: string; to?: string }
  | { kind: 'cpu-mode'; cpu: number; from: boolean; to: boolean }
  | { kind: 'cpu-irqs'; cpu: number; from: boolean; to: boolean }
  | { kind: 'cpu-ipi'; cpu: number; field: 'ipiWait' | 'ipisPending'; from: number; to: number }
  | { kind: 'pte'; task: string; page: string; from: PageState; to: PageState }
  | { kind: 'task-vcpu'; task: string; from?: number; to?: number }
  | { kind: 'history'; task: string; vcpu: number }
  | { kind: 'frames'; from: number; to: number };

export function tlbKey(lpid: number, pid: number, page: string): string {
  return `${lpid}/${pid}/${page}`;
}

/**
 * The state at the start of a run: every need_tlb_flush bit clear. On POWER9
 * kvmppc_core_init_vm_hv sets them only `if (!cpu_has_feature(CPU_FTR_ARCH_300))`
 * (the tlbie in mmu_partition_table_set_entry() does that flush), so a
 * pending request always comes from a move the scenario makes.
 */
export function initialState(scenario: Scenario): MachineState {
  const topology = scenario.topology;
  const guests = new Map<string, GuestState>();
  // cpu_in_guest is clear until a thread enters: one all-clear array serves every guest until it writes
  // (typed read-only, not frozen: a frozen array's elements differ in kind from its copies', and every entry reads them)
  const clear: readonly boolean[] = Array.from({ length: topology.cpuCount }, () => false);
  for (const g of scenario.guests.values()) guests.set(g.name, new GuestState(g.name, g.lpid, g.mmu, g.vcpus, clear));
  let frame = 1;
  const tasks = new Map<string, TaskState>();
  for (const t of scenario.tasks.values()) {
    const pages = new Map<string, PageState>();
    for (const p of t.pages) pages.set(p, { frame: frame++ });
    tasks.set(t.name, { name: t.name, guest: t.guest, pid: t.pid, pages, vcpuHistory: [] });
  }
  return {
    topology,
    tlbs: Array.from({ length: topology.domainCount }, () => new Map()),
    cpus: Array.from({ length: topology.cpuCount }, (_, id) => ({ id, inGuest: false, irqsOff: false, ipiWait: -1, ipisPending: 0, lpidr: 0, pidr: 0 })),
    guests,
    tasks,
    nextFrame: frame,
  };
}

function set(state: MachineState, c: Change, forward: boolean): void {
  switch (c.kind) {
    case 'bit':
      state.guests.get(c.guest)!.setBit(c.mask, c.cpu, forward ? c.to : c.from);
      return;
    case 'tlb-insert':
    case 'tlb-remove': {
      const insert = (c.kind === 'tlb-insert') === forward;
      const key = tlbKey(c.entry.lpid, c.entry.pid, c.entry.page);
      if (insert) state.tlbs[c.domain].set(key, c.entry);
      else state.tlbs[c.domain].delete(key);
      return;
    }
    case 'vcpu':
      state.guests.get(c.guest)!.vcpu(c.index)[c.field] = forward ? c.to : c.from;
      return;
    case 'vcpu-task':
      state.guests.get(c.guest)!.vcpu(c.index).task = forward ? c.to : c.from;
      return;
    case 'cpu':
      state.cpus[c.cpu][c.field] = forward ? c.to : c.from;
      return;
    case 'cpu-vcpu':
      state.cpus[c.cpu].vcpu = forward ? c.to : c.from;
      return;
    case 'cpu-mode':
      state.cpus[c.cpu].inGuest = forward ? c.to : c.from;
      return;
    case 'cpu-irqs':
      state.cpus[c.cpu].irqsOff = forward ? c.to : c.from;
      return;
    case 'cpu-ipi':
      state.cpus[c.cpu][c.field] = forward ? c.to : c.from;
      return;
    case 'pte':
      state.tasks.get(c.task)!.pages.set(c.page, forward ? c.to : c.from);
      return;
    case 'task-vcpu':
      state.tasks.get(c.task)!.vcpu = forward ? c.to : c.from;
      return;
    case 'history': {
      const h = state.tasks.get(c.task)!.vcpuHistory;
      if (forward) h.push(c.vcpu);
      else h.splice(h.lastIndexOf(c.vcpu), 1);
      return;
    }
    case 'frames':
      state.nextFrame = forward ? c.to : c.from;
      return;
  }
}

export function applyChanges(state: MachineState, changes: readonly Change[]): void {
  for (const c of changes) set(state, c, true);
}

/** Undoes `changes` from the last back to index `from` (the explorer reverts the tail of its journal in place). */
export function revertChanges(state: MachineState, changes: readonly Change[], from = 0): void {
  for (let i = changes.length - 1; i >= from; i--) set(state, changes[i], false);
}

/** The state as plain JSON data (canonical: equal states give equal data), to save or compare. */
export function plainState(state: MachineState) {
  const t = state.topology;
  return {
    // a TLB is a set: entries in key order, whatever order they were inserted in
    tlbs: state.tlbs.map((entries, d) => ({
      domain: t.tlbDomainName(d),
      entries: [...entries.keys()].sort().map((k) => ({ ...entries.get(k)! })),
    })),
    cpus: state.cpus.map((c) => ({ ...c })),
    guests: [...state.guests.values()].map((g) => ({
      name: g.name,
      lpid: g.lpid,
      mmu: g.mmu,
      needTlbFlush: [...g.needTlbFlush],
      cpuInGuest: [...g.cpuInGuest],
      vcpus: g.vcpus.map((v) => ({ ...v })),
    })),
    tasks: [...state.tasks.values()].map((task) => ({
      ...task,
      pages: Object.fromEntries([...task.pages].map(([page, p]) => [page, { ...p }])),
      vcpuHistory: [...task.vcpuHistory],
    })),
    nextFrame: state.nextFrame,
  };
}

/**
 * A copy that shares nothing mutable with `state` (TLB entries and page
 * states are never changed in place, only replaced, so they are shared).
 */
export function cloneState(state: MachineState): MachineState {
  const guests = new Map<string, GuestState>();
  for (const [name, g] of state.guests) guests.set(name, g.copy());
  const tasks = new Map<string, TaskState>();
  for (const [name, t] of state.tasks) tasks.set(name, { ...t, pages: new Map(t.pages), vcpuHistory: [...t.vcpuHistory] });
  return {
    topology: state.topology,
    tlbs: state.tlbs.map((m) => new Map(m)),
    cpus: state.cpus.map((c) => ({ ...c })),
    guests,
    tasks,
    nextFrame: state.nextFrame,
  };
}
