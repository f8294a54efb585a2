// Semantic tokens: what the TextMate grammar cannot know, the role of each
// name as the file declares it — guest, task or page — and which occurrence
// is the declaration. An undeclared name gets no token, so it stays plain.

import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver';
import type { Analysis, SymbolKind } from './analysis';

const TYPES: Record<SymbolKind, number> = { guest: 0, task: 1, page: 2 };

export const SEMANTIC_TOKENS_LEGEND: SemanticTokensLegend = {
  tokenTypes: ['namespace', 'class', 'property'],
  tokenModifiers: ['declaration'],
};

export function semanticTokens(analysis: Analysis): SemanticTokens {
  const s = analysis.scenario;
  const builder = new SemanticTokensBuilder();
  for (const o of analysis.occurrences()) {
    const declared = o.kind === 'guest' ? s.guests.has(o.name) : o.kind === 'task' ? s.tasks.has(o.name) : !!s.tasks.get(o.task ?? '')?.pages.includes(o.name);
    if (!declared) continue;
    const r = o.range;
    builder.push(r.start.line, r.start.character, r.end.character - r.start.character, TYPES[o.kind], o.declaration ? 1 : 0);
  }
  return builder.build();
}
