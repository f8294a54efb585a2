// The explorer's visited states, stored exactly and compactly (issue 10). A
// state (machine + lanes) is cut into components (the TLBs; the cpus that
// are not idle; the guests' bits and vcpus; the tasks; each lane), each
// component is numbered in a table of its own (Spin's "collapse" compression:
// a component shared by many states is stored once), the machine's components
// are numbered together as one, and a state is its program item, that number
// and its lanes' numbers: two words and half a word a lane (two 16-bit lane
// numbers to a word, while they fit) in a VectorTable. Names,
// TLB entry tags and pending ops are numbered the first time they are seen;
// an op object is numbered once (the stateful search shares ops between the
// lanes it snapshots).
//
// Left out, as write-only for the search: a vcpu's last_cpu (explanations
// only), the lines and stacks of ops, page states' explanation fields.
//
// Under a stall bound (or --shortest) a state is also its lanes' current
// stalls (and its depth): a state reached again with stalls no smaller, lane
// by lane, than at an earlier visit can do nothing that visit could not
// (every later gap only adds to them), so it is not explored again: a
// dominance check rather than exact stall counts in the key. The vectors
// compared are kept per state in a typed arena too.
//
// Components are numbered again only when changed: the store reads the
// kinds of the machine's journaled changes since the last state it numbered
// (and of those the search reverted), and keeps the last number of each
// component nothing touched. Most steps change a cpu or a lane, not the TLBs
// or the tasks, and most states the search reaches differ from the last one
// numbered by a step or two.
//
// Symmetry (symmetry.ts): inside a block with interchangeable threads, the
// state is encoded as renamed by the permutation picked for it (cpus, vcpus,
// bits, the lanes in renamed cpu order, their ops' cpus and vcpus), and its
// stalls compared in that lane order.

import type { SimpleEvent } from '../language/ast';
import type { Op } from '../machine/kernel';
import type { LaneState } from '../machine/simulation';
import type { Change, MachineState } from '../machine/state';
import { type Renaming, type Symmetry, opShape } from './symmetry';
import { type SharedTableBuffers, SharedVectorTable } from './sharedTable';
import { type Table, VectorTable, grow } from './vectorTable';

const OUTCOMES = ['', 'hit', 'miss', 'fault', 'stale'];

/** A growable buffer of words, to build a component in. */
class Words {
  data: Uint32Array<ArrayBuffer> = new Uint32Array(64);
  length = 0;

  push(w: number): void {
    if (this.length === this.data.length) this.data = grow(this.data, this.length + 1);
    this.data[this.length++] = w;
  }
}

/** The tables a store numbers its components in, by name. */
const TABLES = ['tlbs', 'cpu', 'cpus', 'guests', 'tasks', 'lane', 'renamedOps', 'machines', 'states', 'names'] as const;
type TableName = (typeof TABLES)[number];

/**
 * The tables of the threads of a parallel search (parallel.ts): every
 * component table and the names (as their UTF-16 codes) shared, so that a
 * number means the same in every thread, and each state's sleep set.
 */
export interface SharedStoreBuffers {
  tables: Record<TableName, SharedTableBuffers>;
  /** Per state, its sleep set (all ones until a visit narrows it: updated with an atomic and). */
  sleeping: SharedArrayBuffer;
}

/**
 * Shared tables for at most `states` states. The components are far fewer
 * than the states (5-lane lost-update race: 48,766 states, 4,347 machines,
 * 1,289 cpu sets, 91 lanes), so their tables are smaller; a table that fills
 * up stops the search (`full`), and the parallel search starts again with
 * larger ones.
 */
export function sharedStoreBuffers(states: number): SharedStoreBuffers {
  const part = (n: number) => Math.max(4096, Math.ceil(states / n));
  // [vectors, arena words]: a vector is a few words (a machine 5, a state 2 and half a word a lane), a lane or a cpu set a few dozen
  const size: Record<TableName, [number, number]> = {
    tlbs: [part(16), part(16) * 32],
    cpu: [part(16), part(16) * 8],
    cpus: [part(4), part(4) * 32],
    guests: [part(4), part(4) * 64],
    tasks: [part(16), part(16) * 32],
    lane: [part(4), part(4) * 64],
    renamedOps: [part(16), part(16) * 8],
    machines: [part(2), part(2) * 6],
    states: [states, states * 16],
    names: [part(16), part(16) * 32],
  };
  const tables = {} as Record<TableName, SharedTableBuffers>;
  for (const name of TABLES) tables[name] = SharedVectorTable.create(...size[name]).buffers;
  const sleeping = new SharedArrayBuffer(states * 4);
  new Int32Array(sleeping).fill(-1);
  return { tables, sleeping };
}

