// Every error of spec §3, each reported with its line and column and a
// clear message, and error recovery: five mistakes, five diagnostics.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../core/src/index';

const HEAD = ['machine cores 2 threads 4', 'guest vm radix vcpus 2', 'task X in vm pages A B'];

/** One case: the file, then the error expected at line:col (1-based). */
const cases: { name: string; lines: string[]; code: string; at: [number, number]; message: RegExp }[] = [
  { name: 'unknown keyword', lines: [...HEAD, 'rnu vm.vcpu0 on cpu0'], code: 'unknown-keyword', at: [4, 1], message: /unknown keyword 'rnu'; did you mean 'run'/ },
  { name: 'missing argument', lines: [...HEAD, 'run vm.vcpu0 on'], code: 'wrong-arguments', at: [4, 16], message: /expected cpu<N>, found the end of the line/ },
  { name: 'argument of the wrong kind', lines: [...HEAD, 'run vm.vcpu0 on core1'], code: 'wrong-arguments', at: [4, 17], message: /expected cpu<N>, found 'core1'/ },
  { name: 'too many arguments', lines: [...HEAD, 'stop vm.vcpu0 now'], code: 'wrong-arguments', at: [4, 15], message: /too many arguments/ },
  { name: 'not a number', lines: ['machine cores two threads 4'], code: 'wrong-arguments', at: [1, 15], message: /expected the number of cores/ },
  { name: 'undeclared guest', lines: [...HEAD, 'run web.vcpu0 on cpu0'], code: 'undeclared-guest', at: [4, 5], message: /undeclared guest 'web'/ },
  { name: 'undeclared task', lines: [...HEAD, 'run vm.vcpu0 on cpu0', 'schedule Y on vm.vcpu0'], code: 'undeclared-task', at: [5, 10], message: /undeclared task 'Y'/ },
  { name: 'undeclared page', lines: [...HEAD, 'run vm.vcpu0 on cpu0', 'schedule X on vm.vcpu0', 'access X C'], code: 'undeclared-page', at: [6, 10], message: /undeclared page 'C' of task 'X'/ },
  { name: 'undeclared guest of a task', lines: ['machine cores 1 threads 1', 'task X in nope pages A'], code: 'undeclared-guest', at: [2, 11], message: /undeclared guest 'nope'/ },
  { name: 'vcpu index ≥ vcpus', lines: [...HEAD, 'run vm.vcpu2 on cpu0'], code: 'vcpu-out-of-range', at: [4, 8], message: /guest 'vm' has 2 vcpus/ },
  { name: 'cpu out of range', lines: [...HEAD, 'run vm.vcpu0 on cpu8'], code: 'cpu-out-of-range', at: [4, 17], message: /cpu8 is out of range: the machine has cpu0…cpu7/ },
  { name: 'core out of range', lines: [...HEAD, 'expect need_tlb_flush vm core2 set'], code: 'core-out-of-range', at: [4, 26], message: /core2 is out of range/ },
  { name: 'bigcore without threads 8', lines: ['machine cores 2 threads 4 bigcore'], code: 'bigcore-needs-threads-8', at: [1, 27], message: /'bigcore' needs 'threads 8'/ },
  { name: 'threads not 1, 2, 4 or 8', lines: ['machine cores 2 threads 3'], code: 'bad-threads', at: [1, 25], message: /threads must be 1, 2, 4 or 8/ },
  { name: 'duplicate name', lines: [...HEAD, 'guest X radix vcpus 1'], code: 'duplicate-name', at: [4, 7], message: /duplicate name 'X'/ },
  { name: 'duplicate page', lines: ['machine cores 1 threads 1', 'guest vm vcpus 1', 'task X in vm pages A A'], code: 'duplicate-name', at: [3, 22], message: /page 'A' is listed twice/ },
  { name: 'duplicate lpid', lines: ['machine cores 1 threads 1', 'guest a vcpus 1 lpid 2', 'guest b vcpus 1 lpid 2'], code: 'duplicate-lpid', at: [3, 22], message: /lpid 2 is already used by guest 'a'/ },
  { name: 'default lpid equal to an explicit one', lines: ['machine cores 1 threads 1', 'guest a vcpus 1', 'guest b vcpus 1 lpid 1'], code: 'duplicate-lpid', at: [2, 7], message: /gets lpid 1 by default/ },
  { name: 'declaration after an event', lines: [...HEAD, 'run vm.vcpu0 on cpu0', 'guest late vcpus 1'], code: 'declaration-after-event', at: [5, 1], message: /must come before the first event/ },
  { name: 'access by a task that is not current', lines: [...HEAD, 'run vm.vcpu0 on cpu0', 'access X A'], code: 'task-not-running', at: [5, 8], message: /not current on any vcpu/ },
  { name: 'unmap by a task on a stopped vcpu', lines: [...HEAD, 'run vm.vcpu0 on cpu0', 'schedule X on vm.vcpu0', 'stop vm.vcpu0', 'unmap X A'], code: 'task-not-running', at: [7, 7], message: /vm\.vcpu0 is not running/ },
  { name: 'map by a task that is not current', lines: [...HEAD, 'map X A'], code: 'task-not-running', at: [4, 5], message: /not current/ },
  { name: 'tlbiel by a task that is not current', lines: [...HEAD, 'tlbiel X'], code: 'task-not-running', at: [4, 8], message: /not current/ },
  { name: 'tlbie by a task that is not current', lines: [...HEAD, 'tlbie X A'], code: 'task-not-running', at: [4, 7], message: /not current/ },
  { name: 'tlbiel in an hpt guest', lines: ['machine cores 1 threads 2', 'guest h hpt vcpus 1', 'task X in h pages A', 'run h.vcpu0 on cpu0', 'schedule X on h.vcpu0', 'tlbiel X A'], code: 'invalidation-in-hpt-guest', at: [6, 1], message: /'tlbiel' in hpt guest 'h'/ },
  { name: 'explicit unmap form in an hpt guest', lines: ['machine cores 1 threads 2', 'guest h hpt vcpus 1', 'task X in h pages A', 'run h.vcpu0 on cpu0', 'schedule X on h.vcpu0', 'unmap X A tlbie'], code: 'invalidation-in-hpt-guest', at: [6, 11], message: /takes no 'tlbie'/ },
  { name: 'two machine lines', lines: [...HEAD.slice(0, 1), 'machine cores 1 threads 1'], code: 'duplicate-machine', at: [2, 1], message: /only one machine line/ },
  { name: 'no machine line', lines: ['guest vm vcpus 1'], code: 'missing-machine', at: [1, 1], message: /needs a 'machine' line/ },
  { name: 'unknown kernel variant', lines: [...HEAD, 'kernel fixd'], code: 'unknown-kernel', at: [4, 8], message: /unknown kernel variant 'fixd'.*did you mean 'fixed'/ },
  { name: 'two kernel lines', lines: [...HEAD, 'kernel fixed', 'kernel buggy'], code: 'duplicate-kernel', at: [5, 1], message: /only one kernel line/ },
  { name: 'concurrently never closed', lines: [...HEAD, 'concurrently {', '  cpu0: run vm.vcpu0 on cpu0'], code: 'unbalanced-braces', at: [4, 1], message: /never closed/ },
  { name: 'stray closing brace', lines: [...HEAD, '}'], code: 'unbalanced-braces', at: [4, 1], message: /'}' without an open/ },
  { name: 'concurrently without a brace', lines: [...HEAD, 'concurrently'], code: 'unbalanced-braces', at: [4, 13], message: /must be followed by '\{'/ },
  { name: 'a lane running a vcpu on another cpu', lines: [...HEAD, 'concurrently {', '  cpu0: run vm.vcpu0 on cpu1', '}'], code: 'lane-runs-other-cpu', at: [5, 25], message: /lane cpu0 may only run vcpus on cpu0/ },
  { name: 'expect of an outcome with no access before it', lines: [...HEAD, 'expect hit'], code: 'expect-without-access', at: [4, 1], message: /needs an 'access' before it/ },
  { name: 'expect tlb of a whole big core', lines: ['machine cores 1 threads 8 bigcore', 'guest vm vcpus 1', 'task X in vm pages A', 'expect tlb core0 has X:A'], code: 'whole-tlb-of-bigcore', at: [4, 12], message: /has two TLBs/ },
  { name: 'too many cores', lines: ['machine cores 99999999999999 threads 8'], code: 'bad-number', at: [1, 15], message: /the number of cores must be between 1 and 1024/ },
  { name: 'too many vcpus', lines: ['machine cores 1 threads 1', 'guest vm vcpus 3000000000'], code: 'bad-number', at: [2, 16], message: /the number of vcpus must be between 1 and 1024/ },
  { name: 'too many TLB sets', lines: ['machine cores 1 threads 1 tlb-sets 100000000'], code: 'bad-number', at: [1, 36], message: /tlb-sets must be between 1 and 4096/ },
  { name: 'an lpid beyond 12 bits', lines: ['machine cores 1 threads 1', 'guest vm vcpus 1 lpid 5000'], code: 'bad-number', at: [2, 23], message: /an lpid \(0 is the host\) must be between 1 and 4095/ },
  { name: 'an lpid of 0 (the host)', lines: ['machine cores 1 threads 1', 'guest vm vcpus 1 lpid 0'], code: 'bad-number', at: [2, 23], message: /between 1 and 4095/ },
  { name: 'unexpected character', lines: [...HEAD, 'run vm.vcpu0 on cpu0 $'], code: 'unexpected-character', at: [4, 22], message: /unexpected character '\$'/ },
];

