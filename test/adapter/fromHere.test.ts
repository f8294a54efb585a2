// "Does a stale schedule exist from here?" over DAP (issue 12): in the
// early-clear race, once cpu1 has run its whole entry first, no schedule from
// there is stale (an exhaustive "none"); back at the block's first step one
// is, and following it keeps the debugger where it stands and then reaches the
// stale access. A schedule that does not keep the choices made so far is refused.

import * as assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { ROOT, launch, sample, session, stopAfter } from './helpers';

before(() => execFileSync('node', ['scripts/build.mjs'], { cwd: ROOT }));

const RACE = sample('early-clear-race.tlbscn');
const CPU1 = 3;

interface Answer {
  verdict: string;
  message: string;
  prefix: number[];
  schedule?: number[];
  maxStall: number | null;
}

const info = async (dc: DebugClient) => (await dc.customRequest('traceInfo')).body as { step: number; stale: number };
const fromHere = async (dc: DebugClient, args?: object) => (await dc.customRequest('staleFromHere', args)).body as Answer;

describe('does a stale schedule exist from here?', () => {
  it('answers none after cpu1 has entered first, finds one at the block\'s start, and follows it to the stale access', session(async (dc) => {
    await launch(dc, { program: RACE }, () => dc.setBreakpointsRequest({ source: { path: RACE }, breakpoints: [{ line: 33 }] }));
    await dc.setBreakpointsRequest({ source: { path: RACE }, breakpoints: [] });
    const start = (await info(dc)).step;
    // cpu1 runs its whole entry first: the race is gone from this run
    await stopAfter(dc, () => dc.nextRequest({ threadId: CPU1 }));
    assert.equal((await info(dc)).stale, 0);
    const none = await fromHere(dc);
    assert.equal(none.verdict, 'none', none.message);
    assert.match(none.message, /^none from here: .*stall unbounded; .*exhaustive\)$/);
    assert.ok(none.prefix.length > 0 && none.prefix[0] === 1, `${none.prefix}`);
    // back at the block's first step nothing is decided yet: a stale schedule exists
    await stopAfter(dc, () => dc.customRequest('gotoStep', { step: start }));
    const found = await fromHere(dc, { maxStall: 1 });
    assert.equal(found.verdict, 'stale', found.message);
    assert.match(found.message, /stall 1: cpu\d held 1 micro-step/);
    assert.equal(found.maxStall, 1);
    const output = dc.waitForEvent('output');
    const stay = await stopAfter(dc, () => dc.customRequest('followSchedule', { schedule: found.schedule }));
    assert.match((await output).body.output, /following a schedule found from step/);
    assert.equal(stay.body.description, 'following the schedule found from here');
    assert.deepEqual(await info(dc).then((i) => [i.step, i.stale]), [start, 1]);
    const stale = await stopAfter(dc, () => dc.continueRequest({ threadId: 1 }));
    assert.equal(stale.body.reason, 'exception');
    // at the stale access (about to run), the schedule being debugged is one from here
    assert.equal((await fromHere(dc)).verdict, 'stale');
  }));

  it('refuses to follow a schedule that drops the choices made so far', session(async (dc) => {
    await launch(dc, { program: RACE }, () => dc.setBreakpointsRequest({ source: { path: RACE }, breakpoints: [{ line: 33 }] }));
    await stopAfter(dc, () => dc.nextRequest({ threadId: CPU1 }));
    await assert.rejects(dc.customRequest('followSchedule', { schedule: [2] }), /does not start with the \d+ choices? made before here/);
    await assert.rejects(dc.customRequest('staleFromHere', { maxSeconds: 0 }), /'maxSeconds' must be a number > 0/);
  }));
});
