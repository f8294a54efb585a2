// A real LSP client for the tests and the benchmark: spawns the bundled
// server (dist/server.js, or any command that starts it) over stdio and
// speaks to it through vscode-languageserver-protocol's connection.

import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import {
  type ClientCapabilities,
  type Diagnostic,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
} from 'vscode-languageserver-protocol/node';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SERVER = path.join(ROOT, 'dist', 'server.js');

/** Builds the bundles once when they are missing (`npm test` builds first anyway). */
export function ensureBuilt(): void {
  if (!existsSync(SERVER) || !existsSync(path.join(ROOT, 'dist', 'cli.js'))) {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  }
}

export const CAPABILITIES: ClientCapabilities = {
  textDocument: {
    completion: { completionItem: { snippetSupport: true } },
    publishDiagnostics: { relatedInformation: true, versionSupport: true },
    rename: { prepareSupport: true },
    documentSymbol: { hierarchicalDocumentSymbolSupport: true },
  },
  workspace: { configuration: false },
};

export interface ClientOptions {
  /** Command and arguments; default `node dist/server.js --stdio`. */
  command?: string[];
  initializationOptions?: unknown;
  capabilities?: ClientCapabilities;
}

export class LspClient {
  readonly connection: ProtocolConnection;
  readonly process: ChildProcessWithoutNullStreams;
  /** Every publishDiagnostics received, in order. */
  readonly published: PublishDiagnosticsParams[] = [];
  private waiters: { match: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  private versions = new Map<string, number>();
  stderr = '';

  private constructor(options: ClientOptions) {
    const [cmd, ...args] = options.command ?? [process.execPath, SERVER, '--stdio'];
    this.process = spawn(cmd, args, { cwd: ROOT });
    this.process.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.connection = createProtocolConnection(new StreamMessageReader(this.process.stdout), new StreamMessageWriter(this.process.stdin));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.published.push(p);
      this.waiters = this.waiters.filter((w) => (w.match(p) ? (w.resolve(p), false) : true));
    });
    this.connection.listen();
  }

  static async start(options: ClientOptions = {}): Promise<LspClient> {
    const client = new LspClient(options);
    await client.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: options.capabilities ?? CAPABILITIES,
      initializationOptions: options.initializationOptions,
    });
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  /** Resolves with the first publishDiagnostics for `uri` at `version` (or later), past or future. */
  diagnostics(uri: string, version: number): Promise<PublishDiagnosticsParams> {
    const match = (p: PublishDiagnosticsParams) => p.uri === uri && (p.version ?? -1) >= version;
    const seen = this.published.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  /** Opens a document and waits for its diagnostics. */
  async open(uri: string, text: string): Promise<Diagnostic[]> {
    this.versions.set(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'tlbscn', version: 1, text } });
    return (await this.diagnostics(uri, 1)).diagnostics;
  }

  /** Sends incremental changes as one new version; returns that version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  /** Changes a document and waits for the diagnostics of the new version. */
  async edit(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<Diagnostic[]> {
    const version = await this.change(uri, changes);
    return (await this.diagnostics(uri, version)).diagnostics;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    try {
      await this.connection.sendRequest('shutdown');
      await this.connection.sendNotification('exit');
    } catch {
      this.process.kill();
    }
    await exited;
    this.connection.dispose();
  }
}

/**
 * A cursor fixture: `text` with one `|` marking the cursor. Returns the text
 * without the marker and the LSP position of the cursor.
 */
export function cursor(text: string): { text: string; position: { line: number; character: number } } {
  const at = text.indexOf('|');
  if (at < 0) throw new Error('fixture without a | cursor');
  const beforeLines = text.slice(0, at).split('\n');
  return {
    text: text.slice(0, at) + text.slice(at + 1),
    position: { line: beforeLines.length - 1, character: beforeLines[beforeLines.length - 1].length },
  };
}
