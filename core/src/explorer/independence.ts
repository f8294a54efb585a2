// Partial-order reduction for the explorer. Where one lane's next micro-step
// touches nothing that any other lane can still touch, running it now or
// later reaches the same states and the same verdict: the search runs it
// now, without branching (an "ample set" of one step, in Spin's terms).
//
// Soundness rests on three facts, each kept simple on purpose:
// - A step's footprint, and a lane's future footprint, over-approximate what
//   the kernel routines in kernel.ts read and write. Whatever might start a
//   move (a `run` not yet started, kvmppc_prepare_radix_vcpu,
//   radix_flush_cpu, an IPI, whose re-entry adds work to another lane) counts
//   as touching everything.
// - Only kernel steps are taken this way; guest events (accesses, whose
//   outcome is the verdict, and the rest) always branch.
// - Inside a block the states form no cycle (every step consumes work), so a
//   step that is always deferred cannot be deferred forever.
// test/core/reduction.test.ts checks that the reduced search reaches the same
// verdict as the full one on generated blocks.
//
// Footprints are bit masks over the scenario's resources (cpus, vcpus,
// need_tlb_flush and cpu_in_guest bits, TLB sets), each op's mask made once:
// the check runs before every step of the search, and footprints as lists of
// string tuples, compared pairwise, cost more than the states they saved. On
// a large machine a kind's bits wrap around (two resources share a bit): that
// only finds more conflicts, never fewer.

import type { Op } from '../machine/kernel';
import type { LaneState } from '../machine/simulation';
import type { MachineState } from '../machine/state';
import { type KernelVariant, groupMembers, markedBits, representative } from '../machine/variants';

/** A footprint: one bit per resource (Footprints' layout). */
type Mask = Uint32Array;

/** Bits given to each kind of resource at most; past that they wrap. */
const WIDTH = { cpu: 512, vcpu: 256, ntf: 1024, cig: 1024, tlb: 2048 };

export class Independence {
  private readonly words: number;
  private readonly base: { cpu: number; vcpu: number; ntf: number; cig: number; tlb: number };
  private readonly size: { cpu: number; vcpu: number; ntf: number; cig: number; tlb: number };
  /** vcpu and guest names → small numbers, in the order seen. */
  private readonly vcpuIds = new Map<string, number>();
  private readonly guestIds: Map<string, number>;
  /** Each op's own footprint, or null for a step that may start a move (it touches everything). */
  private readonly ops = new WeakMap<Op, Mask | null>();
  /** Each op's share of a lane's future (its own, with a whole sweep for kvmppc_hv_entry), or null. */
  private readonly futureOps = new WeakMap<Op, Mask | null>();
  /** An access event's TLB sets (its page's set in every TLB): what its outcome depends on, besides its vcpu. */
  private readonly accessSets = new WeakMap<object, Mask>();
  private readonly sweeps: Mask[] = [];
  private readonly allVcpus: Mask;
  /** Scratch: each lane's future, reused from step to step. */
  private futures: Mask[] = [];
  /** Whether `futures` still hold for the lanes of the next check (`stepping`, `forget`), and how many of them are "anything". */
  private futuresHold = false;
  private unbounded = 0;

  constructor(
    private readonly state: MachineState,
    private readonly variant: KernelVariant,
  ) {
    const t = state.topology;
    let vcpus = 0;
    for (const g of state.guests.values()) vcpus += g.vcpuCount;
    this.guestIds = new Map([...state.guests.keys()].map((name, i) => [name, i]));
    const g = state.guests.size;
    this.size = {
      cpu: Math.min(t.cpuCount, WIDTH.cpu),
      vcpu: Math.min(Math.max(vcpus, 1), WIDTH.vcpu),
      ntf: Math.min(g * t.cpuCount, WIDTH.ntf),
      cig: Math.min(g * t.cpuCount, WIDTH.cig),
      tlb: Math.min(t.domainCount * t.tlbSets, WIDTH.tlb),
    };
    const s = this.size;
    this.base = { cpu: 0, vcpu: s.cpu, ntf: s.cpu + s.vcpu, cig: s.cpu + s.vcpu + s.ntf, tlb: s.cpu + s.vcpu + s.ntf + s.cig };
    this.words = Math.ceil((this.base.tlb + s.tlb) / 32);
    this.allVcpus = this.mask();
    for (let i = 0; i < s.vcpu; i++) this.set(this.allVcpus, 'vcpu', i);
  }