export class StateStore {
  /** Names (vcpus, tasks, TLB entry tags, op texts, statements) → small numbers, from 1. */
  private readonly names = new Map<string, number>();
  /** Op and event objects → their numbers, found once per object. */
  private readonly objects = new WeakMap<object, number>();
  private readonly tables: Record<TableName, Table>;
  private readonly tlbs: Table;
  private readonly cpu: Table;
  private readonly cpus: Table;
  private readonly guests: Table;
  private readonly tasks: Table;
  private readonly lane: Table;
  /** Renamed ops (symmetry), each numbered as its tuple: a lane names an op by one word, as without symmetry. */
  private readonly renamedOps: Table;
  private readonly opWords = new Uint32Array(8);
  private readonly machines: Table;
  private readonly states: Table;
  /** Shared: the names table; a name's UTF-16 codes are put in `nameWords`. */
  private readonly sharedNames: Table | undefined;
  private nameWords = new Uint32Array(64);
  /** A shared table had no room for a new vector: the search stops, truncated. */
  full = false;
  private readonly words = new Words();
  private readonly entries: number[] = [];
  /** A second buffer, for the numbers of a vector's parts while the parts are built in `words`. */
  private readonly ids = new Words();
  /** Each cpu's plain tuple's number, IDLE, or UNKNOWN once a change touched the cpu. */
  private cpuTuples = new Int32Array(0);
  /** Sleep sets (`visit`): per state, the lanes asleep at every visit so far. */
  private sleeping: Uint8Array<ArrayBuffer> | Uint16Array<ArrayBuffer> | Uint32Array<ArrayBuffer> | undefined;
  /** The same, shared by the threads of a parallel search. */
  private readonly sharedSleeping: Int32Array | undefined;
  /** Dominance (bounded or --shortest searches): per state, the head of its list of vectors in `visits`. */
  private heads = new Int32Array(64);
  /** Nodes [next + 1, depth, stall of each lane…], end to end. */
  private visits = new Words();
  /** Under dominance: each state, and each state again when reached with smaller stalls. */
  private visitsStored = 0;
  /** The search's change journal, when it keeps one (`watch`): what changed since the last state numbered. */
  private journal: readonly Change[] | undefined;
  /** The journal's length when the last state was numbered (or less, after a revert below it). */
  private numberedAt = 0;
  /** Components changed since the last state numbered (bits of COMPONENT). */
  private dirty = ALL;
  /** The last number of each component, and whether it was numbered renamed (then only the TLBs and tasks, which name no cpu or vcpu, are reused). */
  private readonly last = { tlbs: 0, cpus: 0, guests: 0, tasks: 0, renamed: true };

  /**
   * `bounded`: a stall bound holds, compare lanes' stalls by dominance;
   * `depthToo` (--shortest): a state reached again in fewer micro-steps is explored again too.
   */
  constructor(
    private readonly bounded: boolean,
    private readonly depthToo: boolean,
    /** Interchangeable threads: states that differ by swapping them share a key. */
    private readonly symmetry?: Symmetry,
    /** The tables of a parallel search (no dominance then): this thread's part of it. */
    shared?: SharedStoreBuffers,
  ) {
    const table = (name: TableName): Table => (shared ? new SharedVectorTable(shared.tables[name]) : new VectorTable());
    this.tables = Object.fromEntries(TABLES.map((name) => [name, table(name)])) as Record<TableName, Table>;
    ({ tlbs: this.tlbs, cpu: this.cpu, cpus: this.cpus, guests: this.guests, tasks: this.tasks, lane: this.lane, renamedOps: this.renamedOps, machines: this.machines, states: this.states } = this.tables);
    this.sharedNames = shared && this.tables.names;
    this.sharedSleeping = shared && new Int32Array(shared.sleeping);
  }

  /** Visits stored: the states, and under dominance each state again when reached with smaller stalls. */
  get size(): number {
    return this.bounded || this.depthToo ? this.visitsStored : this.states.size;
  }