for (const c of cases) {
  test(`error: ${c.name}`, () => {
    const { diagnostics } = analyze(c.lines.join('\n') + '\n');
    const d = diagnostics.find((x) => x.code === c.code);
    assert.ok(d, `expected ${c.code}; got ${JSON.stringify(diagnostics.map((x) => `${x.code}@${x.range.start.line + 1}:${x.range.start.character + 1}`))}`);
    assert.equal(d.severity, 'error');
    assert.deepEqual([d.range.start.line + 1, d.range.start.character + 1], c.at);
    assert.match(d.message, c.message);
  });
}

test('error recovery: five mistakes give five errors, on their own lines', () => {
  const text = [
    'machine cores 2 threads 4',
    'guest vm radix vcpus 2',
    'task X in vm pages A',
    'rnu vm.vcpu0 on cpu0', // 4 unknown keyword
    'run vm.vcpu9 on cpu0', // 5 vcpu out of range
    'run vm.vcpu0 on cpu99', // 6 cpu out of range
    'run vm.vcpu1 on cpu1',
    'schedule X on vm.vcpu1',
    'access X Z', // 9 undeclared page
    'kernel nope', // 10 declaration after event
  ].join('\n');
  const errors = analyze(text).diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(
    errors.map((d) => [d.range.start.line + 1, d.code]),
    [
      [4, 'unknown-keyword'],
      [5, 'vcpu-out-of-range'],
      [6, 'cpu-out-of-range'],
      [9, 'undeclared-page'],
      [10, 'declaration-after-event'],
    ],
  );
});

