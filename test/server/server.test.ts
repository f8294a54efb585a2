// The bundled language server (dist/server.js) driven over stdio by a real
// LSP client: diagnostics as documents open and change, and every request.

import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type {
  CodeAction,
  CompletionItem,
  CompletionList,
  Diagnostic,
  DocumentSymbol,
  FoldingRange,
  Hover,
  Location,
  MarkupContent,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { LspClient, ROOT, cursor, ensureBuilt } from './lspClient';

const sample = (name: string) => readFileSync(path.join(ROOT, 'sample-scenarios', name), 'utf8');

const PRELUDE = `machine cores 2 threads 4
guest vm radix vcpus 2
guest db hpt vcpus 1
task X in vm pages A B
task Y in db pages P
run vm.vcpu0 on cpu0
schedule X on vm.vcpu0
`;

let client: LspClient;
let docCount = 0;
const newUri = () => `file:///test/doc${++docCount}.tlbscn`;
const line = (d: Diagnostic) => d.range.start.line;
const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);

before(async () => {
  ensureBuilt();
  client = await LspClient.start();
});
after(async () => {
  await client.stop();
});

describe('diagnostics', () => {
  test('front-end errors with codes, exact ranges and messages', async () => {
    const ds = await client.open(newUri(), `${PRELUDE}acess X A\naccess X Q\nrun vm.vcpu5 on cpu9\n`);
    const byCode = new Map(ds.map((d) => [d.code, d]));
    assert.deepEqual(byCode.get('unknown-keyword')?.range, { start: { line: 7, character: 0 }, end: { line: 7, character: 5 } });
    assert.match(byCode.get('unknown-keyword')!.message, /did you mean 'access'/);
    assert.deepEqual(byCode.get('undeclared-page')?.range, { start: { line: 8, character: 9 }, end: { line: 8, character: 10 } });
    assert.deepEqual(byCode.get('vcpu-out-of-range')?.range, { start: { line: 9, character: 7 }, end: { line: 9, character: 12 } });
    assert.deepEqual(byCode.get('cpu-out-of-range')?.range, { start: { line: 9, character: 16 }, end: { line: 9, character: 20 } });
    assert.ok(ds.every((d) => d.source === 'tlbscn'));
    // a file with errors is not run
    assert.ok(!codes(ds).some((c) => c === 'stale-access' || c === 'expect-failed'));
  });

  test('a stale access is a warning with its explanation and related lines', async () => {
    const ds = await client.open(newUri(), sample('seed-a29ebeaf.tlbscn'));
    const stale = ds.filter((d) => d.code === 'stale-access');
    assert.equal(stale.length, 1);
    const [d] = stale;
    assert.equal(d.severity, 2);
    assert.deepEqual(d.range, { start: { line: 35, character: 0 }, end: { line: 35, character: 10 } });
    assert.match(d.message, /core0 TLB still holds .* filled at line 20/);
    assert.match(d.message, /buggy does not track radix vcpu movement/);
    assert.deepEqual(
      d.relatedInformation?.map((r) => [r.location.range.start.line, r.message]),
      [
        [19, 'the access that filled the X:p entry (frame 1)'],
        [30, 'X:p unmapped here'],
      ],
    );
    assert.ok(!codes(ds).includes('expect-failed'));
  });

  test('an incremental edit to the kernel line re-runs: expects fail instead', async () => {
    const uri = newUri();
    await client.open(uri, sample('seed-a29ebeaf.tlbscn'));
    const ds = await client.edit(uri, [{ range: { start: { line: 11, character: 7 }, end: { line: 11, character: 12 } }, text: 'fixed' }]);
    assert.ok(!codes(ds).includes('stale-access'));
    const failed = ds.filter((d) => d.code === 'expect-failed');
    assert.deepEqual(failed.map(line), [26, 32, 36]);
    assert.equal(failed[2].severity, 1);
    assert.equal(failed[2].message, 'expected stale, got fault: X p on cpu1 (line 36) (kernel fixed)');
    assert.deepEqual(failed[2].range, { start: { line: 36, character: 0 }, end: { line: 36, character: 12 } });
  });

  test('runtime errors inside concurrently blocks', async () => {
    const text = `${PRELUDE}access X A\nstop vm.vcpu0\nconcurrently {\n  cpu1: run vm.vcpu1 on cpu1 ; access X A\n}\n`;
    const ds = await client.open(newUri(), text);
    const e = ds.find((d) => d.code === 'runtime-error');
    assert.ok(e, JSON.stringify(ds));
    // v2: the access waits for its vcpu to enter the guest; nothing runs vcpu0: a deadlock, at the block
    assert.equal(line(e), 9);
    assert.equal(e.range.start.character, 0);
    assert.match(e.message, /deadlock: cpu1 waits for vm\.vcpu0 to enter the guest; nothing runs it/);
  });

  test('edits that supersede each other: the last version gets the diagnostics of its text', async () => {
    const uri = newUri();
    await client.open(uri, PRELUDE + 'access X A\n');
    const at = { line: 7, character: 0 };
    // three versions sent at once, without waiting
    await client.change(uri, [{ range: { start: at, end: at }, text: 'acces X A\n' }]);
    await client.change(uri, [{ range: { start: at, end: { line: 7, character: 5 } }, text: 'acess' }]);
    const last = await client.change(uri, [{ range: { start: at, end: { line: 7, character: 5 } }, text: 'bogus' }]);
    const p = await client.diagnostics(uri, last);
    assert.equal(p.version, last);
    const unknown = p.diagnostics.filter((d) => d.code === 'unknown-keyword');
    assert.equal(unknown.length, 1);
    assert.match(unknown[0].message, /'bogus'/);
    const versions = client.published.filter((x) => x.uri === uri).map((x) => x.version ?? 0);
    assert.deepEqual(versions, [...versions].sort((a, b) => a - b), 'versions arrive in order');
  });

  test('closing a document clears its diagnostics', async () => {
    const uri = newUri();
    await client.open(uri, 'bogus\n');
    const cleared = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const last = client.published.filter((p) => p.uri === uri).at(-1);
        if (last && last.diagnostics.length === 0) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await cleared;
  });
});

