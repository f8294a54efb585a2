// Hover: what a keyword does in kernel terms, where a cpu or core sits in the
// topology, which guest and lpid a vcpu belongs to, which commit a kernel
// variant stands for, and what a declared name is.

import { type Pos, SYNTAX, type StatementKeyword, STATEMENT_KEYWORDS, lexLine, representative, resolveKernel, type Topology, VARIANTS, variantColumns } from '../../../core/src/index';
import { type Hover, MarkupKind } from 'vscode-languageserver';
import type { Analysis } from './analysis';

/** What each statement does on the host, in the kernel's words (spec §1–§4). */
const KEYWORD_DOCS: Record<StatementKeyword, string> = {
  machine:
    'The POWER9 host: `cores` × `threads` hardware threads, cpu id = core × threads + thread. The threads of a core share one TLB; with `bigcore` (SMT8 fused core) even and odd threads have separate TLB halves. Each TLB has `tlb-sets` sets; a page\'s set is its position in its task\'s `pages` modulo `tlb-sets`.',
  kernel:
    'The host kernel variant the run simulates, one row per kernel version: `buggy` (in series before a29ebeaf), `early-clear` (a29ebeaf with the clear before the sweep), `fixed` (a29ebeaf, v4.11), `v5.2` (70ea13f6e609), `fixed-smt8` (77bbbc0cf848, v5.14), `v5.17` (d5c0e8332d82, per-thread bits, today\'s code).',
  guest:
    'A KVM guest (`struct kvm`): an LPID (1, 2, … in declaration order unless given), radix or hash (hpt) MMU, `need_tlb_flush` (a cpumask, all bits clear at creation: on POWER9 the kernel sets them only before ARCH_300) and `cpu_in_guest`.',
  task:
    'A guest process: a pid (1, 2, … per guest), a page table whose pages start mapped, each to its own frame, and the set of vcpus it has run on (its `mm_cpumask`, which decides between `tlbiel` and `tlbie`).',
  run:
    'The host runs the vcpu on the cpu: exit from its old cpu, then the entry path. `kvmppc_prepare_radix_vcpu` (radix guests): if `prev_cpu` lies on another core, `radix_flush_cpu` sets the need_tlb_flush bit of the old core\'s first thread and IPIs the threads of that core running this guest; then `prev_cpu` = this cpu. `kvmppc_start_thread` sets `cpu_in_guest`; `kvmppc_hv_entry` tests this core\'s need_tlb_flush bit and, if set, flushes the LPID from the core TLB set by set and clears the bit (after the sweep under `fixed`, before it under `buggy` and `early-clear`).',
  stop: 'The vcpu leaves guest mode: its cpu leaves `cpu_in_guest` and goes idle. The task stays current on the vcpu but does not run until the vcpu runs again.',
  schedule:
    'The guest scheduler runs the task on the vcpu (the task leaves any other vcpu). The vcpu joins the task\'s history (its `mm_cpumask`), which decides whether a later `unmap` uses `tlbiel` or `tlbie`.',
  access:
    'The task touches the page from the cpu its vcpu runs on: `hit` (the TLB holds the current translation), `miss` (walk the page table, fill an entry), `fault` (unmapped, no entry) or `stale` (an entry for a frame the page table no longer maps: the bug).',
  unmap:
    'The guest clears the PTE, then invalidates: `tlbiel` (this core only) when the task has only ever run on one vcpu, else `tlbie` (every core), as Linux radix guests choose; or the form written. In an hpt guest the host invalidates (H_REMOVE).',
  map: 'The guest maps the page to a fresh frame. A remap without an invalidation leaves old entries stale.',
  tlbiel:
    '`tlbiel` is core-local: on POWER9 it invalidates only the TLB of the core (on a big core, the TLB half) of the thread that executes it. Entries the task left on other cores survive — unless the host flushes them on a later guest entry (need_tlb_flush, a29ebeaf).',
  tlbie: '`tlbie` is broadcast: it invalidates the translation in every TLB domain of the machine.',
  expect:
    'An assertion on the run: the outcome of the nearest access above (`hit|miss|fault|stale`), whether a TLB holds an entry (`expect tlb coreN|cpuN has|lacks task:page`), or a need_tlb_flush bit (`expect need_tlb_flush guest coreN|cpuN set|clear`).',
  concurrently:
    'Lanes, one per cpu, whose micro-steps interleave: a run uses round-robin by micro-step; `tlbscn explore` tries every interleaving and reports one that ends in a stale access. An IPI\'s re-entry becomes the target cpu\'s next action.',
};

const WORD_DOCS: Record<string, string> = {
  none: '`unmap … none`: the guest clears the PTE and does not invalidate at all; any cached entry stays stale on every core.',
  hit: '`hit`: the TLB holds an entry that matches the current page table.',
  miss: '`miss`: no entry; the page is mapped, so the access walks the page table and fills an entry.',
  fault: '`fault`: no entry and the page is unmapped: a correct guest page fault.',
  stale: '`stale`: the TLB holds an entry for a frame the page table no longer maps — the use of a stale translation.',
  bigcore: '`bigcore`: a POWER9 SMT8 core fused from two SMT4 cores: even threads share one TLB, odd threads the other.',
  need_tlb_flush: '`kvm->arch.need_tlb_flush`: a cpumask; a set bit makes the next guest entry on that core (its first thread\'s bit) flush the LPID from the core TLB.',
};

