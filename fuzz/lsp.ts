// The lsp target: the bundled language server (dist/server.js) over stdio.
// A generated value is a session: open a scenario, then random incremental
// edits and every request the server advertises at random positions. Laws:
//  - the server never exits, never logs a failure, never answers InternalError;
//  - it answers each request within `timeoutMs`;
//  - every range, folding range and semantic token it answers lies inside the
//    document it answered for;
//  - after the edits, the diagnostics it publishes are those it publishes for
//    the final text opened fresh.
// An input is one edit, one request, or the opening of a document.

import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { type Diagnostic, type InitializeResult, type ServerCapabilities, StreamMessageReader, StreamMessageWriter, createProtocolConnection } from 'vscode-languageserver-protocol/node';
import { LspClient, SERVER } from '../test/server/lspClient';
import { type Budget, Finding, type Target, within } from './engine';
import { type Edit, applyEdit, edit, scenarioText, showEdits } from './inputs';

/** What the server's initialize result advertises, from a server started only to ask. */
async function advertised(): Promise<ServerCapabilities> {
  const child = spawn(process.execPath, [SERVER, '--stdio']);
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.listen();
  try {
    const result = (await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} })) as InitializeResult;
    return result.capabilities;
  } finally {
    connection.dispose();
    child.kill();
  }
}

type Position = { line: number; character: number };

interface Context {
  uri: string;
  position: Position;
  /** The document's diagnostics as last published (code actions are asked for them). */
  diagnostics: Diagnostic[];
  choice: Choice;
}

interface Choice {
  includeDeclaration: boolean;
  newName: string;
}

/** The requests behind each capability the server may advertise. */
const REQUESTS: Record<string, { method: string; params: (c: Context) => unknown }[]> = {
  completionProvider: [{ method: 'textDocument/completion', params: (c) => ({ textDocument: { uri: c.uri }, position: c.position, context: { triggerKind: 1 } }) }],
  hoverProvider: [{ method: 'textDocument/hover', params: (c) => ({ textDocument: { uri: c.uri }, position: c.position }) }],
  definitionProvider: [{ method: 'textDocument/definition', params: (c) => ({ textDocument: { uri: c.uri }, position: c.position }) }],
  referencesProvider: [
    { method: 'textDocument/references', params: (c) => ({ textDocument: { uri: c.uri }, position: c.position, context: { includeDeclaration: c.choice.includeDeclaration } }) },
  ],
  documentHighlightProvider: [{ method: 'textDocument/documentHighlight', params: (c) => ({ textDocument: { uri: c.uri }, position: c.position }) }],
  renameProvider: [
    { method: 'textDocument/prepareRename', params: (c) => ({ textDocument: { uri: c.uri }, position: c.position }) },
    { method: 'textDocument/rename', params: (c) => ({ textDocument: { uri: c.uri }, position: c.position, newName: c.choice.newName }) },
  ],
  documentSymbolProvider: [{ method: 'textDocument/documentSymbol', params: (c) => ({ textDocument: { uri: c.uri } }) }],
  foldingRangeProvider: [{ method: 'textDocument/foldingRange', params: (c) => ({ textDocument: { uri: c.uri } }) }],
  documentFormattingProvider: [{ method: 'textDocument/formatting', params: (c) => ({ textDocument: { uri: c.uri }, options: { tabSize: 2, insertSpaces: true } }) }],
  codeActionProvider: [
    { method: 'textDocument/codeAction', params: (c) => ({ textDocument: { uri: c.uri }, range: { start: c.position, end: c.position }, context: { diagnostics: c.diagnostics } }) },
  ],
  semanticTokensProvider: [{ method: 'textDocument/semanticTokens/full', params: (c) => ({ textDocument: { uri: c.uri } }) }],
  // the hints of the lines from the top to the fuzzed position (their range may reach past the end)
  inlayHintProvider: [{ method: 'textDocument/inlayHint', params: (c) => ({ textDocument: { uri: c.uri }, range: { start: { line: 0, character: 0 }, end: c.position } }) }],
};

/** Capabilities that are not requests. */
const NOT_REQUESTS = new Set(['textDocumentSync']);

