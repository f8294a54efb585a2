// The outline: the machine, the kernel, guests with their vcpus, tasks with
// their pages, then the event sequence, each `concurrently` block holding
// its lanes and their events.

import { type SimpleEvent, isDeclaration, printEvent } from '../../../core/src/index';
import { type DocumentSymbol, SymbolKind } from 'vscode-languageserver';
import type { Analysis } from './analysis';

export function documentSymbols(analysis: Analysis): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  const event = (e: SimpleEvent): DocumentSymbol => ({ name: printEvent(e), kind: SymbolKind.Event, range: e.range, selectionRange: e.keyword.range });
  for (const s of analysis.scenario.file.statements) {
    switch (s.kind) {
      case 'machine': {
        const detail = `${s.cores.value} cores × ${s.threads.value} threads${s.bigcore ? ', bigcore' : ''}`;
        out.push({ name: 'machine', detail, kind: SymbolKind.Module, range: s.range, selectionRange: s.keyword.range });
        break;
      }
      case 'kernel':
        out.push({ name: `kernel ${s.variant.text}`, kind: SymbolKind.Constant, range: s.range, selectionRange: s.variant.range });
        break;
      case 'guest': {
        const g = analysis.scenario.guests.get(s.name.text);
        const vcpus = Array.from({ length: Math.max(0, s.vcpus.value) }, (_, i): DocumentSymbol => ({
          name: `${s.name.text}.vcpu${i}`,
          kind: SymbolKind.Variable,
          range: s.vcpus.range,
          selectionRange: s.vcpus.range,
        }));
        out.push({ name: s.name.text, detail: g ? `guest, lpid ${g.lpid}, ${g.mmu}` : 'guest', kind: SymbolKind.Namespace, range: s.range, selectionRange: s.name.range, children: vcpus });
        break;
      }
      case 'task': {
        const pages = s.pages.map((p): DocumentSymbol => ({ name: p.text, kind: SymbolKind.Field, range: p.range, selectionRange: p.range }));
        out.push({ name: s.name.text, detail: `task in ${s.guest.text}`, kind: SymbolKind.Class, range: s.range, selectionRange: s.name.range, children: pages });
        break;
      }
      case 'concurrently':
        out.push({
          name: 'concurrently',
          detail: `${s.lanes.length} lane${s.lanes.length === 1 ? '' : 's'}`,
          kind: SymbolKind.Struct,
          range: s.range,
          selectionRange: s.keyword.range,
          children: s.lanes.map((l) => ({ name: `cpu${l.cpu.index}`, kind: SymbolKind.Array, range: l.range, selectionRange: l.labelRange, children: l.events.map(event) })),
        });
        break;
      default:
        if (!isDeclaration(s)) out.push(event(s));
    }
  }
  return out;
}