test('several errors on one line are all reported, each at its token', () => {
  const text = ['machine cores 1 threads 2', 'guest vm vcpus 1', 'run vm.vcpu3 on cpu7'].join('\n');
  const errors = analyze(text).diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map((d) => [d.code, d.range.start.character]), [
    ['vcpu-out-of-range', 7],
    ['cpu-out-of-range', 16],
  ]);
});

test('warnings: page never accessed, run onto an occupied cpu', () => {
  const text = [...HEAD, 'run vm.vcpu0 on cpu0', 'run vm.vcpu1 on cpu0', 'schedule X on vm.vcpu1', 'access X A'].join('\n');
  const warnings = analyze(text).diagnostics.filter((d) => d.severity === 'warning');
  assert.deepEqual(warnings.map((d) => [d.code, d.range.start.line + 1]), [
    ['page-never-accessed', 3],
    ['cpu-occupied', 5],
  ]);
});

test('a page listed twice is one page: one warning when it is never accessed', () => {
  const warnings = analyze('machine cores 1 threads 1\nguest vm vcpus 1\ntask X in vm pages a a\n').diagnostics.filter((d) => d.code === 'page-never-accessed');
  assert.equal(warnings.length, 1);
});

test('a character outside the BMP is one unexpected character', () => {
  const bad = analyze('machine cores 1 threads 1 \u{1F600}\n').diagnostics.filter((d) => d.code === 'unexpected-character');
  assert.deepEqual(bad.map((d) => d.message), ["unexpected character '\u{1F600}'"]);
});

test('the checker never throws on arbitrary text', () => {
  for (const text of ['', '\n\n', '{{{', '}}}', 'concurrently {', ':::', 'run', 'machine', 'expect tlb', '\u0000\u0001', 'x'.repeat(100000)]) {
    assert.doesNotThrow(() => analyze(text));
  }
});
