// Starts the explorer in its worker thread (exploreWorker.ts) and hands back
// its answer: shared by Explore Interleavings and the Testing view's explore
// tests, so neither runs a search on the extension host's thread.

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { type ExploreResult, type KernelName, type Scenario, counterexampleOf } from '../../core/src/index';
import type { ExploreMessage, ExploreRequest } from './exploreWorker';

export type ExploreDone = Extract<ExploreMessage, { kind: 'done' }>;

/**
 * The worker's answer, or undefined once `cancel` has stopped it; `progress`
 * hears the counts as the search goes.
 */
export function exploreInWorker(request: ExploreRequest, progress: (schedules: number, states: number) => void, cancel: { onCancellationRequested(listener: () => void): unknown }): Promise<ExploreDone | undefined> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'exploreWorker.js'), { workerData: request });
    cancel.onCancellationRequested(() => void worker.terminate().then(() => resolve(undefined)));
    worker.on('error', reject);
    worker.on('message', (m: ExploreMessage) => {
      if (m.kind === 'progress') progress(m.schedules, m.states);
      else if (m.kind === 'failed') reject(new Error(m.message));
      else resolve(m);
      if (m.kind !== 'progress') void worker.terminate();
    });
  });
}

/**
 * The worker's answer as the explorer's result, its stale schedule replayed
 * here with a full record (the run does not cross the thread boundary).
 */
export function exploreResultOf(done: ExploreDone, scenario: Scenario, kernel: KernelName, maxStall: number | undefined): ExploreResult {
  return {
    kernel,
    schedules: done.schedules,
    states: done.states,
    truncated: done.truncated,
    maxStall: maxStall ?? null,
    stats: done.stats,
    ...(done.stoppedBy ? { stoppedBy: done.stoppedBy } : {}),
    ...(done.shortest !== undefined ? { shortest: done.shortest } : {}),
    ...(done.error ? { error: done.error } : {}),
    ...(done.schedule ? { counterexample: counterexampleOf(scenario, done.schedule, done.leastStall ?? true, kernel, done.stallAtLeast) } : {}),
  };
}
