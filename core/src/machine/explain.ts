// Why was a stale entry still there? Reads the trace so far and says which
// access filled the entry, what invalidated (or did not invalidate) the page,
// and which flush should have removed the entry and did not.

import type { Simulation } from './simulation';
import type { AccessRecord, MicroStep, StepRecords } from './trace';
import { representative } from './variants';

export type NotableStep = Pick<MicroStep, 'index' | 'move' | 'entryTest' | 'clear'>;

/**
 * The steps explanations read, in step order: moves between TLB domains,
 * clears before a sweep, and the clears after a sweep that a move of the
 * same guest overlapped (they may have erased its request, domain.md S15;
 * other clears explain nothing). Indexed by guest and TLB domain, so that
 * explaining a stale access costs no more than a lookup however long the
 * run (a long `buggy` run has a stale access every few events).
 */
export class NotableSteps {
  /** All of them, in order (a checkpoint keeps a prefix). */
  readonly steps: NotableStep[] = [];
  /** `guest@domain` → the moves that left the domain. */
  private readonly movesFrom = new Map<string, NotableStep[]>();
  /** `guest@domain` → the clears before a sweep there, and (v5.17) the entries that only ptesync'd. */
  private readonly earlyIn = new Map<string, NotableStep[]>();
  private readonly ptesyncIn = new Map<string, NotableStep[]>();
  /** guest → its clears after a sweep that a move overlapped. */
  private readonly clearsOf = new Map<string, NotableStep[]>();
  /** guest → the step of its last move between TLB domains. */
  private readonly lastMoveAt = new Map<string, number>();

  constructor(private readonly domainOf: (cpu: number) => number) {}

  /** The first `n` steps of `from`. */
  static prefix(from: NotableSteps, n: number): NotableSteps {
    const to = new NotableSteps(from.domainOf);
    for (let i = 0; i < n; i++) to.add(from.steps[i]);
    return to;
  }

  get length(): number {
    return this.steps.length;
  }

  /** Keeps what of step `index` explanations may read. */
  note(index: number, { move, entryTest, clear }: StepRecords): void {
    if (move && this.domainOf(move.from) !== this.domainOf(move.to)) this.add({ index, move });
    if (entryTest?.clearedBeforeFlush || entryTest?.action === 'ptesync') this.add({ index, entryTest });
    if (clear && (this.lastMoveAt.get(clear.guest) ?? -1) > clear.test.step) this.add({ index, clear });
  }

  private add(step: NotableStep): void {
    this.steps.push(step);
    if (step.move) {
      append(this.movesFrom, `${step.move.guest}@${this.domainOf(step.move.from)}`, step);
      this.lastMoveAt.set(step.move.guest, step.index);
    }
    if (step.entryTest) append(step.entryTest.action === 'ptesync' ? this.ptesyncIn : this.earlyIn, `${step.entryTest.guest}@${this.domainOf(step.entryTest.cpu)}`, step);
    if (step.clear) append(this.clearsOf, step.clear.guest, step);
  }

  /** The last move of `guest` away from `domain` after step `after`. */
  lastMoveFrom(guest: string, domain: number, after: number): NotableStep | undefined {
    return lastAfter(this.movesFrom.get(`${guest}@${domain}`), after);
  }

  /** The last clear before a sweep in `domain` by `guest` after step `after`. */
  lastEarlyClearIn(guest: string, domain: number, after: number): NotableStep | undefined {
    return lastAfter(this.earlyIn.get(`${guest}@${domain}`), after);
  }

  /** The last entry in `domain` by `guest` after step `after` that found its own bit set but not all: a ptesync, no sweep (v5.17). */
  lastPtesyncIn(guest: string, domain: number, after: number): NotableStep | undefined {
    return lastAfter(this.ptesyncIn.get(`${guest}@${domain}`), after);
  }

  /** The first clear of a bit `move` set, after it, by an entry whose test came before it: the clear that erased its request. */
  clearErasing(move: NotableStep): NotableStep | undefined {
    const clears = this.clearsOf.get(move.move!.guest) ?? [];
    const bits = move.move!.markedBits ?? [];
    for (let i = firstAfter(clears, move.index); i < clears.length; i++) {
      const c = clears[i].clear!;
      if (c.test.step < move.index && bits.includes(c.bit)) return clears[i];
    }
    return undefined;
  }
}

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function lastAfter(steps: readonly NotableStep[] | undefined, after: number): NotableStep | undefined {
  const last = steps?.[steps.length - 1];
  return last && last.index > after ? last : undefined;
}

