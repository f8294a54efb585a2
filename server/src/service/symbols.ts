// The outline: the machine, the kernel, guests with their vcpus, tasks with
// their pages, then the event sequence, each `concurrently` block holding
// its lanes and their events. Its size is bounded whatever the file says: a
// `vcpus 100000000` or a 100k-line file must not cost the server its heap.

import { LIMITS, type Range, type SimpleEvent, type Statement, isDeclaration, printEvent } from '../../../core/src/index';
import { type DocumentSymbol, SymbolKind } from 'vscode-languageserver';
import type { Analysis } from './analysis';

/**
 * At most this many symbols (plus one that counts the statements left out):
 * far more than an outline view shows usefully, little enough to answer in
 * milliseconds.
 */
export const MAX_SYMBOLS = 5000;

/** Symbols still to hand out to children, once every top-level statement has its own. */
interface Budget {
  left: number;
}

/** The first items of a list of `count` that the budget allows. */
function listed(budget: Budget, count: number, make: (i: number) => DocumentSymbol): DocumentSymbol[] {
  const shown = Math.min(count, budget.left);
  budget.left -= shown;
  return Array.from({ length: shown }, (_, i) => make(i));
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `detail`, saying how many children were left out if some were: a cut outline never reads as the whole. */
function cut(detail: string | undefined, count: number, what: string, children: DocumentSymbol[]): string | undefined {
  if (children.length === count) return detail;
  return `${detail ? `${detail}, ` : ''}${plural(count, what)} (${children.length} listed)`;
}

function eventSymbol(e: SimpleEvent): DocumentSymbol {
  return { name: printEvent(e), kind: SymbolKind.Event, range: e.range, selectionRange: e.keyword.range };
}

function statementSymbol(analysis: Analysis, s: Statement, budget: Budget): DocumentSymbol | undefined {
  switch (s.kind) {
    case 'machine': {
      const detail = `${s.cores.value} cores × ${s.threads.value} threads${s.bigcore ? ', bigcore' : ''}`;
      return { name: 'machine', detail, kind: SymbolKind.Module, range: s.range, selectionRange: s.keyword.range };
    }
    case 'kernel':
      return { name: `kernel ${s.variant.text}`, kind: SymbolKind.Constant, range: s.range, selectionRange: s.variant.range };
    case 'guest': {
      const g = analysis.scenario.guests.get(s.name.text);
      // the vcpus the checker accepts (it bounds the count), not the raw number written
      const count = g?.decl === s ? g.vcpus : Math.max(0, Math.min(LIMITS.vcpus, s.vcpus.value));
      const vcpus = listed(budget, count, (i) => ({ name: `${s.name.text}.vcpu${i}`, kind: SymbolKind.Variable, range: s.vcpus.range, selectionRange: s.vcpus.range }));
      const detail = g?.decl === s ? `guest, lpid ${g.lpid}, ${g.mmu}` : 'guest';
      return { name: s.name.text, detail: cut(detail, count, 'vcpu', vcpus), kind: SymbolKind.Namespace, range: s.range, selectionRange: s.name.range, children: vcpus };
    }
    case 'task': {
      const pages = listed(budget, s.pages.length, (i) => ({ name: s.pages[i].text, kind: SymbolKind.Field, range: s.pages[i].range, selectionRange: s.pages[i].range }));
      return { name: s.name.text, detail: cut(`task in ${s.guest.text}`, s.pages.length, 'page', pages), kind: SymbolKind.Class, range: s.range, selectionRange: s.name.range, children: pages };
    }
    case 'concurrently': {
      const lanes = listed(budget, s.lanes.length, (i) => {
        const l = s.lanes[i];
        const events = listed(budget, l.events.length, (j) => eventSymbol(l.events[j]));
        return { name: `cpu${l.cpu.index}`, detail: cut(undefined, l.events.length, 'event', events), kind: SymbolKind.Array, range: l.range, selectionRange: l.labelRange, children: events };
      });
      return { name: 'concurrently', detail: cut(undefined, s.lanes.length, 'lane', lanes) ?? plural(s.lanes.length, 'lane'), kind: SymbolKind.Struct, range: s.range, selectionRange: s.keyword.range, children: lanes };
    }
    default:
      return isDeclaration(s) ? undefined : eventSymbol(s);
  }
}

export function documentSymbols(analysis: Analysis): DocumentSymbol[] {
  const statements = analysis.scenario.file.statements;
  const top = Math.min(statements.length, MAX_SYMBOLS);
  // every shown statement gets its symbol first; children share what is left
  const budget: Budget = { left: MAX_SYMBOLS - top };
  const out: DocumentSymbol[] = [];
  for (let i = 0; i < top; i++) {
    const symbol = statementSymbol(analysis, statements[i], budget);
    if (symbol) out.push(symbol);
  }
  if (top < statements.length) {
    const rest: Range = { start: statements[top].range.start, end: statements[statements.length - 1].range.end };
    out.push({ name: `… ${statements.length - top} more statements`, detail: 'not listed: the outline is cut', kind: SymbolKind.Event, range: rest, selectionRange: rest });
  }
  return out;
}
