// Folding: `concurrently` blocks, and runs of whole-line comments (the
// header comment every sample scenario starts with).

import { type FoldingRange, FoldingRangeKind } from 'vscode-languageserver';
import type { Analysis } from './analysis';

export function foldingRanges(analysis: Analysis): FoldingRange[] {
  const out: FoldingRange[] = [];
  const lines = analysis.lines;
  for (const s of analysis.scenario.file.statements) {
    if (s.kind !== 'concurrently') continue;
    const close = s.closeRange?.start;
    // a `}` on a line of its own stays visible when folded, as in C editors
    const closeAlone = close !== undefined && lines[close.line].slice(0, close.character).trim() === '';
    const end = close ? close.line - (closeAlone ? 1 : 0) : s.range.end.line;
    if (end > s.range.start.line) out.push({ startLine: s.range.start.line, endLine: end });
  }
  let start = -1;
  for (let i = 0; i <= lines.length; i++) {
    const isComment = i < lines.length && lines[i].trimStart().startsWith('#');
    if (isComment && start < 0) start = i;
    if (!isComment && start >= 0) {
      if (i - 1 > start) out.push({ startLine: start, endLine: i - 1, kind: FoldingRangeKind.Comment });
      start = -1;
    }
  }
  return out;
}
