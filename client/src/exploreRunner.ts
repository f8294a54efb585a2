// Starts the explorer in its worker thread (exploreWorker.ts) and hands back
// its answer: shared by Explore Interleavings and the Testing view's explore
// tests, so neither runs a search on the extension host's thread.

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
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
