// The parallel search (issue 10): the first, unbounded search of `explore`
// run by several threads at once that share its visited states.
//
// Every thread walks its own live run (explore.ts's searchSchedules) and
// numbers states in the same shared tables (stateStore.ts over
// sharedTable.ts), so a state one thread stored is one every other thread
// skips: the threads together store each state once, as one thread would. A
// thread starts where another gives it work: a schedule prefix, the path to
// one of its untried options, which it replays and then searches from. Work
// is given when some thread waits for it (the givers look every few dozen
// branches); the search ends when every thread waits and nothing is left to
// give, or at once when one finds a stale access or a bound stops it.
//
// The order in which threads meet states changes which of two equivalent
// schedules is stored first, never which states are reached (a state is
// explored from its first visit, whoever made it, and sleep sets are kept
// per state with an atomic and), so the verdict and, without a stale access,
// the states counted are the one-thread search's. A stale schedule found is
// some stale schedule: the least stall is then proven by the one-thread
// bounded searches, as after a one-thread search.
//
// The core starts no thread itself (it is pure: no Node API): a front end
// passes a ParallelRunner that runs `searchPart` on its threads (the CLI and
// the VS Code explorer thread do, with worker_threads).

import type { KernelName } from '../language/ast';
import type { Scenario } from '../language/checker';
import { variantFor } from '../machine/simulation';
import { type ExploreProgress, type Schedule, type SearchResult, type SearchShare, type StoppedBy, searchSchedules } from './explore';
import { SharedVectorTable } from './sharedTable';
import { type SharedStoreBuffers, StateStore, sharedStoreBuffers } from './stateStore';
import { Symmetry } from './symmetry';

/** What every thread of a parallel search is given: shared buffers and numbers (structured-clonable). */
export interface ParallelSearch {
  workers: number;
  /** Control words (the indexes below). */
  control: SharedArrayBuffer;
  /** Given work: QUEUE_SLOTS slots of [length, cpu…]. */
  queue: SharedArrayBuffer;
  /** The stale schedule found: [length, cpu…]. */
  found: SharedArrayBuffer;
  /** Per thread: schedules, runs completed, transitions, depth (each thread writes its own). */
  figures: SharedArrayBuffer;
  store: SharedStoreBuffers;
  limit: number;
  deadline: number;
  maxMemory: number;
  reduce: boolean;
  sleepSets: boolean;
  symmetry: boolean;
}

/** Runs a parallel search's threads: a front end's (the core starts none). */
export interface ParallelRunner {
  /** Threads to run (2 or more). */
  workers: number;
  /**
   * Runs `searchPart(scenario, kernel, search, i)` on thread i of `workers`,
   * and returns when every one has returned, calling `waiting` now and then
   * while it waits (for progress). False when it could not run them (the
   * search is then made by one thread).
   */
  run(search: ParallelSearch, waiting: () => void): boolean;
}

/** The control words, by index. */
const W = { stop: 0, active: 1, hungry: 2, lock: 3, queued: 4, wake: 5, done: 6, started: 7 } as const;
const CONTROL_WORDS = 8;

/**
 * Why the search stopped (W.stop): still running, a stale schedule, a thread
 * that failed, a bound, or a shared table that filled up before the bound on
 * states (larger ones are needed).
 */
const WHY = { running: 0, stale: 1, failed: 2, states: 3, time: 4, memory: 5, full: 6 } as const;

const QUEUE_SLOTS = 64;
/** A prefix longer than this is not given away (the giver searches it itself). */
const SLOT_WORDS = 4096;
const FOUND_WORDS = 1 << 22;
const FIGURES = 4;

/** The buffers of a search for `workers` threads, with tables for `capacity` states. */
function parallelSearch(workers: number, capacity: number, o: Omit<ParallelSearch, 'workers' | 'control' | 'queue' | 'found' | 'figures' | 'store'>): ParallelSearch {
  const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
  const words = new Int32Array(control);
  // thread 0 starts at the root; the others wait for work
  words[W.active] = 1;
  words[W.hungry] = workers - 1;
  return {
    workers,
    control,
    queue: new SharedArrayBuffer(QUEUE_SLOTS * SLOT_WORDS * 4),
    found: new SharedArrayBuffer(FOUND_WORDS * 4),
    figures: new SharedArrayBuffer(workers * FIGURES * 8),
    // a thread may pass the bound on states by one state
    store: sharedStoreBuffers(capacity + workers),
    ...o,
  };
}

/** States the shared tables are first made for, at most. */
const FIRST_CAPACITY = 1 << 22;
/** Bytes a state of the shared tables' capacity takes, about (their slots, for a search that fills them). */
const SHARED_BYTES = 64;