type Action = { kind: 'edit'; edit: Edit } | { kind: 'request'; request: number; line: number; character: number; choice: Choice };

interface LspInput {
  text: string;
  actions: Action[];
}

const lineTexts = (text: string) => text.split(/\r\n|\r|\n/);

const inside = (p: Position, lines: string[]) => p.line < lines.length && p.character <= lines[p.line].length;

/** Where an answer points outside the document it was given for, if anywhere. */
function outside(result: unknown, text: string): string | undefined {
  const lines = lineTexts(text);
  const valid = (p: Position) => inside(p, lines);
  const isPosition = (x: unknown): x is Position => typeof x === 'object' && x !== null && typeof (x as Position).line === 'number' && typeof (x as Position).character === 'number';
  let found: string | undefined;
  const visit = (x: unknown): void => {
    if (found || typeof x !== 'object' || x === null) return;
    const o = x as Record<string, unknown>;
    if (isPosition(o.start) && isPosition(o.end) && (!valid(o.start) || !valid(o.end))) found = `range ${JSON.stringify({ start: o.start, end: o.end })}`;
    if (typeof o.startLine === 'number' && typeof o.endLine === 'number' && (o.startLine > o.endLine || o.endLine >= lines.length)) found = `folding range ${o.startLine}-${o.endLine}`;
    for (const v of Object.values(o)) visit(v);
  };
  visit(result);
  // semantic tokens: (deltaLine, deltaStart, length, type, modifiers) quintuples
  const data = (result as { data?: unknown } | null)?.data;
  if (!found && Array.isArray(data)) {
    let line = 0;
    let start = 0;
    for (let i = 0; i + 4 < data.length; i += 5) {
      line += data[i] as number;
      start = (data[i] === 0 ? start : 0) + (data[i + 1] as number);
      if (line >= lines.length || start + (data[i + 2] as number) > lines[line].length) return `semantic token at ${line}:${start} length ${data[i + 2]}`;
    }
  }
  return found;
}

/** Diagnostics as published, the document's uri taken out of related locations (a fresh document has another). */
const comparable = (ds: Diagnostic[]) => ds.map((d) => ({ ...d, relatedInformation: d.relatedInformation?.map((r) => ({ message: r.message, range: r.location.range })) }));

