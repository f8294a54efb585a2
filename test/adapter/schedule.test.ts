// Issue 12, driven over DAP: in the early-clear race, stepping on cpu1's
// thread moves cpu1 (and step over lets it finish its entry before cpu2
// clears the bit, so no stale access is left); a lane that cannot move says
// why; the schedule being debugged is saved and replays to the same stale
// stop, from the adapter and from the CLI; reverse step into and out; the
// expression language's errors; Debug Test's stop at a failing expect.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { execFileSync, spawnSync } from 'node:child_process';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ROOT, SEED, evaluate, frames, launch, sample, session, stopAfter, topFrame } from './helpers';

before(() => execFileSync('node', ['scripts/build.mjs'], { cwd: ROOT }));

const RACE = sample('early-clear-race.tlbscn');
/** Thread ids: 1 is the scenario, cpu N is N + 2. */
const CPU1 = 3;
const CPU2 = 4;

/** Stops at the first micro-step of the race's block: cpu2's kvmppc_prepare_radix_vcpu (line 33). */
async function atBlock(dc: DebugClient): Promise<DebugProtocol.StoppedEvent> {
  const stop = await launch(dc, { program: RACE }, () => dc.setBreakpointsRequest({ source: { path: RACE }, breakpoints: [{ line: 33 }] }));
  assert.equal(stop.body.reason, 'breakpoint');
  assert.equal(stop.body.threadId, CPU2);
  // cpu2's statement starts later in a new schedule: the breakpoint would stop there
  await dc.setBreakpointsRequest({ source: { path: RACE }, breakpoints: [] });
  return stop;
}

const custom = (dc: DebugClient, command: string, args?: object) => dc.customRequest(command, args);
const lastStep = async (dc: DebugClient, stop: DebugProtocol.StoppedEvent) => {
  const frame = await topFrame(dc, stop);
  const scopes = (await dc.scopesRequest({ frameId: frame.id })).body.scopes;
  const step = scopes.find((s) => s.name === 'Step')!;
  return (await dc.variablesRequest({ variablesReference: step.variablesReference })).body.variables;
};

describe('schedule control in a concurrently block', () => {
  it('lists every lane of the block as a thread, and which can move', session(async (dc) => {
    await atBlock(dc);
    const names = (await dc.threadsRequest()).body.threads.map((t) => t.name);
    // cpu1 has not acted yet, but its lane can be chosen
    assert.ok(names.some((n) => n.startsWith('cpu1 ')), names.join('; '));
    const lanes = (await custom(dc, 'lanes')).body.lanes as { cpu: number; ready: boolean; acting: boolean }[];
    assert.deepEqual(lanes.map((l) => [l.cpu, l.ready, l.acting]), [[2, true, true], [1, true, false]]);
  }));

  it('step into on cpu1\'s thread moves cpu1, not the cpu the schedule had next', session(async (dc) => {
    const stop = await atBlock(dc);
    assert.equal(await evaluate(dc, 'vm.vcpu1.prev_cpu'), '-1');
    const after = await stopAfter(dc, () => dc.stepInRequest({ threadId: CPU1 }));
    // cpu1's kvmppc_prepare_radix_vcpu ran: prev_cpu := 1; cpu2's has not
    assert.equal(await evaluate(dc, 'vm.vcpu1.prev_cpu'), '1');
    assert.equal(await evaluate(dc, 'vm.vcpu2.prev_cpu'), '-1');
    const step = await lastStep(dc, after);
    assert.match(step.map((v) => `${v.name}=${v.value}`).join('\n'), /cpu1/);
    // the old schedule's next choice, cpu2, follows
    assert.equal(after.body.threadId, CPU2);
    assert.equal(stop.body.threadId, CPU2);
  }));

  it('step over on cpu1\'s thread runs its whole entry while cpu2 waits: cpu1 sees the bit and sweeps, and the race is gone', session(async (dc) => {
    await atBlock(dc);
    const changed = dc.waitForEvent('scheduleChanged');
    const after = await stopAfter(dc, () => dc.nextRequest({ threadId: CPU1 }));
    assert.deepEqual((await changed).body.stale, 0);
    const top = await topFrame(dc, after);
    assert.equal(top.line, 34);
    assert.equal(after.body.threadId, CPU1);
    // cpu1 tested need_tlb_flush[0] while it was still set: it cleared it (early-clear) and swept core0
    assert.equal(await evaluate(dc, 'need_tlb_flush(vm, core0)'), 'false');
    assert.equal(await evaluate(dc, 'cpu2.in_guest'), 'false');
    assert.equal(await evaluate(dc, 'tlb(core0) has X:D'), 'false');
    assert.equal((await custom(dc, 'schedule')).body.stale, 0);
  }));

  it('"Let cpu1 move next" changes who acts here without moving', session(async (dc) => {
    await atBlock(dc);
    const stop = await stopAfter(dc, () => custom(dc, 'moveNext', { threadId: CPU1 }));
    assert.equal(stop.body.threadId, CPU1);
    assert.equal(stop.body.description, 'cpu1 moves next');
    assert.equal(await evaluate(dc, 'step'), '15');
    assert.equal(await evaluate(dc, 'vm.vcpu1.prev_cpu'), '-1');
  }));

  it('refuses to move a cpu that has no lane here, saying why', session(async (dc) => {
    await atBlock(dc);
    // cpu0 acted before the block but has no lane in it
    await assert.rejects(dc.stepInRequest({ threadId: 2 }), /cpu0 has no lane of the concurrently block at line 32 left to run/);
    await assert.rejects(custom(dc, 'moveNext', { threadId: 1 }), /scenario thread is no lane/);
  }));

  it('says what a waiting lane waits for: a guest event before its vcpu entered the guest', session(async (dc) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlbscn-wait-'));
    const file = path.join(dir, 'wait.tlbscn');
    fs.writeFileSync(file, [
      'machine cores 1 threads 4',
      'kernel fixed',
      'guest vm radix vcpus 2',
      'task X in vm pages p',
      'concurrently {',
      '  cpu0: run vm.vcpu0 on cpu0',
      '  cpu1: schedule X on vm.vcpu0 ; access X p',
      '}',
    ].join('\n'));
    const stop = await launch(dc, { program: file }, () => dc.setBreakpointsRequest({ source: { path: file }, breakpoints: [{ line: 6 }] }));
    assert.equal(stop.body.threadId, 2);
    await assert.rejects(dc.stepInRequest({ threadId: 3 }), /cpu1 cannot move here: its next event, 'schedule X on vm.vcpu0' \(line 7\), is guest code: it waits until its vcpu has entered the guest/);
    const lanes = (await custom(dc, 'lanes')).body.lanes as { cpu: number; ready: boolean; why?: string }[];
    assert.deepEqual(lanes.map((l) => [l.cpu, l.ready]), [[0, true], [1, false]]);
  }));
});

