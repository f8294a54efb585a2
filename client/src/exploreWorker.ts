// The explorer off the extension host's thread: an exhaustive search can take
// a while, and the extension host runs every extension. The worker parses the
// text itself (AST nodes do not survive a thread boundary: structured clone
// drops their classes) and sends back plain numbers: progress, then the
// counts and the stale schedule, which the extension replays with a full trace.

import { parentPort, workerData } from 'node:worker_threads';
import { type KernelName, type RuntimeError, type ExploreStats, type StoppedBy, analyze, explore } from '../../core/src/index';
import { searchThreads } from './searchThreads';

export interface ExploreRequest {
  text: string;
  kernel: KernelName;
  /** Spec v2 §0.4: only schedules whose stall is at most this (absent: unbounded). */
  maxStall?: number;
  /** The search stops, truncated, after this many distinct states or seconds (bounds.ts). */
  maxStates: number;
  maxSeconds: number;
  /** `tlbscn explore --max-memory` (bytes) and `--shortest`, when the command line runs its rows here. */
  maxMemory?: number;
  shortest?: boolean;
  /** Threads for the search (setting `tlbscn.explore.threads`): more than one runs it in parallel (searchThreads.ts). */
  threads?: number;
}

export type ExploreMessage =
  | { kind: 'progress'; schedules: number; states: number }
  | { kind: 'done'; schedules: number; states: number; truncated: boolean; stoppedBy?: StoppedBy; stats: ExploreStats; schedule?: number[]; leastStall?: boolean; stallAtLeast?: number; shortest?: boolean; error?: RuntimeError }
  | { kind: 'failed'; message: string };

const post = (m: ExploreMessage) => parentPort!.postMessage(m);
const { text, kernel, maxStall, maxStates, maxSeconds, maxMemory, shortest, threads } = workerData as ExploreRequest;
try {
  const result = explore(analyze(text).scenario, kernel, {
    maxStall,
    limit: maxStates,
    maxTime: maxSeconds * 1000,
    maxMemory,
    shortest,
    onProgress: (schedules, states) => post({ kind: 'progress', schedules, states }),
    parallel: threads !== undefined && threads > 1 ? searchThreads(text, kernel, threads) : undefined,
  });
  const { schedules, states, truncated, stoppedBy, error, stats } = result;
  const ce = result.counterexample;
  post({ kind: 'done', schedules, states, truncated, stoppedBy, stats, error, shortest: result.shortest, schedule: ce?.schedule, leastStall: ce?.leastStall, stallAtLeast: ce?.stallAtLeast });
} catch (e) {
  post({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
}
