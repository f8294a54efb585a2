// Issue 13, "nothing lies": what the server publishes after an edit (its
// analysis re-parsed from the first changed line, its run resumed from a
// checkpoint) is what it publishes for the same text opened fresh.

import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type { Diagnostic, TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient, ROOT, ensureBuilt } from './lspClient';

/** Every scenario under sample-scenarios/, subfolders included. */
function scenarios(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return scenarios(p);
    return name.endsWith('.tlbscn') ? [readFileSync(p, 'utf8')] : [];
  });
}
const samples = scenarios(path.join(ROOT, 'sample-scenarios'));

let client: LspClient;
let docCount = 0;
const newUri = () => `file:///incremental/doc${++docCount}.tlbscn`;

before(async () => {
  ensureBuilt();
  client = await LspClient.start();
});
after(async () => {
  await client.stop();
});

/** Diagnostics as published, with the document's uri taken out of related locations (the two documents differ only there). */
const comparable = (ds: Diagnostic[]) =>
  ds.map((d) => ({ ...d, relatedInformation: d.relatedInformation?.map((r) => ({ message: r.message, range: r.location.range })) }));

/** Applies `changes` to the open document `uri` (holding `text`), opens the result fresh, and compares what each got. */
async function sameAsFresh(uri: string, text: string, changes: TextDocumentContentChangeEvent[]): Promise<{ text: string; diagnostics: Diagnostic[] }> {
  const edited = TextDocument.applyEdits(
    TextDocument.create(uri, 'tlbscn', 1, text),
    changes.map((c) => ('range' in c ? { range: c.range, newText: c.text } : { range: { start: { line: 0, character: 0 }, end: { line: 1e9, character: 0 } }, newText: c.text })),
  );
  const incremental = await client.edit(uri, changes);
  const freshUri = newUri();
  const fresh = await client.open(freshUri, edited);
  await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: freshUri } });
  assert.deepEqual(comparable(incremental), comparable(fresh), `after editing to:\n${edited}`);
  return { text: edited, diagnostics: incremental };
}

test("an edit below '} concurrently {' keeps that line's blocks (the reproducer)", async () => {
  const text = [
    'machine cores 2 threads 4',
    'kernel buggy',
    'guest vm radix vcpus 2',
    'task X in vm pages p',
    'concurrently {',
    '  cpu0: run vm.vcpu0 on cpu0',
    '} concurrently {',
    '  cpu1: run vm.vcpu1 on cpu1',
    '}',
    'schedule X on vm.vcpu0',
    'access X p',
    'stop vm.vcpu0',
    'run vm.vcpu0 on cpu4',
    'access X p',
    'unmap X p',
    'schedule X on vm.vcpu1',
    'access X p',
    '',
  ].join('\n');
  const uri = newUri();
  const before = await client.open(uri, text);
  assert.deepEqual(before.map((d) => d.code), ['stale-access']);
  // the lane of the second block
  const after = await sameAsFresh(uri, text, [{ range: { start: { line: 7, character: 7 }, end: { line: 7, character: 7 } }, text: ' ' }]);
  assert.deepEqual(after.diagnostics.map((d) => d.code), ['stale-access']);
});

/** What an edit inserts: block structure, whole statements, noise and every kind of line end. */
const FRAGMENTS = [
  ...['', ' ', 'x', '\n', '\r\n', '\r', '{', '}', ';', ':', '#'],
  ...['} concurrently {', 'concurrently {\n', '\n}\n', 'cpu1: access X p', 'run vm.vcpu0 on cpu1', 'expect stale', 'unmap X p none'],
  // two blocks, the second opened on the line that closes the first: the
  // next edits (near this one) land in them
  '\nconcurrently {\n  cpu1: access X p\n} concurrently {\n  cpu2: access X p ; expect stale\n}\n',
];

test('random edits to the sample scenarios: the incremental diagnostics are those of a fresh analysis', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...samples),
      fc.double({ min: 0, max: 1, noNaN: true }),
      // as one types: each edit near the one before
      fc.array(fc.tuple(fc.integer({ min: -60, max: 60 }), fc.nat(20), fc.constantFrom(...FRAGMENTS)), { minLength: 1, maxLength: 4 }),
      async (sample, start, edits) => {
        const uri = newUri();
        await client.open(uri, sample);
        let text = sample;
        let at = Math.floor(start * text.length);
        for (const [move, removed, inserted] of edits) {
          at = Math.max(0, Math.min(text.length, at + move));
          // the client's positions: LSP line ends
          const doc = TextDocument.create(uri, 'tlbscn', 1, text);
          const range = { start: doc.positionAt(at), end: doc.positionAt(at + removed) };
          text = (await sameAsFresh(uri, text, [{ range, text: inserted }])).text;
        }
        await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      },
    ),
    { numRuns: 150 },
  );
});
