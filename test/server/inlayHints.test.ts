// Inlay hints over LSP (issue 12): after each `access`, its outcome and TLB
// domain in the run as you type; a lane line's access gets its hint at the
// event; nothing before the run of the current version, nor when running as
// you type is off (Restricted Mode).

import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { InlayHint } from 'vscode-languageserver-protocol';
import { LspClient, ROOT, ensureBuilt } from './lspClient';

const read = (name: string) => readFileSync(path.join(ROOT, 'sample-scenarios', name), 'utf8');
const WHOLE = { start: { line: 0, character: 0 }, end: { line: 10_000, character: 0 } };

let client: LspClient;
before(async () => {
  ensureBuilt();
  client = await LspClient.start();
});
after(async () => {
  await client.stop();
});

const hints = (uri: string, range = WHOLE) => client.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range });
const shown = (hs: InlayHint[]) => hs.map((h) => `${h.position.line + 1}:${h.position.character} ${String(h.label)}`);

test('the seed under buggy: miss, miss, then the stale access on core0, each after its access', async () => {
  const uri = 'file:///hints/seed.tlbscn';
  await client.open(uri, read('seed-a29ebeaf.tlbscn'));
  assert.deepEqual(shown(await hints(uri)), ['20:10 → miss, core0', '28:10 → miss, core1', '36:10 → stale, core0']);
  // a range asks only for its lines
  assert.deepEqual(shown(await hints(uri, { start: { line: 30, character: 0 }, end: { line: 40, character: 0 } })), ['36:10 → stale, core0']);
  // an edit: the hints follow the new run (under fixed the key access faults)
  const kernelLine = read('seed-a29ebeaf.tlbscn').split('\n').findIndex((l) => /^kernel /.test(l));
  const v2 = await client.change(uri, [{ range: { start: { line: kernelLine, character: 0 }, end: { line: kernelLine + 1, character: 0 } }, text: 'kernel fixed\n' }]);
  await client.diagnostics(uri, v2);
  assert.match(shown(await hints(uri)).join('\n'), /^36:10 → fault, core\d$/m);
});

test('an access in a lane: the hint is at that event, inside the line', async () => {
  const uri = 'file:///hints/race.tlbscn';
  const text = read('early-clear-race.tlbscn');
  await client.open(uri, text);
  const line = text.split('\n')[33];
  const end = line.indexOf('access X D') + 'access X D'.length;
  assert.ok(shown(await hints(uri)).includes(`34:${end} → stale, core0`), shown(await hints(uri)).join('\n'));
});

test('running as you type off: no hints (nothing runs)', async () => {
  const off = await LspClient.start({ initializationOptions: { diagnostics: { run: false } } });
  try {
    const uri = 'file:///hints/off.tlbscn';
    await off.open(uri, read('seed-a29ebeaf.tlbscn'));
    assert.deepEqual(await off.request('textDocument/inlayHint', { textDocument: { uri }, range: WHOLE }), []);
  } finally {
    await off.stop();
  }
});
