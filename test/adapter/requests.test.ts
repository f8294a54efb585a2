// Issue 13, "nothing crashes, nothing hangs, nothing lies": each defect's
// smallest reproducer, sent over the protocol to the bundled adapter. An
// invalid request gets an error response that says what is wrong, changes
// nothing, and leaves the session usable.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ROOT, SEED, evaluate, frames, launch, session, stopAfter, topFrame } from './helpers';

before(() => execFileSync('node', ['scripts/build.mjs'], { cwd: ROOT }));


/** The error message of a request that must fail. */
async function refused(request: Promise<unknown>): Promise<string> {
  const message = await request.then(
    () => assert.fail('the request succeeded'),
    (e: Error) => e.message,
  );
  assert.doesNotMatch(message, /TypeError|RangeError|Cannot read propert|is not a function|internal error/, message);
  return message;
}

const send = (dc: DebugClient, command: string, args?: unknown) => dc.customRequest(command, args);

describe('motions check their arguments before they answer', () => {
  it('goto with a non-integer or missing targetId is refused, and the cursor stays usable', session(async (dc) => {
    let stop = await launch(dc, { program: SEED, kernel: 'buggy', stopOnEntry: true });
    const threadId = stop.body.threadId!;
    assert.match(await refused(send(dc, 'goto', { threadId, targetId: 1.5 })), /^goto: 'targetId' must be an integer, not a number$/);
    assert.match(await refused(send(dc, 'goto', { threadId })), /^goto: 'targetId' must be an integer, not nothing$/);
    assert.match(await refused(send(dc, 'goto', { threadId, targetId: 1e6 })), /^goto: no goto target 1000000/);
    assert.equal(await evaluate(dc, 'step'), '0');
    // before the fix the cursor moved toward NaN forever, and every later motion was "already moving"
    const targets = (await dc.gotoTargetsRequest({ source: { path: SEED }, line: 31 })).body.targets;
    stop = await stopAfter(dc, () => dc.gotoRequest({ threadId, targetId: targets[0].id }));
    assert.equal(stop.body.reason, 'goto');
    assert.equal((await topFrame(dc, stop)).line, 31);
  }));

  it('restartFrame with a frame the stacks do not show is refused; stepping goes on', session(async (dc) => {
    let stop = await launch(dc, { program: SEED, kernel: 'buggy', stopOnEntry: true });
    assert.match(await refused(dc.restartFrameRequest({ frameId: -1 })), /^restartFrame: no frame -1 at this stop$/);
    assert.match(await refused(dc.restartFrameRequest({ frameId: 999_999 })), /no frame 999999/);
    // the acting cpu's frames only: cpu7 (thread 9) has not acted, its frame id is no frame
    assert.match(await refused(dc.restartFrameRequest({ frameId: 9 * 1024 })), /no frame 9216/);
    stop = await stopAfter(dc, () => dc.stepInRequest({ threadId: stop.body.threadId! }));
    const outer = (await frames(dc, stop)).at(-1)!;
    stop = await stopAfter(dc, () => dc.restartFrameRequest({ frameId: outer.id }));
    assert.equal(stop.body.reason, 'restart');
    assert.equal(await evaluate(dc, 'step'), '0');
  }));

  it('stepBack without arguments is refused, and the session is not left running', session(async (dc) => {
    let stop = await launch(dc, { program: SEED, kernel: 'fixed' });
    assert.equal(stop.body.reason, 'end');
    assert.match(await refused(send(dc, 'stepBack')), /^stepBack: the arguments must be an object, not nothing$/);
    assert.match(await refused(send(dc, 'stepBack', { threadId: 1, granularity: 'sideways' })), /'granularity' must be 'statement' or 'line' or 'instruction', not a string/);
    assert.match(await refused(send(dc, 'next', { threadId: 77 })), /^next: no thread 77$/);
    stop = await stopAfter(dc, () => dc.stepBackRequest({ threadId: stop.body.threadId! }));
    assert.equal((await topFrame(dc, stop)).line, 37);
  }));
});