describe('schedules as files', () => {
  it('saves the schedule being debugged; the trace attribute and tlbscn run --schedule replay it to the same stop', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlbscn-sched-'));
    const saved = path.join(dir, 'race.schedule.json');
    let staleLine = 0;
    await session(async (dc) => {
      // cpu2 takes two micro-steps before cpu1's first (not the default schedule), and the race still happens
      await atBlock(dc);
      await stopAfter(dc, () => dc.stepInRequest({ threadId: CPU2 }));
      await stopAfter(dc, () => dc.stepInRequest({ threadId: CPU2 }));
      const stop = await stopAfter(dc, () => dc.continueRequest({ threadId: CPU1 }));
      assert.equal(stop.body.reason, 'exception');
      staleLine = (await topFrame(dc, stop)).line;
      const body = (await custom(dc, 'schedule')).body;
      assert.equal(body.file, RACE);
      assert.equal(body.kernel, 'early-clear');
      assert.deepEqual(body.schedule.slice(0, 3), [2, 2, 1]);
      fs.writeFileSync(saved, JSON.stringify({ ...body, file: path.relative(dir, RACE) }));
    })();
    await session(async (dc) => {
      const stop = await launch(dc, { trace: saved });
      assert.equal(stop.body.reason, 'exception');
      assert.equal((await topFrame(dc, stop)).line, staleLine);
    })();
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'cli/src/main.ts', 'run', RACE, '--schedule', saved, '--json'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    const json = JSON.parse(cli.stdout);
    assert.equal(json.stale, 1);
    assert.equal(json.accesses.find((a: { outcome: string }) => a.outcome === 'stale').line, staleLine);
  });

  /** Writes the adapter's regression scenario and its schedule into a fresh folder; the CLI's exit code replaying them. */
  async function regression(program: string, kernel?: string): Promise<{ text: string; status: number | null; output: string }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlbscn-regr-'));
    let text = '';
    await session(async (dc) => {
      await launch(dc, { program, ...(kernel ? { kernel } : {}) });
      const body = (await custom(dc, 'regressionScenario')).body;
      text = body.text;
      fs.writeFileSync(path.join(dir, 'r.tlbscn'), text);
      fs.writeFileSync(path.join(dir, 'r.schedule.json'), JSON.stringify({ ...body.schedule, file: 'r.tlbscn' }));
    })();
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'cli/src/main.ts', 'run', path.join(dir, 'r.tlbscn'), '--schedule', path.join(dir, 'r.schedule.json')], { cwd: ROOT, encoding: 'utf8' });
    return { text, status: cli.status, output: cli.stdout + cli.stderr };
  }

  it('makes a regression scenario of the race: `; expect stale` in the lane, the schedule beside it', async () => {
    const { text, status, output } = await regression(RACE);
    assert.match(text, /^# Regression scenario \(tlbscn debugger\)/);
    assert.match(text, /^kernel early-clear$/m);
    // the block's own `expect stale` follows cpu2's later steps: only the lane can check the access at once
    assert.match(text, /cpu1: run vm.vcpu1 on cpu1 ; access X D ; expect stale +# key access/);
    assert.equal(status, 0, output);
  });

  it('pins the kernel of the session and adds `expect stale` after a sequential access, unless it is there', async () => {
    const seed = await regression(SEED);
    assert.equal(seed.text.match(/^expect stale/gm)!.length, 1);
    assert.equal(seed.status, 0, seed.output);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlbscn-seed-'));
    const bare = path.join(dir, 'seed.tlbscn');
    // without the kernel line (so `fixed` by default) and the expect lines, launched under buggy
    fs.writeFileSync(bare, fs.readFileSync(SEED, 'utf8').replace(/^(kernel|expect) .*$/gm, ''));
    const pinned = await regression(bare, 'buggy');
    assert.match(pinned.text, /^machine cores 2 threads 4 .*\nkernel buggy$/m);
    assert.match(pinned.text, /^access X p\s+# key access\nexpect stale/m);
    assert.equal(pinned.status, 0, pinned.output);
  });

  it('refuses a regression scenario when the schedule reads no stale entry', session(async (dc) => {
    await launch(dc, { program: RACE, kernel: 'fixed' });
    await assert.rejects(custom(dc, 'regressionScenario'), /reads no stale entry/);
  }));
});

describe('reverse granularity', () => {
  it('steps back one micro-step, and back out to the start of kvmppc_hv_entry, then of the run', session(async (dc) => {
    await atBlock(dc);
    await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'kvmppc_hv_entry' }] });
    // cpu2's entry test (step 19), then on to its flush of set 1 (step 23)
    let stop = await stopAfter(dc, () => dc.continueRequest({ threadId: CPU2 }));
    assert.equal(await evaluate(dc, 'step'), '19');
    await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
    stop = await stopAfter(dc, () => custom(dc, 'gotoStep', { step: 23 }));
    stop = await stopAfter(dc, () => custom(dc, 'stepBackInto', { threadId: stop.body.threadId }));
    assert.equal(await evaluate(dc, 'step'), '22');
    stop = await stopAfter(dc, () => custom(dc, 'gotoStep', { step: 23 }));
    stop = await stopAfter(dc, () => custom(dc, 'stepBackOut', { threadId: stop.body.threadId }));
    assert.equal(await evaluate(dc, 'step'), '19');
    assert.equal(stop.body.description, 'back to the start of kvmppc_hv_entry');
    stop = await stopAfter(dc, () => custom(dc, 'stepBackOut', { threadId: stop.body.threadId }));
    assert.equal(await evaluate(dc, 'step'), '15');
    assert.deepEqual((await frames(dc, stop)).map((f) => f.name), ['kvmppc_prepare_radix_vcpu', 'run vm.vcpu2 on cpu2']);
  }));
});