/** The position of the first step after `step` in a list in step order (a binary search). */
function firstAfter(steps: readonly { index: number }[], step: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (steps[mid].index > step) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function explainStale(sim: Simulation, access: AccessRecord): string {
  const entry = access.entry!;
  const t = sim.state.topology;
  const domain = access.domain;
  const dname = t.tlbDomainName(domain);
  const pte = sim.state.tasks.get(access.task)!.pages.get(access.page)!;
  const parts: string[] = [];
  parts.push(
    `${dname} TLB still holds lpid ${entry.lpid} pid ${entry.pid} ${entry.page} → frame ${entry.frame}, filled at line ${entry.filledLine + 1}`,
  );
  const now = pte.frame === undefined ? 'unmapped' : `remapped to frame ${pte.frame}`;
  const at = pte.changedLine !== undefined ? ` at line ${pte.changedLine + 1}` : '';
  parts.push(`the page was ${now}${at}${pte.invalidation ? ` (${pte.invalidation})` : ''}`);

  if (pte.invalidation?.startsWith('no invalidation') || pte.invalidation === 'remapped without invalidation') {
    parts.push('the guest never invalidated the old translation, so no kernel can help');
    return sentence(parts);
  }

  // Steps since the entry was filled, in this TLB domain's terms.
  const lastMove = sim.notable.lastMoveFrom(entry.guest, domain, entry.filledStep);
  const leftBy = lastMove?.move;
  // domain.md S15: a sweep that began before the move cleared the bit after it
  const lost = lastMove && sim.notable.clearErasing(lastMove);
  const early = sim.notable.lastEarlyClearIn(entry.guest, domain, entry.filledStep);
  // v5.17: an entry after the move that found its own bit set but not all, and only ptesync'd
  const ptesyncOnly = lastMove && sim.notable.lastPtesyncIn(entry.guest, domain, lastMove.index)?.entryTest;
  // the bit the stale access's cpu tests on entry (domain.md S10: not always the one the move set)
  const tested = representative(t, access.cpu, sim.variant.entryBit);

  if (!leftBy) {
    parts.push(`no vcpu of ${entry.guest} left ${dname} after the fill, so nothing marked it for a flush`);
  } else if (leftBy.markedBit === undefined) {
    const how = leftBy.unmarkedBecause ?? `${sim.variant.name} does not track radix vcpu movement: kvmppc_prepare_radix_vcpu marked nothing`;
    parts.push(`when ${leftBy.vcpu} moved cpu${leftBy.from} → cpu${leftBy.to}, ${how}, so no need_tlb_flush bit asked ${dname} to flush LPID ${entry.lpid}`);
  } else if (!sim.variant.flushedMmus.includes(sim.state.guests.get(entry.guest)!.mmu)) {
    parts.push(`need_tlb_flush[${leftBy.markedBit}] was set, but this kernel's entry sweep only removes HPT-format entries`);
  } else if (early) {
    // a sweep of this set after the fill would have removed the entry: this one had not got there
    const n = early.entryTest!.sweptSets;
    const swept = n === 0 ? 'no set' : n === 1 ? 'set 0' : `sets 0-${n - 1}`;
    parts.push(
      `cpu${early.entryTest!.cpu} cleared need_tlb_flush[${early.entryTest!.bit}] before its sweep (${sim.variant.name}) and had swept ${swept} but not set ${entry.set} yet; cpu${access.cpu} found the bit clear and entered without flushing`,
    );
  } else if (lost && lost.clear!.test.action === 'ptesync') {
    const c = lost.clear!;
    parts.push(
      `when ${leftBy.vcpu} left, radix_flush_cpu set need_tlb_flush[${leftBy.markedBits!.join(', ')}] while cpu${c.cpu} was between its entry test and its clear (it had found its own bit ${c.bit} set but bit ${c.test.clearBit} clear: ptesync only, no sweep); cpu${c.cpu} then cleared its own bit ${c.bit}, so every later entry found "not all set" and only did a ptesync: nobody swept for the new request (domain notes S17)`,
    );
  } else if (lost) {
    const c = lost.clear!;
    parts.push(
      `need_tlb_flush[${c.bit}] was set again when ${leftBy.vcpu} left, while cpu${c.cpu} was still sweeping from an earlier request; cpu${c.cpu} then cleared the bit at the end of its sweep, which had passed set ${entry.set} before the entry was filled, so the new request was lost (domain notes S15)`,
    );
  } else if (ptesyncOnly) {
    const p = ptesyncOnly;
    parts.push(
      `need_tlb_flush[${leftBy.markedBits!.join(', ')}] were set when ${leftBy.vcpu} left, but cpu${p.cpu} found its own bit ${p.bit} set and bit ${p.clearBit} clear: ptesync only, no sweep (${sim.variant.name} sweeps only when every bit of the TLB domain is set)`,
    );
  } else if (tested !== leftBy.markedBit && sim.variant.setter === 'first') {
    // domain.md S10: a29ebeaf's setter rounds to the core's first thread, its checker to a multiple of 4
    parts.push(
      `need_tlb_flush[${leftBy.markedBit}] was set when ${leftBy.vcpu} left, but the entry path of cpu${access.cpu} tests bit ${tested} under ${sim.variant.name}, which nobody set, so it entered without flushing (domain notes S10)`,
    );
  } else {
    parts.push(`need_tlb_flush[${leftBy.markedBit}] was set when ${leftBy.vcpu} left, but no entry on ${dname} swept set ${entry.set} before this access`);
  }
  return sentence(parts);
}

function sentence(parts: string[]): string {
  return parts.join('; ') + '.';
}
