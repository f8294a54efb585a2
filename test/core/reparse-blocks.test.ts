// Re-parsing restarts at a line with no block open: a statement that ends on
// the line where the next one starts (`} concurrently {`) is parsed again with it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type ParseResult, parse, reparse } from '../../core/src/index';

const said = (r: ParseResult) => ({ statements: r.file.statements, comments: r.file.comments, diagnostics: r.diagnostics });

const text = ['machine cores 2 threads 4', 'guest vm vcpus 2', 'concurrently {', '  cpu0: run vm.vcpu0 on cpu0', '} concurrently {', '  cpu1: run vm.vcpu1 on cpu1', '', '}', ''].join('\n');

for (const [name, line, edit] of [
  ['a lane of the block opened on the closing line', 5, (l: string) => `${l} ; stop vm.vcpu1`],
  ['a blank line inside that block', 6, () => '  cpu0: stop vm.vcpu0'],
  ['its closing brace', 7, () => '}  # end'],
] as const) {
  test(`an edit to ${name} re-parses as a fresh parse`, () => {
    const lines = text.split('\n');
    lines[line] = edit(lines[line]);
    const edited = lines.join('\n');
    const incremental = reparse(parse(text), edited);
    assert.deepEqual(said(incremental), said(parse(edited)));
    assert.ok(!incremental.diagnostics.some((d) => d.code === 'unbalanced-braces'));
  });
}
