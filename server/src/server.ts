// The tlbscn language server: wires the language service (service/*.ts, pure
// functions of a document's analysis) to an LSP connection. Started as
// `tlbscn lsp --stdio`, as `node dist/server.js --stdio`, or over node IPC by
// the VS Code client; createConnection picks the transport from argv.

import {
  type Connection,
  type Diagnostic,
  DidChangeConfigurationNotification,
  type InitializeError,
  type InitializeParams,
  type InitializeResult,
  ProposedFeatures,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { type RunResult, resolveKernel } from '../../core/src/index';
import {
  anyParams,
  detached,
  guardNotification,
  guardRequest,
  isCodeActionParams,
  isDidChangeParams,
  isDidOpenParams,
  isDocumentParams,
  isObject,
  isPositionParams,
  isRangeParams,
  isReferenceParams,
  isRenameParams,
  isWillSaveParams,
} from './guard';
import { DEFAULT_SETTINGS, type SettingsInput, type TlbscnSettings } from './protocol';
import { Analysis } from './service/analysis';
import { codeActions } from './service/codeActions';
import { doComplete } from './service/completion';
import { RunMemo, finishDiagnostics, frontEndDiagnostics, runDiagnostics, runScenario } from './service/diagnostics';
import { foldingRanges } from './service/folding';
import { formatDocument } from './service/formatting';
import { inlayHints } from './service/inlayHints';
import { doHover } from './service/hover';
import { doRename, findDefinition, findDocumentHighlights, findReferences, prepareRename } from './service/navigation';
import { SEMANTIC_TOKENS_LEGEND, semanticTokens } from './service/semanticTokens';
import { documentSymbols } from './service/symbols';

const connection: Connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);

let settings: TlbscnSettings = DEFAULT_SETTINGS;
let initializationSettings: SettingsInput | undefined;
let clientPullsConfiguration = false;
let clientRegistersConfiguration = false;
let clientSnippets = false;
let clientRefreshesInlayHints = false;

/** Merges what a client sent over the defaults; an unknown kernel name, or a value of the wrong type, is ignored. */
function readSettings(input: SettingsInput | undefined): TlbscnSettings {
  const kernel = typeof input?.kernel === 'string' ? resolveKernel(input.kernel)?.name : undefined;
  const run = isObject(input?.diagnostics) ? input.diagnostics.run : undefined;
  return { kernel: kernel ?? DEFAULT_SETTINGS.kernel, diagnostics: { run: typeof run === 'boolean' ? run : DEFAULT_SETTINGS.diagnostics.run } };
}

// ---- analyses: one per open document, for its latest version ---------------

const analyses = new Map<string, Analysis>();

function analysisOf(doc: TextDocument): Analysis {
  const cached = analyses.get(doc.uri);
  if (cached?.version === doc.version) return cached;
  const fresh = new Analysis(doc.getText(), doc.version, cached);
  analyses.set(doc.uri, fresh);
  return fresh;
}

function withDocument<T>(uri: string, f: (analysis: Analysis) => T): T | undefined {
  const doc = documents.get(uri);
  return doc ? f(analysisOf(doc)) : undefined;
}

// ---- diagnostics as you type ------------------------------------------------
// Validation runs off the message queue: it starts on the next turn of the
// event loop, and the run yields every few milliseconds, so requests are
// answered in between and a newer edit stops the run of an older version
// (the newer version is validated instead). No debounce: one edit's
// diagnostics come as soon as they are computed.

const scheduled = new Set<string>();
const generations = new Map<string, number>();
/** Per document: checkpoints of its last run, so an edit re-runs only what follows it. */
const runMemos = new Map<string, RunMemo>();
/** Per document: the last run as you type, and the version it ran; the inlay hints read it. */
const lastRuns = new Map<string, { version: number; run: RunResult }>();

