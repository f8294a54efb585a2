// The parallel search (core/src/explorer/parallel.ts, issue 10): threads
// that share the visited states reach the one-thread search's verdict and,
// where nothing is stale, its very states; a stale schedule they find replays
// stale; `explore --jobs N` runs it from the command line; a memory bound
// stops it "truncated". The threads run the built bundle (dist/searchWorker.js),
// as the command line and the VS Code explorer thread do.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KERNEL_NAMES, analyze, explore, runSchedule } from '../core/src/index';
import { searchThreads } from '../client/src/searchThreads';
import { earlyClearShape, lostUpdateShape } from '../bench/generate';
import { root, tempFile, tlbscn } from './cliProcess';

const workerFile = path.join(root, 'dist', 'searchWorker.js');

/** The parallel search on `threads` threads and the one-thread search agree on `text` under every variant. */
function agree(text: string, what: string, threads = 2): number {
  const { scenario, hasErrors } = analyze(text);
  assert.equal(hasErrors, false, what);
  let parallelRuns = 0;
  for (const kernel of KERNEL_NAMES) {
    const one = explore(scenario, kernel);
    const many = explore(scenario, kernel, { parallel: searchThreads(text, kernel, threads, workerFile) });
    assert.equal(many.stats.threads, threads, `${what} under ${kernel}: the threads ran`);
    parallelRuns++;
    assert.equal(many.truncated, one.truncated, `${what} under ${kernel}`);
    assert.equal(!!many.counterexample, !!one.counterexample, `${what} under ${kernel}: the same verdict`);
    if (many.counterexample) {
      const replay = runSchedule(scenario, many.counterexample.schedule, kernel);
      assert.ok(replay.stale > 0, `${what} under ${kernel}: the schedule found replays stale`);
      // its least stall is proven by the same one-thread searches
      if (many.counterexample.leastStall && one.counterexample!.leastStall) assert.equal(many.counterexample.run.stall.steps, one.counterexample!.run.stall.steps);
    } else if (!one.error) {
      assert.equal(many.states, one.states, `${what} under ${kernel}: every state stored once, as by one thread`);
    }
  }
  return parallelRuns;
}

test('two and three threads reach the one-thread verdicts (and states) on the sample races and generated race shapes', () => {
  const samples = ['early-clear-race.tlbscn', 'ipi-race.tlbscn', 'races/lost-update.tlbscn'].map((f) => [f, fs.readFileSync(path.join(root, 'sample-scenarios', f), 'utf8')]);
  let runs = 0;
  for (const [file, text] of samples) runs += agree(text, file);
  runs += agree(lostUpdateShape(3), 'lost-update, 3 lanes', 3);
  runs += agree(earlyClearShape(4), 'clear-before-flush, 4 lanes');
  assert.ok(runs >= 5 * KERNEL_NAMES.length);
});

test('a search large enough to share: 5-lane lost-update, the same 48,766-odd states on two threads as on one', () => {
  const text = lostUpdateShape(5);
  const { scenario } = analyze(text);
  const one = explore(scenario, 'early-clear');
  const many = explore(scenario, 'early-clear', { parallel: searchThreads(text, 'early-clear', 2, workerFile) });
  assert.equal(one.counterexample, undefined);
  assert.equal(many.counterexample, undefined);
  assert.equal(many.states, one.states);
  assert.ok(many.states > 40_000, `${many.states} states`);
});

test('explore --jobs N: the threads run from the command line, named in the search line and in --json', () => {
  const file = tempFile(lostUpdateShape(4));
  const text = tlbscn('explore', file, '--kernel', 'early-clear', '--jobs', '2');
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, /^search on 2 threads: /m);
  const json = JSON.parse(tlbscn('explore', file, '--kernel', 'fixed', '--jobs', '2', '--json').out);
  assert.equal(json.stale, 1);
  assert.equal(json.stats.threads, 2);
  const bad = tlbscn('explore', file, '--jobs', '0');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--jobs needs a number of threads/);
  const all = tlbscn('explore', file, '--kernel', 'all', '--jobs', '2');
  assert.equal(all.code, 2);
  assert.match(all.err, /--kernel all already runs its rows on the cores/);
});

test("the VS Code explorer thread (dist/exploreWorker.js) runs its search on the threads tlbscn.explore.threads asks for", async () => {
  const { Worker } = await import('node:worker_threads');
  const request = { text: lostUpdateShape(4), kernel: 'early-clear', maxStates: 1_000_000, maxSeconds: 60, threads: 2 };
  const done = await new Promise<{ kind: string; states: number; stats: { threads?: number }; schedule?: number[] }>((resolve, reject) => {
    const worker = new Worker(path.join(root, 'dist', 'exploreWorker.js'), { workerData: request });
    worker.on('error', reject);
    worker.on('message', (m: { kind: string }) => {
      if (m.kind === 'progress') return;
      void worker.terminate();
      if (m.kind === 'done') resolve(m as never);
      else reject(new Error(JSON.stringify(m)));
    });
  });
  assert.equal(done.stats.threads, 2);
  assert.equal(done.schedule, undefined, 'no stale schedule under early-clear');
  assert.equal(done.states, explore(analyze(request.text).scenario, 'early-clear').states);
});

test('a parallel search past --max-memory ends truncated (exit 3), its tables sized by the bound', () => {
  const file = tempFile(lostUpdateShape(5));
  const r = tlbscn('explore', file, '--kernel', 'early-clear', '--jobs', '2', '--max-memory', '1', '--json');
  assert.equal(r.code, 3, r.err);
  const json = JSON.parse(r.out);
  assert.equal(json.truncated, true);
  assert.equal(json.stoppedBy, 'memory');
});