describe('settings', () => {
  const noKernel = sample('seed-a29ebeaf.tlbscn').replace('kernel buggy', '');

  test('the default kernel comes from initializationOptions; run diagnostics can be off', async () => {
    const buggy = await LspClient.start({ initializationOptions: { kernel: 'buggy' } });
    const off = await LspClient.start({ initializationOptions: { kernel: 'buggy', diagnostics: { run: false } } });
    try {
      assert.ok(codes(await buggy.open('file:///a.tlbscn', noKernel)).includes('stale-access'));
      assert.deepEqual(codes(await off.open('file:///a.tlbscn', noKernel)), []);
      assert.ok(codes(await client.open(newUri(), noKernel)).includes('expect-failed'), 'default: fixed');
    } finally {
      await buggy.stop();
      await off.stop();
    }
  });

  test('didChangeConfiguration re-validates open documents', async () => {
    const c = await LspClient.start();
    try {
      const uri = 'file:///b.tlbscn';
      assert.ok(!codes(await c.open(uri, noKernel)).includes('stale-access'));
      const before = c.published.length;
      await c.connection.sendNotification('workspace/didChangeConfiguration', { settings: { tlbscn: { kernel: 'buggy' } } });
      const next = await new Promise<Diagnostic[]>((resolve) => {
        const timer = setInterval(() => {
          if (c.published.length > before) {
            clearInterval(timer);
            resolve(c.published[c.published.length - 1].diagnostics);
          }
        }, 5);
      });
      assert.ok(codes(next).includes('stale-access'));
    } finally {
      await c.stop();
    }
  });

  test('workspace/configuration is asked when the client supports it', async () => {
    const c = await LspClient.start({ capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } } });
    try {
      c.connection.onRequest('workspace/configuration', () => [{ kernel: 'buggy', diagnostics: { run: true } }]);
      c.connection.onRequest('client/registerCapability', () => null);
      const uri = 'file:///c.tlbscn';
      await c.open(uri, noKernel);
      await c.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      const v = await c.edit(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }]);
      assert.ok(codes(v).includes('stale-access'));
    } finally {
      await c.stop();
    }
  });
});

