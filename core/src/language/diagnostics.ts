// Diagnostics of the front end and of a run: one shape for every front end
// (CLI prints them as FILE:LINE:COL, the language server publishes them).

import type { Range } from './ast';

export type Severity = 'error' | 'warning' | 'info';

/**
 * Stable codes: quick fixes, tests and other editors key on them.
 * Listed in docs/language.md.
 */
export type DiagnosticCode =
  | 'unexpected-character'
  | 'unknown-keyword'
  | 'wrong-arguments'
  | 'bad-number'
  | 'undeclared-guest'
  | 'undeclared-task'
  | 'undeclared-page'
  | 'vcpu-out-of-range'
  | 'cpu-out-of-range'
  | 'core-out-of-range'
  | 'bad-threads'
  | 'bigcore-needs-threads-8'
  | 'duplicate-name'
  | 'duplicate-lpid'
  | 'declaration-after-event'
  | 'duplicate-machine'
  | 'missing-machine'
  | 'duplicate-kernel'
  | 'unknown-kernel'
  | 'unbalanced-braces'
  | 'task-not-running'
  | 'invalidation-in-hpt-guest'
  | 'expect-without-access'
  | 'lane-runs-other-cpu'
  | 'whole-tlb-of-bigcore'
  | 'nested-concurrently'
  // warnings
  | 'page-never-accessed'
  | 'vcpu-never-run'
  | 'cpu-occupied'
  // run-derived (simulator)
  | 'stale-access'
  | 'expect-failed'
  | 'runtime-error';

export interface RelatedInfo {
  range: Range;
  message: string;
}

export interface Diagnostic {
  range: Range;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  related?: RelatedInfo[];
  /** Machine-readable detail for quick fixes (e.g. the keyword meant). */
  data?: Record<string, string | number>;
}

export function error(range: Range, code: DiagnosticCode, message: string, data?: Diagnostic['data']): Diagnostic {
  return data ? { range, severity: 'error', code, message, data } : { range, severity: 'error', code, message };
}

export function warning(range: Range, code: DiagnosticCode, message: string, data?: Diagnostic['data']): Diagnostic {
  return data ? { range, severity: 'warning', code, message, data } : { range, severity: 'warning', code, message };
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

/** `FILE:LINE:COL: error: MESSAGE`, 1-based, as compilers print. */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message}`;
}
