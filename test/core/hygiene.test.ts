// Issue 13, "nothing crashes, nothing hangs, nothing lies", for the language:
// each defect's minimal reproducer, run through the core directly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NameIndex, analyze, escapeControls, formatDiagnostic, reanalyze, simulate } from '../../core/src/index';

const seed = fs.readFileSync(path.join(__dirname, '..', '..', 'sample-scenarios', 'seed-a29ebeaf.tlbscn'), 'utf8');

/** Milliseconds `f` takes. */
function timed(f: () => void): number {
  const start = performance.now();
  f();
  return performance.now() - start;
}

const codes = (text: string) => analyze(text).diagnostics.map((d) => d.code);

// ---- 1. the checker is linear: "did you mean" does not compare every name with every name

test('4,000 tasks and 4,000 uses of undeclared tasks are checked in well under a second or two (was 20 s)', () => {
  const lines = ['machine cores 1 threads 1', 'guest vm vcpus 1'];
  for (let i = 0; i < 4000; i++) lines.push(`task t${i} in vm pages p`);
  for (let i = 0; i < 4000; i++) lines.push(`access u${i} p`);
  let undeclared = 0;
  const ms = timed(() => {
    undeclared = analyze(lines.join('\n')).diagnostics.filter((d) => d.code === 'undeclared-task').length;
  });
  assert.equal(undeclared, 4000);
  assert.ok(ms < 3000, `${ms.toFixed(0)} ms`);
});

test('a task with 4,000 pages and 4,000 uses of undeclared pages: fast, and each message lists a few pages only', () => {
  const pages = Array.from({ length: 4000 }, (_, i) => `p${i}`);
  const lines = ['machine cores 1 threads 1', 'guest vm vcpus 1', `task X in vm pages ${pages.join(' ')}`, 'run vm.vcpu0 on cpu0', 'schedule X on vm.vcpu0'];
  for (let i = 0; i < 4000; i++) lines.push(`access X q${i}`);
  let messages: string[] = [];
  const ms = timed(() => {
    messages = analyze(lines.join('\n')).diagnostics.filter((d) => d.code === 'undeclared-page').map((d) => d.message);
  });
  assert.equal(messages.length, 4000);
  assert.ok(ms < 3000, `${ms.toFixed(0)} ms`);
  assert.match(messages[0], /\(its pages: p0 p1 p2 p3 p4 p5 p6 p7 p8 p9 … and 3990 more\)/);
});

test('suggestions: names within two characters of the length, nearest first; none for a word no one would mistype', () => {
  const index = new NameIndex(['alpha', 'beta', 'gamma', 'webserver']);
  assert.equal(index.nearest('alpah'), 'alpha');
  assert.equal(index.nearest('bta'), 'beta');
  assert.equal(index.nearest('GAMMA'), 'gamma');
  assert.equal(index.nearest('zzzz'), undefined);
  assert.equal(index.nearest('x'.repeat(1_000_000)), undefined);
  const r = analyze(['machine cores 1 threads 1', 'guest vm vcpus 1', 'task writer in vm pages p', 'run vm.vcpu0 on cpu0', 'schedule wirter on vm.vcpu0'].join('\n'));
  assert.match(r.diagnostics.find((d) => d.code === 'undeclared-task')!.message, /did you mean 'writer'\?/);
});

test('pids are 1, 2, … per guest', () => {
  const text = ['machine cores 1 threads 1', 'guest a vcpus 1', 'guest b vcpus 1', 'task A1 in a pages p', 'task B1 in b pages p', 'task A2 in a pages p'].join('\n');
  const tasks = analyze(text).scenario.tasks;
  assert.deepEqual([...tasks.values()].map((t) => [t.name, t.pid]), [['A1', 1], ['B1', 1], ['A2', 2]]);
});

// ---- 2. a default lpid beyond the limit is an error, as an explicit one is

function guests(n: number): string[] {
  return ['machine cores 1 threads 1', ...Array.from({ length: n }, (_, i) => `guest g${i} vcpus 1`)];
}

test('the 4,096th guest would get lpid 4096 by default: an error at its line', () => {
  const errors = analyze(guests(4096).join('\n')).diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map((d) => [d.code, d.range.start.line, d.range.start.character]), [['bad-number', 4096, 6]]);
  assert.match(errors[0].message, /guest 'g4095' gets lpid 4096 by default, beyond the largest lpid 4095/);
  assert.deepEqual(codes(guests(4095).join('\n')), []);
});

