// What a well-formed client message looks like, and the wrappers every
// handler is registered through, so that a malformed message or a failing
// handler is logged and answered (or dropped), never the end of the server.
// A client sees only our own error texts: a raw `TypeError: Cannot read
// properties of undefined` says nothing to a user and leaks internals.

import {
  type CancellationToken,
  type CodeActionParams,
  type DidChangeTextDocumentParams,
  type DidOpenTextDocumentParams,
  ErrorCodes,
  type HandlerResult,
  type Position,
  type Range,
  type ReferenceParams,
  type RemoteConsole,
  type RenameParams,
  ResponseError,
  type TextDocumentIdentifier,
  type TextDocumentPositionParams,
  type WillSaveTextDocumentParams,
} from 'vscode-languageserver';

type Fields = Record<string, unknown>;

export const isObject = (x: unknown): x is Fields => typeof x === 'object' && x !== null && !Array.isArray(x);

/** LSP's `uinteger`: lines and characters. */
const isUinteger = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 0;

const isPosition = (x: unknown): x is Position => isObject(x) && isUinteger(x.line) && isUinteger(x.character);

const isRange = (x: unknown): x is Range => isObject(x) && isPosition(x.start) && isPosition(x.end);

/** Any message about a document: `textDocument.uri` at least. */
function hasDocument(p: unknown): p is Fields & { textDocument: Fields & TextDocumentIdentifier } {
  return isObject(p) && isObject(p.textDocument) && typeof p.textDocument.uri === 'string';
}

export const isDocumentParams = (p: unknown): p is { textDocument: TextDocumentIdentifier } => hasDocument(p);

export const isPositionParams = (p: unknown): p is TextDocumentPositionParams => hasDocument(p) && isPosition(p.position);

export const isReferenceParams = (p: unknown): p is ReferenceParams =>
  hasDocument(p) && isPosition(p.position) && isObject(p.context) && typeof p.context.includeDeclaration === 'boolean';

export const isRenameParams = (p: unknown): p is RenameParams => hasDocument(p) && isPosition(p.position) && typeof p.newName === 'string';

export const isRangeParams = (p: unknown): p is { textDocument: TextDocumentIdentifier; range: Range } => hasDocument(p) && isRange(p.range);

export const isCodeActionParams = (p: unknown): p is CodeActionParams =>
  hasDocument(p) && isRange(p.range) && isObject(p.context) && Array.isArray(p.context.diagnostics) && p.context.diagnostics.every((d) => isObject(d) && isRange(d.range));

export const isWillSaveParams = (p: unknown): p is WillSaveTextDocumentParams => hasDocument(p) && Number.isInteger(p.reason);

export const isDidOpenParams = (p: unknown): p is DidOpenTextDocumentParams =>
  hasDocument(p) && typeof p.textDocument.languageId === 'string' && Number.isInteger(p.textDocument.version) && typeof p.textDocument.text === 'string';

export const isDidChangeParams = (p: unknown): p is DidChangeTextDocumentParams =>
  hasDocument(p) &&
  Number.isInteger(p.textDocument.version) &&
  Array.isArray(p.contentChanges) &&
  // a change is the whole text, or a range and the text that replaces it
  p.contentChanges.every((c) => isObject(c) && typeof c.text === 'string' && (c.range === undefined || isRange(c.range)));

/** For messages whose parameters the server does not read. */
export const anyParams = (_: unknown): _ is unknown => true;

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** A notification handler that drops (and logs) a malformed message and logs a failure. */
export function guardNotification<P>(console: RemoteConsole, method: string, valid: (p: unknown) => p is P, handle: (p: P) => void): (p: unknown) => void {
  return (p) => {
    if (!valid(p)) {
      console.warn(`tlbscn: ignored a malformed ${method} notification`);
      return;
    }
    try {
      handle(p);
    } catch (error) {
      console.error(`tlbscn: ${method} failed: ${describe(error)}`);
    }
  };
}

/**
 * A request handler that answers a malformed request with InvalidParams and a
 * failure with InternalError, each with a message of ours (the failure's
 * details go to the log).
 */
export function guardRequest<P, R, E = void>(
  console: RemoteConsole,
  method: string,
  valid: (p: unknown) => p is P,
  // E (an error's data) only when given: inferred, it would be read off any result with a `data` field
  handle: (p: P, token: CancellationToken) => HandlerResult<R, NoInfer<E>>,
): (p: unknown, token: CancellationToken) => Promise<R | ResponseError<NoInfer<E>>> {
  return async (p, token) => {
    if (!valid(p)) {
      console.warn(`tlbscn: rejected a malformed ${method} request`);
      return new ResponseError<never>(ErrorCodes.InvalidParams, `${method}: malformed parameters`);
    }
    try {
      return await handle(p, token);
    } catch (error) {
      console.error(`tlbscn: ${method} failed: ${describe(error)}`);
      return new ResponseError<never>(ErrorCodes.InternalError, `${method} failed in the tlbscn server (details in its log)`);
    }
  };
}

/** Runs work that no request waits for (validation, settings), logging a failure instead of letting it end the process. */
export function detached(console: RemoteConsole, what: string, work: () => Promise<void>): void {
  work().catch((error: unknown) => console.error(`tlbscn: ${what} failed: ${describe(error)}`));
}
