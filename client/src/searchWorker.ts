// One thread of a parallel search (searchThreads.ts): parses the scenario and
// runs its part on the shared buffers until the search ends.

import { workerData } from 'node:worker_threads';
import { analyze, searchPart } from '../../core/src/index';
import type { SearchWorkerData } from './searchThreads';

const { text, kernel, search, index } = workerData as SearchWorkerData;
searchPart(analyze(text).scenario, kernel, search, index);