describe('completion', () => {
  async function complete(fixture: string): Promise<string[]> {
    const { text, position } = cursor(fixture);
    const uri = newUri();
    await client.open(uri, text);
    const r = await client.request<CompletionItem[] | CompletionList>('textDocument/completion', { textDocument: { uri }, position });
    return (Array.isArray(r) ? r : r.items).map((i) => i.label);
  }

  const cases: [string, string, string[]][] = [
    ['keywords at the start of a declaration line', 'machine cores 1 threads 1\n|', ['machine', 'kernel', 'guest', 'task', 'run', 'stop', 'schedule', 'access', 'unmap', 'map', 'tlbiel', 'tlbie', 'expect', 'concurrently']],
    ['only events after the first event', `${PRELUDE}|`, ['run', 'stop', 'schedule', 'access', 'unmap', 'map', 'tlbiel', 'tlbie', 'expect', 'concurrently']],
    ['declared vcpus up to their count', `${PRELUDE}run |`, ['vm.vcpu0', 'vm.vcpu1', 'db.vcpu0']],
    ['a partly typed vcpu', `${PRELUDE}stop vm.|`, ['vm.vcpu0', 'vm.vcpu1', 'db.vcpu0']],
    ['on after a vcpu', `${PRELUDE}run vm.vcpu1 |`, ['on']],
    ['cpus of the topology', `${PRELUDE}run vm.vcpu1 on |`, ['cpu0', 'cpu1', 'cpu2', 'cpu3', 'cpu4', 'cpu5', 'cpu6', 'cpu7']],
    ['tasks', `${PRELUDE}access |`, ['X', 'Y']],
    ["the task's pages after the task", `${PRELUDE}access X |`, ['A', 'B']],
    ['pages of another task', `${PRELUDE}map Y |`, ['P']],
    ['invalidation forms', `${PRELUDE}unmap X A |`, ['tlbiel', 'tlbie', 'none']],
    ["vcpus of the task's guest", `${PRELUDE}schedule Y on |`, ['db.vcpu0']],
    ['kernel variants and aliases', 'machine cores 1 threads 1\nkernel |', ['buggy', 'early-clear', 'fixed', 'v4.11', 'v5.2', 'fixed-smt8', 'v5.14', 'v5.17', 'per-thread']],
    ['thread counts', 'machine cores 2 threads |', ['1', '2', '4', '8']],
    ['bigcore after threads 8', 'machine cores 2 threads 8 |', ['bigcore', 'tlb-sets']],
    ['guests after in', 'machine cores 1 threads 1\nguest vm vcpus 1\ntask T in |', ['vm']],
    ['outcomes', `${PRELUDE}access X A\nexpect |`, ['hit', 'miss', 'fault', 'stale', 'tlb', 'need_tlb_flush']],
    ['cores and cpus after expect tlb', 'machine cores 2 threads 2\nexpect tlb |', ['core0', 'core1', 'cpu0', 'cpu1', 'cpu2', 'cpu3']],
    ['has or lacks', `${PRELUDE}expect tlb core0 |`, ['has', 'lacks']],
    ['task:page pairs', `${PRELUDE}expect tlb core0 has |`, ['X:A', 'X:B', 'Y:P']],
    ['pages after task:', `${PRELUDE}expect tlb core0 has X:|`, ['A', 'B']],
    ['set or clear', `${PRELUDE}expect need_tlb_flush vm core1 |`, ['set', 'clear']],
    ['guests after need_tlb_flush', `${PRELUDE}expect need_tlb_flush |`, ['vm', 'db']],
    ['lane labels in a block', `${PRELUDE}concurrently {\n  |\n}`, ['cpu0: ', 'cpu1: ', 'cpu2: ', 'cpu3: ', 'cpu4: ', 'cpu5: ', 'cpu6: ', 'cpu7: ']],
    ['only the lane cpu for run in a lane', `${PRELUDE}concurrently {\n  cpu2: run vm.vcpu1 on |\n}`, ['cpu2']],
    ['events after ; in a lane', `${PRELUDE}concurrently {\n  cpu2: run vm.vcpu1 on cpu2 ; |\n}`, ['run', 'stop', 'schedule', 'access', 'unmap', 'map', 'tlbiel', 'tlbie', 'expect']],
    ['pages in a lane event', `${PRELUDE}concurrently {\n  cpu2: run vm.vcpu1 on cpu2 ; access X |\n}`, ['A', 'B']],
    ['nothing in a comment', `${PRELUDE}# access |`, []],
    ['nothing where a new name goes', `${PRELUDE.split('\n').slice(0, 1).join('\n')}\nguest |`, []],
  ];
  for (const [name, fixture, expected] of cases) {
    test(name, async () => assert.deepEqual(await complete(fixture), expected));
  }

  test('a `concurrently` without its `{` opens no block: the next line takes statements, not lanes', async () => {
    const labels = await complete(`${PRELUDE}concurrently\n|`);
    assert.ok(labels.includes('access'), labels.join(' '));
    assert.ok(!labels.includes('cpu0: '), labels.join(' '));
  });

  test('statement snippets', async () => {
    const { text, position } = cursor('|');
    const uri = newUri();
    await client.open(uri, text);
    const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position });
    const machine = items.find((i) => i.label === 'machine')!;
    assert.equal(machine.insertTextFormat, 2);
    assert.equal((machine.textEdit as TextEdit).newText, 'machine cores ${1:2} threads ${2|1,2,4,8|}');
  });
});

