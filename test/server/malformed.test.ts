// Issue 13, "nothing crashes": a malformed message is logged and dropped (a
// notification) or answered with InvalidParams (a request), and the server
// goes on; no error a client sees carries a raw TypeError or RangeError text.

import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ClientCapabilities, Diagnostic, LogMessageParams } from 'vscode-languageserver-protocol';
import { LspClient, ensureBuilt } from './lspClient';

let client: LspClient;
const logs: LogMessageParams[] = [];
const uri = 'file:///malformed/doc.tlbscn';
const text = 'machine cores 1 threads 1\nguest vm vcpus 1\nrun vm.vcpu3 on cpu0\n';

before(async () => {
  ensureBuilt();
  client = await LspClient.start();
  client.connection.onNotification('window/logMessage', (p: LogMessageParams) => logs.push(p));
});
after(async () => {
  await client.stop();
});

/** The server still answers, and validates a document. */
async function stillServing(): Promise<void> {
  assert.equal(client.process.exitCode, null, client.stderr);
  const ds: Diagnostic[] = await client.open(`file:///malformed/check${logs.length}.tlbscn`, text);
  assert.deepEqual(
    ds.map((d) => d.code),
    ['vcpu-out-of-range'],
  );
}

describe('malformed notifications are logged and dropped', () => {
  const cases: [string, string, unknown][] = [
    ['didOpen without text', 'textDocument/didOpen', { textDocument: { uri, languageId: 'tlbscn', version: 1 } }],
    ['didOpen without version', 'textDocument/didOpen', { textDocument: { uri, languageId: 'tlbscn', text } }],
    ['didOpen with a number for text', 'textDocument/didOpen', { textDocument: { uri, languageId: 'tlbscn', version: 1, text: 42 } }],
    ['didOpen without params', 'textDocument/didOpen', null],
    ['didChange without version', 'textDocument/didChange', { textDocument: { uri }, contentChanges: [{ text: 'x' }] }],
    ['didChange with a change that has no text', 'textDocument/didChange', { textDocument: { uri, version: 9 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } }] }],
    ['didChange with a negative position', 'textDocument/didChange', { textDocument: { uri, version: 9 }, contentChanges: [{ range: { start: { line: -1, character: 0 }, end: { line: 0, character: 1 } }, text: 'x' }] }],
    ['didChange with changes that are not a list', 'textDocument/didChange', { textDocument: { uri, version: 9 }, contentChanges: 'x' }],
    ['didClose without a document', 'textDocument/didClose', {}],
    ['didSave with a number for the document', 'textDocument/didSave', { textDocument: 7 }],
  ];
  for (const [name, method, params] of cases) {
    test(name, async () => {
      const before = logs.length;
      await client.connection.sendNotification(method, params);
      await stillServing();
      assert.ok(
        logs.slice(before).some((l) => l.message === `tlbscn: ignored a malformed ${method} notification`),
        JSON.stringify(logs.slice(before)),
      );
    });
  }

  test('the document opened after a malformed didOpen of the same uri is served', async () => {
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'tlbscn', version: 1 } });
    assert.deepEqual((await client.open(uri, text)).map((d) => d.code), ['vcpu-out-of-range']);
  });

  test('settings of the wrong types are ignored', async () => {
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { tlbscn: { kernel: 5, diagnostics: 'off' } } });
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { tlbscn: { diagnostics: { run: 'yes' } } } });
    await stillServing();
  });
});

describe('malformed requests are answered with InvalidParams', () => {
  const position = { line: 0, character: 0 };
  const cases: [string, string, unknown][] = [
    ['hover without a position', 'textDocument/hover', { textDocument: { uri } }],
    ['completion with a null position', 'textDocument/completion', { textDocument: { uri }, position: null }],
    ['completion at a fractional line', 'textDocument/completion', { textDocument: { uri }, position: { line: 0.5, character: 0 } }],
    ['definition of a document that is a string', 'textDocument/definition', { textDocument: uri, position }],
    ['references without a context', 'textDocument/references', { textDocument: { uri }, position }],
    ['rename without a new name', 'textDocument/rename', { textDocument: { uri }, position }],
    ['code actions for a diagnostic without a range', 'textDocument/codeAction', { textDocument: { uri }, range: { start: position, end: position }, context: { diagnostics: [{ message: 'x' }] } }],
    ['code actions without a range', 'textDocument/codeAction', { textDocument: { uri }, context: { diagnostics: [] } }],
    ['symbols without params', 'textDocument/documentSymbol', null],
    ['semantic tokens with params by position', 'textDocument/semanticTokens/full', [1, 2]],
  ];
  for (const [name, method, params] of cases) {
    test(name, async () => {
      await assert.rejects(client.request(method, params), (e: { code: number; message: string }) => {
        assert.equal(e.code, -32602);
        // params by position are refused by vscode-jsonrpc itself, with its own words
        assert.ok(e.message === `${method}: malformed parameters` || /received parameters by position$/.test(e.message), e.message);
        return true;
      });
      await stillServing();
    });
  }

  test('a request about a document never opened gets an empty answer', async () => {
    assert.equal(await client.request('textDocument/hover', { textDocument: { uri: 'file:///never.tlbscn' }, position: { line: 0, character: 0 } }), null);
  });

  test('no error reply or log line quotes a TypeError or RangeError', () => {
    assert.ok(!logs.some((l) => /TypeError|RangeError/.test(l.message)), JSON.stringify(logs));
    assert.equal(client.stderr, '');
  });
});

test('initialize with capabilities and options that are not objects', async () => {
  const odd = await LspClient.start({ capabilities: 5 as unknown as ClientCapabilities, initializationOptions: 'fixed' });
  try {
    assert.deepEqual((await odd.open(uri, text)).map((d) => d.code), ['vcpu-out-of-range']);
  } finally {
    await odd.stop();
  }
});
