// Starts the bundled language server (dist/server.js) over node IPC. The
// client id `tlbscn` makes vscode-languageclient honour `tlbscn.trace.server`.
// The settings reach the server through the client, which is where
// Restricted Mode turns run-as-you-type off (bounds.ts): in initializationOptions,
// so that no run starts before the server first asks, and in every answer to
// its workspace/configuration requests after that.

import * as vscode from 'vscode';
import { DidChangeConfigurationNotification, LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { serverSettings } from './bounds';
import { LANGUAGE_ID } from './scenarios';

const SECTION = 'tlbscn';

export async function startLanguageClient(context: vscode.ExtensionContext): Promise<LanguageClient> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: LANGUAGE_ID }],
    initializationOptions: serverSettings(undefined, vscode.workspace.isTrusted),
    // The server reads tlbscn.kernel and tlbscn.diagnostics.run through workspace/configuration.
    synchronize: { configurationSection: SECTION },
    middleware: {
      workspace: {
        configuration: async (params, token, next) => {
          const answer = await next(params, token);
          if (!Array.isArray(answer)) return answer;
          return answer.map((value: unknown, i) => (params.items[i]?.section === SECTION ? serverSettings(value, vscode.workspace.isTrusted) : value));
        },
      },
    },
  };
  const client = new LanguageClient('tlbscn', 'tlbscn language server', serverOptions, clientOptions);
  // Trust is granted once and never taken back without a reload: the server asks for its settings again, now unrestricted.
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => void client.sendNotification(DidChangeConfigurationNotification.type, { settings: null })),
  );
  await client.start();
  return client;
}