  /**
   * The search keeps the machine's changes in `journal` and calls `reverting`
   * before it reverts some: components are then numbered again only when a
   * change touched them.
   */
  watch(journal: readonly Change[]): void {
    this.journal = journal;
    this.numberedAt = journal.length;
    // a new run (a parallel search's next part): nothing numbered before says anything of its state
    this.dirty = ALL;
    this.cpuTuples.fill(UNKNOWN);
  }

  /** The journal is about to be reverted back to `mark`: what those changes touched is dirty. */
  reverting(mark: number): void {
    const journal = this.journal!;
    this.dirty |= this.touched(journal, mark, journal.length);
    if (mark < this.numberedAt) this.numberedAt = mark;
  }

  /**
   * A visit with sleeping lanes (sleep sets, explore.ts; only without
   * dominance): which lanes to take from this state, as a mask of lane
   * indexes, or 0 when none. A new state takes every lane awake; a state seen
   * before takes only the lanes asleep at every earlier visit and awake now
   * (the earlier visits explored the rest), and keeps as asleep only those
   * asleep at every visit.
   */
  visit(item: number, state: MachineState, lanes: readonly LaneState[], lastOutcome: string, sleep: number): number {
    const ren = this.symmetry?.appliesTo(item) ? this.symmetry.canonical(item, state, lanes) : undefined;
    const id = this.stateId(item, state, lanes, lastOutcome, ren);
    if (this.full) return 0;
    const all = lanes.length >= 31 ? ~0 : (1 << lanes.length) - 1;
    // renamed, the stored mask is in the canonical lane order: bit i is the lane at laneOrder[i]
    const stored = ren ? permuteMask(sleep, ren.laneOrder, true) : sleep;
    // the lanes asleep at every earlier visit (all of them before the first), narrowed by this one's
    let before: number;
    if (this.sharedSleeping) {
      // another thread may visit the same state at the same time: an atomic and, all ones to start with
      before = Atomics.and(this.sharedSleeping, id, stored);
    } else {
      // a lane a bit, and a block has at most a lane a cpu: a byte a state on a machine of 8 threads
      const cpus = state.cpus.length;
      this.sleeping ??= cpus <= 8 ? new Uint8Array(64) : cpus <= 16 ? new Uint16Array(64) : new Uint32Array(64);
      if (id >= this.sleeping.length) this.sleeping = grow(this.sleeping, id + 1);
      before = this.states.added ? ~0 : this.sleeping[id];
      this.sleeping[id] = before & stored;
    }
    const take = all & before & ~stored;
    return ren ? permuteMask(take, ren.laneOrder, false) : take;
  }

  /** The components the changes `journal[from..to)` touched; the cpus they touched lose their plain tuple's number. */
  private touched(journal: readonly Change[], from: number, to: number): number {
    let mask = 0;
    for (let i = from; i < to; i++) {
      const c = journal[i];
      const component = COMPONENT_OF[c.kind];
      mask |= component;
      if (component === COMPONENT.cpus) this.cpuTuples[(c as { cpu: number }).cpu] = UNKNOWN;
    }
    return mask;
  }

  /** False when this state (with these lanes' stalls, at this depth) was explored already. */
  add(item: number, state: MachineState, lanes: readonly LaneState[], lastOutcome: string, depth: number): boolean {
    if (!this.bounded && !this.depthToo) {
      // without sleep sets every visit explores everything: only a new state is
      this.visit(item, state, lanes, lastOutcome, 0);
      return this.states.added && !this.full;
    }
    const ren = this.symmetry?.appliesTo(item) ? this.symmetry.canonical(item, state, lanes) : undefined;
    const id = this.stateId(item, state, lanes, lastOutcome, ren);
    const d = this.depthToo ? depth : 0;
    const stalls = this.bounded;
    const v = this.visits;
    // an earlier visit no worse in every figure dominates this one (a node: [next node + 1, depth, stalls…])
    for (let node = this.states.added ? 0 : this.heads[id]; node > 0; node = v.data[node - 1]) {
      const base = node - 1;
      let dominated = v.data[base + 1] <= d;
      for (let i = 0; dominated && stalls && i < lanes.length; i++) dominated = v.data[base + 2 + i] <= lanes[ren ? ren.laneOrder[i] : i].stall;
      if (dominated) return false;
    }
    if (id >= this.heads.length) this.heads = grow(this.heads, id + 1);
    const node = v.length + 1;
    v.push(this.states.added ? 0 : this.heads[id]);
    v.push(d);
    if (stalls) for (let i = 0; i < lanes.length; i++) v.push(lanes[ren ? ren.laneOrder[i] : i].stall);
    this.heads[id] = node;
    this.visitsStored++;
    return true;
  }

