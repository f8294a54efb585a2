// Issue 13, "nothing crashes, nothing hangs": what a file says about sizes
// (`vcpus 100000000`, a thousand 1024-vcpu guests on 8192 cpus) must not
// decide the size of an answer. The outline and completion, through the
// bundled server over stdio.

import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { CompletionItem, CompletionList, DocumentSymbol } from 'vscode-languageserver-protocol';
import { LspClient, ensureBuilt } from './lspClient';

/** Mirrors server/src/service/symbols.ts and completion.ts (the tests read the protocol, not the server's modules). */
const MAX_SYMBOLS = 5000;
const MAX_COMPLETIONS = 200;

let client: LspClient;
let docCount = 0;
const newUri = () => `file:///limits/doc${++docCount}.tlbscn`;

before(async () => {
  ensureBuilt();
  // no runs: building the simulation of a million vcpus is the simulator's
  // cost, not an answer's; these tests are about answers
  client = await LspClient.start({ initializationOptions: { diagnostics: { run: false } } });
});
after(async () => {
  await client.stop();
});

/** A request's answer, its size as sent, and how long it took. */
async function timed<R>(method: string, params: unknown): Promise<{ result: R; bytes: number; ms: number }> {
  const start = performance.now();
  const result = await client.request<R>(method, params);
  return { result, bytes: JSON.stringify(result).length, ms: performance.now() - start };
}

const countSymbols = (list: DocumentSymbol[]): number => list.reduce((n, s) => n + 1 + countSymbols(s.children ?? []), 0);

describe('outline', () => {
  for (const vcpus of [100_000_000, 5_000_000]) {
    test(`a guest with vcpus ${vcpus} lists the 1024 vcpus the checker accepts`, async () => {
      const uri = newUri();
      await client.open(uri, `machine cores 1 threads 1\nguest vm vcpus ${vcpus}\n`);
      const { result, bytes, ms } = await timed<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
      const vm = result.find((s) => s.name === 'vm')!;
      assert.equal(vm.children?.length, 1024);
      assert.equal(vm.children?.at(-1)?.name, 'vm.vcpu1023');
      assert.ok(bytes < 500_000 && ms < 2000, `${bytes} bytes in ${ms} ms`);
    });
  }

  test('many big guests: the outline is cut, and says so', async () => {
    const uri = newUri();
    const guests = Array.from({ length: 20 }, (_, i) => `guest g${i} vcpus 1024`);
    await client.open(uri, `machine cores 1 threads 1\n${guests.join('\n')}\n`);
    const { result } = await timed<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.equal(result.length, 21, 'every statement has its symbol');
    assert.ok(countSymbols(result) <= MAX_SYMBOLS, String(countSymbols(result)));
    const last = result.at(-1)!;
    assert.ok(last.children!.length < 1024);
    assert.match(last.detail ?? '', /1024 vcpus \(\d+ listed\)/);
  });

  test('a file with more statements than the outline holds ends with one that counts the rest', async () => {
    const uri = newUri();
    const events = Array.from({ length: MAX_SYMBOLS + 500 }, () => 'run vm.vcpu0 on cpu0');
    await client.open(uri, `machine cores 1 threads 1\nguest vm vcpus 1\n${events.join('\n')}\n`);
    const { result } = await timed<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.equal(result.length, MAX_SYMBOLS + 1);
    assert.equal(result.at(-1)!.name, '… 502 more statements');
    assert.equal(result.at(-1)!.range.end.line, MAX_SYMBOLS + 501);
  });
});

describe('completion', () => {
  // `machine cores 1024 threads 8` and a thousand `vcpus 1024` guests: a million vcpus
  const lines = ['machine cores 1024 threads 8', ...Array.from({ length: 1000 }, (_, i) => `guest g${i} vcpus 1024`)];
  const bigUri = 'file:///limits/big.tlbscn';
  before(async () => {
    await client.open(bigUri, `${lines.join('\n')}\nrun \n`);
  });
  const completeAt = (typed: string) =>
    timed<CompletionItem[] | CompletionList>('textDocument/completion', { textDocument: { uri: bigUri }, position: { line: lines.length, character: 4 + typed.length } });
  const typeOnRunLine = (typed: string) =>
    client.edit(bigUri, [{ range: { start: { line: lines.length, character: 4 }, end: { line: lines.length, character: 200 } }, text: typed }]);

  test('after `run `: a capped, incomplete list, small and fast', async () => {
    await typeOnRunLine('');
    const { result, bytes, ms } = await completeAt('');
    assert.ok(!Array.isArray(result));
    assert.equal(result.isIncomplete, true);
    assert.equal(result.items.length, MAX_COMPLETIONS);
    assert.ok(bytes < 100_000 && ms < 2000, `${bytes} bytes in ${ms} ms`);
  });

  test('the typed prefix filters the capped list', async () => {
    await typeOnRunLine('g999.vcpu10');
    const { result, ms } = await completeAt('g999.vcpu10');
    const list = result as CompletionList;
    assert.equal(list.isIncomplete, true);
    // vcpu10, vcpu100…109, vcpu1000…1023
    assert.deepEqual(
      list.items.map((i) => i.label),
      ['g999.vcpu10', ...Array.from({ length: 10 }, (_, i) => `g999.vcpu10${i}`), ...Array.from({ length: 24 }, (_, i) => `g999.vcpu${1000 + i}`)],
    );
    assert.ok(ms < 2000, `${ms} ms`);
  });

  test('cpus of a 1024 × 8 machine are capped too', async () => {
    await typeOnRunLine('g0.vcpu0 on cpu81');
    const { result } = await completeAt('g0.vcpu0 on cpu81');
    const list = result as CompletionList;
    assert.equal(list.isIncomplete, true);
    assert.ok(list.items.length > 0 && list.items.every((i) => i.label.startsWith('cpu81')));
  });

  test('a small list stays whole and complete: the client filters it', async () => {
    const uri = newUri();
    await client.open(uri, 'machine cores 1 threads 2\nguest vm vcpus 2\nguest db vcpus 1\nrun vm.\n');
    const { result } = await timed<CompletionItem[] | CompletionList>('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: 7 } });
    assert.ok(Array.isArray(result));
    assert.deepEqual(result.map((i) => i.label), ['vm.vcpu0', 'vm.vcpu1', 'db.vcpu0']);
  });

  test('statement snippets read only the first vcpus', async () => {
    const uri = newUri();
    await client.open(uri, `${lines.join('\n')}\n\n`);
    const { result, ms } = await timed<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: lines.length, character: 0 } });
    const run = result.find((i) => i.label === 'run')!;
    assert.equal((run.textEdit as { newText: string }).newText, 'run ${1:g0.vcpu0} on ${2:cpu0}');
    assert.ok(ms < 2000, `${ms} ms`);
  });
});