// ---- 3. nothing in the checker is made per guest × vcpu

test('4,095 guests of 1,024 vcpus on 8,192 cpus, each guest named once: the checker makes names only for the vcpus the events name', () => {
  const n = 4095;
  const lines = ['machine cores 1024 threads 8', ...Array.from({ length: n }, (_, i) => `guest g${i} vcpus 1024`)];
  for (let i = 0; i < n; i++) lines.push(`run g${i}.vcpu${i % 1024} on cpu${i}`);
  lines.push('stop g7.vcpu1023', 'stop g7.vcpu3');
  let warnings: string[] = [];
  const ms = timed(() => {
    warnings = analyze(lines.join('\n')).diagnostics.filter((d) => d.code === 'vcpu-never-run').map((d) => d.message);
  });
  assert.deepEqual(warnings, ['g7.vcpu3 is never run', 'g7.vcpu1023 is never run']);
  assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
});

// ---- 4. a byte-order mark is no character of the scenario

test('a UTF-8 byte-order mark: the seed runs as without it, and columns are as an editor shows them', () => {
  const withMark = analyze('\uFEFF' + seed);
  assert.equal(withMark.hasErrors, false, withMark.diagnostics.map((d) => d.message).join('\n'));
  assert.equal(simulate(withMark.scenario).stale, simulate(analyze(seed).scenario).stale);
  const bad = analyze('\uFEFFmachine cores 1 threads 1 $\n').diagnostics.filter((d) => d.code === 'unexpected-character');
  assert.deepEqual(bad.map((d) => d.range.start), [{ line: 0, character: 26 }]);
});

// ---- 5. '\r\n', '\r' and '\n' each end a line

test("lone '\\r' line endings: the lines an editor counts", () => {
  const lf = analyze(seed);
  for (const ending of ['\r', '\r\n']) {
    const other = analyze(seed.split('\n').join(ending));
    assert.equal(other.hasErrors, false, ending);
    assert.deepEqual(JSON.parse(JSON.stringify(other.scenario.file)), JSON.parse(JSON.stringify(lf.scenario.file)), JSON.stringify(ending));
  }
  const mixed = analyze('machine cores 1 threads 1\rguest vm vcpus 1\r\nfoo\nbar # note\r\n');
  assert.deepEqual(mixed.diagnostics.map((d) => [d.code, d.range.start.line]), [['unknown-keyword', 2], ['unknown-keyword', 3]]);
  assert.deepEqual(mixed.scenario.file.sourceLines, ['machine cores 1 threads 1', 'guest vm vcpus 1', 'foo', 'bar # note', '']);
  assert.deepEqual(mixed.scenario.file.comments.map((c) => c.text), ['# note']);
});

test("an edit in a file with lone '\\r' endings re-analyzes as a fresh analysis does", () => {
  const text = seed.split('\n').join('\r');
  const edited = text.replace('access X p', 'acess X p');
  assert.deepEqual(reanalyze(analyze(text), edited).diagnostics, analyze(edited).diagnostics);
});

// ---- 6. invisible characters are named; terminal controls are escaped

test('an unexpected invisible character is named by its code point', () => {
  const bad = analyze('machine cores 1 threads 1 \u200B \u001B \u00A0 $\n').diagnostics.filter((d) => d.code === 'unexpected-character');
  assert.deepEqual(bad.map((d) => d.message), ["unexpected character 'U+200B'", "unexpected character 'U+001B'", "unexpected character 'U+00A0'", "unexpected character '$'"]);
});

test('formatDiagnostic escapes control characters, so a terminal shows them rather than obeys them', () => {
  const d = analyze('machine cores 1 threads 1\nguest vm vcpus 1\nrnu\n').diagnostics[0];
  const line = formatDiagnostic('a\u001B[2J.tlbscn', { ...d, message: 'x \u001B]0;title\u0007 \u202E y' });
  assert.equal(line, 'a\\x1b[2J.tlbscn:3:1: error: x \\x1b]0;title\\x07 \\u{202e} y');
  assert.equal(escapeControls('tab\tstays, NUL \u0000, DEL \u007F, CSI \u009B, line separator \u2028'), 'tab\tstays, NUL \\x00, DEL \\x7f, CSI \\x9b, line separator \\u{2028}');
});
