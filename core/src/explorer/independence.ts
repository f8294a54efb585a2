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

import type { Op } from '../machine/kernel';
import type { LaneState } from '../machine/simulation';
import type { MachineState } from '../machine/state';
import { type KernelVariant, groupMembers, markedBits, representative } from '../machine/variants';

/**
 * What a step may read or write, as parts of a key: `cpu 3`, `vcpu vm.vcpu0`,
 * `ntf vm 0` and `cig vm 4` for need_tlb_flush and cpu_in_guest bits,
 * `tlb 1 2` for set 2 of TLB domain 1. `*` in a part matches any value; the
 * key `*` alone matches everything.
 */
type Touch = readonly (string | number)[];
const ANY = '*';
const EVERYTHING: Touch[] = [[ANY]];

/** What step `op` touches, if it is one the reduction may take on its own. */
function stepTouches(op: Op, state: MachineState, variant: KernelVariant): Touch[] | undefined {
  const t = state.topology;
  switch (op.op) {
    case 'prepare':
      // the step itself reads and sets the vcpu's prev_cpu; the radix_flush_cpu it may add is its lane's
      return [['vcpu', op.vcpu]];
    case 'radix_flush_cpu': {
      // sets the old core's bit(s), reads which of its threads are in the guest; the IPIs it adds are its lane's
      const g = guestOfVcpu(op.vcpu);
      return [...markedBits(t, variant, op.prevCpu).map((b): Touch => ['ntf', g, b]), ...groupMembers(t, op.prevCpu, variant.grouping!).map((c): Touch => ['cig', g, c])];
    }
    case 'exit':
    case 'start_thread':
      return [['cpu', op.cpu], ['vcpu', op.vcpu], ['cig', guestOfVcpu(op.vcpu), op.cpu]];
    case 'hv_entry': {
      // v5.17 reads every bit of its TLB domain ("all set → sweep")
      const g = guestOfVcpu(op.vcpu);
      const bits = variant.sweepOnlyIfAllSet ? groupMembers(t, op.cpu, variant.grouping!) : [representative(t, op.cpu, variant.entryBit)];
      return [['cpu', op.cpu], ['vcpu', op.vcpu], ...bits.map((b): Touch => ['ntf', g, b])];
    }
    case 'flush_set':
      return [['tlb', t.tlbDomainOf(op.cpu), op.set]];
    case 'clear_bit':
      return [['ntf', op.guest, op.bit]];
    case 'ptesync':
      return [['cpu', op.cpu]];
    case 'enter_guest':
      // it also takes the IPIs pending on this cpu (releasing their senders, which only wait)
      return [['cpu', op.cpu], ['vcpu', op.vcpu]];
    default:
      return undefined;
  }
}

/** Everything `lane` may still touch, including the steps its steps will add. */
function futureTouches(lane: LaneState, state: MachineState, variant: KernelVariant): Touch[] {
  const touches: Touch[] = [];
  const add = (op: Op): boolean => {
    // a move to come: its IPIs may add work to any lane, on any core
    if (op.op === 'prepare' || op.op === 'radix_flush_cpu') return false;
    const own = stepTouches(op, state, variant);
    if (!own) return false;
    touches.push(...own);
    // kvmppc_hv_entry goes on to sweep every set of its TLB, then clear its bit
    if (op.op === 'hv_entry') touches.push(['tlb', state.topology.tlbDomainOf(op.cpu), ANY]);
    return true;
  };
  // a sweep in progress is thousands of flush_set ops (tlb-sets up to 4096): one touch stands for them all
  let sweeping = false;
  for (const op of lane.pending) {
    if (op.op === 'flush_set') {
      if (!sweeping) touches.push(['tlb', state.topology.tlbDomainOf(op.cpu), ANY]);
      sweeping = true;
    } else if (!add(op)) return EVERYTHING;
  }
  for (const e of lane.events) {
    if (e.kind === 'reentry') {
      for (const op of e.ops) if (!add(op)) return EVERYTHING;
    } else if (e.kind === 'access') {
      // it acts from its vcpu's cpu (only a `schedule`, which touches everything, changes
      // which vcpu that is), in any TLB, in its page's set
      const task = state.tasks.get(e.task.text)!;
      const set = state.topology.setOfPage([...task.pages.keys()].indexOf(e.page.text));
      touches.push(['tlb', ANY, set], ['vcpu', task.vcpu === undefined ? ANY : `${task.guest}.vcpu${task.vcpu}`]);
    } else if (e.kind !== 'expect-outcome' && e.kind !== 'expect-tlb' && e.kind !== 'expect-flush') {
      // expectations only read, and never change a verdict; any other event may do anything
      return EVERYTHING;
    }
  }
  return touches;
}

function guestOfVcpu(vcpu: string): string {
  return vcpu.slice(0, vcpu.lastIndexOf('.vcpu'));
}

function matches(a: Touch, b: Touch): boolean {
  if (a[0] === ANY || b[0] === ANY) return true;
  return a.length === b.length && a.every((part, i) => part === b[i] || part === ANY || b[i] === ANY);
}

function overlaps(a: readonly Touch[], b: readonly Touch[]): boolean {
  return a.some((x) => b.some((y) => matches(x, y)));
}

/**
 * The index in `ready` of a lane whose next step is independent of every
 * other lane's future (the first such, in lane order), or -1.
 */
export function independentLane(ready: readonly LaneState[], lanes: readonly LaneState[], state: MachineState, variant: KernelVariant): number {
  const futures = lanes.map((l) => (l.pending.length || l.events.length ? futureTouches(l, state, variant) : []));
  // a lane that may touch anything leaves only itself as a candidate; two leave none
  const unbounded = futures.filter((f) => f === EVERYTHING).length;
  if (unbounded > 1) return -1;
  for (let i = 0; i < ready.length; i++) {
    const lane = ready[i];
    const next = lane.pending[lane.pending.length - 1];
    const own = next && stepTouches(next, state, variant);
    if (!own) continue;
    if (lanes.every((other, j) => other === lane || !overlaps(own, futures[j]))) return i;
  }
  return -1;
}