describe('hover', () => {
  async function hover(fixture: string): Promise<string | undefined> {
    const { text, position } = cursor(fixture);
    const uri = newUri();
    await client.open(uri, text);
    const h = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position });
    return h ? (h.contents as MarkupContent).value : undefined;
  }

  test('tlbiel says what it reaches on POWER9', async () => {
    assert.match((await hover(`${PRELUDE}tlb|iel X A`))!, /only the TLB of the core .* of the thread that executes it/);
  });
  test('run names kvmppc_prepare_radix_vcpu', async () => {
    assert.match((await hover(`${PRELUDE}r|un vm.vcpu1 on cpu5`))!, /kvmppc_prepare_radix_vcpu.*radix_flush_cpu/s);
  });
  test('a cpu: its core, thread and TLB domain', async () => {
    assert.match((await hover(`${PRELUDE}run vm.vcpu1 on cp|u5`))!, /\*\*cpu5\*\*: core 1, thread 1, TLB core1/);
  });
  test('a cpu of a big core: its TLB half', async () => {
    assert.match((await hover('machine cores 1 threads 8 bigcore\nexpect tlb cpu|3 lacks X:A'))!, /cpu3\*\*: core 0, thread 3, TLB core0.odd/);    // the bit its entry path tests, row by row (a29ebeaf rounds to 4, v5.2 the core's first thread, v5.14 the half's, v5.17 its own)
    assert.match((await hover('machine cores 1 threads 8 bigcore\nexpect tlb cpu|5 lacks X:A'))!, /tests need_tlb_flush bit 5 \(buggy, v5\.17\), bit 4 \(early-clear, fixed\), bit 0 \(v5\.2\), bit 1 \(fixed-smt8\)/);
  });
  test('a kernel variant: its row of the table', async () => {
    assert.match((await hover('machine cores 1 threads 1\nkernel v5.1|7'))!, /\| checker \| the cpu's own bit: clear → nothing; set and every bit of the TLB domain set → sweep; set but not all → ptesync only \|/);
  });
  test('a vcpu: its guest and lpid', async () => {
    assert.equal(await hover(`${PRELUDE}stop db.vc|pu0`), '**db.vcpu0**: vcpu 0 of guest `db` (lpid 2, hpt)');
  });
  test('a kernel variant: its commit', async () => {
    assert.match((await hover('machine cores 1 threads 1\nkernel fix|ed'))!, /a29ebeaf5575 "KVM: PPC: Book3S HV: Invalidate TLB on radix guest vcpu movement"/);
  });
  test('a page: its TLB set', async () => {
    assert.match((await hover(`${PRELUDE}access X |B`))!, /page B\*\* of task X: TLB set 1/);
  });
  test('nothing on blank space', async () => {
    assert.equal(await hover(`${PRELUDE}|`), undefined);
  });
});

