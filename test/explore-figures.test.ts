// The explorer as a model checker's user reads it (issue 10): the figures at
// the end of a search (states, bytes per state, transitions, depth, time), a
// memory bound that stops a search "truncated" before the heap runs out, and
// a least stall whose proof, when a bound stops it, says what it did prove.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, describeStall, explore } from '../core/src/index';
import { earlyClearShape } from '../bench/generate';
import { root, tempFile, tlbscn } from './cliProcess';

const lostUpdate = fs.readFileSync(path.join(root, 'sample-scenarios', 'races', 'lost-update.tlbscn'), 'utf8');

test('a search reports its figures: states stored and their bytes, transitions, depth, time', () => {
  const { scenario } = analyze(lostUpdate);
  const r = explore(scenario, 'early-clear');
  const s = r.stats;
  assert.equal(r.truncated, false);
  assert.ok(r.states > 100, `${r.states} states`);
  // every stored state was reached by at least one micro-step, and a schedule is longer than the block
  assert.ok(s.transitions >= r.states, `${s.transitions} transitions`);
  assert.ok(s.depth >= 20 && s.depth < 200, `depth ${s.depth}`);
  assert.ok(s.bytes > 0 && Math.abs(s.bytesPerState - s.bytes / r.states) < 1e-9);
  assert.ok(s.ms >= s.verdictMs && s.verdictMs >= 0);
  const json = JSON.parse(tlbscn('explore', 'sample-scenarios/races/lost-update.tlbscn', '--kernel', 'early-clear', '--json').out);
  assert.deepEqual(Object.keys(json.stats).sort(), ['bytes', 'bytesPerState', 'depth', 'ms', 'transitions', 'verdictMs']);
  assert.equal(json.stats.transitions, s.transitions, 'the same search, the same count');
  const text = tlbscn('explore', 'sample-scenarios/races/lost-update.tlbscn', '--kernel', 'early-clear').out;
  assert.match(text, /^search: 255 states stored in [\d,]+ KiB \([\d.]+ B\/state\), [\d,]+ states\/s; [\d,]+ transitions, depth \d+; [\d.]+ s$/m);
});

test('a stored state takes tens of bytes, not kilobytes: the states of a large search are packed', () => {
  const { scenario } = analyze(earlyClearShape(5));
  // without symmetry reduction, which would store fewer (and larger) states: this is about packing them
  const r = explore(scenario, 'fixed', { symmetry: false });
  assert.equal(r.counterexample, undefined);
  assert.ok(r.states > 10_000, `${r.states} states`);
  // a string key in a Set took 1.2-2.6 KB a state; the tables take what they hold, grown by half at a time
  assert.ok(r.stats.bytesPerState < 128, `${r.stats.bytesPerState} B/state`);
});

test('--max-memory: the search stops "truncated" at its bound (exit 3), with its figures, in a heap far smaller than the whole search', () => {
  const small = explore(analyze(lostUpdate).scenario, 'early-clear', { maxMemory: 24 * 1024 });
  assert.deepEqual([small.truncated, small.stoppedBy, small.counterexample], [true, 'memory', undefined]);
  assert.ok(small.stats.bytes >= 24 * 1024 && small.stats.bytes < 48 * 1024, `${small.stats.bytes} bytes`);
  // 7 lanes under fixed: 71,145 states with symmetry reduction (~5 MB of tables; 484,659 without), no stale schedule;
  // the bound stops the search at 4 MiB, in a process whose heap is held to 48 MiB
  const file = tempFile(earlyClearShape(7));
  const r = spawnSync(process.execPath, ['--max-old-space-size=48', path.join(root, 'bin', 'tlbscn.js'), 'explore', file, '--kernel', 'fixed', '--max-memory', '4', '--json'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(r.status, 3, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual([j.truncated, j.stoppedBy], [true, 'memory']);
  assert.ok(j.stats.bytes >= 4 * 2 ** 20 && j.stats.bytes < 8 * 2 ** 20, `${j.stats.bytes} bytes`);
  const text = tlbscn('explore', file, '--kernel', 'fixed', '--max-memory', '1');
  assert.equal(text.code, 3);
  assert.match(text.out, /truncated, no verdict: .* the search stopped at its memory bound \(--max-memory\)/);
  assert.match(tlbscn('explore', file, '--kernel', 'fixed', '--max-memory', 'lots').err, /--max-memory needs a positive number of megabytes/);
});

test('the least stall is proven upwards: when a bound stops the proof, the counterexample says which stalls were excluded', () => {
  const { scenario } = analyze(lostUpdate);
  const proven = explore(scenario, 'fixed');
  assert.deepEqual([proven.counterexample?.run.stall.steps, proven.counterexample?.leastStall, proven.counterexample?.stallAtLeast], [4, true, 4]);
  // the first search finds a stale schedule in 48 states; the proof's searches (bounds 0 to 3) need more
  const cut = explore(scenario, 'fixed', { limit: 60 });
  const ce = cut.counterexample!;
  assert.equal(ce.leastStall, false);
  assert.ok(ce.stallAtLeast < ce.run.stall.steps);
  assert.equal(cut.truncated, false, 'a verdict was reached: stale');
  assert.match(describeStall(ce.run.stall, scenario.topology, null, ce.leastStall, ce.stallAtLeast), /not proven the least stall for this stale access/);
  const j = JSON.parse(tlbscn('explore', 'sample-scenarios/races/lost-update.tlbscn', '--max-states', '60', '--json').out);
  assert.deepEqual([j.stall.least, j.stall.atLeast], [false, ce.stallAtLeast]);
  // with the proof finished the stall object is the contract's, plus its labels
  const whole = JSON.parse(tlbscn('explore', 'sample-scenarios/races/lost-update.tlbscn', '--json').out);
  assert.deepEqual(whole.stall, { steps: 4, cpu: 0, line: 30, modelLevel: true, least: true });
});
