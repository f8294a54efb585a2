// The language server started the ways editors start it: `tlbscn lsp --stdio`
// (Neovim, Emacs, …) and the bundle over node IPC (the VS Code client).

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { fork } from 'node:child_process';
import {
  IPCMessageReader,
  IPCMessageWriter,
  InitializeRequest,
  type PublishDiagnosticsParams,
  PublishDiagnosticsNotification,
  createProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { LspClient, ROOT, SERVER, ensureBuilt } from './lspClient';

test('`tlbscn lsp --stdio` serves diagnostics', async () => {
  ensureBuilt();
  const client = await LspClient.start({ command: [process.execPath, path.join(ROOT, 'bin', 'tlbscn.js'), 'lsp', '--stdio'] });
  try {
    const ds = await client.open('file:///cli.tlbscn', 'machine cores 1 threads 2\nguest vm vcpus 1\nrun vm.vcpu0 on cpu2\n');
    assert.deepEqual(
      ds.map((d) => [d.code, d.range.start.line, d.range.start.character]),
      [
        ['vcpu-never-run', 1, 15],
        ['cpu-out-of-range', 2, 16],
      ],
    );
  } finally {
    await client.stop();
  }
});

test('the bundled server speaks node IPC, as the VS Code client starts it', async () => {
  ensureBuilt();
  const child = fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const connection = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  connection.listen();
  try {
    const published = new Promise<PublishDiagnosticsParams>((resolve) => connection.onNotification(PublishDiagnosticsNotification.type, resolve));
    const init = await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {} });
    assert.equal(init.serverInfo?.name, 'tlbscn');
    await connection.sendNotification('initialized', {});
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///ipc.tlbscn', languageId: 'tlbscn', version: 1, text: 'machin cores 1 threads 1\n' } });
    assert.deepEqual((await published).diagnostics.map((d) => d.code), ['unknown-keyword', 'missing-machine']);
  } finally {
    connection.dispose();
    child.kill();
  }
});
