// The command line's v2 contract (spec §0, §6): explore's stall fields and
// --max-stall, the exit codes 0/1/2/3, the kernel rows and their aliases,
// and canonical kernel names in JSON.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tlbscn, tempFile } from './cliProcess';




test('explore --json: a stale schedule carries its least stall (cpu, 1-based line), maxStall null when unbounded, the canonical kernel name', () => {
  const r = tlbscn('explore', 'sample-scenarios/early-clear-race.tlbscn', '--json');
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.kernel, 'early-clear');
  assert.equal(j.maxStall, null);
  assert.equal(j.truncated, false);
  assert.ok(j.stale >= 1 && Array.isArray(j.schedule) && j.run.stale >= 1);
  assert.deepEqual(j.stall, { steps: 1, cpu: 2, line: 33, modelLevel: false, least: true });
  // the race pinpointed: cpu1's access overtakes cpu2's sweep of D's set
  assert.equal(j.race.summary, "stale iff cpu1's access X D (line 34) runs before cpu2's flush of set 3 (line 33)");
  assert.deepEqual([j.race.staleFirst.cpu, j.race.safeFirst.cpu], [1, 2]);
  assert.ok(Array.isArray(j.race.safeSchedule) && j.race.safeSchedule.length > 0);
});

test('explore --max-stall: the S15 lost update needs stall 4 (model-level, labelled so); with stall ≤ 3 nothing is stale and the search is not "cut short"', () => {
  const file = 'sample-scenarios/races/lost-update.tlbscn';
  const found = tlbscn('explore', file);
  assert.equal(found.code, 1);
  assert.match(found.out, /stall 4: a model-level race: needs cpu0 held 4 micro-steps with interrupts off/);
  assert.match(found.out, /^race: stale iff cpu4's radix_flush_cpu \(line 32\) runs before cpu0's clear of need_tlb_flush\[0\] \(line 30\)$/m);
  assert.match(found.out, /^nearest safe schedule: cpu/m);
  const bounded = tlbscn('explore', file, '--max-stall', '3', '--json');
  assert.equal(bounded.code, 0, bounded.out);
  const j = JSON.parse(bounded.out);
  assert.equal(j.maxStall, 3);
  assert.equal(j.truncated, false);
  assert.equal(j.stale, 0);
  assert.equal(j.stall, undefined);
});

test('explore under an alias prints the canonical name; v5.17 finds S17 with --max-stall 2', () => {
  const r = tlbscn('explore', 'sample-scenarios/races/v5.17-lost-request.tlbscn', '--kernel', 'per-thread', '--max-stall', '2', '--json');
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.kernel, 'v5.17');
  assert.equal(j.stall.steps, 1);
  assert.equal(j.stall.cpu, 0);
  assert.equal(tlbscn('explore', 'sample-scenarios/races/v5.17-lost-request.tlbscn', '--kernel', 'v4.11').code, 0);
});

test('exit 3: a search cut short by --max-states gives no verdict', () => {
  const r = tlbscn('explore', 'sample-scenarios/races/lost-update.tlbscn', '--kernel', 'early-clear', '--max-states', '5');
  assert.equal(r.code, 3, r.out + r.err);
  assert.match(r.out, /truncated, no verdict/);
});

test('a deadlock is a runtime error at the block: explore and run exit 2 with FILE:LINE:COL', () => {
  const f = tempFile(['machine cores 1 threads 2', 'guest vm vcpus 2', 'task X in vm pages P', 'run vm.vcpu0 on cpu0', 'concurrently {', '  cpu1: access X P', '}', ''].join('\n'));
  const e = tlbscn('explore', f);
  assert.equal(e.code, 2, e.out + e.err);
  assert.match(e.err, /case\.tlbscn:5:1: error: deadlock: cpu1 waits for X to be scheduled on a vcpu; nothing runs it/);
  const j = JSON.parse(tlbscn('explore', f, '--json').out);
  assert.match(j.error.message, /deadlock/);
});

test('the kernel rows: v4.10 is no alias (no released kernel ran radix guests without a29ebeaf); v5.2 and v5.17 are rows', () => {
  const bad = tlbscn('run', 'sample-scenarios/seed-a29ebeaf.tlbscn', '--kernel', 'v4.10');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /unknown kernel variant 'v4\.10'/);
  const s10 = 'sample-scenarios/smt8-bit-mismatch.tlbscn';
  assert.match(tlbscn('run', s10, '--kernel', 'v4.11').out, /the entry path of cpu5 tests bit 4 under fixed, which nobody set/);
  assert.equal(JSON.parse(tlbscn('run', s10, '--kernel', 'v5.2', '--json').out).stale, 0);
  const compare = tlbscn('compare', s10, '--json');
  assert.deepEqual(JSON.parse(compare.out)[0].variants.map((v: { kernel: string }) => v.kernel), ['buggy', 'early-clear', 'fixed', 'v5.2', 'fixed-smt8', 'v5.17']);
});

