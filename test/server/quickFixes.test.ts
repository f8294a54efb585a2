// Issue 13, "nothing lies": a quick fix is offered only when its edit removes
// the problem it is offered for. Each case opens a file, asks for the fixes of
// one diagnostic, and applies every fix offered to check that it works.

import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient, ROOT, ensureBuilt } from './lspClient';

let client: LspClient;
let docCount = 0;
const newUri = () => `file:///quickfix/doc${++docCount}.tlbscn`;
const sample = (name: string) => readFileSync(path.join(ROOT, 'sample-scenarios', name), 'utf8');

before(async () => {
  ensureBuilt();
  // a file without a kernel line runs the pre-fix kernel
  client = await LspClient.start({ initializationOptions: { kernel: 'buggy' } });
});
after(async () => {
  await client.stop();
});

const PRELUDE = 'machine cores 2 threads 4\nguest vm radix vcpus 2\ntask X in vm pages p\nrun vm.vcpu0 on cpu0\nschedule X on vm.vcpu0\n';

/** The diagnostic with `code` on `line`, and the fixes the server offers for it. */
async function fixesFor(text: string, code: string, line: number): Promise<{ diagnostic: Diagnostic; fixes: CodeAction[]; uri: string }> {
  const uri = newUri();
  const diagnostic = (await client.open(uri, text)).find((d) => d.code === code && d.range.start.line === line);
  assert.ok(diagnostic, `no ${code} on line ${line}`);
  const fixes = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostic.range, context: { diagnostics: [diagnostic] } });
  return { diagnostic, fixes, uri };
}

/** The diagnostics of `text` after a fix's edit. */
async function afterFix(text: string, uri: string, fix: CodeAction): Promise<Diagnostic[]> {
  const edits = fix.edit!.changes![uri];
  return client.open(newUri(), TextDocument.applyEdits(TextDocument.create(uri, 'tlbscn', 1, text), edits));
}

describe('a fix that cannot fix is not offered', () => {
  const cases: [string, string, string, number][] = [
    ['raising vcpus past the 1024 the checker accepts', `${PRELUDE}run vm.vcpu5000 on cpu1\n`, 'vcpu-out-of-range', 5],
    ["'concurrently' for a misspelled keyword inside a lane", `${PRELUDE}concurrently {\n  cpu1: concurently\n}\n`, 'unknown-keyword', 6],
    ["'machine' for a misspelled keyword after the machine line", `${PRELUDE}machne cores 2 threads 4\n`, 'unknown-keyword', 5],
    // the guest cleared the PTE without any invalidation: no kernel can help
    ['a kernel change for a stale access the guest caused', `${PRELUDE.replace('\n', '\nkernel buggy\n')}access X p\nunmap X p none\naccess X p\n`, 'stale-access', 8],
  ];
  for (const [name, text, code, line] of cases) {
    test(name, async () => {
      const { fixes } = await fixesFor(text, code, line);
      assert.deepEqual(
        fixes.map((f) => f.title),
        [],
      );
    });
  }
});

describe('a fix that is offered removes its problem', () => {
  const cases: [string, string, string, number, string][] = [
    ['a misspelled keyword', `${PRELUDE}acess X p\n`, 'unknown-keyword', 5, "Change to 'access'"],
    ['a vcpu past the count', `${PRELUDE}run vm.vcpu3 on cpu1\n`, 'vcpu-out-of-range', 5, "Raise guest 'vm' to vcpus 4"],
    ['a page the task lacks', `${PRELUDE}access X banana\n`, 'undeclared-page', 5, "Add page 'banana' to task 'X'"],
    ['a stale access under the pre-fix kernel', sample('seed-a29ebeaf.tlbscn'), 'stale-access', 35, 'Show the fix: run under kernel fixed'],
    ['a stale access on a big core under fixed', sample('smt8-bigcore.tlbscn'), 'stale-access', -1, 'Show the fix: run under kernel fixed-smt8'],
    [
      'a stale access in a file without a kernel line (the fix inserts one)',
      sample('seed-a29ebeaf.tlbscn').replace('kernel buggy', '#'),
      'stale-access',
      35,
      'Show the fix: run under kernel fixed',
    ],
  ];
  for (const [name, text, code, line, title] of cases) {
    test(name, async () => {
      // line -1: wherever the file's stale access is
      const at = line >= 0 ? line : (await client.open(newUri(), text)).find((d) => d.code === code)!.range.start.line;
      const { diagnostic, fixes, uri } = await fixesFor(text, code, at);
      assert.equal(fixes[0]?.title, title);
      for (const fix of fixes) {
        const inserted = fix.edit!.changes![uri].some((e) => e.newText.endsWith('\n')) ? 1 : 0;
        const left = (await afterFix(text, uri, fix)).filter((d) => d.code === code && d.range.start.line === diagnostic.range.start.line + inserted);
        assert.deepEqual(left, [], fix.title);
      }
    });
  }
});
