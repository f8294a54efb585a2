// The parallel search's threads (core/src/explorer/parallel.ts), with
// worker_threads: each runs its part (searchWorker.ts) on the shared buffers,
// while the calling thread waits for them all, blocked (the explorer's API is
// synchronous), reporting progress as it waits. Used by `tlbscn explore
// --jobs N` and by the VS Code explorer thread.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { type KernelName, type ParallelRunner, threadsReturned } from '../../core/src/index';

export interface SearchWorkerData {
  /** The scenario's text: each thread parses it (AST nodes do not cross threads). */
  text: string;
  kernel: KernelName | undefined;
  search: import('../../core/src/index').ParallelSearch;
  index: number;
}

/** How often the waiting thread reports progress. */
const WAIT_MS = 250;

/**
 * A runner of `workers` threads for the scenario `text`, each running the
 * bundled `file`; it runs nothing when that is missing (sources run under a
 * TypeScript loader, which has no bundle beside them).
 */
export function searchThreads(text: string, kernel: KernelName | undefined, workers: number, file = path.join(__dirname, 'searchWorker.js')): ParallelRunner {
  return {
    workers,
    run(search, waiting) {
      if (!fs.existsSync(file)) return false;
      const since = Date.now();
      const threads = Array.from({ length: workers }, (_, index) => new Worker(file, { workerData: { text, kernel, search, index } satisfies SearchWorkerData }));
      while (!threadsReturned(search, WAIT_MS, since)) waiting();
      for (const t of threads) void t.terminate();
      return true;
    },
  };
}
