// Where a value of the machine came from (issue 11's provenance, Pernosco's
// dataflow and UDB's `last` for one kernel protocol): the micro-step that last
// wrote a TLB entry, a need_tlb_flush bit or a cpu_in_guest bit, and for a
// stale entry the chain that left it there — filled, unmapped, the vcpu move,
// the bit that move set (or did not), the entry path that did or did not sweep.
// Read from the recorded run, never by running anything again.

import type { Scenario } from '../language/checker';
import type { MachineState } from '../machine/state';
import { tlbKey } from '../machine/state';
import type { MicroStep } from '../machine/trace';

/** What is asked about: an entry of a TLB domain (by lpid, pid and page) or one bit of a guest's masks. */
export type ProvenanceTarget = { kind: 'tlb'; domain: number; lpid: number; pid: number; page: string } | { kind: 'bit'; guest: string; mask: 'needTlbFlush' | 'cpuInGuest'; cpu: number };

/** A link of an answer: a micro-step (0-based) to go to, or, without `step`, something that never happened. */
export interface ProvenanceLink {
  role: 'write' | 'filled' | 'unmapped' | 'remapped' | 'move' | 'bit set' | 'entry' | 'stale read';
  text: string;
  step?: number;
  /** 0-based scenario line of the step. */
  line?: number;
  cpu?: number;
}

export interface Provenance {
  /** The target in words. */
  what: string;
  /** The step that last wrote it before the position; absent when it still has its initial value. */
  lastWrite?: ProvenanceLink;
  /** For a stale TLB entry: how it came to be there and stale, oldest first. */
  chain?: ProvenanceLink[];
}

const link = (role: ProvenanceLink['role'], step: MicroStep, text = step.text): ProvenanceLink => ({ role, text, step: step.index, line: step.line, cpu: step.cpu });

/** The last step before `position` that satisfies `test`. */
function lastBefore(steps: readonly MicroStep[], position: number, test: (s: MicroStep) => boolean): MicroStep | undefined {
  for (let i = Math.min(position, steps.length) - 1; i >= 0; i--) if (test(steps[i])) return steps[i];
  return undefined;
}

/** The first step in [from, position) that satisfies `test`. */
function firstFrom(steps: readonly MicroStep[], from: number, position: number, test: (s: MicroStep) => boolean): MicroStep | undefined {
  for (let i = Math.max(0, from); i < Math.min(position, steps.length); i++) if (test(steps[i])) return steps[i];
  return undefined;
}

/**
 * The provenance of a target after `position` steps of `steps`; `state` must
 * be the machine state there (as for pictureAt).
 */
export function provenanceOf(scenario: Scenario, steps: readonly MicroStep[], state: MachineState, position: number, target: ProvenanceTarget): Provenance {
  const t = scenario.topology;
  if (target.kind === 'bit') {
    const name = `${target.mask === 'needTlbFlush' ? 'need_tlb_flush' : 'cpu_in_guest'}[${target.cpu}] of ${target.guest}`;
    const write = lastBefore(steps, position, (s) => s.changes.some((c) => c.kind === 'bit' && c.guest === target.guest && c.mask === target.mask && c.cpu === target.cpu));
    return { what: name, ...(write ? { lastWrite: link('write', write) } : {}) };
  }
  const { domain, lpid, pid, page } = target;
  const key = tlbKey(lpid, pid, page);
  const where = t.tlbDomainName(domain);
  const write = lastBefore(steps, position, (s) => s.changes.some((c) => (c.kind === 'tlb-insert' || c.kind === 'tlb-remove') && c.domain === domain && tlbKey(c.entry.lpid, c.entry.pid, c.entry.page) === key));
  const entry = state.tlbs[domain]?.get(key);
  const out: Provenance = { what: `${where} TLB entry lpid ${lpid} pid ${pid} ${entry ? `${entry.task}:` : ''}${page}`, ...(write ? { lastWrite: link('write', write) } : {}) };
  const pte = entry && state.tasks.get(entry.task)?.pages.get(entry.page);
  if (!entry || !pte || pte.frame === entry.frame) return out;

  // a stale entry: each link is looked for after the one it follows; a note
  // of what never happened sorts just after the link it follows
  const chain: { at: number; link: ProvenanceLink }[] = [];
  const add = (l: ProvenanceLink, at = l.step ?? 0) => chain.push({ at, link: l });
  const fill = steps[entry.filledStep];
  if (fill) add(link('filled', fill));
  const unmap = firstFrom(steps, entry.filledStep + 1, position, (s) => s.changes.some((c) => c.kind === 'pte' && c.task === entry.task && c.page === entry.page && c.from.frame === entry.frame));
  if (unmap) {
    const remapped = unmap.changes.some((c) => c.kind === 'pte' && c.task === entry.task && c.page === entry.page && c.to.frame !== undefined);
    add(link(remapped ? 'remapped' : 'unmapped', unmap));
  }
  const cpus = new Set(t.cpusOfTlbDomain(domain));
  const guestOf = (vcpu: string) => vcpu.split('.vcpu')[0];
  // the move that should have asked this domain to flush: a vcpu of the entry's guest leaving it after the fill
  const move = firstFrom(steps, entry.filledStep + 1, position, (s) => !!s.move && guestOf(s.move.vcpu) === entry.guest && cpus.has(s.move.from) && !cpus.has(s.move.to));
  let after = entry.filledStep;
  if (move) {
    add(link('move', move));
    after = move.index;
    const marked = firstFrom(steps, move.index, position, (s) => s.changes.some((c) => c.kind === 'bit' && c.mask === 'needTlbFlush' && c.guest === entry.guest && c.to && cpus.has(c.cpu)));
    if (marked) {
      add(link('bit set', marked));
      after = marked.index;
    } else add({ role: 'bit set', text: `no need_tlb_flush bit of ${where} was set for ${entry.guest} after the move: nothing asks ${where} to flush LPID ${lpid}` }, after + 0.5);
  } else add({ role: 'move', text: `no vcpu of ${entry.guest} left ${where} after the fill` }, after + 0.5);
  const test = firstFrom(steps, after + 1, position, (s) => !!s.entryTest && s.entryTest.guest === entry.guest && cpus.has(s.entryTest.cpu));
  if (test) add(link('entry', test, `${test.text}${test.entryTest!.action === 'sweep' ? '' : ` — ${where} not swept`}`));
  else add({ role: 'entry', text: `no thread of ${where} entered ${entry.guest} after that: nothing swept ${where}` }, after + 0.6);
  const read = firstFrom(steps, (unmap?.index ?? entry.filledStep) + 1, position, (s) => s.access?.outcome === 'stale' && s.access.domain === domain && s.access.task === entry.task && s.access.page === entry.page);
  if (read) add(link('stale read', read));
  out.chain = chain.sort((a, b) => a.at - b.at).map((c) => c.link);
  return out;
}
