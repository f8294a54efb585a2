// LSP counts '\r\n', '\r' and '\n' each as one line end: every position the
// server sends and reads must count lines the same way, whatever ends the
// lines of a document (old Mac files end them with a lone '\r').

import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { CodeAction, CompletionItem, Diagnostic, DocumentSymbol, FoldingRange, Hover, Location, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient, ensureBuilt } from './lspClient';

let client: LspClient;
let docCount = 0;
const newUri = () => `file:///line-ends/doc${++docCount}.tlbscn`;

before(async () => {
  ensureBuilt();
  client = await LspClient.start({ initializationOptions: { kernel: 'buggy' } });
});
after(async () => {
  await client.stop();
});

const LINES = [
  'machine cores 2 threads 4',
  'guest vm radix vcpus 2',
  'task X in vm pages A B',
  'run vm.vcpu0 on cpu0',
  'schedule X on vm.vcpu0',
  'concurrently {',
  '  cpu1: run vm.vcpu1 on cpu1',
  '}',
  'access X Q',
  'access X ',
];
const ENDINGS: [string, (i: number) => string][] = [
  ['\\r', () => '\r'],
  ['\\r\\n', () => '\r\n'],
  ['mixed', (i) => ['\r', '\n', '\r\n'][i % 3]],
];
const join = (lines: string[], end: (i: number) => string) => lines.map((l, i) => l + end(i)).join('');

for (const [name, end] of ENDINGS) {
  describe(`lines ended by ${name}`, () => {
    const text = join(LINES, end);
    let uri: string;
    let diagnostics: Diagnostic[];
    before(async () => {
      uri = newUri();
      diagnostics = await client.open(uri, text);
    });

    test('diagnostics', () => {
      const page = diagnostics.find((d) => d.code === 'undeclared-page');
      assert.deepEqual(page?.range, { start: { line: 8, character: 9 }, end: { line: 8, character: 10 } });
    });

    test('completion', async () => {
      const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 9, character: 9 } });
      assert.deepEqual(
        items.map((i) => i.label),
        ['A', 'B'],
      );
    });

    test('hover', async () => {
      const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 9 } });
      assert.deepEqual(hover.range, { start: { line: 6, character: 8 }, end: { line: 6, character: 11 } });
    });

    test('definition', async () => {
      const at = await client.request<Location>('textDocument/definition', { textDocument: { uri }, position: { line: 4, character: 9 } });
      assert.deepEqual(at.range, { start: { line: 2, character: 5 }, end: { line: 2, character: 6 } });
    });

    test('outline and folding', async () => {
      const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
      const block = symbols.find((s) => s.name === 'concurrently')!;
      assert.deepEqual([block.range.start.line, block.range.end.line], [5, 7]);
      const folds = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
      assert.deepEqual(folds.map((f) => [f.startLine, f.endLine]), [[5, 6]]);
    });

    test('formatting changes the code, never the line ends', async () => {
      const messy = join(['machine   cores 2 threads 4', 'guest vm vcpus 1  ', 'concurrently {', 'cpu0:run vm.vcpu0 on cpu0', '}'], end);
      const doc = newUri();
      await client.open(doc, messy);
      const edits = await client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri: doc }, options: { tabSize: 2, insertSpaces: true } });
      const formatted = TextDocument.applyEdits(TextDocument.create(doc, 'tlbscn', 1, messy), edits);
      assert.equal(formatted, join(['machine cores 2 threads 4', 'guest vm vcpus 1', 'concurrently {', '  cpu0: run vm.vcpu0 on cpu0', '}'], end));
    });

    test('an edit at a client position lands where the client put it', async () => {
      const doc = newUri();
      await client.open(doc, text);
      const ds = await client.edit(doc, [{ range: { start: { line: 8, character: 9 }, end: { line: 8, character: 10 } }, text: 'B' }]);
      assert.ok(!ds.some((d) => d.code === 'undeclared-page'), JSON.stringify(ds));
    });

    test('a kernel line inserted by a quick fix ends as the file’s lines do', async () => {
      const doc = newUri();
      const stale = join(['machine cores 2 threads 4', 'guest vm radix vcpus 2', 'task X in vm pages p', 'run vm.vcpu0 on cpu0', 'run vm.vcpu1 on cpu1', 'schedule X on vm.vcpu0', 'access X p', 'stop vm.vcpu0', 'run vm.vcpu0 on cpu4', 'access X p', 'unmap X p', 'schedule X on vm.vcpu1', 'access X p'], end);
      const d = (await client.open(doc, stale)).find((x) => x.code === 'stale-access');
      assert.deepEqual(d?.range.start, { line: 12, character: 0 });
      const [fix] = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: doc }, range: d!.range, context: { diagnostics: [d] } });
      const edit = fix.edit!.changes![doc][0];
      assert.deepEqual(edit, { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, newText: `kernel fixed${end(0)}` });
    });
  });
}