describe('expression errors', () => {
  it('answers the console with the error as text, and watch without a notification', session(async (dc) => {
    await launch(dc, { program: SEED, kernel: 'buggy' });
    assert.equal(await evaluate(dc, 'need_tlb_flush(vm, core9', 'repl'), "error: expected ')' at column 25 (end of expression)");
    assert.equal(await evaluate(dc, 'nosuch.cpu', 'repl'), "error: unknown name 'nosuch'");
    const watch = await dc.evaluateRequest({ expression: 'nosuch', context: 'watch' }).then(() => undefined, (e: Error) => e);
    assert.match(String(watch?.message), /unknown name 'nosuch'/);
  }));

  it('marks a breakpoint with a bad condition, an unknown name or a bad hit count unverified, with the reason', session(async (dc) => {
    let answer: DebugProtocol.SetBreakpointsResponse | undefined;
    await launch(dc, { program: SEED, kernel: 'buggy', stopOnEntry: true }, async () => {
      answer = await dc.setBreakpointsRequest({
        source: { path: SEED },
        breakpoints: [{ line: 36, condition: 'cpu1.in_guest &&' }, { line: 36, condition: 'nosuch == 1' }, { line: 36, hitCondition: 'twice' }, { line: 36, condition: 'cpu1.in_guest' }],
      });
    });
    const bps = answer!.body.breakpoints;
    assert.deepEqual(bps.map((b) => b.verified), [false, false, false, true]);
    assert.match(bps[0].message!, /bad expression: incomplete expression/);
    assert.match(bps[1].message!, /unknown name 'nosuch'/);
    assert.match(bps[2].message!, /bad hit count 'twice'/);
  }));
});

describe('Debug Test', () => {
  it('stops at the failing expect when the launch asks for it, whatever the filters say', session(async (dc) => {
    const stop = await launch(dc, { program: SEED, kernel: 'fixed', stopOnFailingExpect: true } as object, () => dc.setExceptionBreakpointsRequest({ filters: [] }));
    assert.equal(stop.body.reason, 'exception');
    // the first expect that fails under fixed: the flush took X:p out of core0
    assert.match(stop.body.text!, /line 27: core0 TLB lacks X:p \(expected it to hold it\)/);
    assert.equal((await topFrame(dc, stop)).line, 27);
  }));
});
