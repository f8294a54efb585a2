// The command line as a process: the spec §6 contract (arguments, output,
// JSON fields, exit codes 0/1/2).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { root, tlbscn, tempFile } from './cliProcess';

const seed = 'sample-scenarios/seed-a29ebeaf.tlbscn';



test('run under buggy: the stale access on the line where X touches p from vcpu1', () => {
  const r = tlbscn('run', seed, '--kernel', 'buggy');
  assert.equal(r.code, 0, r.out + r.err); // the file expects stale
  const staleLine = fs.readFileSync(path.join(root, seed), 'utf8').split('\n').findIndex((l) => /key access/.test(l)) + 1;
  assert.match(r.out, new RegExp(`seed-a29ebeaf.tlbscn:${staleLine}: cpu1  access X p\\n.*\\n    → STALE: core0 TLB still holds`));
});

test('run under fixed: the same access faults; the IPI to cpu1 and the core-0 flush are shown; exit 1', () => {
  const r = tlbscn('run', seed, '--kernel', 'fixed');
  assert.equal(r.code, 1, 'the file expects stale, so its expectations fail');
  assert.match(r.out, /radix_flush_cpu: set need_tlb_flush\[0\] of vm, IPI cpu1/);
  assert.match(r.out, /cpu1: flush LPID 1 from core0 TLB, sets 0-3 \(1 entry removed\)/);
  assert.match(r.out, /→ FAULT/);
  assert.match(r.out, /expect FAILED: expected stale, got fault/);
});

test('run --json: the contract fields', () => {
  const r = tlbscn('run', seed, '--kernel', 'buggy', '--json');
  assert.equal(r.code, 0);
  const j = JSON.parse(r.out);
  assert.equal(j.kernel, 'buggy');
  assert.equal(j.stale, 1);
  const stale = j.accesses.find((a: { outcome: string }) => a.outcome === 'stale');
  assert.deepEqual(Object.keys(stale).slice(0, 5), ['line', 'task', 'page', 'cpu', 'outcome']);
  assert.equal(stale.task, 'X');
  assert.equal(stale.cpu, 1);
  assert.ok(j.expectations.every((e: { passed: boolean; line: number; message: string }) => e.passed && e.line > 0 && e.message));
});

test('run --trace shows the micro-steps with their kernel frames', () => {
  const r = tlbscn('run', seed, '--kernel', 'fixed', '--trace');
  assert.match(r.out, /run vm\.vcpu0 on cpu4 › kvmppc_prepare_radix_vcpu › radix_flush_cpu › IPI cpu1: vm\.vcpu1 re-enters › kvmppc_hv_entry › flush set 0 of 4/);
});

test('a kernel alias is accepted: v4.11 is fixed', () => {
  const r = tlbscn('run', seed, '--kernel', 'v4.11', '--json');
  assert.equal(JSON.parse(r.out).kernel, 'fixed');
});

test('errors: FILE:LINE:COL: error: MESSAGE, exit 2', () => {
  const f = tempFile('machine cores 2 threads 4\nguest vm vcpus 1\nrun vm.vcpu1 on cpu9\n');
  for (const cmd of ['run', 'check', 'explore']) {
    const r = tlbscn(cmd, f);
    assert.equal(r.code, 2, cmd);
    assert.match(r.err, new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:8: error: guest 'vm' has 1 vcpu`, 'm'));
    assert.match(r.err, /:3:17: error: cpu9 is out of range/);
  }
});

test('check: 0 for good files, 2 if any has errors; warnings do not fail', () => {
  assert.equal(tlbscn('check', seed, 'sample-scenarios/early-clear-race.tlbscn').code, 0);
  const bad = tempFile('machine cores 1 threads 1\nrnu\n');
  const r = tlbscn('check', seed, bad);
  assert.equal(r.code, 2);
  assert.match(r.err, /case\.tlbscn:2:1: error: unknown keyword 'rnu'; did you mean 'run'\?/);
});

test('missing file and bad flags: exit 2 with a message', () => {
  const missing = tlbscn('run', 'no/such/file.tlbscn');
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no\/such\/file\.tlbscn: error: cannot read the file \(ENOENT\)/);
  assert.equal(tlbscn('run', seed, '--kernel', 'nope').code, 2);
  assert.equal(tlbscn('run', seed, '--frobnicate').code, 2);
  assert.equal(tlbscn('run').code, 2);
  assert.equal(tlbscn('launch').code, 2);
  assert.match(tlbscn('run', seed, '--kernel').err, /--kernel needs a variant/);
});

test('explore: exit 1 and the schedule under early-clear, 0 under fixed', () => {
  const race = 'sample-scenarios/early-clear-race.tlbscn';
  const bad = tlbscn('explore', race, '--kernel', 'early-clear');
  assert.equal(bad.code, 1);
  assert.match(bad.out, /a schedule gives a stale access/);
  assert.match(bad.out, /STALE/);
  const good = tlbscn('explore', race, '--kernel', 'fixed');
  assert.equal(good.code, 0);
  assert.match(good.out, /no schedule gives a stale access \(\d+ schedules, \d+ states\)/);
  const json = JSON.parse(tlbscn('explore', race, '--kernel', 'early-clear', '--json').out);
  assert.equal(json.kernel, 'early-clear');
  assert.ok(json.stale >= 1);
  assert.ok(Array.isArray(json.schedule) && json.schedule.length > 0);
  assert.ok(json.run.steps.length > 0);
});

test('explore --max-states bounds the search and says so', () => {
  const race = 'sample-scenarios/races/lost-update.tlbscn';
  const cut = tlbscn('explore', race, '--kernel', 'early-clear', '--max-states', '50');
  assert.equal(cut.code, 3, 'truncated: no verdict');
  assert.match(cut.out, /truncated, no verdict: no stale access in the first \d+ schedules, 50 states; the search stopped at its state bound/);
  const json = JSON.parse(tlbscn('explore', race, '--kernel', 'early-clear', '--max-states', '50', '--json').out);
  assert.deepEqual([json.truncated, json.states], [true, 50]);
  assert.match(tlbscn('explore', race, '--max-states', 'many').err, /--max-states needs a positive number/);
});

test('a closed pipe is not an error', () => {
  const r = spawnSync('bash', ['-c', `node bin/tlbscn.js run ${seed} --trace | head -1`], { cwd: root, encoding: 'utf8' });
  assert.equal(r.stderr, '');
});

test('compare: every kernel variant side by side, and as JSON', () => {
  const r = tlbscn('compare', seed, 'sample-scenarios/smt8-bigcore.tlbscn');
  assert.equal(r.code, 0);
  assert.match(r.out, /^scenario\s+buggy\s+early-clear\s+fixed\s+v5\.2\s+fixed-smt8\s+v5\.17/m);
  assert.match(r.out, /seed-a29ebeaf\.tlbscn\s+stale@36\s+no stale\s+no stale\s+no stale\s+no stale\s+no stale/);
  assert.match(r.out, /smt8-bigcore\.tlbscn\s+stale@\d+\s+stale@\d+\s+stale@\d+\s+stale@\d+\s+no stale\s+no stale/);
  const [row] = JSON.parse(tlbscn('compare', seed, '--json').out);
  assert.deepEqual(
    row.variants.map((v: { kernel: string; stale: number; expectationsFailed: number }) => [v.kernel, v.stale, v.expectationsFailed]),
    [
      ['buggy', 1, 0],
      ['early-clear', 0, 3],
      ['fixed', 0, 3],
      ['v5.2', 0, 3],
      ['fixed-smt8', 0, 3],
      ['v5.17', 0, 3],
    ],
  );
});