  /**
   * The index in `ready` of a lane whose next step is independent of every
   * other lane's future (the first such, in lane order), or -1.
   */
  independentLane(ready: readonly LaneState[], lanes: readonly LaneState[]): number {
    if (!this.futuresHold) {
      while (this.futures.length < lanes.length) this.futures.push(this.mask());
      // a lane that may touch anything leaves only itself as a candidate; two leave none
      this.unbounded = 0;
      for (let j = 0; j < lanes.length && this.unbounded < 2; j++) if (!this.future(lanes[j], this.futures[j])) this.unbounded++;
      this.futuresHold = true;
    }
    if (this.unbounded > 1) return -1;
    for (let i = 0; i < ready.length; i++) {
      const lane = ready[i];
      const next = lane.pending[lane.pending.length - 1];
      const own = next && this.opMask(next);
      if (!own) continue;
      let alone = true;
      for (let j = 0; j < lanes.length && alone; j++) if (lanes[j] !== lane && this.overlaps(own, this.futures[j])) alone = false;
      if (alone) return i;
    }
    return -1;
  }

  /**
   * Whether two lanes' next steps commute: both kernel steps the reduction
   * may take alone, touching nothing in common (either order reaches the
   * same state, and neither enables or disables the other). A lane about to
   * start an event has no pending step: it commutes with nothing.
   */
  commute(a: Op | undefined, b: Op | undefined): boolean {
    const ma = a && this.opMask(a);
    const mb = b && this.opMask(b);
    return !!ma && !!mb && !this.overlaps(ma, mb);
  }

  /**
   * A step of `op` is about to run (undefined: a lane starts an event). The
   * futures made for the last check stay an over-approximation of every
   * lane's across a flush of one TLB set: no future depends on the TLBs, and
   * the flushing lane's own only shrinks. A long sweep is then checked
   * without making every lane's future again at each set.
   */
  stepping(op: Op | undefined): void {
    if (op?.op !== 'flush_set') this.futuresHold = false;
  }

  /** The search went back to a branching point: the futures were made for another state. */
  forget(): void {
    this.futuresHold = false;
  }

  /** Writes into `into` everything `lane` may still touch, with the steps its steps will add; false (and all ones) when that is anything. */
  private future(lane: LaneState, into: Mask): boolean {
    into.fill(0);
    if (lane.pending.length === 0 && lane.events.length === 0) return true;
    // a sweep in progress is thousands of flush_set ops (tlb-sets up to 4096): one mask stands for them
    // all, and the ops are skipped as a block. kvmppc_hv_entry pushes sets tlb-sets - 1 … 0 at once, the
    // next to run on top, so from its top set j the block runs down to set tlb-sets - 1 (checked).
    const pending = lane.pending;
    const last = this.state.topology.tlbSets - 1;
    for (let i = pending.length - 1; i >= 0; i--) {
      const op = pending[i];
      if (op.op !== 'flush_set') {
        if (!this.addFuture(op, into)) return false;
        continue;
      }
      this.or(into, this.sweep(this.state.topology.tlbDomainOf(op.cpu)));
      const bottom = i - (last - op.set);
      const end = bottom >= 0 ? pending[bottom] : undefined;
      if (end?.op === 'flush_set' && end.set === last && end.cpu === op.cpu) i = bottom;
    }
    for (const e of lane.events) {
      if (e.kind === 'reentry') {
        for (const op of e.ops) if (!this.addFuture(op, into)) return false;
      } else if (e.kind === 'access') {
        // it acts from its vcpu's cpu (only a `schedule`, which touches everything, changes
        // which vcpu that is), in any TLB, in its page's set
        this.or(into, this.accessMask(e));
        const task = this.state.tasks.get(e.taskName)!;
        if (task.vcpu === undefined) this.or(into, this.allVcpus);
        else this.set(into, 'vcpu', this.vcpuId(this.vcpuName(task.guest, task.vcpu)));
      } else if (e.kind !== 'expect-outcome' && e.kind !== 'expect-tlb' && e.kind !== 'expect-flush') {
        // expectations only read, and never change a verdict; any other event may do anything
        into.fill(0xffffffff);
        return false;
      }
    }
    return true;
  }

  private addFuture(op: Op, into: Mask): boolean {
    let m = this.futureOps.get(op);
    if (m === undefined) {
      // a move to come: its IPIs may add work to any lane, on any core
      const own = op.op === 'prepare' || op.op === 'radix_flush_cpu' ? null : this.opMask(op);
      m = own && op.op === 'hv_entry' ? this.union(own, this.sweep(this.state.topology.tlbDomainOf(op.cpu))) : own;
      this.futureOps.set(op, m);
    }
    if (m === null) {
      into.fill(0xffffffff);
      return false;
    }
    this.or(into, m);
    return true;
  }

  /** What step `op` touches, if it is one the reduction may take on its own. */
  private opMask(op: Op): Mask | null {
    let m = this.ops.get(op);
    if (m === undefined) this.ops.set(op, (m = this.touches(op)));
    return m;
  }

