// Completions that know the scenario: statement keywords (with snippets) at
// the start of a statement, then per argument position only what is valid
// there, taken from what the file declares (guests, vcpus, tasks, pages,
// the topology's cpus and cores).

import {
  EVENT_KEYWORDS,
  DECLARATION_KEYWORDS,
  INVALIDATION_FORMS,
  OUTCOMES,
  SYNTAX,
  THREAD_COUNTS,
  VARIANTS,
  type Pos,
  type StatementKeyword,
  isDeclaration,
  lexLine,
} from '../../../core/src/index';
import { type CompletionItem, CompletionItemKind, type CompletionList, InsertTextFormat, type Range } from 'vscode-languageserver';
import type { Analysis } from './analysis';

export interface CompletionOptions {
  /** The client accepts snippet syntax (`${1:x}`) in insertText. */
  snippets: boolean;
}

/** Snippet choices become placeholders past this many options. */
const MAX_CHOICES = 16;

/** Characters of the word being typed (`vm.vcpu1`, `early-clear`). */
const WORD_CHAR = /[A-Za-z0-9_.-]/;

/**
 * A list longer than this is cut (a `machine cores 1024 threads 8` with a
 * thousand `vcpus 1024` guests has a million vcpus): the client gets the
 * items that start with the word typed so far, at most this many, marked
 * incomplete so that it asks again as the word grows.
 */
export const MAX_COMPLETIONS = 200;

export function doComplete(analysis: Analysis, pos: Pos, options: CompletionOptions): CompletionItem[] | CompletionList {
  const text = (analysis.lines[pos.line] ?? '').slice(0, pos.character);
  if (text.includes('#')) return []; // inside a comment
  let start = text.length;
  while (start > 0 && WORD_CHAR.test(text[start - 1])) start--;
  const replace: Range = { start: { line: pos.line, character: start }, end: pos };
  const before = lexLine(text.slice(0, start), pos.line).tokens.map((t) => t.text);
  const at: Place = { analysis, replace, options, lane: openBlockAt(analysis, pos.line), line: pos.line };
  return bounded((prefix) => candidates(at, before, prefix), text.slice(start));
}

/** Where completion was asked: the line, the word it replaces, and whether that line is a lane. */
interface Place {
  analysis: Analysis;
  replace: Range;
  options: CompletionOptions;
  lane: boolean;
  line: number;
}

/**
 * All of `list('')` when it has at most MAX_COMPLETIONS items; else the first
 * MAX_COMPLETIONS of `list(prefix)` that start with `prefix`, as an incomplete
 * list. `list` produces items lazily, and may skip whole groups that cannot
 * match a prefix, so neither pass builds the million items.
 */
function bounded(list: (prefix: string) => Iterable<CompletionItem>, prefix: string): CompletionItem[] | CompletionList {
  const all: CompletionItem[] = [];
  for (const c of list('')) {
    if (all.length === MAX_COMPLETIONS) return { isIncomplete: true, items: first(matching(list(prefix), prefix), MAX_COMPLETIONS) };
    all.push(c);
  }
  return all;
}

function* matching(items: Iterable<CompletionItem>, prefix: string): Generator<CompletionItem> {
  for (const c of items) if (c.label.startsWith(prefix)) yield c;
}

/** The first `n` of `items`, reading no further. */
function first<T>(items: Iterable<T>, n: number): T[] {
  const out: T[] = [];
  for (const x of items) {
    out.push(x);
    if (out.length === n) break;
  }
  return out;
}

