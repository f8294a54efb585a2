// Inline values while paused (issue 12): each `run G.vcpuN on cpuM` line of the
// scenario shows the need_tlb_flush bit that cpuM's entry path tests under the
// session's kernel variant. The value comes from the debug adapter: this module
// only maps lines to an expression of the debugger's expression language,
// `need_tlb_flush(G, cpuM.entry_bit)`, which VS Code evaluates in the session
// (the variant's bit rule lives in the adapter, one source of truth). Pure: no
// `vscode` import, so that the mapping is tested without VS Code.

import { type Range, type SimpleEvent, isDeclaration, parse } from '../../core/src/index';

/** One `run` event and the expression whose value is shown after its line. */
export interface RunLineValue {
  /** 0-based line of the event. */
  line: number;
  /** The event's range (a lane's event: the event only). */
  range: Range;
  /** What the adapter evaluates: the bit cpuM's entry path tests, in guest G's need_tlb_flush. */
  expression: string;
}

/** The expression of a `run` of a vcpu of `guest` on cpu `cpu`. */
export function entryBitExpression(guest: string, cpu: number): string {
  return `need_tlb_flush(${guest}, cpu${cpu}.entry_bit)`;
}

/**
 * The `run` events of a scenario's text whose line lies in [firstLine,
 * lastLine] (0-based, inclusive), lane events included, in line order. A
 * statement the parser could not read is not one: an edit in progress shows
 * no value rather than a wrong one.
 */
export function runLineValues(text: string, firstLine = 0, lastLine = Number.MAX_SAFE_INTEGER): RunLineValue[] {
  const out: RunLineValue[] = [];
  const visit = (e: SimpleEvent) => {
    // `run V on coreN` is refused by the checker; only a cpu has an entry path
    if (e.kind !== 'run' || e.cpu.kind !== 'cpu' || e.line < firstLine || e.line > lastLine) return;
    out.push({ line: e.line, range: e.range, expression: entryBitExpression(e.vcpu.guest.text, e.cpu.index) });
  };
  for (const s of parse(text).file.statements) {
    if (s.kind === 'concurrently') for (const lane of s.lanes) lane.events.forEach(visit);
    else if (!isDeclaration(s)) visit(s);
  }
  return out.sort((a, b) => a.line - b.line || a.range.start.character - b.range.start.character);
}
