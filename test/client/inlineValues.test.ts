// The inline values' line → expression mapping (client/src/inlineValues.ts),
// without VS Code: which lines of a scenario get a value, and the expression
// the debug adapter evaluates for each (test/adapter/inline-values.test.ts
// evaluates the same expressions in a session).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { entryBitExpression, runLineValues } from '../../client/src/inlineValues';

const sample = (name: string) => readFileSync(path.join(__dirname, '..', '..', 'sample-scenarios', name), 'utf8');

test('each run line of the seed gets the bit its cpu\'s entry path tests, in its guest', () => {
  const values = runLineValues(sample('seed-a29ebeaf.tlbscn'));
  assert.deepEqual(
    values.map((v) => [v.line + 1, v.expression]),
    [
      [16, 'need_tlb_flush(vm, cpu0.entry_bit)'],
      [18, 'need_tlb_flush(vm, cpu1.entry_bit)'],
      [24, 'need_tlb_flush(vm, cpu4.entry_bit)'],
    ],
  );
  // the range is the statement's, without its comment
  const text = sample('seed-a29ebeaf.tlbscn').split('\n')[23];
  assert.equal(text.slice(values[2].range.start.character, values[2].range.end.character), 'run vm.vcpu0 on cpu4');
});

test('a run in a concurrently lane gets its value, its range the event only', () => {
  const text = sample('early-clear-race.tlbscn');
  const values = runLineValues(text);
  const lane = values.filter((v) => v.line === 33);
  assert.equal(lane.length, 1);
  assert.equal(lane[0].expression, 'need_tlb_flush(vm, cpu1.entry_bit)');
  const line = text.split('\n')[33];
  assert.equal(line.slice(lane[0].range.start.character, lane[0].range.end.character), 'run vm.vcpu1 on cpu1');
  assert.deepEqual(
    values.map((v) => v.line + 1),
    [24, 27, 33, 34],
  );
});

test('only the lines asked for (the editor\'s viewport), both ends included', () => {
  const text = sample('seed-a29ebeaf.tlbscn');
  assert.deepEqual(runLineValues(text, 17, 23).map((v) => v.line), [17, 23]);
  assert.deepEqual(runLineValues(text, 18, 22), []);
});

test('two guests: each run names its own guest', () => {
  const text = 'machine cores 2 threads 4\nguest web radix vcpus 1\nguest db radix vcpus 1\nrun web.vcpu0 on cpu0\nrun db.vcpu0 on cpu5\n';
  assert.deepEqual(runLineValues(text).map((v) => v.expression), [entryBitExpression('web', 0), entryBitExpression('db', 5)]);
  assert.equal(entryBitExpression('db', 5), 'need_tlb_flush(db, cpu5.entry_bit)');
});

test('a line being typed, a run on a core and a run in a comment get no value; bad input does not throw', () => {
  const text = 'machine cores 2 threads 4\nguest vm radix vcpus 2\nrun vm.vcpu0 on\nrun vm.vcpu1 on core1\n# run vm.vcpu0 on cpu0\nrun vm.vcpu0 on cpu2 ; run\n';
  assert.deepEqual(runLineValues(text), []);
  for (const junk of ['', '\u0000\u0000', 'run', 'concurrently {\n cpu1: run vm.vcpu0 on cpu1\n', '}'.repeat(1000), 'run x.vcpu99999999999999999999 on cpu99999999999999999999'])
    assert.doesNotThrow(() => runLineValues(junk), JSON.stringify(junk.slice(0, 40)));
});