/**
 * The first search on the runner's threads, or undefined when they could not
 * run it, or a thread failed, or every schedule ended in a runtime error
 * (this thread then searches again: it keeps the error to report).
 */
export function parallelFirst(
  runner: ParallelRunner,
  o: { limit: number; deadline: number; maxMemory: number; reduce: boolean; sleepSets: boolean; symmetry: boolean },
  onProgress?: ExploreProgress,
): SearchResult | undefined {
  if (runner.workers < 2) return undefined;
  // shared tables cannot grow while threads use them: they are made for the bound on states (at most
  // 4 M states, and what the memory bound holds at SHARED_BYTES a state), four times larger if one fills up
  const most = Math.min(o.limit, Math.floor(o.maxMemory / SHARED_BYTES));
  let out: ParallelOutcome;
  for (let capacity = Math.min(most, FIRST_CAPACITY); ; capacity = Math.min(most, capacity * 4)) {
    const search = parallelSearch(runner.workers, capacity, o);
    const states = new SharedVectorTable(search.store.tables.states);
    const ran = runner.run(search, () => {
      if (!onProgress) return;
      const figures = parallelProgress(search, states);
      onProgress(figures.schedules, figures.states);
    });
    if (!ran) return undefined;
    out = parallelOutcome(search);
    if (!out.full || capacity >= most) break;
  }
  // tables as large as the memory bound allows, full: the bound stopped the search
  if (out.full && most < o.limit) out = { ...out, full: false, stoppedBy: 'memory' };
  if (out.failed || out.full || (!out.found && !out.stoppedBy && out.completed === 0)) return undefined;
  const { found, stoppedBy, states, bytes, schedules, completed, transitions, depth } = out;
  return { schedules, states, completed, transitions, depth, bytes, ...(found ? { found } : {}), ...(stoppedBy ? { stoppedBy } : {}) };
}

/** Thread `index`'s part: searches what it is given until the search ends. */
export function searchPart(scenario: Scenario, override: KernelName | undefined, p: ParallelSearch, index: number): void {
  const control = new Int32Array(p.control);
  Atomics.add(control, W.started, 1);
  const figures = new Float64Array(p.figures, index * FIGURES * 8, FIGURES);
  const work = new Work(control, new Int32Array(p.queue));
  try {
    const variant = variantFor(scenario, override);
    const store = new StateStore(false, false, p.symmetry ? Symmetry.detect(scenario, variant) : undefined, p.store);
    let done = 0;
    const share: SearchShare = {
      stopped: () => Atomics.load(control, W.stop) !== WHY.running,
      hungry: () => Atomics.load(control, W.hungry) > Atomics.load(control, W.queued),
      give: (prefix) => work.give(prefix),
      progress: (schedules) => (figures[0] = done + schedules),
    };
    let prefix: Schedule | undefined = index === 0 ? [] : work.take(false);
    while (prefix) {
      const r = searchSchedules(scenario, override, { ...p, bound: undefined, shortest: false, prefix, store, share });
      done += r.schedules;
      figures[0] = done;
      figures[1] += r.completed;
      figures[2] += r.transitions;
      figures[3] = Math.max(figures[3], r.depth);
      if (r.found && r.found.length < FOUND_WORDS) stop(control, WHY.stale, () => writeSchedule(new Int32Array(p.found), r.found!));
      // a stale schedule longer than its buffer cannot be handed back whole: the search is made again on one thread
      else if (r.found) stop(control, WHY.failed);
      else if (store.full) stop(control, WHY.full);
      else if (r.stoppedBy) stop(control, WHY[r.stoppedBy]);
      prefix = work.take(true);
    }
  } catch {
    stop(control, WHY.failed);
  } finally {
    Atomics.add(control, W.done, 1);
    Atomics.notify(control, W.done);
  }
}

/** What `parallelFirst` reads back once every thread has returned. */
interface ParallelOutcome {
  found?: Schedule;
  stoppedBy?: StoppedBy;
  failed: boolean;
  /** A table filled up: search again with larger ones. */
  full: boolean;
  states: number;
  bytes: number;
  schedules: number;
  completed: number;
  transitions: number;
  depth: number;
}

function parallelOutcome(p: ParallelSearch): ParallelOutcome {
  const control = new Int32Array(p.control);
  const reason = Atomics.load(control, W.stop);
  const store = new StateStore(false, false, undefined, p.store);
  const out: ParallelOutcome = { failed: reason === WHY.failed || Atomics.load(control, W.started) < p.workers, full: reason === WHY.full, states: store.size, bytes: store.bytes, schedules: 0, completed: 0, transitions: 0, depth: 0 };
  const figures = new Float64Array(p.figures);
  for (let i = 0; i < p.workers; i++) {
    out.schedules += figures[i * FIGURES];
    out.completed += figures[i * FIGURES + 1];
    out.transitions += figures[i * FIGURES + 2];
    out.depth = Math.max(out.depth, figures[i * FIGURES + 3]);
  }
  if (reason === WHY.stale) out.found = readSchedule(new Int32Array(p.found));
  for (const by of ['states', 'time', 'memory'] as const) if (reason === WHY[by]) out.stoppedBy = by;
  return out;
}

