// The explorer's state keys: a state (machine + lanes) as a short string of
// 16-bit code units, exact (two states share a key only if nothing the search
// can tell apart differs) and compact. Names, TLB entries and pending ops are
// numbered the first time they are seen; an op object is numbered once (the
// stateful search shares ops between the lanes it snapshots), so a key costs
// a few array pushes per component, not a text built per state.
//
// Left out, as write-only for the search: a vcpu's last_cpu (explanations
// only), the lines and stacks of ops, page states' explanation fields.

import type { Op } from '../machine/kernel';
import type { LaneState } from '../machine/simulation';
import type { MachineState } from '../machine/state';

const OUTCOMES = ['', 'hit', 'miss', 'fault', 'stale'];

export class StateKeys {
  /** Names (vcpus, tasks, TLB entry tags, op texts) → small numbers, from 1. */
  private readonly names = new Map<string, number>();
  /** Op and event objects → their numbers, found once per object. */
  private readonly objects = new WeakMap<object, number>();
  /** The next number, shared by names and events so that the two never collide. */
  private next = 1;
  private readonly out: number[] = [];
  private readonly entries: number[] = [];
  private readonly units: number[] = [];

  /** The key of `state` with `lanes` in flight at program item `item` (their stalls apart: see explore.ts's StateSet). */
  key(item: number, state: MachineState, lanes: readonly LaneState[], lastOutcome: string): string {
    const out = this.out;
    out.length = 0;
    out.push(item, OUTCOMES.indexOf(lastOutcome), state.nextFrame);
    const entries = this.entries;
    for (const tlb of state.tlbs) {
      // a TLB is a set: its entries in the order of their tags' numbers (a tag is unique in a TLB),
      // each tag and frame packed in one number (exact below 2^53) so that sorting allocates nothing
      entries.length = 0;
      for (const [tag, e] of tlb) entries.push(this.name(tag) * FRAMES + e.frame);
      entries.sort(byValue);
      out.push(entries.length);
      for (const x of entries) out.push(Math.floor(x / FRAMES), x % FRAMES);
    }
    for (const c of state.cpus) {
      out.push(c.vcpu === undefined ? 0 : this.name(c.vcpu), (c.inGuest ? 1 : 0) | (c.irqsOff ? 2 : 0), c.lpidr, c.pidr, c.ipiWait + 1, c.ipisPending);
    }
    for (const g of state.guests.values()) {
      this.bits(g.needTlbFlush);
      this.bits(g.cpuInGuest);
      for (const v of g.vcpus) out.push(v.cpu + 1, v.prevCpu + 1, v.task === undefined ? 0 : this.name(v.task));
    }
    for (const t of state.tasks.values()) {
      out.push(t.vcpu === undefined ? 0 : t.vcpu + 1, t.vcpuHistory.length);
      for (const v of t.vcpuHistory) out.push(v);
      for (const p of t.pages.values()) out.push(p.frame ?? 0);
    }
    out.push(lanes.length);
    for (const l of lanes) {
      out.push(l.cpu, l.pending.length);
      for (const op of l.pending) out.push(this.op(op));
      out.push(l.events.length);
      for (const e of l.events) {
        if (e.kind !== 'reentry') {
          out.push(this.object(e));
          continue;
        }
        out.push(0, e.ops.length);
        for (const op of e.ops) out.push(this.op(op));
      }
    }
    return encode(out, this.units);
  }

  private name(text: string): number {
    let id = this.names.get(text);
    if (id === undefined) this.names.set(text, (id = this.next++));
    return id;
  }

  /** An event: its statement, whatever its text. */
  private object(o: object): number {
    let id = this.objects.get(o);
    if (id === undefined) this.objects.set(o, (id = this.next++));
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

  private bits(flags: readonly boolean[]): void {
    for (let i = 0; i < flags.length; i += 15) {
      let word = 0;
      for (let b = 0; b < 15 && i + b < flags.length; b++) if (flags[i + b]) word |= 1 << b;
      this.out.push(word);
    }
  }
}

/**
 * Numbers as 16-bit code units: below 0x8000 one unit, else a unit with the
 * top bit set and the rest spread over more units (so the code is prefix-free).
 */
function encode(values: readonly number[], units: number[]): string {
  units.length = 0;
  for (const v of values) {
    if (v < 0x8000) {
      units.push(v);
      continue;
    }
    units.push(0x8000 | (v % 0x8000), Math.floor(v / 0x8000) % 0x8000, Math.floor(v / 0x40000000));
  }
  if (units.length <= 4096) return String.fromCharCode.apply(null, units);
  let key = '';
  for (let i = 0; i < units.length; i += 4096) key += String.fromCharCode.apply(null, units.slice(i, i + 4096));
  return key;
}

/** Frames a TLB entry can name, packed beside its tag's number: one counter per run, one frame per `map` or page, far below 2^26 in a file of at most 16 MiB. */
const FRAMES = 2 ** 26;
const byValue = (a: number, b: number): number => a - b;
