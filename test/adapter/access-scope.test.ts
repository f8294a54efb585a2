// The Variables pane at a stop on an access: a first scope, 'At this access',
// that VS Code opens by itself (it opens the first scope that is not
// expensive), with the guest's bits and the TLB domain's entries at its top
// level and values that fit a default-width sidebar.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { ROOT, SEED, launch, session, topFrame } from './helpers';

before(() => execFileSync('node', ['scripts/build.mjs'], { cwd: ROOT }));

describe('the At this access scope', () => {
  it('at the seed\'s stale stop under buggy: first, not expensive, the access, vm\'s bits and core0\'s stale entry in short values', session(async (dc) => {
    const stop = await launch(dc, { program: SEED, kernel: 'buggy' });
    const scopes = (await dc.scopesRequest({ frameId: (await topFrame(dc, stop)).id })).body.scopes;
    assert.deepEqual(scopes.map((s) => `${s.name}${s.expensive ? ' (expensive)' : ''}`), ['At this access', 'Machine', 'Guests', 'Step']);
    const vars = (await dc.variablesRequest({ variablesReference: scopes[0].variablesReference })).body.variables;
    assert.deepEqual(
      vars.map((v) => `${v.name} = ${v.value}`),
      ['next access = X:p on cpu1: STALE', 'vm need_tlb_flush = 0x0 = {}', 'vm cpu_in_guest = 0x12 = {cpu1, cpu4}', 'core0 X:p = set 0 → frame 1 STALE'],
    );
    for (const v of vars) assert.ok(v.value.length <= 40, `${v.name}: ${v.value}`);
    const entry = vars.find((v) => v.name === 'core0 X:p')!;
    assert.equal(entry.evaluateName, 'tlb(core0) has X:p');
    const details = (await dc.variablesRequest({ variablesReference: entry.variablesReference })).body.variables;
    assert.match(details[0].value, /^lpid 1 pid 1 p → frame 1 {2}STALE \(page unmapped at line 31\)$/);
    const why = (await dc.variablesRequest({ variablesReference: vars[0].variablesReference })).body.variables.find((v) => v.name === 'why')!;
    assert.match(why.value, /^core0 TLB still holds lpid 1 pid 1 p → frame 1, filled at line 20; the page was unmapped at line 31/);
  }));

  it('is not there at a stop that is no access', session(async (dc) => {
    const stop = await launch(dc, { program: SEED, kernel: 'buggy', stopOnEntry: true });
    const scopes = (await dc.scopesRequest({ frameId: (await topFrame(dc, stop)).id })).body.scopes;
    assert.deepEqual(scopes.map((s) => s.name), ['Machine', 'Guests', 'Step']);
  }));
});