function candidates(at: Place, before: string[], prefix: string): Iterable<CompletionItem> {
  const { analysis, replace, options } = at;
  if (at.lane && before[0] !== 'concurrently') {
    // a lane line: `cpuN: event ; event`; only the event after the last ';' matters
    if (before.length === 0) return laneLabels(analysis, replace);
    if (before[1] !== ':') return [];
    const laneCpu = /^cpu(\d+)$/.exec(before[0]);
    const semi = before.lastIndexOf(';');
    const event = before.slice(semi >= 0 ? semi + 1 : 2);
    if (event.length === 0) return keywordItems(analysis, replace, options, { events: true, declarations: false, block: false });
    return argumentItems(analysis, event, replace, prefix, laneCpu ? Number(laneCpu[1]) : undefined);
  }
  const statement = before[0] === '}' ? before.slice(1) : before;
  if (statement.length === 0) {
    const declarations = !firstEventBefore(analysis, at.line);
    return keywordItems(analysis, replace, options, { events: true, declarations, block: true });
  }
  return argumentItems(analysis, statement, replace, prefix, undefined);
}

/** Whether an open `concurrently {` block holds this line (so it is a lane). */
function openBlockAt(analysis: Analysis, line: number): boolean {
  return analysis.scenario.file.statements.some(
    (s) => s.kind === 'concurrently' && !!s.openRange && s.range.start.line < line && (s.closeRange ? s.closeRange.start.line >= line : true),
  );
}

function firstEventBefore(analysis: Analysis, line: number): boolean {
  return analysis.scenario.file.statements.some((s) => !isDeclaration(s) && s.range.start.line < line);
}

const item = (label: string, kind: CompletionItemKind, range: Range, detail?: string): CompletionItem => {
  const c: CompletionItem = { label, kind, textEdit: { range, newText: label } };
  if (detail) c.detail = detail;
  return c;
};

const words = (labels: readonly string[], range: Range, kind: CompletionItemKind = CompletionItemKind.Keyword, detail?: string): CompletionItem[] =>
  labels.map((l) => item(l, kind, range, detail));

/** A snippet placeholder: a choice among `options` (only the first MAX_CHOICES + 1 are read), or one default. */
function choice(names: Iterable<string>, fallback: string, n: number): string {
  const options = first(names, MAX_CHOICES + 1);
  if (options.length === 0) return `\${${n}:${fallback}}`;
  if (options.length > MAX_CHOICES) return `\${${n}:${options[0]}}`;
  return `\${${n}|${options.join(',')}|}`;
}

function snippetFor(keyword: StatementKeyword, analysis: Analysis): string {
  const s = analysis.scenario;
  const vcpus = (): Iterable<string> => vcpuNames(analysis, '');
  const tasks = (): Iterable<string> => s.tasks.keys();
  const cpus = (): Iterable<string> => numbered(s.topology.cpuCount, 'cpu');
  const firstPage = (): string => s.tasks.values().next().value?.pages[0] ?? 'A';
  switch (keyword) {
    case 'machine':
      return `machine cores \${1:2} threads \${2|${THREAD_COUNTS.join(',')}|}`;
    case 'kernel':
      return `kernel \${1|${Object.keys(VARIANTS).join(',')}|}`;
    case 'guest':
      return 'guest ${1:vm} ${2|radix,hpt|} vcpus ${3:2}';
    case 'task':
      return `task \${1:T} in ${choice(s.guests.keys(), 'vm', 2)} pages \${3:A B}`;
    case 'run':
      return `run ${choice(vcpus(), 'vm.vcpu0', 1)} on ${choice(cpus(), 'cpu0', 2)}`;
    case 'stop':
      return `stop ${choice(vcpus(), 'vm.vcpu0', 1)}`;
    case 'schedule':
      return `schedule ${choice(tasks(), 'T', 1)} on ${choice(vcpus(), 'vm.vcpu0', 2)}`;
    case 'access':
    case 'map':
      return `${keyword} ${choice(tasks(), 'T', 1)} \${2:${firstPage()}}`;
    case 'unmap':
      return `unmap ${choice(tasks(), 'T', 1)} \${2:${firstPage()}}`;
    case 'tlbiel':
    case 'tlbie':
      return `${keyword} ${choice(tasks(), 'T', 1)}`;
    case 'expect':
      return `expect \${1|${OUTCOMES.join(',')}|}`;
    case 'concurrently':
      return `concurrently {\n  ${choice(cpus(), 'cpu0', 1)}: $0\n}`;
  }
}