describe('expressions nested too deep', () => {
  const deep = '('.repeat(1500) + 'true' + ')'.repeat(1500);

  it('are a parse error, whichever way they nest', session(async (dc) => {
    await launch(dc, { program: SEED, kernel: 'fixed', stopOnEntry: true });
    for (const expression of [deep, '!'.repeat(5000) + 'true', 'true && '.repeat(5000) + 'true', `need_tlb_flush(${'vm, '.repeat(3)}${'cpu0.'.repeat(3000)}vcpu)`]) {
      assert.match(await refused(dc.evaluateRequest({ expression, context: 'watch' })), /^expression nested deeper than 100 levels$/);
    }
    assert.equal(await evaluate(dc, `${'('.repeat(90)}1${')'.repeat(90)}`), '1');
    assert.match(await refused(dc.evaluateRequest({ expression: `0x${'f'.repeat(40)}`, context: 'watch' })), /the number at column 1 is too large/);
  }));

  it('as an exception filter condition: unverified, and restart still works (the adapter used to exit)', session(async (dc) => {
    await launch(dc, { program: SEED, kernel: 'buggy', stopOnEntry: true });
    const bps = (await dc.setExceptionBreakpointsRequest({ filters: [], filterOptions: [{ filterId: 'stale', condition: deep }] })).body!.breakpoints!;
    assert.equal(bps[0].verified, false);
    assert.match(bps[0].message!, /bad expression: expression nested deeper than 100 levels/);
    const stop = await stopAfter(dc, () => dc.restartRequest({ arguments: { stopOnEntry: false } } as DebugProtocol.RestartArguments));
    // the stale filter's condition cannot hold: the run goes on to its end
    assert.equal(stop.body.reason, 'end');
  }));

  it('a setExceptionBreakpoints that fails keeps the previous filters', session(async (dc) => {
    await launch(dc, { program: SEED, kernel: 'buggy', stopOnEntry: true });
    assert.match(
      await refused(send(dc, 'setExceptionBreakpoints', { filters: ['fault'], filterOptions: [{ filterId: 'flush', condition: 5 }] })),
      /'filterOptions\[0\]\.condition' must be a string, not a number/,
    );
    // still only the default filters (stale, error): the buggy seed stops at its stale access, not at a fault
    const stop = await stopAfter(dc, () => dc.restartRequest({ arguments: { stopOnEntry: false } } as DebugProtocol.RestartArguments));
    assert.equal(stop.body.reason, 'exception');
    assert.equal((await dc.exceptionInfoRequest({ threadId: stop.body.threadId! })).body.exceptionId, 'stale');
  }));
});

describe('launch: the files it reads', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlbscn-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an error about a file that is no scenario does not quote it', session(async (dc) => {
    const secret = path.join(dir, 'passwd');
    fs.writeFileSync(secret, 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n');
    const message = await refused(dc.launchRequest({ program: secret } as DebugProtocol.LaunchRequestArguments));
    assert.match(message, /^passwd is not a tlbscn scenario/);
    assert.doesNotMatch(message, /root|daemon|bash/);
    const asTrace = await refused(dc.launchRequest({ trace: secret } as DebugProtocol.LaunchRequestArguments));
    assert.match(asTrace, /not a JSON trace \(it does not parse as JSON\)/);
    assert.doesNotMatch(asTrace, /root|daemon|bash/);
  }));

  it('reads only regular files, and none over 16 MiB, failing at once', session(async (dc) => {
    const fifo = path.join(dir, 'fifo.tlbscn');
    execFileSync('mkfifo', [fifo]);
    const big = path.join(dir, 'big.tlbscn');
    fs.closeSync(fs.openSync(big, 'w'));
    fs.truncateSync(big, 17 * 1024 * 1024);
    const started = Date.now();
    for (const [program, why] of [
      [fifo, /fifo\.tlbscn: it is not a regular file$/],
      ['/dev/zero', /\/dev\/zero: it is not a regular file$/],
      [dir, /: it is a directory$/],
      [big, /big\.tlbscn: it is larger than 16 MiB$/],
    ] as const) {
      assert.match(await refused(dc.launchRequest({ program } as DebugProtocol.LaunchRequestArguments)), why);
      assert.match(await refused(dc.launchRequest({ trace: program } as DebugProtocol.LaunchRequestArguments)), why);
    }
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  }));

  it('resolves program and trace against the launch\'s cwd', session(async (dc) => {
    const trace = path.join(dir, 'trace.json');
    fs.writeFileSync(trace, JSON.stringify({ file: 'seed-a29ebeaf.tlbscn', kernel: 'buggy' }));
    const stop = await launch(dc, { trace: path.relative(path.join(ROOT, 'sample-scenarios'), trace), cwd: path.join(ROOT, 'sample-scenarios') } as never);
    assert.equal(stop.body.reason, 'exception');
    assert.equal((await dc.customRequest('traceInfo')).body.file, SEED);
  }));

  it('refuses ill-typed launch attributes by name', session(async (dc) => {
    assert.match(await refused(dc.launchRequest({ program: SEED, cwd: 5 } as never)), /^launch: 'cwd' must be a string, not a number$/);
    assert.match(await refused(dc.launchRequest({ program: ['a'] } as never)), /'program' must be a string, not a list/);
    assert.match(await refused(dc.launchRequest({ program: SEED, stopOnEntry: 'yes' } as never)), /'stopOnEntry' must be true or false/);
    // and then launches: the refused ones changed nothing
    const stop = await launch(dc, { program: SEED, kernel: 'buggy' });
    assert.equal(stop.body.reason, 'exception');
    assert.match(await refused(dc.launchRequest({ program: SEED } as DebugProtocol.LaunchRequestArguments)), /launched its scenario already/);
  }));
});