test('explore --kernel all: the verdict matrix of every row in one run (S17: buggy and v5.17 stale, the rest none)', () => {
  const r = tlbscn('explore', 'sample-scenarios/races/v5.17-lost-request.tlbscn', '--kernel', 'all', '--max-stall', '2', '--json');
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.maxStall, 2);
  assert.deepEqual(
    j.kernels.map((k: { kernel: string; stale: number }) => [k.kernel, k.stale > 0]),
    [['buggy', true], ['early-clear', false], ['fixed', false], ['v5.2', false], ['fixed-smt8', false], ['v5.17', true]],
  );
  const text = tlbscn('explore', 'sample-scenarios/early-clear-race.tlbscn', '--kernel', 'all');
  assert.match(text.out, /^early-clear\s+stale\s+1\s/m);
  assert.match(text.out, /^fixed\s+none\s+-\s/m);
  assert.equal(tlbscn('run', 'sample-scenarios/seed-a29ebeaf.tlbscn', '--kernel', 'all').code, 2, 'only explore takes all');
  assert.match(tlbscn('explore', 'sample-scenarios/early-clear-race.tlbscn', '--kernel', 'all', '--html', 'x.html').err, /--html writes the run of one kernel/);
  const shortest = tlbscn('explore', 'sample-scenarios/early-clear-race.tlbscn', '--kernel', 'all', '--shortest').out;
  assert.match(shortest, /^kernel\s+verdict\s+stall\s/m);
  // the shortest schedule's stall is not the race's least: no model-level label from it
  assert.doesNotMatch(shortest, /model-level/);
});

test('explore --shortest: the counterexample with the fewest micro-steps to the stale access, never longer than the default one', () => {
  for (const [file, kernel] of [
    ['sample-scenarios/early-clear-race.tlbscn', 'early-clear'],
    ['sample-scenarios/races/v5.17-lost-request.tlbscn', 'v5.17'],
  ]) {
    const stepsTo = (j: { run: { steps: { text: string }[] } }) => j.run.steps.findIndex((s) => /STALE/.test(s.text)) + 1;
    const first = JSON.parse(tlbscn('explore', file, '--kernel', kernel, '--json').out);
    const shortest = JSON.parse(tlbscn('explore', file, '--kernel', kernel, '--shortest', '--json').out);
    assert.equal(shortest.shortest, true, file);
    assert.ok(shortest.stale > 0);
    assert.ok(stepsTo(shortest) > 0 && stepsTo(shortest) <= stepsTo(first), `${file}: ${stepsTo(shortest)} vs ${stepsTo(first)}`);
  }
  assert.match(tlbscn('explore', 'sample-scenarios/early-clear-race.tlbscn', '--shortest').out, /^shortest: \d+ micro-steps to the stale access, none shorter$/m);
});

test('explore --json of a stale schedule with no stall: steps 0, no cpu or line named', () => {
  const j = JSON.parse(tlbscn('explore', 'sample-scenarios/races/v5.17-lost-request.tlbscn', '--kernel', 'buggy', '--json').out);
  assert.ok(j.stale > 0);
  assert.deepEqual(j.stall, { steps: 0, cpu: null, line: null, modelLevel: false, least: true });
});

test('explore: stale in some schedules and a deadlock in others exits 1; no stale and a deadlock in some exits 0; a deadlock in every one exits 2', () => {
  const seedThen = (block: string[]) =>
    tempFile(
      [
        'machine cores 2 threads 4',
        'guest vm radix vcpus 2',
        'task X in vm pages p',
        'run vm.vcpu0 on cpu0',
        'run vm.vcpu1 on cpu1',
        'schedule X on vm.vcpu0',
        'access X p',
        'stop vm.vcpu0',
        'run vm.vcpu0 on cpu4',
        'access X p',
        'unmap X p',
        'schedule X on vm.vcpu1',
        'concurrently {',
        ...block,
        '}',
        '',
      ].join('\n'),
    );
  // the access runs first (stale under buggy, a fault under fixed), or the stop does and the access waits forever
  const race = seedThen(['  cpu2: stop vm.vcpu1', '  cpu3: access X p']);
  assert.equal(tlbscn('explore', race, '--kernel', 'buggy').code, 1);
  assert.equal(tlbscn('explore', race, '--kernel', 'fixed').code, 0);
  const always = seedThen(['  cpu2: stop vm.vcpu1 ; access X p']);
  const r = tlbscn('explore', always, '--kernel', 'buggy');
  assert.equal(r.code, 2);
  assert.match(r.err, /case\.tlbscn:13:1: error: deadlock: cpu2 waits for vm\.vcpu1 to enter the guest; nothing runs it/);
});
