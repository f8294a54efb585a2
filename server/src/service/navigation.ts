// Go to definition, find references, document highlights and rename for the
// names a scenario declares: guests, tasks (one namespace) and each task's pages.

import { type Pos, type Range } from '../../../core/src/index';
import { type DocumentHighlight, DocumentHighlightKind, type Location, ResponseError, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { Analysis, Occurrence } from './analysis';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function sameSymbol(a: Occurrence, b: Occurrence): boolean {
  return a.kind === b.kind && a.name === b.name && a.task === b.task;
}

function occurrencesOf(analysis: Analysis, pos: Pos): Occurrence[] {
  const target = analysis.occurrenceAt(pos);
  return target ? analysis.occurrences().filter((o) => sameSymbol(o, target)) : [];
}

export function findDefinition(analysis: Analysis, uri: string, pos: Pos): Location | undefined {
  const decl = occurrencesOf(analysis, pos).find((o) => o.declaration);
  return decl && { uri, range: decl.range };
}

export function findReferences(analysis: Analysis, uri: string, pos: Pos, includeDeclaration: boolean): Location[] {
  return occurrencesOf(analysis, pos)
    .filter((o) => includeDeclaration || !o.declaration)
    .map((o) => ({ uri, range: o.range }));
}

export function findDocumentHighlights(analysis: Analysis, pos: Pos): DocumentHighlight[] {
  return occurrencesOf(analysis, pos).map((o) => ({ range: o.range, kind: o.declaration ? DocumentHighlightKind.Write : DocumentHighlightKind.Read }));
}

export function prepareRename(analysis: Analysis, pos: Pos): { range: Range; placeholder: string } | undefined {
  const o = analysis.occurrenceAt(pos);
  if (!o || !occurrencesOf(analysis, pos).some((x) => x.declaration)) return undefined;
  return { range: o.range, placeholder: o.name };
}

/** Renames a declared name everywhere; refuses a name that is not an identifier or is taken. */
export function doRename(analysis: Analysis, uri: string, pos: Pos, newName: string): WorkspaceEdit | ResponseError<void> | undefined {
  const all = occurrencesOf(analysis, pos);
  const target = all[0];
  if (!target || !all.some((o) => o.declaration)) return undefined;
  if (!IDENT.test(newName)) return new ResponseError(-32602, `'${newName}' is not a name (letters, digits and _; not starting with a digit)`);
  if (newName !== target.name) {
    const s = analysis.scenario;
    const taken =
      target.kind === 'page'
        ? s.tasks.get(target.task ?? '')?.pages.includes(newName)
        : s.guests.has(newName) || s.tasks.has(newName);
    if (taken) return new ResponseError(-32602, `'${newName}' is already declared`);
  }
  const edits: TextEdit[] = all.map((o) => ({ range: o.range, newText: newName }));
  return { changes: { [uri]: edits } };
}