function md(value: string, range: Hover['range']): Hover {
  return range ? { contents: { kind: MarkupKind.Markdown, value }, range } : { contents: { kind: MarkupKind.Markdown, value } };
}

export function doHover(analysis: Analysis, pos: Pos): Hover | undefined {
  const tokens = lexLine(analysis.lines[pos.line] ?? '', pos.line).tokens;
  const i = tokens.findIndex((t) => t.kind === 'word' && t.range.start.character <= pos.character && pos.character <= t.range.end.character);
  if (i < 0) return undefined;
  const token = tokens[i];
  const word = token.text;
  const s = analysis.scenario;
  const t = s.topology;

  // a statement keyword: first word of the line, or of a lane's event
  const prev = tokens[i - 1];
  const leading = i === 0 || prev.kind === ';' || (prev.kind === ':' && i === 2 && /^cpu\d+$/.test(tokens[0].text));
  if (leading && (STATEMENT_KEYWORDS as readonly string[]).includes(word)) {
    const k = word as StatementKeyword;
    return md(`\`${SYNTAX[k]}\`\n\n${KEYWORD_DOCS[k]}`, token.range);
  }
  if ((word === 'tlbiel' || word === 'tlbie') && tokens[0].text === 'unmap') return md(KEYWORD_DOCS[word], token.range);

  const vcpu = /^([A-Za-z_]\w*)\.vcpu(\d+)$/.exec(word);
  if (vcpu) {
    const g = s.guests.get(vcpu[1]);
    if (!g) return undefined;
    const n = Number(vcpu[2]);
    const exists = n < g.vcpus ? '' : ` — out of range: the guest has ${g.vcpus}`;
    return md(`**${word}**: vcpu ${n} of guest \`${g.name}\` (lpid ${g.lpid}, ${g.mmu})${exists}`, token.range);
  }
  const place = /^(cpu|core)(\d+)$/.exec(word);
  if (place) {
    const n = Number(place[2]);
    if (place[1] === 'cpu') {
      if (n >= t.cpuCount) return md(`**${word}** is out of range: the machine has cpu0…cpu${t.cpuCount - 1}`, token.range);
      return md(`**cpu${n}**: core ${t.coreOf(n)}, thread ${t.threadOf(n)}, TLB ${t.tlbDomainName(t.tlbDomainOf(n))}; its entry path tests need_tlb_flush ${testedBits(t, n)}`, token.range);
    }
    if (n >= t.cores) return md(`**${word}** is out of range: the machine has core0…core${t.cores - 1}`, token.range);
    const halves = t.bigcore ? ` (TLB halves ${t.tlbDomainName(2 * n)}, ${t.tlbDomainName(2 * n + 1)})` : '';
    return md(`**core${n}**: cpus ${t.threadsOfCore(n * t.threads).join(', ')}${halves}; need_tlb_flush bit ${n * t.threads} stands for it`, token.range);
  }
  if (tokens[0].text === 'kernel' && i === 1) {
    const v = resolveKernel(word);
    if (!v) return undefined;
    const row = variantColumns(v).map(([column, value]) => `| ${column} | ${value} |`).join('\n');
    const release = v.release ? ` (${v.release})` : '';
    return md(`**${v.name}**${release}${v.name !== word ? ` (alias ${word})` : ''} — ${v.commit}\n\n${v.summary}\n\n| column | this row |\n| --- | --- |\n${row}`, token.range);
  }

  const o = analysis.occurrenceAt(pos);
  if (o?.kind === 'guest') {
    const g = s.guests.get(o.name);
    if (g) return md(`**guest ${g.name}**: lpid ${g.lpid}, ${g.mmu}, ${g.vcpus} vcpu${g.vcpus === 1 ? '' : 's'}`, o.range);
  } else if (o?.kind === 'task') {
    const task = s.tasks.get(o.name);
    if (task) return md(`**task ${task.name}** in guest ${task.guest}: pid ${task.pid}, pages ${task.pages.join(' ')}`, o.range);
  } else if (o?.kind === 'page') {
    const task = o.task ? s.tasks.get(o.task) : undefined;
    const index = task?.pages.indexOf(o.name) ?? -1;
    if (task && index >= 0) return md(`**page ${o.name}** of task ${task.name}: TLB set ${t.setOfPage(index)} (position ${index} in its pages, modulo tlb-sets ${t.tlbSets})`, o.range);
  }
  if (WORD_DOCS[word]) return md(WORD_DOCS[word], token.range);
  return undefined;
}

/** Which need_tlb_flush bit the entry path of `cpu` tests, row by row of the variant table: `bit 4 (buggy …), bit 0 (v5.2 …)`. */
function testedBits(t: Topology, cpu: number): string {
  const rows = new Map<number, string[]>();
  for (const v of Object.values(VARIANTS)) {
    const bit = representative(t, cpu, v.entryBit);
    rows.set(bit, [...(rows.get(bit) ?? []), v.name]);
  }
  return [...rows].map(([bit, names]) => `bit ${bit} (${names.join(', ')})`).join(', ');
}