describe('navigation', () => {
  const text = `${PRELUDE}access X A\nunmap X A\naccess X B\nexpect tlb core0 has X:A\n`;
  let uri: string;
  before(async () => {
    uri = newUri();
    await client.open(uri, text);
  });
  const at = (l: number, c: number) => ({ line: l, character: c });

  test('definition of a task, a page and a guest', async () => {
    const task = await client.request<Location>('textDocument/definition', { textDocument: { uri }, position: at(8, 6) });
    assert.deepEqual(task.range, { start: at(3, 5), end: at(3, 6) });
    const page = await client.request<Location>('textDocument/definition', { textDocument: { uri }, position: at(10, 23) });
    assert.deepEqual(page.range, { start: at(3, 19), end: at(3, 20) });
    const guest = await client.request<Location>('textDocument/definition', { textDocument: { uri }, position: at(5, 5) });
    assert.deepEqual(guest.range, { start: at(1, 6), end: at(1, 8) });
  });

  test('references of page A of X', async () => {
    const refs = await client.request<Location[]>('textDocument/references', { textDocument: { uri }, position: at(7, 9), context: { includeDeclaration: true } });
    assert.deepEqual(refs.map((r) => [r.range.start.line, r.range.start.character]), [[3, 19], [7, 9], [8, 8], [10, 23]]);
  });

  test('rename a task everywhere', async () => {
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri }, position: at(3, 5), newName: 'Web' });
    const lines = edit.changes![uri].map((e) => [e.range.start.line, e.range.start.character, e.newText]);
    assert.deepEqual(lines, [[3, 5, 'Web'], [6, 9, 'Web'], [7, 7, 'Web'], [8, 6, 'Web'], [9, 7, 'Web'], [10, 21, 'Web']]);
  });

  test('rename refuses a taken name or a non-name', async () => {
    await assert.rejects(client.request('textDocument/rename', { textDocument: { uri }, position: at(3, 5), newName: 'vm' }), /already declared/);
    await assert.rejects(client.request('textDocument/rename', { textDocument: { uri }, position: at(3, 5), newName: '9x' }), /not a name/);
  });

  test('prepareRename gives the word; nothing on a keyword', async () => {
    assert.deepEqual(await client.request('textDocument/prepareRename', { textDocument: { uri }, position: at(1, 7) }), { range: { start: at(1, 6), end: at(1, 8) }, placeholder: 'vm' });
    assert.equal(await client.request('textDocument/prepareRename', { textDocument: { uri }, position: at(7, 2) }), null);
  });
});

describe('structure', () => {
  test('document symbols: machine, guests with vcpus, tasks with pages, events and blocks', async () => {
    const uri = newUri();
    await client.open(uri, sample('early-clear-race.tlbscn'));
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    const outline = symbols.map((s) => [s.name, (s.children ?? []).map((c) => [c.name, (c.children ?? []).map((e) => e.name)])]);
    assert.deepEqual(outline.slice(0, 4), [
      ['machine', []],
      ['kernel early-clear', []],
      ['vm', [['vm.vcpu0', []], ['vm.vcpu1', []], ['vm.vcpu2', []]]],
      ['X', [['A', []], ['B', []], ['C', []], ['D', []]]],
    ]);
    assert.deepEqual(outline.at(-2), ['concurrently', [['cpu2', ['run vm.vcpu2 on cpu2']], ['cpu1', ['run vm.vcpu1 on cpu1', 'access X D']]]]);
    assert.deepEqual(outline.at(-1), ['expect stale', []]);
  });

  test('folding: concurrently blocks and comment headers', async () => {
    const uri = newUri();
    await client.open(uri, sample('early-clear-race.tlbscn'));
    const ranges = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
    assert.deepEqual(ranges.map((r) => [r.startLine, r.endLine, r.kind]), [[31, 33, undefined], [0, 16, 'comment']]);
  });

  test('formatting: canonical spacing and aligned lane labels, comments kept', async () => {
    const uri = newUri();
    const messy = 'machine   cores 2  threads 4\nguest vm vcpus 3   \n  task X in vm pages A\nrun vm.vcpu0 on cpu0     # first\nconcurrently   {\ncpu2:run vm.vcpu2 on cpu2\n   cpu10  :  run vm.vcpu1 on cpu10;access X A   # key\n}\nexpect tlb core0 has X : A\n';
    await client.open(uri, messy);
    const edits = await client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    const lines = messy.split('\n');
    for (const e of edits) lines[e.range.start.line] = e.newText;
    assert.equal(
      lines.join('\n'),
      'machine cores 2 threads 4\nguest vm vcpus 3\ntask X in vm pages A\nrun vm.vcpu0 on cpu0     # first\nconcurrently {\n  cpu2:  run vm.vcpu2 on cpu2\n  cpu10: run vm.vcpu1 on cpu10 ; access X A     # key\n}\nexpect tlb core0 has X:A\n',
    );
    // a formatted file needs no more edits
    const again = newUri();
    await client.open(again, lines.join('\n'));
    assert.deepEqual(await client.request('textDocument/formatting', { textDocument: { uri: again }, options: { tabSize: 2, insertSpaces: true } }), []);
  });
  test('semantic tokens: guests, tasks and pages by their declarations', async () => {
    const uri = newUri();
    await client.open(uri, 'machine cores 1 threads 1\nguest vm vcpus 1\ntask X in vm pages A\naccess X A\naccess Q A\n');
    const legend = ['namespace', 'class', 'property'];
    const tokens = await client.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri } });
    const decoded: [number, number, number, string, number][] = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < tokens.data.length; i += 5) {
      const [dl, dc, len, type, mods] = tokens.data.slice(i, i + 5);
      line += dl;
      char = dl === 0 ? char + dc : dc;
      decoded.push([line, char, len, legend[type], mods]);
    }
    // the undeclared task Q (and its page) get no token
    assert.deepEqual(decoded, [
      [1, 6, 2, 'namespace', 1],
      [2, 5, 1, 'class', 1],
      [2, 10, 2, 'namespace', 0],
      [2, 19, 1, 'property', 1],
      [3, 7, 1, 'class', 0],
      [3, 9, 1, 'property', 0],
    ]);
  });
});

