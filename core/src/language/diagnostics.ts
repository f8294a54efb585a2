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

/**
 * `FILE:LINE:COL: error: MESSAGE`, 1-based, as compilers print, for a
 * terminal or an output panel: control characters escaped.
 */
export function formatDiagnostic(file: string, d: Diagnostic): string {
  return escapeControls(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message}`);
}

/**
 * Characters that do not show as themselves: controls, format characters
 * (zero-width, bidi overrides, the byte-order mark), spaces other than ' ',
 * line and paragraph separators, lone surrogates, marks with nothing to combine with.
 */
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Zs}\p{Zl}\p{Zp}\p{M}]$/u;

/** How a message names one character: itself, or its code point (`U+200B`) when it would not show. */
export function characterName(ch: string): string {
  return INVISIBLE.test(ch) ? `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : ch;
}

/**
 * Characters a terminal acts on rather than shows: C0 and C1 controls and
 * DEL (escape sequences that move the cursor, clear the screen, set the
 * title), format characters (bidi overrides reorder what follows) and line
 * and paragraph separators. A tab is only white space.
 */
const TERMINAL_UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** `text` with every character a terminal would act on written as an escape (`\x1b`, `\u{202e}`). */
export function escapeControls(text: string): string {
  return text.replace(TERMINAL_UNSAFE, (c) => {
    if (c === '\t') return c;
    const code = c.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
