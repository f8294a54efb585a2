// The places a trace debugger can stand in a recorded run, in order: before
// each micro-step, and at each `expect` (checked between two micro-steps,
// taking none). A stop is an index into this list; the machine state there is
// the state after `pos[i]` micro-steps. Typed arrays keep a 100k-step trace
// to a few megabytes of index.

import type { MicroStep, RunResult } from '../../core/src/index';

export class Timeline {
  /** Micro-steps executed at each point. */
  readonly pos: Int32Array;
  /** The expectation checked at each point, or -1: before step `pos[i]` (the end when pos = steps). */
  readonly expect: Int32Array;
  /** The point before each step. */
  readonly pointOfStep: Int32Array;
  /** The first point at each position (0..steps). */
  readonly firstPointOfPos: Int32Array;
  /** 1 where a step is the first of its event: where a statement begins. */
  readonly eventStart: Uint8Array;
  /** The previous step of the same event, or -1 (events of concurrent lanes interleave). */
  readonly prevInEvent: Int32Array;
  /** For each cpu, the steps it acted in, ascending. */
  readonly stepsByCpu: Int32Array[];
  /** Statement points (statement starts and expectations) by 0-based line. */
  readonly statementsByLine = new Map<number, number[]>();
  readonly end: number;

  constructor(
    readonly run: RunResult,
    cpuCount: number,
  ) {
    const steps = run.steps;
    const n = steps.length;
    const total = n + run.expectations.length + 1;
    this.pos = new Int32Array(total);
    this.expect = new Int32Array(total);
    this.pointOfStep = new Int32Array(n);
    this.firstPointOfPos = new Int32Array(n + 1);
    this.eventStart = new Uint8Array(n);
    this.prevInEvent = new Int32Array(n);
    let i = 0;
    let e = 0;
    for (let p = 0; p <= n; p++) {
      this.firstPointOfPos[p] = i;
      // expectations with afterStep = p - 1 are checked before step p runs
      while (e < run.expectations.length && run.expectations[e].afterStep + 1 <= p) {
        this.pos[i] = p;
        this.expect[i] = e;
        this.addStatement(run.expectations[e].line, i);
        i++;
        e++;
      }
      this.pos[i] = p;
      this.expect[i] = -1;
      if (p < n) this.pointOfStep[p] = i;
      i++;
    }
    this.end = total - 1;

    const lastOfEvent = new Map<number, number>();
    const byCpu: number[][] = Array.from({ length: cpuCount }, () => []);
    for (let s = 0; s < n; s++) {
      const step = steps[s];
      const prev = lastOfEvent.get(step.event);
      this.prevInEvent[s] = prev ?? -1;
      if (prev === undefined) {
        this.eventStart[s] = 1;
        this.addStatement(step.line, this.pointOfStep[s]);
      }
      lastOfEvent.set(step.event, s);
      if (step.cpu >= 0) byCpu[step.cpu].push(s);
    }
    this.stepsByCpu = byCpu.map((l) => Int32Array.from(l));
  }

  private addStatement(line: number, point: number): void {
    const list = this.statementsByLine.get(line);
    if (list) list.push(point);
    else this.statementsByLine.set(line, [point]);
  }

  /** The step about to run at a point (undefined at expectations and at the end). */
  stepAt(point: number): MicroStep | undefined {
    return this.expect[point] < 0 ? this.run.steps[this.pos[point]] : undefined;
  }

  /** Where a statement begins: `next` and `stepBack` stop only at these. */
  isStatement(point: number): boolean {
    return this.expect[point] >= 0 || point === this.end || this.eventStart[this.pos[point]] === 1;
  }

  /** The 0-based scenario line a point stands on. */
  lineOf(point: number): number {
    const e = this.expect[point];
    if (e >= 0) return this.run.expectations[e].line;
    const step = this.stepAt(point);
    if (step) return step.line;
    const steps = this.run.steps;
    return steps.length ? steps[steps.length - 1].line : 0;
  }

  /** The last step a cpu acted in before `position`, or -1. */
  lastStepOf(cpu: number, position: number): number {
    const list = this.stepsByCpu[cpu];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid] < position) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? list[lo - 1] : -1;
  }

  /** Whether a cpu has acted by `position` (the step about to run counts). */
  hasActed(cpu: number, position: number): boolean {
    const list = this.stepsByCpu[cpu];
    return list.length > 0 && list[0] <= position;
  }
}

/** First element of a sorted list greater than `after` (or ≥ when `inclusive`), or -1. */
export function firstAfter(list: Int32Array, after: number, inclusive = false): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < after || (!inclusive && list[mid] === after)) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length ? list[lo] : -1;
}

/** Last element of a sorted list smaller than `before`, or -1. */
export function lastBefore(list: Int32Array, before: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < before) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? list[lo - 1] : -1;
}