export async function lspTarget(timeoutMs = 5000): Promise<Target<LspInput>> {
  const capabilities = await advertised();
  const requests = Object.entries(capabilities).flatMap(([capability, value]) => {
    if (NOT_REQUESTS.has(capability) || !value) return [];
    const known = REQUESTS[capability];
    if (!known) throw new Error(`the server advertises ${capability}, which the lsp target does not fuzz yet`);
    return known;
  });

  let client: LspClient | undefined;
  let exited: string | undefined;
  let logged: string | undefined;
  let documents = 0;

  async function server(): Promise<LspClient> {
    if (client && exited === undefined) return client;
    exited = undefined;
    const started = await within(timeoutMs, 'starting the server', LspClient.start());
    started.process.once('exit', (code, signal) => (exited = `the server exited (${signal ?? code})`));
    // guard.ts logs every failing handler as an error: a crash the client would not otherwise see
    started.connection.onNotification('window/logMessage', (p: { type: number; message: string }) => {
      if (p.type === 1) logged ??= p.message;
    });
    return (client = started);
  }

  /** Kills a server that stopped answering: the next session starts another. */
  function abandon(): void {
    client?.process.kill();
    client = undefined;
  }

  function alive(): void {
    if (exited !== undefined) throw new Finding('crash', 'the server exited', `${exited}\n${client?.stderr ?? ''}`);
    if (logged !== undefined) {
      const message = logged;
      logged = undefined;
      throw new Finding('crash', `the server logged a failure: ${message.split('\n')[0]}`, message);
    }
  }

  async function session(c: LspClient, input: LspInput, budget: Budget): Promise<void> {
    c.published.length = 0;
    const uri = `file:///fuzz/doc${++documents}.tlbscn`;
    budget.spend();
    await within(timeoutMs, 'diagnostics of a document just opened', c.open(uri, input.text));
    let text = input.text;
    let version = 1;
    for (const action of input.actions) {
      if (!budget.left) break;
      budget.spend();
      if (action.kind === 'edit') {
        const change = applyEdit(text, action.edit);
        text = change.after;
        version = await c.change(uri, [{ range: change.range, text: change.text }]);
      } else {
        const request = requests[action.request % requests.length];
        const lines = lineTexts(text);
        const line = Math.floor(action.line * lines.length);
        const position = { line, character: Math.floor(action.character * ((lines[line]?.length ?? 0) + 1)) };
        // as an editor does: the code actions of the diagnostics of this version
        const diagnostics = request.method === 'textDocument/codeAction' ? (await within(timeoutMs, 'diagnostics after an edit', c.diagnostics(uri, version))).diagnostics : [];
        const params = request.params({ uri, position, diagnostics, choice: action.choice });
        const answer = await within(
          timeoutMs,
          request.method,
          c.request(request.method, params).then(
            (result) => ({ result }),
            (error: { code?: number; message?: string }) => ({ error }),
          ),
        );
        alive();
        if ('error' in answer) {
          // InternalError is what guard.ts answers when a handler throws
          if (answer.error.code === -32603) throw new Finding('crash', `${request.method} answered InternalError`, `${answer.error.message} at ${JSON.stringify(position)}`);
        } else {
          // an answer to a position past the end of its line or document may echo it (LSP: the client reads it as the end)
          const where = inside(position, lines) ? outside(answer.result, text) : undefined;
          if (where) throw new Finding('disagreement', `${request.method} answered a place outside the document`, `${where} for ${JSON.stringify(position)}`);
        }
      }
    }
    const incremental = (await within(timeoutMs, 'diagnostics after the edits', c.diagnostics(uri, version))).diagnostics;
    const freshUri = `file:///fuzz/doc${++documents}.tlbscn`;
    const fresh = await within(timeoutMs, 'diagnostics of the final text opened fresh', c.open(freshUri, text));
    alive();
    for (const u of [uri, freshUri]) await c.connection.sendNotification('textDocument/didClose', { textDocument: { uri: u } });
    if (JSON.stringify(comparable(incremental)) !== JSON.stringify(comparable(fresh))) {
      throw new Finding(
        'disagreement',
        'diagnostics after incremental edits differ from those of the final text opened fresh',
        `incremental: ${JSON.stringify(incremental.map((d) => [d.code, d.range]))}\nfresh: ${JSON.stringify(fresh.map((d) => [d.code, d.range]))}`,
      );
    }
  }

  const action: fc.Arbitrary<Action> = fc.oneof(
    edit.map((e) => ({ kind: 'edit' as const, edit: e })),
    fc.record({
      kind: fc.constant('request' as const),
      request: fc.nat(requests.length - 1),
      // fractions of the lines and of the line; past 1, a place past the end of the document or the line
      line: fc.double({ min: 0, max: 1.1, noNaN: true }),
      character: fc.double({ min: 0, max: 1.3, noNaN: true }),
      choice: fc.record({ includeDeclaration: fc.boolean(), newName: fc.constantFrom('Y', 'vm2', 'two words', '', 'cpu0', 'p', 'é') }),
    }),
  );

  return {
    name: 'lsp',
    arbitrary: fc.record({ text: scenarioText, actions: fc.array(action, { minLength: 1, maxLength: 60 }) }),
    inputsPerValue: 20,
    async run(input, budget) {
      const c = await server();
      try {
        await session(c, input, budget);
      } catch (e) {
        if (e instanceof Finding && e.kind === 'hang') abandon();
        throw e;
      }
      alive();
    },
    show: (input) =>
      [
        'text:',
        input.text,
        'actions:',
        ...input.actions.map((a) =>
          a.kind === 'edit'
            ? showEdits([a.edit])
            : `  ${requests[a.request % requests.length].method} at line fraction ${a.line.toFixed(4)}, character fraction ${a.character.toFixed(4)} ${JSON.stringify(a.choice)}`,
        ),
      ].join('\n'),
    notes: () => [`requests fuzzed: ${requests.map((r) => r.method.replace('textDocument/', '')).join(', ')}`],
    async close() {
      if (client && exited === undefined) await within(timeoutMs, 'shutdown', client.stop()).catch(() => abandon());
    },
  };
}