function keywordItems(
  analysis: Analysis,
  replace: Range,
  options: CompletionOptions,
  allow: { events: boolean; declarations: boolean; block: boolean },
): CompletionItem[] {
  const keywords: StatementKeyword[] = [
    ...(allow.declarations ? DECLARATION_KEYWORDS : []),
    ...EVENT_KEYWORDS.filter((k) => allow.block || k !== 'concurrently'),
  ];
  return keywords.map((k, i) => {
    const c = item(k, CompletionItemKind.Keyword, replace, SYNTAX[k]);
    c.sortText = String(i).padStart(2, '0');
    if (options.snippets) {
      c.kind = CompletionItemKind.Snippet;
      c.insertTextFormat = InsertTextFormat.Snippet;
      c.textEdit = { range: replace, newText: snippetFor(k, analysis) };
    }
    return c;
  });
}

function* laneLabels(analysis: Analysis, replace: Range): Generator<CompletionItem> {
  const t = analysis.scenario.topology;
  for (let cpu = 0; cpu < t.cpuCount; cpu++) yield item(`cpu${cpu}: `, CompletionItemKind.Value, replace, t.describeCpu(cpu));
}

function* numbered(n: number, prefix: string): Generator<string> {
  for (let i = 0; i < n; i++) yield `${prefix}${i}`;
}

/**
 * `guest.vcpuN` of every guest (or of one), skipping the guests none of
 * whose vcpus start with `prefix`.
 */
function* vcpuNames(analysis: Analysis, prefix: string, guest?: string): Generator<string> {
  for (const g of analysis.scenario.guests.values()) {
    const stem = `${g.name}.vcpu`;
    if ((guest && g.name !== guest) || !(stem.startsWith(prefix) || prefix.startsWith(stem))) continue;
    yield* numbered(g.vcpus, stem);
  }
}

function* vcpuItems(analysis: Analysis, replace: Range, prefix: string, guest?: string): Generator<CompletionItem> {
  for (const v of vcpuNames(analysis, prefix, guest)) {
    const g = analysis.scenario.guests.get(v.slice(0, v.lastIndexOf('.vcpu')))!;
    yield item(v, CompletionItemKind.Variable, replace, `vcpu of guest ${g.name} (lpid ${g.lpid}, ${g.mmu})`);
  }
}

function* taskItems(analysis: Analysis, replace: Range): Generator<CompletionItem> {
  for (const t of analysis.scenario.tasks.values()) yield item(t.name, CompletionItemKind.Class, replace, `task of ${t.guest}, pid ${t.pid}, pages ${t.pages.join(' ')}`);
}

function* pageItems(analysis: Analysis, task: string, replace: Range): Generator<CompletionItem> {
  const t = analysis.scenario.tasks.get(task);
  if (!t) return;
  for (const [i, p] of t.pages.entries()) yield item(p, CompletionItemKind.Field, replace, `page of ${t.name}, TLB set ${analysis.scenario.topology.setOfPage(i)}`);
}

function* cpuItems(analysis: Analysis, replace: Range, only?: number): Generator<CompletionItem> {
  const t = analysis.scenario.topology;
  for (let cpu = 0; cpu < t.cpuCount; cpu++) if (only === undefined || cpu === only) yield item(`cpu${cpu}`, CompletionItemKind.Value, replace, t.describeCpu(cpu));
}

function* placeItems(analysis: Analysis, replace: Range): Generator<CompletionItem> {
  const t = analysis.scenario.topology;
  if (!t.bigcore) {
    for (let core = 0; core < t.cores; core++) yield item(`core${core}`, CompletionItemKind.Value, replace, `cpus ${t.threadsOfCore(core * t.threads).join(', ')}`);
  }
  yield* cpuItems(analysis, replace);
}

