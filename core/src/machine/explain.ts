// Why was a stale entry still there? Reads the trace so far and says which
// access filled the entry, what invalidated (or did not invalidate) the page,
// and which flush should have removed the entry and did not.

import type { Simulation } from './simulation';
import type { AccessRecord } from './trace';

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
  const since = sim.notable.filter((s) => s.index > entry.filledStep);
  const movesAway = since.filter((s) => s.move && s.move.guest === entry.guest && t.tlbDomainOf(s.move.from) === domain && t.tlbDomainOf(s.move.to) !== domain);
  const lastMove = movesAway[movesAway.length - 1];
  const leftBy = lastMove?.move;
  // domain.md S15: a sweep that began before the move cleared the bit after it
  const lost = lastMove && since.find((s) => s.clear && s.index > lastMove.index && s.clear.test.step < lastMove.index && s.clear.bit === leftBy?.markedBit && s.clear.guest === entry.guest);
  const early = [...since].reverse().find((s) => s.entryTest?.clearedBeforeFlush && t.tlbDomainOf(s.entryTest.cpu) === domain && s.entryTest.guest === entry.guest);

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
  } else if (lost) {
    const c = lost.clear!;
    parts.push(
      `need_tlb_flush[${c.bit}] was set again when ${leftBy.vcpu} left, while cpu${c.cpu} was still sweeping from an earlier request; cpu${c.cpu} then cleared the bit at the end of its sweep, which had passed set ${entry.set} before the entry was filled, so the new request was lost (domain notes S15)`,
    );
  } else {
    parts.push(`need_tlb_flush[${leftBy.markedBit}] was set when ${leftBy.vcpu} left, but no entry on ${dname} swept set ${entry.set} before this access`);
  }
  return sentence(parts);
}

function sentence(parts: string[]): string {
  return parts.join('; ') + '.';
}