  /** Bytes held by the stored states: every table and arena, as allocated. */
  get bytes(): number {
    let b = this.heads.byteLength + this.visits.data.byteLength + this.words.data.byteLength;
    b += this.sharedSleeping ? this.states.size * 4 : (this.sleeping?.byteLength ?? 0);
    for (const name of TABLES) b += this.tables[name].bytes;
    return b;
  }

  /** `ren`: the state is encoded as renamed by it (symmetry); the TLBs and tasks name no cpu or renamed vcpu. */
  private stateId(item: number, state: MachineState, lanes: readonly LaneState[], lastOutcome: string, ren?: Renaming): number {
    const w = this.words;
    const journal = this.journal;
    let dirty = ALL;
    if (journal) {
      dirty = this.dirty | this.touched(journal, this.numberedAt, journal.length);
      this.numberedAt = journal.length;
      this.dirty = 0;
    }
    const last = this.last;
    // a cpu or vcpu numbered renamed is not numbered plain, and the other way round
    if (ren || last.renamed) dirty |= COMPONENT.cpus | COMPONENT.guests;
    last.renamed = ren !== undefined;
    if (dirty & COMPONENT.tlbs) last.tlbs = this.tlbsId(state);
    if (dirty & COMPONENT.cpus) last.cpus = this.cpusId(state, ren);
    if (dirty & COMPONENT.guests) last.guests = this.guestsId(state, ren);
    if (dirty & COMPONENT.tasks) last.tasks = this.tasksId(state);
    w.length = 0;
    w.push(state.nextFrame);
    w.push(last.tlbs);
    w.push(last.cpus);
    w.push(last.guests);
    w.push(last.tasks);
    const machine = this.put(this.machines, w.data, w.length);
    // each lane; then the state: where in the program, the machine, the lanes
    const laneIds = this.ids;
    laneIds.length = 0;
    for (let i = 0; i < lanes.length; i++) {
      const l = lanes[ren ? ren.laneOrder[i] : i];
      // a lane unchanged since it was last numbered plain keeps its number (renamed, its words differ)
      if (!ren && l.key >= 0) {
        laneIds.push(l.key);
        continue;
      }
      w.length = 0;
      this.laneWords(l, ren);
      const id = this.put(this.lane, w.data, w.length);
      if (!ren) l.key = id;
      laneIds.push(id);
    }
    const where = item * 8 + OUTCOMES.indexOf(lastOutcome);
    w.length = 0;
    // the lanes' numbers two to a word while they fit in 16 bits (a search numbers a few hundred lanes);
    // the first word says where and how many lanes, so that no two states share words
    let narrow = where < 1 << 22 && laneIds.length < 64;
    for (let i = 0; narrow && i < laneIds.length; i++) narrow = laneIds.data[i] <= 0xffff;
    if (narrow) {
      w.push(where * 64 + laneIds.length);
      w.push(machine);
      for (let i = 0; i < laneIds.length; i += 2) w.push((laneIds.data[i] | (i + 1 < laneIds.length ? laneIds.data[i + 1] << 16 : 0)) >>> 0);
    } else {
      // a word no packed state starts with, then one word each
      w.push(WIDE);
      w.push(where);
      w.push(machine);
      for (let i = 0; i < laneIds.length; i++) w.push(laneIds.data[i]);
    }
    return this.put(this.states, w.data, w.length);
  }

  /** The TLBs' number. */
  private tlbsId(state: MachineState): number {
    const w = this.words;
    // a TLB is a set: its entries in the order of their tags' numbers (a tag is unique in a TLB),
    // each tag and frame packed in one number (exact below 2^53) so that sorting allocates nothing
    w.length = 0;
    const entries = this.entries;
    for (const tlb of state.tlbs) {
      entries.length = 0;
      for (const [tag, e] of tlb) entries.push(this.name(tag) * FRAMES + e.frame);
      entries.sort(byValue);
      w.push(entries.length);
      for (const x of entries) {
        w.push(Math.floor(x / FRAMES));
        w.push(x % FRAMES);
      }
    }
    return this.put(this.tlbs, w.data, w.length);
  }

