// The debug adapter's `provenance` request: the step that last wrote a TLB
// entry or a bit, asked by the core map (a target) or by the Variables pane
// (an evaluateName), and for a stale entry the chain that left it there.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Picture, Provenance } from '../../core/src/index';
import { ROOT, SEED, launch, sample, session, stopAfter, topFrame } from '../adapter/helpers';

before(() => execFileSync('node', ['scripts/build.mjs'], { cwd: ROOT }));

const provenance = async (dc: DebugClient, args: unknown) => (await dc.customRequest('provenance', args)).body as Provenance;
/** A chain as `role@line` (1-based), or `role: text` for what never happened. */
const chainOf = (p: Provenance) => p.chain?.map((l) => (l.step === undefined ? `${l.role}: ${l.text}` : `${l.role}@${l.line! + 1}`));

describe('the provenance request', () => {
  it('at the seed\'s stale stop under buggy: core0\'s X:p was written by the fill; its chain is fill, move, no bit, no entry, unmap; gotoStep goes to the fill', session(async (dc) => {
    await launch(dc, { program: SEED, kernel: 'buggy' });
    const p = await provenance(dc, { target: { kind: 'tlb', domain: 0, lpid: 1, pid: 1, page: 'p' } });
    assert.equal(p.what, 'core0 TLB entry lpid 1 pid 1 X:p');
    assert.equal(p.lastWrite?.line, 19);
    assert.match(p.lastWrite!.text, /X touches p on cpu0: miss/);
    assert.deepEqual(chainOf(p), [
      'filled@20',
      'move@24',
      'bit set: no need_tlb_flush bit of core0 was set for vm after the move: nothing asks core0 to flush LPID 1',
      'entry: no thread of core0 entered vm after that: nothing swept core0',
      'unmapped@31',
    ]);
    // the same entry as the Variables pane names it
    assert.deepEqual(await provenance(dc, { expression: 'tlb(core0) has X:p' }), p);
    const stop = await stopAfter(dc, () => dc.customRequest('gotoStep', { step: p.lastWrite!.step! + 1 }));
    assert.equal(stop.body.reason, 'goto');
    const pic = (await dc.customRequest('picture')).body.picture as Picture;
    assert.deepEqual(pic.domains[0].sets.flat().map((e) => `${e.task}:${e.page} ${e.change}`), ['X:p added']);
  }));

  it('the early-clear race: the bit was set, and the entry that tested it cleared it before its flush', session(async (dc) => {
    await launch(dc, { program: sample('early-clear-race.tlbscn'), kernel: 'early-clear' });
    const stale = (await dc.customRequest('picture')).body.picture as Picture;
    const entry = stale.domains[0].sets.flat().find((e) => e.stale)!;
    const p = await provenance(dc, { target: { kind: 'tlb', domain: 0, lpid: entry.lpid, pid: entry.pid, page: entry.page } });
    // stopped before the stale access: it is not in the chain yet; one step on, it is
    assert.deepEqual(p.chain?.map((l) => l.role), ['filled', 'move', 'bit set', 'unmapped', 'entry']);
    assert.match(p.chain![4].text, /cleared now, before the flush/);
    await stopAfter(dc, () => dc.customRequest('gotoStep', { step: stale.position + 1 }));
    const after = await provenance(dc, { target: { kind: 'tlb', domain: 0, lpid: entry.lpid, pid: entry.pid, page: entry.page } });
    assert.equal(after.chain?.at(-1)?.role, 'stale read');
    const bit = await provenance(dc, { expression: 'need_tlb_flush(vm, cpu0)' });
    assert.equal(bit.what, 'need_tlb_flush[0] of vm');
    assert.match(bit.lastWrite!.text, /need_tlb_flush\[0\] of vm is set: cleared now/);
  }));

  it('a bit never written has no last write; a cpu_in_guest bit names the entry that set it; the Variables pane gives entries an evaluateName', session(async (dc) => {
    const stop = await launch(dc, { program: SEED, kernel: 'buggy' });
    assert.deepEqual(await provenance(dc, { expression: 'need_tlb_flush(vm, core1)' }), { what: 'need_tlb_flush[4] of vm' });
    const inGuest = await provenance(dc, { target: { kind: 'bit', guest: 'vm', mask: 'cpuInGuest', cpu: 4 } });
    assert.match(inGuest.lastWrite!.text, /cpu_in_guest\[4\] of vm set/);
    const frame = await topFrame(dc, stop);
    const find = async (ref: number, path: string[]): Promise<DebugProtocol.Variable> => {
      const v = (await dc.variablesRequest({ variablesReference: ref })).body.variables.find((x) => x.name === path[0])!;
      return path.length === 1 ? v : find(v.variablesReference, path.slice(1));
    };
    const machine = (await dc.scopesRequest({ frameId: frame.id })).body.scopes.find((s) => s.name === 'Machine')!;
    assert.equal((await find(machine.variablesReference, ['core0', 'set 0', 'X:p'])).evaluateName, 'tlb(core0) has X:p');
  }));

  it('is refused for what names no entry or bit, and for ill-typed targets', session(async (dc) => {
    await launch(dc, { program: SEED, kernel: 'buggy' });
    await assert.rejects(provenance(dc, { expression: 'vm.lpid' }), /'vm.lpid' names no TLB entry, need_tlb_flush bit or cpu_in_guest bit/);
    await assert.rejects(provenance(dc, { target: { kind: 'bit', guest: 'nope', mask: 'needTlbFlush', cpu: 0 } }), /no bit 0 of a guest 'nope'/);
    await assert.rejects(provenance(dc, { target: { kind: 'tlb', domain: 0 } }), /provenance: 'target.lpid' must be an integer ≥ 0/);
  }));
});
