// The explorer off the extension host's thread: an exhaustive search can take
// a while, and the extension host runs every extension. The worker parses the
// text itself (AST nodes do not survive a thread boundary: structured clone
// drops their classes) and sends back plain numbers: progress, then the
// counts and the stale schedule, which the extension replays with a full trace.

import { parentPort, workerData } from 'node:worker_threads';
import { analyze, explore, type KernelName } from '../../core/src/index';

export interface ExploreRequest {
  text: string;
  kernel: KernelName;
}

export type ExploreMessage =
  | { kind: 'progress'; schedules: number; states: number }
  | { kind: 'done'; schedules: number; states: number; truncated: boolean; schedule?: number[] }
  | { kind: 'failed'; message: string };

const post = (m: ExploreMessage) => parentPort!.postMessage(m);
const { text, kernel } = workerData as ExploreRequest;
try {
  const result = explore(analyze(text).scenario, kernel, { onProgress: (schedules, states) => post({ kind: 'progress', schedules, states }) });
  post({ kind: 'done', schedules: result.schedules, states: result.states, truncated: result.truncated, schedule: result.counterexample?.schedule });
} catch (e) {
  post({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
}