  /** The cpus' number. */
  private cpusId(state: MachineState, ren: Renaming | undefined): number {
    const w = this.words;
    // the cpus: those not idle (a vcpu, a mode, registers or IPIs of their own), each as its index and
    // the number of its fields in a table of cpu tuples (most of a large machine is idle)
    const cpuIds = this.ids;
    cpuIds.length = 0;
    if (this.cpuTuples.length !== state.cpus.length) this.cpuTuples = new Int32Array(state.cpus.length).fill(UNKNOWN);
    const tuples = this.cpuTuples;
    for (let n = 0; n < state.cpus.length; n++) {
      // plain, a cpu no change touched since keeps its tuple's number (or stays idle)
      if (!ren && tuples[n] !== UNKNOWN) {
        if (tuples[n] !== IDLE) {
          cpuIds.push(n);
          cpuIds.push(tuples[n]);
        }
        continue;
      }
      // renamed: the cpu that takes number n is the one the renaming maps there
      const c = state.cpus[ren ? ren.cpuFrom[n] : n];
      if (c.vcpu === undefined && !c.inGuest && !c.irqsOff && c.lpidr === 0 && c.pidr === 0 && c.ipiWait < 0 && c.ipisPending === 0) {
        if (!ren) tuples[n] = IDLE;
        continue;
      }
      w.length = 0;
      w.push(c.vcpu === undefined ? 0 : this.name(ren ? ren.vcpu(c.vcpu) : c.vcpu));
      w.push((c.inGuest ? 1 : 0) | (c.irqsOff ? 2 : 0));
      w.push(c.lpidr);
      w.push(c.pidr);
      w.push((ren ? ren.cpu(c.ipiWait) : c.ipiWait) + 1);
      w.push(c.ipisPending);
      const id = this.put(this.cpu, w.data, w.length);
      if (!ren) tuples[n] = id;
      cpuIds.push(n);
      cpuIds.push(id);
    }
    return this.put(this.cpus, cpuIds.data, cpuIds.length);
  }

  /** The guests' number: their bits and vcpus. */
  private guestsId(state: MachineState, ren: Renaming | undefined): number {
    const w = this.words;
    w.length = 0;
    for (const g of state.guests.values()) {
      this.bits(g.needTlbFlush, ren);
      this.bits(g.cpuInGuest, ren);
      const from = ren?.vcpuFrom.get(g.name);
      const vcpus = g.vcpus;
      for (let i = 0; i < vcpus.length; i++) {
        const v = vcpus[from ? from[i] : i];
        w.push((ren ? ren.cpu(v.cpu) : v.cpu) + 1);
        w.push((ren ? ren.cpu(v.prevCpu) : v.prevCpu) + 1);
        w.push(v.task === undefined ? 0 : this.name(v.task));
      }
    }
    return this.put(this.guests, w.data, w.length);
  }

  /** The tasks' number: their vcpus and page tables. */
  private tasksId(state: MachineState): number {
    const w = this.words;
    w.length = 0;
    for (const t of state.tasks.values()) {
      w.push(t.vcpu === undefined ? 0 : t.vcpu + 1);
      w.push(t.vcpuHistory.length);
      for (const v of t.vcpuHistory) w.push(v);
      for (const p of t.pages.values()) w.push(p.frame ?? 0);
    }
    return this.put(this.tasks, w.data, w.length);
  }

  /**
   * A lane: its cpu, its pending ops, its statements (a re-entry as its ops).
   * Renamed (symmetry): its cpu, its ops with the cpus and vcpu they name
   * renamed, and its statements as the ones at the same place in the lane it
   * is renamed to.
   */
  private laneWords(l: LaneState, ren: Renaming | undefined): void {
    const w = this.words;
    w.push(ren ? ren.cpu(l.cpu) : l.cpu);
    w.push(l.pending.length);
    for (const o of l.pending) w.push(ren ? this.renamedOp(o, ren) : this.op(o));
    w.push(l.events.length);
    for (const e of l.events) {
      if (e.kind !== 'reentry') {
        w.push(this.object(ren ? ren.event(e) : e));
        continue;
      }
      w.push(0);
      w.push(e.ops.length);
      for (const o of e.ops) w.push(ren ? this.renamedOp(o, ren) : this.op(o));
    }
  }