function scheduleValidation(uri: string): void {
  if (scheduled.has(uri)) return; // the pending validation will read the latest version
  scheduled.add(uri);
  setImmediate(() => {
    scheduled.delete(uri);
    detached(connection.console, `validating ${uri}`, () => validate(uri));
  });
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function validate(uri: string): Promise<void> {
  const doc = documents.get(uri);
  if (!doc) return;
  const version = doc.version;
  // a newer validation of the same document (a newer edit, or new settings) wins
  const generation = (generations.get(uri) ?? 0) + 1;
  generations.set(uri, generation);
  const current = (): boolean => generations.get(uri) === generation && documents.get(uri)?.version === version;
  const analysis = analysisOf(doc);
  const diagnostics: Diagnostic[] = frontEndDiagnostics(analysis, uri);
  if (settings.diagnostics.run) {
    let memo = runMemos.get(uri);
    if (!memo) runMemos.set(uri, (memo = new RunMemo()));
    const run = await runScenario(
      analysis,
      settings.kernel,
      async () => {
        await nextTurn();
        return current();
      },
      memo,
    );
    if (run) diagnostics.push(...runDiagnostics(analysis, run, uri));
    if (run && current()) {
      lastRuns.set(uri, { version, run });
      // hints asked for before this run came were empty: the client asks again
      if (clientRefreshesInlayHints) void connection.languages.inlayHint.refresh().catch(() => undefined);
    }
  }
  if (!current()) return;
  void connection.sendDiagnostics({ uri, version, diagnostics: finishDiagnostics(diagnostics) });
}

async function refreshSettings(pushed?: SettingsInput): Promise<void> {
  if (clientPullsConfiguration) {
    // a client without a `tlbscn` section answers null: keep what initialize gave
    const pulled = (await connection.workspace.getConfiguration({ section: 'tlbscn' }).catch(() => null)) as SettingsInput | null;
    settings = readSettings({ ...initializationSettings, ...pulled });
  } else if (pushed) {
    settings = readSettings(pushed);
  }
  for (const doc of documents.all()) scheduleValidation(doc.uri);
}

// ---- wiring ------------------------------------------------------------------
// Every handler goes through guard.ts: a malformed message is logged and
// dropped (or answered with InvalidParams), a failing handler is logged.

const log = connection.console;

connection.onInitialize(
  guardRequest<Record<string, unknown>, InitializeResult, InitializeError>(log, 'initialize', isObject, (params) => {
    // a client may leave out what it does not support
    const caps: InitializeParams['capabilities'] = isObject(params.capabilities) ? params.capabilities : {};
    clientPullsConfiguration = !!caps.workspace?.configuration;
    clientRegistersConfiguration = !!caps.workspace?.didChangeConfiguration?.dynamicRegistration;
    clientSnippets = !!caps.textDocument?.completion?.completionItem?.snippetSupport;
    clientRefreshesInlayHints = !!caps.workspace?.inlayHint?.refreshSupport;
    initializationSettings = isObject(params.initializationOptions) ? (params.initializationOptions as SettingsInput) : undefined;
    settings = readSettings(initializationSettings);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: [' ', '.', ':'] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        documentFormattingProvider: true,
        codeActionProvider: { codeActionKinds: ['quickfix'] },
        semanticTokensProvider: { legend: SEMANTIC_TOKENS_LEGEND, full: true },
        inlayHintProvider: true,
      },
      serverInfo: { name: 'tlbscn' },
    };
  }),
);

connection.onInitialized(
  guardNotification(log, 'initialized', anyParams, () => {
    if (clientRegistersConfiguration) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'tlbscn' }).catch(() => undefined);
    }
    if (clientPullsConfiguration) detached(log, 'reading the settings', () => refreshSettings());
  }),
);

connection.onDidChangeConfiguration(
  guardNotification(log, 'workspace/didChangeConfiguration', isObject, (params) => {
    const pushed = isObject(params.settings) && isObject(params.settings.tlbscn) ? (params.settings.tlbscn as SettingsInput) : undefined;
    detached(log, 'reading the settings', () => refreshSettings(pushed));
  }),
);

