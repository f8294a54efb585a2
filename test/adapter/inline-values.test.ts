// Issue 12's inline values, on the adapter's side: the expressions the
// client's inline values provider puts after each `run` line
// (client/src/inlineValues.ts, `need_tlb_flush(G, cpuM.entry_bit)`) evaluate
// in a session to the bit cpuM's entry path tests under the session's kernel
// variant, and follow the debugger as it moves.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { runLineValues } from '../../client/src/inlineValues';
import { ROOT, SEED, evaluate, launch, sample, session, stopAfter } from './helpers';

before(() => execFileSync('node', ['scripts/build.mjs'], { cwd: ROOT }));

const RACE = sample('early-clear-race.tlbscn');
/** Thread id of cpu2 (cpu N is N + 2). */
const CPU2 = 4;

/** Stops at the race's block, cpu2 about to prepare (line 33), under `kernel` (the file's when undefined). */
async function atBlock(dc: DebugClient, kernel?: string): Promise<DebugProtocol.StoppedEvent> {
  const stop = await launch(dc, { program: RACE, ...(kernel ? { kernel } : {}) }, () => dc.setBreakpointsRequest({ source: { path: RACE }, breakpoints: [{ line: 33 }] }));
  assert.equal(stop.body.reason, 'breakpoint');
  await dc.setBreakpointsRequest({ source: { path: RACE }, breakpoints: [] });
  return stop;
}

/** Each run line's inline value, as VS Code shows it: `expression = result`, by 1-based line. */
async function inlineValues(dc: DebugClient, file: string): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const v of runLineValues(readFileSync(file, 'utf8'))) out.set(v.line + 1, `${v.expression} = ${await evaluate(dc, v.expression)}`);
  return out;
}

describe('inline values of run lines', () => {
  it('early-clear, at the block: cpu1 and cpu2 test bit 0, which cpu0\'s vcpu moving away set; cpu4 tests its own, clear', session(async (dc) => {
    await atBlock(dc);
    assert.deepEqual(
      [...(await inlineValues(dc, RACE))],
      [
        [24, 'need_tlb_flush(vm, cpu0.entry_bit) = true'],
        [27, 'need_tlb_flush(vm, cpu4.entry_bit) = false'],
        [33, 'need_tlb_flush(vm, cpu2.entry_bit) = true'],
        [34, 'need_tlb_flush(vm, cpu1.entry_bit) = true'],
      ],
    );
    // early-clear rounds the cpu down to a multiple of 4, as a29ebeaf does
    assert.equal(await evaluate(dc, 'cpu1.entry_bit'), '0');
    assert.equal(await evaluate(dc, 'cpu6.entry_bit'), '4');
  }));

  it('the values follow the debugger: cpu2\'s entry test clears bit 0 (early-clear clears before the sweep), and a step back sets it again', session(async (dc) => {
    await atBlock(dc);
    const seen: string[] = [];
    // cpu2: kvmppc_prepare_radix_vcpu, kvmppc_start_thread, then the entry test that clears the bit
    for (let i = 0; i < 3; i++) {
      await stopAfter(dc, () => dc.stepInRequest({ threadId: CPU2 }));
      seen.push(await evaluate(dc, 'need_tlb_flush(vm, cpu1.entry_bit)'));
    }
    assert.deepEqual(seen, ['true', 'true', 'false']);
    await stopAfter(dc, () => dc.customRequest('stepBackInto', { threadId: CPU2 }));
    assert.equal(await evaluate(dc, 'need_tlb_flush(vm, cpu1.entry_bit)'), 'true');
  }));

  it('under v5.17 each thread tests its own bit, which the move set for every thread of core0', session(async (dc) => {
    await atBlock(dc, 'v5.17');
    assert.equal(await evaluate(dc, 'cpu1.entry_bit'), '1');
    assert.equal(await evaluate(dc, 'cpu6.entry_bit'), '6');
    // radix_flush_cpu marks each thread of the old core: bits 0-3 (0xf); core1's are clear
    assert.equal(await evaluate(dc, 'need_tlb_flush(vm) & 0xff'), '15');
    const values = await inlineValues(dc, RACE);
    assert.equal(values.get(34), 'need_tlb_flush(vm, cpu1.entry_bit) = true');
    assert.equal(values.get(27), 'need_tlb_flush(vm, cpu4.entry_bit) = false');
  }));

  it('the seed under buggy, at the stale stop: every run line has a value', session(async (dc) => {
    const stop = await launch(dc, { program: SEED });
    assert.equal(stop.body.reason, 'exception');
    const values = await inlineValues(dc, SEED);
    assert.deepEqual([...values.keys()], [16, 18, 24]);
    for (const [line, text] of values) assert.match(text, /^need_tlb_flush\(vm, cpu\d\.entry_bit\) = (true|false)$/, `line ${line}`);
  }));

  it('entry_bit in a condition, a data breakpoint and provenance; its errors are console text', session(async (dc) => {
    const stop = await launch(dc, { program: RACE, stopOnEntry: true });
    assert.equal(stop.body.reason, 'entry');
    // a condition is evaluated where each hit stands, with the session's variant
    const set = await dc.setBreakpointsRequest({ source: { path: RACE }, breakpoints: [{ line: 34, condition: 'need_tlb_flush(vm, cpu1.entry_bit)' }] });
    assert.equal(set.body.breakpoints[0].verified, true, set.body.breakpoints[0].message);
    // the bit it names can be watched, and asked where it came from
    const info = (await dc.dataBreakpointInfoRequest({ name: 'need_tlb_flush(vm, cpu1.entry_bit)' })).body;
    assert.equal(info.dataId, 'needTlbFlush:vm:0:0');
    assert.match(await evaluate(dc, 'cpu1.entry_bit.size', 'repl'), /^error: the number 0 has no field 'size'/);
    assert.match(await evaluate(dc, 'vm.entry_bit', 'repl'), /^error: a guest has no field 'entry_bit'/);
    const completions = (await dc.customRequest('completions', { text: 'cpu1.en', column: 8 })).body.targets.map((t: DebugProtocol.CompletionItem) => t.label);
    assert.deepEqual(completions, ['entry_bit']);
  }));
});