describe('code actions', () => {
  async function actions(text: string, code: string): Promise<{ uri: string; list: CodeAction[]; diagnostic: Diagnostic }> {
    const uri = newUri();
    const ds = await client.open(uri, text);
    const diagnostic = ds.find((d) => d.code === code);
    assert.ok(diagnostic, `no ${code} in ${JSON.stringify(ds)}`);
    const list = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
    return { uri, list, diagnostic };
  }
  const edits = (uri: string, a: CodeAction) => a.edit!.changes![uri].map((e) => [e.range.start.line, e.range.start.character, e.range.end.character, e.newText]);

  test('misspelled keyword → nearest keyword', async () => {
    const { uri, list } = await actions(`${PRELUDE}scedule X on vm.vcpu0\n`, 'unknown-keyword');
    assert.equal(list[0].title, "Change to 'schedule'");
    assert.deepEqual(edits(uri, list[0]), [[7, 0, 7, 'schedule']]);
  });

  test('undeclared page → add it to the task', async () => {
    const { uri, list } = await actions(`${PRELUDE}access X Z\n`, 'undeclared-page');
    const add = list.find((a) => a.title === "Add page 'Z' to task 'X'")!;
    assert.deepEqual(edits(uri, add), [[3, 22, 22, ' Z']]);
  });

  test('vcpu index out of range → raise vcpus', async () => {
    const { uri, list } = await actions(`${PRELUDE}run vm.vcpu3 on cpu3\n`, 'vcpu-out-of-range');
    assert.equal(list[0].title, "Raise guest 'vm' to vcpus 4");
    assert.deepEqual(edits(uri, list[0]), [[1, 21, 22, '4']]);
  });

  test('"Show the fix" switches the kernel line to fixed', async () => {
    const { uri, list } = await actions(sample('seed-a29ebeaf.tlbscn'), 'stale-access');
    assert.equal(list[0].title, 'Show the fix: run under kernel fixed');
    assert.deepEqual(edits(uri, list[0]), [[11, 7, 12, 'fixed']]);
  });

  test('"Show the fix" on a big core under fixed switches to fixed-smt8', async () => {
    const { uri, list } = await actions(sample('smt8-bigcore.tlbscn'), 'stale-access');
    assert.deepEqual(edits(uri, list[0]), [[11, 7, 12, 'fixed-smt8']]);
  });
});

describe('robustness', () => {
  test('survives garbage and keeps answering', async () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const bytes = Array.from({ length: 20000 }, () => String.fromCharCode(Math.floor(random() * 0x3000))).join('');
    const garbage = [bytes, 'x'.repeat(1 << 20), 'concurrently {', `${'a '.repeat(500000)}\n`, '}\n}\n{{{', '\r\n\r\n\t\u0000'];
    for (const text of garbage) {
      const uri = newUri();
      const ds = await client.open(uri, text);
      assert.ok(Array.isArray(ds));
      await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: Math.min(text.length, 3) } });
      await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } });
      await client.request('textDocument/documentSymbol', { textDocument: { uri } });
      await client.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
      await client.request('textDocument/foldingRange', { textDocument: { uri } });
      await client.edit(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '}' }]);
    }
    const only = await client.open(newUri(), 'concurrently {');
    assert.deepEqual(codes(only).sort(), ['missing-machine', 'unbalanced-braces']);
    // still a working server
    assert.ok(codes(await client.open(newUri(), sample('seed-a29ebeaf.tlbscn'))).includes('stale-access'));
    assert.equal(client.process.exitCode, null);
  });
});