  private touches(op: Op): Mask | null {
    const t = this.state.topology;
    const v = this.variant;
    const m = this.mask();
    switch (op.op) {
      case 'prepare':
        // the step itself reads and sets the vcpu's prev_cpu; the radix_flush_cpu it may add is its lane's
        this.set(m, 'vcpu', this.vcpuId(op.vcpu));
        return m;
      case 'radix_flush_cpu': {
        // sets the old core's bit(s), reads which of its threads are in the guest; the IPIs it adds are its lane's
        const g = this.guestOf(op.vcpu);
        for (const b of markedBits(t, v, op.prevCpu)) this.set(m, 'ntf', g * t.cpuCount + b);
        for (const c of groupMembers(t, op.prevCpu, v.grouping!)) this.set(m, 'cig', g * t.cpuCount + c);
        return m;
      }
      case 'exit':
      case 'start_thread':
        this.set(m, 'cpu', op.cpu);
        this.set(m, 'vcpu', this.vcpuId(op.vcpu));
        this.set(m, 'cig', this.guestOf(op.vcpu) * t.cpuCount + op.cpu);
        return m;
      case 'hv_entry': {
        // v5.17 reads every bit of its TLB domain ("all set → sweep")
        const g = this.guestOf(op.vcpu);
        this.set(m, 'cpu', op.cpu);
        this.set(m, 'vcpu', this.vcpuId(op.vcpu));
        const bits = v.sweepOnlyIfAllSet ? groupMembers(t, op.cpu, v.grouping!) : [representative(t, op.cpu, v.entryBit)];
        for (const b of bits) this.set(m, 'ntf', g * t.cpuCount + b);
        return m;
      }
      case 'flush_set':
        this.set(m, 'tlb', t.tlbDomainOf(op.cpu) * t.tlbSets + op.set);
        return m;
      case 'clear_bit':
        this.set(m, 'ntf', this.guestIds.get(op.guest)! * t.cpuCount + op.bit);
        return m;
      case 'ptesync':
        this.set(m, 'cpu', op.cpu);
        return m;
      case 'enter_guest':
        // it also takes the IPIs pending on this cpu (releasing their senders, which only wait)
        this.set(m, 'cpu', op.cpu);
        this.set(m, 'vcpu', this.vcpuId(op.vcpu));
        return m;
      default:
        return null;
    }
  }

  /** Every set of a TLB domain. */
  private sweep(domain: number): Mask {
    let m = this.sweeps[domain];
    if (!m) {
      m = this.sweeps[domain] = this.mask();
      const sets = this.state.topology.tlbSets;
      for (let s = 0; s < Math.min(sets, this.size.tlb); s++) this.set(m, 'tlb', domain * sets + s);
    }
    return m;
  }

  private accessMask(e: object & { task: { text: string }; page: { text: string } }): Mask {
    let m = this.accessSets.get(e);
    if (!m) {
      m = this.mask();
      const t = this.state.topology;
      const task = this.state.tasks.get(e.task.text)!;
      const set = t.setOfPage([...task.pages.keys()].indexOf(e.page.text));
      for (let d = 0; d < Math.min(t.domainCount, this.size.tlb); d++) this.set(m, 'tlb', d * t.tlbSets + set);
      this.accessSets.set(e, m);
    }
    return m;
  }

  /** `guest.vcpuN`, made once (every step's check reads the access events' vcpus). */
  private vcpuName(guest: string, index: number): string {
    let names = this.vcpuNames.get(guest);
    if (!names) this.vcpuNames.set(guest, (names = []));
    return (names[index] ??= `${guest}.vcpu${index}`);
  }

  private readonly vcpuNames = new Map<string, string[]>();

  private vcpuId(name: string): number {
    let id = this.vcpuIds.get(name);
    if (id === undefined) this.vcpuIds.set(name, (id = this.vcpuIds.size));
    return id;
  }

  private guestOf(vcpu: string): number {
    return this.guestIds.get(vcpu.slice(0, vcpu.lastIndexOf('.vcpu')))!;
  }

  private mask(): Mask {
    return new Uint32Array(this.words);
  }

  private set(m: Mask, kind: keyof typeof WIDTH, index: number): void {
    const bit = this.base[kind] + (index % this.size[kind]);
    m[bit >>> 5] |= 1 << (bit & 31);
  }

  private or(into: Mask, m: Mask): void {
    for (let i = 0; i < into.length; i++) into[i] |= m[i];
  }

  private union(a: Mask, b: Mask): Mask {
    const m = a.slice();
    this.or(m, b);
    return m;
  }

  private overlaps(a: Mask, b: Mask): boolean {
    for (let i = 0; i < a.length; i++) if (a[i] & b[i]) return true;
    return false;
  }
}