documents.onDidChangeContent((e) => scheduleValidation(e.document.uri));
documents.onDidClose((e) => {
  analyses.delete(e.document.uri);
  generations.delete(e.document.uri);
  runMemos.delete(e.document.uri);
  lastRuns.delete(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onCompletion(guardRequest(log, 'textDocument/completion', isPositionParams, (p) => withDocument(p.textDocument.uri, (a) => doComplete(a, p.position, { snippets: clientSnippets })) ?? []));
connection.onHover(guardRequest(log, 'textDocument/hover', isPositionParams, (p) => withDocument(p.textDocument.uri, (a) => doHover(a, p.position)) ?? null));
connection.onDefinition(guardRequest(log, 'textDocument/definition', isPositionParams, (p) => withDocument(p.textDocument.uri, (a) => findDefinition(a, p.textDocument.uri, p.position)) ?? null));
connection.onReferences(
  guardRequest(log, 'textDocument/references', isReferenceParams, (p) => withDocument(p.textDocument.uri, (a) => findReferences(a, p.textDocument.uri, p.position, p.context.includeDeclaration)) ?? []),
);
connection.onDocumentHighlight(guardRequest(log, 'textDocument/documentHighlight', isPositionParams, (p) => withDocument(p.textDocument.uri, (a) => findDocumentHighlights(a, p.position)) ?? []));
connection.onPrepareRename(guardRequest(log, 'textDocument/prepareRename', isPositionParams, (p) => withDocument(p.textDocument.uri, (a) => prepareRename(a, p.position)) ?? null));
connection.onRenameRequest(guardRequest(log, 'textDocument/rename', isRenameParams, (p) => withDocument(p.textDocument.uri, (a) => doRename(a, p.textDocument.uri, p.position, p.newName)) ?? null));
connection.onDocumentSymbol(guardRequest(log, 'textDocument/documentSymbol', isDocumentParams, (p) => withDocument(p.textDocument.uri, documentSymbols) ?? []));
connection.onFoldingRanges(guardRequest(log, 'textDocument/foldingRange', isDocumentParams, (p) => withDocument(p.textDocument.uri, foldingRanges) ?? []));
connection.onDocumentFormatting(guardRequest(log, 'textDocument/formatting', isDocumentParams, (p) => withDocument(p.textDocument.uri, formatDocument) ?? []));
connection.languages.semanticTokens.on(guardRequest(log, 'textDocument/semanticTokens/full', isDocumentParams, (p) => withDocument(p.textDocument.uri, semanticTokens) ?? { data: [] }));
// the outcomes of the run as you type, once it has run this version (never a run of their own; none in Restricted Mode, where nothing runs)
connection.languages.inlayHint.on(
  guardRequest(log, 'textDocument/inlayHint', isRangeParams, (p) => {
    const last = lastRuns.get(p.textDocument.uri);
    if (!settings.diagnostics.run) return [];
    return withDocument(p.textDocument.uri, (a) => (last?.version === a.version ? inlayHints(a, last.run, p.range) : [])) ?? [];
  }),
);
connection.onCodeAction(
  guardRequest(log, 'textDocument/codeAction', isCodeActionParams, (p, token) => {
    const uri = p.textDocument.uri;
    return (
      withDocument(uri, (a) => {
        // "Show the fix" runs the file under other kernels: it yields like validation, and gives up on a cancelled request or a newer version
        const pause = async (): Promise<boolean> => {
          await nextTurn();
          return !token.isCancellationRequested && documents.get(uri)?.version === a.version;
        };
        // "Show the fix" runs the file: with run diagnostics off (Restricted Mode turns them off) nothing runs, whatever a client asks
        const asked = settings.diagnostics.run ? p.context.diagnostics : p.context.diagnostics.filter((d) => d.code !== 'stale-access');
        return codeActions(a, uri, asked, pause);
      }) ?? []
    );
  }),
);

// The document store reads the sync notifications through the same guards.
documents.listen({
  onDidOpenTextDocument: (h) => connection.onDidOpenTextDocument(guardNotification(log, 'textDocument/didOpen', isDidOpenParams, h)),
  onDidChangeTextDocument: (h) => connection.onDidChangeTextDocument(guardNotification(log, 'textDocument/didChange', isDidChangeParams, h)),
  onDidCloseTextDocument: (h) => connection.onDidCloseTextDocument(guardNotification(log, 'textDocument/didClose', isDocumentParams, h)),
  onWillSaveTextDocument: (h) => connection.onWillSaveTextDocument(guardNotification(log, 'textDocument/willSave', isWillSaveParams, h)),
  onWillSaveTextDocumentWaitUntil: (h) => connection.onWillSaveTextDocumentWaitUntil(guardRequest(log, 'textDocument/willSaveWaitUntil', isWillSaveParams, h)),
  onDidSaveTextDocument: (h) => connection.onDidSaveTextDocument(guardNotification(log, 'textDocument/didSave', isDocumentParams, h)),
});
connection.listen();