/** What may stand after `before` (the statement's words so far, keyword first). */
function argumentItems(analysis: Analysis, before: string[], replace: Range, prefix: string, laneCpu: number | undefined): Iterable<CompletionItem> {
  const [keyword, ...args] = before;
  const n = args.length; // index of the argument being typed
  const s = analysis.scenario;
  const guests = () => words([...s.guests.keys()], replace, CompletionItemKind.Module, 'guest');
  switch (keyword) {
    case 'machine': {
      if (n === 0) return words(['cores'], replace);
      if (n === 2) return words(['threads'], replace);
      if (n === 3) return words(THREAD_COUNTS.map(String), replace, CompletionItemKind.Value, 'threads per core');
      if (n >= 4 && !args.includes('tlb-sets') && args[n - 1] !== 'tlb-sets') {
        return words(args.includes('bigcore') || args[3] !== '8' ? ['tlb-sets'] : ['bigcore', 'tlb-sets'], replace);
      }
      return [];
    }
    case 'kernel':
      if (n !== 0) return [];
      return Object.values(VARIANTS).flatMap((v) => [v.name, ...v.aliases].map((w) => item(w, CompletionItemKind.EnumMember, replace, v.commit)));
    case 'guest':
      if (n === 1) return words(['radix', 'hpt', 'vcpus'], replace);
      if (n === 2 && (args[1] === 'radix' || args[1] === 'hpt')) return words(['vcpus'], replace);
      if ((n === 3 && args[1] === 'vcpus') || (n === 4 && args[2] === 'vcpus')) return words(['lpid'], replace);
      return [];
    case 'task':
      if (n === 1) return words(['in'], replace);
      if (n === 2) return guests();
      if (n === 3) return words(['pages'], replace);
      return [];
    case 'run':
      if (n === 0) return vcpuItems(analysis, replace, prefix);
      if (n === 1) return words(['on'], replace);
      if (n === 2) return cpuItems(analysis, replace, laneCpu);
      return [];
    case 'stop':
      return n === 0 ? vcpuItems(analysis, replace, prefix) : [];
    case 'schedule':
      if (n === 0) return taskItems(analysis, replace);
      if (n === 1) return words(['on'], replace);
      if (n === 2) return vcpuItems(analysis, replace, prefix, s.tasks.get(args[0])?.guest);
      return [];
    case 'access':
    case 'map':
    case 'unmap':
    case 'tlbiel':
    case 'tlbie':
      if (n === 0) return taskItems(analysis, replace);
      if (n === 1) return pageItems(analysis, args[0], replace);
      if (n === 2 && keyword === 'unmap') return words(INVALIDATION_FORMS, replace, CompletionItemKind.EnumMember);
      return [];
    case 'expect':
      return expectItems(analysis, args, replace);
    default:
      return [];
  }
}

function expectItems(analysis: Analysis, args: string[], replace: Range): Iterable<CompletionItem> {
  const n = args.length;
  if (n === 0) return words([...OUTCOMES, 'tlb', 'need_tlb_flush'], replace, CompletionItemKind.EnumMember);
  if (args[0] === 'tlb') {
    if (n === 1) return placeItems(analysis, replace);
    if (n === 2) return words(['has', 'lacks'], replace);
    if (n === 3) return taskPagePairs(analysis, replace);
    if (n === 5 && args[4] === ':') return pageItems(analysis, args[3], replace);
    return [];
  }
  if (args[0] === 'need_tlb_flush') {
    if (n === 1) return words([...analysis.scenario.guests.keys()], replace, CompletionItemKind.Module, 'guest');
    if (n === 2) return placeItems(analysis, replace);
    if (n === 3) return words(['set', 'clear'], replace);
  }
  return [];
}

function* taskPagePairs(analysis: Analysis, replace: Range): Generator<CompletionItem> {
  for (const t of analysis.scenario.tasks.values()) {
    for (const p of t.pages) yield item(`${t.name}:${p}`, CompletionItemKind.Field, replace, `page ${p} of task ${t.name}`);
  }
}