  /** An op as renamed: the number of its tuple (its shape's template, then the cpus, vcpu and statement it names, renamed). */
  private renamedOp(o: Op, ren: Renaming): number {
    const t = this.opWords;
    const s = opShape(o);
    let n = 0;
    t[n++] = this.name(s.template);
    // at most four cpus (CPU_FIELDS), a vcpu and a statement
    for (const c of s.cpus) t[n++] = ren.cpu(c) + 1;
    if (s.vcpu !== undefined) t[n++] = this.name(ren.vcpu(s.vcpu));
    if (s.event !== undefined) t[n++] = this.object(ren.event(s.event));
    return this.put(this.renamedOps, t, n);
  }

  private name(text: string): number {
    let id = this.names.get(text);
    if (id !== undefined) return id;
    if (this.sharedNames) {
      // shared: numbered by its UTF-16 codes in the shared table, so that it means the same in every thread
      if (this.nameWords.length < text.length) this.nameWords = new Uint32Array(text.length * 2);
      for (let i = 0; i < text.length; i++) this.nameWords[i] = text.charCodeAt(i);
      id = this.put(this.sharedNames, this.nameWords, text.length) + 1;
    } else id = this.names.size + 1;
    this.names.set(text, id);
    return id;
  }

  /** An event: its statement (where it is written), whatever its text. */
  private object(o: object): number {
    let id = this.objects.get(o);
    if (id === undefined) {
      const e = o as SimpleEvent;
      this.objects.set(o, (id = this.name(`#${e.line}:${e.range.start.character}`)));
    }
    return id;
  }

  /** Adds to a table; a shared one may be full, and then the search stops. */
  private put(table: Table, words: Uint32Array, length: number): number {
    const id = table.add(words, length);
    if (id < 0) this.full = true;
    return id;
  }

  /** A pending op: all of it but its stack and line (which it implies). */
  private op(op: Op): number {
    let id = this.objects.get(op);
    if (id !== undefined) return id;
    let text = '';
    for (const field in op) {
      if (field === 'frames' || field === 'line') continue;
      const value = (op as unknown as Record<string, unknown>)[field];
      text += field === 'event' ? `#${this.object(value as object)},` : `${value},`;
    }
    id = this.name(text);
    this.objects.set(op, id);
    return id;
  }

  /** One flag per cpu, packed; renamed, the flag of cpu n is the one of the cpu the renaming maps there. */
  private bits(flags: readonly boolean[], ren?: Renaming): void {
    for (let i = 0; i < flags.length; i += 32) {
      let word = 0;
      for (let b = 0; b < 32 && i + b < flags.length; b++) if (flags[ren ? ren.cpuFrom[i + b] : i + b]) word |= 1 << b;
      this.words.push(word >>> 0);
    }
  }
}

/** Frames a TLB entry can name, packed beside its tag's number: one counter per run, one frame per `map` or page, far below 2^26 in a file of at most 16 MiB. */
const FRAMES = 2 ** 26;
const byValue = (a: number, b: number): number => a - b;

/** The machine's components, as bits of a mask of those a change touched. */
const COMPONENT = { tlbs: 1, cpus: 2, guests: 4, tasks: 8 } as const;
const ALL = 15;
const UNKNOWN = -1;
/** A state's first word when its lanes are not packed: above every packed first word (2^22 · 64 + 63 < 2^32 - 1). */
const WIDE = 0xffffffff;
const IDLE = -2;


/** What each kind of change touches (`frames` only the machine's own word, numbered every time). */
const COMPONENT_OF: Record<Change['kind'], number> = {
  bit: COMPONENT.guests,
  'tlb-insert': COMPONENT.tlbs,
  'tlb-remove': COMPONENT.tlbs,
  vcpu: COMPONENT.guests,
  'vcpu-task': COMPONENT.guests,
  cpu: COMPONENT.cpus,
  'cpu-vcpu': COMPONENT.cpus,
  'cpu-mode': COMPONENT.cpus,
  'cpu-irqs': COMPONENT.cpus,
  'cpu-ipi': COMPONENT.cpus,
  pte: COMPONENT.tasks,
  'task-vcpu': COMPONENT.tasks,
  history: COMPONENT.tasks,
  frames: 0,
};

/** A lane mask from actual lane indexes to the canonical order (`toCanonical`), or back. */
function permuteMask(mask: number, laneOrder: readonly number[], toCanonical: boolean): number {
  let out = 0;
  for (let i = 0; i < laneOrder.length && i < 31; i++) {
    const actual = laneOrder[i];
    if (actual >= 31) continue;
    if (toCanonical ? mask & (1 << actual) : mask & (1 << i)) out |= toCanonical ? 1 << i : 1 << actual;
  }
  return out;
}
