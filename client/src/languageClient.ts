// Starts the bundled language server (dist/server.js) over node IPC. The
// client id `tlbscn` makes vscode-languageclient honour `tlbscn.trace.server`.

import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { LANGUAGE_ID } from './scenarios';

export async function startLanguageClient(context: vscode.ExtensionContext): Promise<LanguageClient> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: LANGUAGE_ID }],
    // The server reads tlbscn.kernel and tlbscn.diagnostics.run through workspace/configuration.
    synchronize: { configurationSection: 'tlbscn' },
  };
  const client = new LanguageClient('tlbscn', 'tlbscn language server', serverOptions, clientOptions);
  await client.start();
  return client;
}