describe('the other requests, missing or ill-typed', () => {
  it('answer with what is wrong, and the session goes on', session(async (dc) => {
    const stop = await launch(dc, { program: SEED, kernel: 'buggy', stopOnEntry: true });
    const cases: [string, unknown, RegExp][] = [
      ['setBreakpoints', { breakpoints: [{ line: 16 }] }, /^setBreakpoints: 'source' must be an object, not nothing$/],
      ['setBreakpoints', { source: { path: SEED }, breakpoints: [{ line: '16' }] }, /'breakpoints\[0\]\.line' must be an integer, not a string/],
      ['setFunctionBreakpoints', { breakpoints: [{}] }, /'breakpoints\[0\]\.name' must be a string/],
      ['setDataBreakpoints', { breakpoints: 'tlb:0' }, /'breakpoints' must be a list, not a string/],
      ['dataBreakpointInfo', { variablesReference: 1 }, /'name' must be a string/],
      ['breakpointLocations', { source: { path: SEED } }, /'line' must be an integer/],
      ['variables', { variablesReference: 4242 }, /^variables: no variables reference 4242/],
      ['variables', { variablesReference: 1, start: -1 }, /'start' must be an integer ≥ 0/],
      ['evaluate', { context: 'repl' }, /^evaluate: 'expression' must be a string, not nothing$/],
      ['scopes', { frameId: 5 }, /^scopes: no frame 5 at this stop$/],
      ['stackTrace', { threadId: 0 }, /^stackTrace: no thread 0$/],
      ['stackTrace', { threadId: 1, levels: -2 }, /'levels' must be an integer ≥ 0/],
      ['completions', { text: 'vm.', column: 99 }, /^completions: column 99 is outside the text$/],
      ['gotoStep', { step: 'x' }, /'step' must be an integer ≥ 0, not a string/],
      ['exceptionInfo', { threadId: 1 }, /not stopped on an exception/],
      ['source', { sourceReference: 1 }, /^source: no source 1: frames point at the scenario's file until it changes during the session$/],
      ['source', { sourceReference: 'x' }, /'sourceReference' must be an integer, not a string/],
      ['restart', { arguments: { kernel: 3 } }, /'arguments\.kernel' must be a string/],
      ['disconnect', { terminateDebuggee: 'no' }, /'terminateDebuggee' must be true or false/],
    ];
    for (const [command, args, message] of cases) assert.match(await refused(send(dc, command, args)), message, command);
    // a source that is not the scenario has no goto targets and no breakpoint locations (they were the scenario's)
    assert.deepEqual((await dc.gotoTargetsRequest({ source: { path: '/elsewhere.tlbscn' }, line: 31 })).body.targets, []);
    // nothing above moved the cursor or dropped the session
    assert.equal(await evaluate(dc, 'step'), '0');
    assert.equal((await topFrame(dc, stop)).line, 16);
  }));
});