/** The schedules tried and states stored so far (read while the threads run, for progress). */
function parallelProgress(p: ParallelSearch, states: SharedVectorTable): { schedules: number; states: number } {
  const figures = new Float64Array(p.figures);
  let schedules = 0;
  for (let i = 0; i < p.workers; i++) schedules += figures[i * FIGURES];
  return { schedules, states: states.size };
}

/**
 * For a runner: waits (blocking this thread) up to `ms` for every thread to
 * return; true when they all have. A thread that has not started within
 * `startMs` of `since` (it could not load, say) ends the search as failed.
 */
export function threadsReturned(p: ParallelSearch, ms: number, since: number, startMs = 15_000): boolean {
  const control = new Int32Array(p.control);
  const done = Atomics.load(control, W.done);
  if (done >= p.workers) return true;
  if (Atomics.load(control, W.started) < p.workers && Date.now() - since > startMs) {
    stop(control, WHY.failed);
    // the threads that started return at their next look at the stop word; the others never will
    return Atomics.load(control, W.done) >= Atomics.load(control, W.started);
  }
  Atomics.wait(control, W.done, done, ms);
  return Atomics.load(control, W.done) >= p.workers;
}

/** Ends the search for every thread, with the first reason given; `first` runs only for that one. */
function stop(control: Int32Array, reason: number, first?: () => void): void {
  if (Atomics.compareExchange(control, W.stop, WHY.running, reason) !== WHY.running) return;
  first?.();
  wake(control);
}

/** Wakes the threads waiting for work (or for the end). */
function wake(control: Int32Array): void {
  Atomics.add(control, W.wake, 1);
  Atomics.notify(control, W.wake);
}

function writeSchedule(into: Int32Array, s: Schedule): void {
  into.set(s, 1);
  into[0] = s.length;
}

function readSchedule(from: Int32Array): Schedule {
  return Array.from(from.subarray(1, 1 + from[0]));
}

/**
 * The given work, a stack of schedule prefixes, and who is busy or waiting:
 * changed under a spin lock (a few words each time), so that "nothing queued
 * and nobody busy" (the end) is seen whole.
 */
class Work {
  constructor(
    private readonly control: Int32Array,
    private readonly queue: Int32Array,
  ) {}

  /** Queues a prefix for a waiting thread; false when it does not fit. */
  give(prefix: Schedule): boolean {
    if (prefix.length >= SLOT_WORDS) return false;
    this.lock();
    const slot = this.control[W.queued];
    const fits = slot < QUEUE_SLOTS;
    if (fits) {
      this.queue.set(prefix, slot * SLOT_WORDS + 1);
      this.queue[slot * SLOT_WORDS] = prefix.length;
      this.control[W.queued] = slot + 1;
    }
    this.unlock();
    if (fits) wake(this.control);
    return fits;
  }

  /**
   * The next prefix to search, waiting for one if need be; undefined when the
   * search has ended. `busy`: this thread was searching (else it was already
   * counted as waiting).
   */
  take(busy: boolean): Schedule | undefined {
    const c = this.control;
    this.lock();
    if (busy) c[W.active]--;
    let hungry = !busy;
    for (;;) {
      if (Atomics.load(c, W.stop) !== WHY.running) break;
      const slot = c[W.queued];
      if (slot > 0) {
        c[W.queued] = slot - 1;
        c[W.active]++;
        if (hungry) c[W.hungry]--;
        const length = this.queue[(slot - 1) * SLOT_WORDS];
        const prefix = Array.from(this.queue.subarray((slot - 1) * SLOT_WORDS + 1, (slot - 1) * SLOT_WORDS + 1 + length));
        this.unlock();
        return prefix;
      }
      // nobody searching and nothing given: every part has been searched
      if (c[W.active] === 0) break;
      if (!hungry) {
        c[W.hungry]++;
        hungry = true;
      }
      const wake = Atomics.load(c, W.wake);
      this.unlock();
      Atomics.wait(c, W.wake, wake, 20);
      this.lock();
    }
    this.unlock();
    // the others may be waiting for the end this thread has just seen
    wake(this.control);
    return undefined;
  }

  private lock(): void {
    while (Atomics.compareExchange(this.control, W.lock, 0, 1) !== 0);
  }

  private unlock(): void {
    Atomics.store(this.control, W.lock, 0);
  }
}
