// Breakpoints over a recorded run: each one is resolved, once, to the sorted
// list of timeline points where it stops (or logs). Continue and reverse
// continue are then binary searches, in either direction.
//
// Hit counts count matches from the start of the trace, so a breakpoint's
// 3rd hit is the same point whichever way the user travels to it.

import { type Change, type Scenario, TraceCursor } from '../../core/src/index';
import { type EvalContext, type Expr, ExpressionError, entryBitOf, evaluate, parseExpression, truthy } from './expressions';
import type { Timeline } from './timeline';
import { valueText } from './variables';

export type WatchKind = 'line' | 'function' | 'data' | 'exception';

/** Exception filters: what kind of event stops (spec §6: `stale` on by default). */
export const EXCEPTION_FILTERS = [
  { filter: 'stale', label: 'Stale TLB access', description: 'An access that uses a TLB entry whose page is unmapped or remapped', default: true },
  { filter: 'flush', label: 'Entry-time TLB flush', description: 'kvmppc_hv_entry sweeps the TLB for this LPID (need_tlb_flush was set)', default: false },
  { filter: 'ipi', label: 'Flush IPI', description: 'radix_flush_cpu kicks a thread of the old core', default: false },
  { filter: 'fault', label: 'Guest page fault', description: 'An access to an unmapped page with no TLB entry', default: false },
  { filter: 'expect', label: 'Failing expectation', description: 'An `expect` line that does not hold', default: false },
  {
    filter: 'error',
    label: 'Runtime error',
    description: 'An event that cannot happen where the schedule puts it (a task whose vcpu is not running, a vcpu entering on two cpus at once)',
    default: true,
  },
] as const;


export interface WatchSpec {
  id: number;
  kind: WatchKind;
  /** line: 0-based line; function: routine name; data: data id; exception: filter id. */
  target: string | number;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

export interface ResolvedWatch {
  spec: WatchSpec;
  verified: boolean;
  message?: string;
  /** Points where it stops (or logs), ascending. */
  points: Int32Array;
  condition?: Expr;
  log?: (ctx: EvalContext) => string;
}

/**
 * A data breakpoint id: `needTlbFlush:<guest>:<lo>:<hi>` (or `cpuInGuest:…`)
 * watches those bits of a guest's mask; `tlb:<domain>` a TLB's contents.
 */
export function describeDataId(id: string, scenario: Scenario): string | undefined {
  const mask = /^(needTlbFlush|cpuInGuest):([A-Za-z_]\w*):(\d+):(\d+)$/.exec(id);
  const t = scenario.topology;
  if (mask && scenario.guests.has(mask[2]) && Number(mask[4]) < t.cpuCount) {
    const what = mask[1] === 'needTlbFlush' ? 'need_tlb_flush' : 'cpu_in_guest';
    const bits = mask[3] === mask[4] ? `[${mask[3]}]` : `[${mask[3]}..${mask[4]}]`;
    return `${what}${bits} of ${mask[2]}`;
  }
  const tlb = /^tlb:(\d+)$/.exec(id);
  if (tlb && Number(tlb[1]) < t.domainCount) return `${t.tlbDomainName(Number(tlb[1]))} TLB`;
  return undefined;
}

export class BreakpointResolver {
  private scratch: TraceCursor | undefined;

  constructor(
    private readonly scenario: Scenario,
    private readonly timeline: Timeline,
  ) {}

  resolve(spec: WatchSpec): ResolvedWatch {
    const fail = (message: string): ResolvedWatch => ({ spec, verified: false, message, points: new Int32Array(0) });
    let condition: Expr | undefined;
    let log: ResolvedWatch['log'];
    let hit: ((n: number) => boolean) | undefined;
    try {
      if (spec.condition?.trim()) condition = parseExpression(spec.condition);
      if (spec.logMessage !== undefined) log = logTemplate(spec.logMessage);
    } catch (e) {
      if (e instanceof ExpressionError) return fail(`bad expression: ${e.message}`);
      throw e;
    }
    if (spec.hitCondition?.trim()) {
      hit = parseHitCondition(spec.hitCondition);
      if (!hit) return fail(`bad hit count '${spec.hitCondition}': use N (from the Nth hit on), ==N, >N, >=N, <N, <=N or %N`);
    }
    const found = this.candidates(spec);
    if ('error' in found) return fail(found.error);
    let points = found.points;
    if (condition) {
      const c = condition;
      let failure: string | undefined;
      let evaluated = false;
      points = points.filter((p) => {
        try {
          const holds = truthy(evaluate(c, this.contextAt(p)));
          evaluated = true;
          return holds;
        } catch (e) {
          failure ??= e instanceof Error ? e.message : String(e);
          return false;
        }
      });
      // a condition that fails wherever it is evaluated (`nosuch == 1`) would never stop, silently
      if (failure !== undefined && !evaluated) return fail(`the condition cannot be evaluated: ${failure}`);
    }
    if (hit) points = points.filter((_, i) => hit!(i + 1));
    return { spec, verified: true, points: Int32Array.from(points), ...(condition ? { condition } : {}), ...(log ? { log } : {}) };
  }

  /** The state at a point, read through a cursor of its own so the user's position stays put. */
  contextAt(point: number): EvalContext {
    this.scratch ??= new TraceCursor(this.scenario, this.timeline.run.steps);
    this.scratch.seek(this.timeline.pos[point]);
    return { state: this.scratch.state, step: this.timeline.pos[point], line: this.timeline.lineOf(point) + 1, entryBit: entryBitOf(this.timeline.run.kernel) };
  }

  private candidates(spec: WatchSpec): { points: number[] } | { error: string } {
    const tl = this.timeline;
    const steps = tl.run.steps;
    switch (spec.kind) {
      case 'line': {
        const points = tl.statementsByLine.get(spec.target as number);
        if (!points) return { error: this.whyLineDoesNotRun(spec.target as number) };
        return { points };
      }
      case 'function': {
        const name = String(spec.target);
        const points: number[] = [];
        let known = false;
        for (let s = 0; s < steps.length; s++) {
          const frames = steps[s].frames;
          const prev = tl.prevInEvent[s] >= 0 ? steps[tl.prevInEvent[s]].frames : undefined;
          const d = frames.findIndex((f) => f.routine === name);
          if (d < 0) continue;
          known = true;
          // entered here: the step before (in this event) was not already inside it at this depth
          if (prev?.[d]?.routine !== name) points.push(tl.pointOfStep[s]);
        }
        if (!known) {
          const routines = new Set(steps.flatMap((s) => s.frames.flatMap((f) => (f.routine ? [f.routine] : []))));
          return { error: `no step of this run enters ${name}${routines.size ? ` (routines in this run: ${[...routines].join(', ')})` : ''}` };
        }
        return { points };
      }
      case 'data': {
        const id = String(spec.target);
        if (!describeDataId(id, this.scenario)) return { error: `unknown data '${id}'` };
        const touches = dataMatcher(id);
        const points: number[] = [];
        for (let s = 0; s < steps.length; s++) {
          // a write stops where the writing step has finished (like a hardware watchpoint)
          if (steps[s].changes.some(touches)) points.push(tl.firstPointOfPos[s + 1]);
        }
        return { points };
      }
      case 'exception': {
        const points: number[] = [];
        if (spec.target === 'expect') {
          for (let i = 0; i <= tl.end; i++) {
            const e = tl.expect[i];
            if (e >= 0 && !tl.run.expectations[e].passed) points.push(i);
          }
          return { points };
        }
        const errorSteps = new Set(tl.run.errors.map((e) => e.afterStep));
        for (let s = 0; s < steps.length; s++) {
          const step = steps[s];
          const hit =
            spec.target === 'stale' ? step.access?.outcome === 'stale'
            : spec.target === 'error' ? errorSteps.has(s)
            : spec.target === 'fault' ? step.access?.outcome === 'fault'
            : spec.target === 'flush' ? step.flush?.set === 0
            : spec.target === 'ipi' ? step.ipi !== undefined && (step.ipi.take === undefined || step.ipi.take === 'in-send') // the send, not the take
            : false;
          if (hit) points.push(tl.pointOfStep[s]);
        }
        return { points };
      }
    }
  }

  private whyLineDoesNotRun(line: number): string {
    const text = (this.scenario.file.sourceLines[line] ?? '').replace(/#.*$/, '').trim();
    if (!text) return 'no statement on this line';
    const statement = this.scenario.file.statements.find((s) => s.range.start.line === line);
    if (statement && 'kind' in statement && ['machine', 'kernel', 'guest', 'task'].includes(statement.kind)) return 'a declaration: it does not execute';
    if (text.startsWith('concurrently') || text === '}') return 'the braces of a concurrently block do not execute; set the breakpoint on a lane';
    return 'this line does not execute in this run';
  }
}

function dataMatcher(id: string): (c: Change) => boolean {
  const tlb = /^tlb:(\d+)$/.exec(id);
  if (tlb) {
    const domain = Number(tlb[1]);
    return (c) => (c.kind === 'tlb-insert' || c.kind === 'tlb-remove') && c.domain === domain;
  }
  const [mask, guest, lo, hi] = id.split(':');
  return (c) => c.kind === 'bit' && c.mask === mask && c.guest === guest && c.cpu >= Number(lo) && c.cpu <= Number(hi);
}

/** `N` means from the Nth hit on (as gdb's ignore count), or an operator and N. */
export function parseHitCondition(text: string): ((n: number) => boolean) | undefined {
  const m = /^\s*(>=|<=|==|=|>|<|%)?\s*(\d+)\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[2]);
  switch (m[1]) {
    case '==':
    case '=':
      return (k) => k === n;
    case '>':
      return (k) => k > n;
    case '<':
      return (k) => k < n;
    case '<=':
      return (k) => k <= n;
    case '%':
      return n > 0 ? (k) => k % n === 0 : undefined;
    default:
      return (k) => k >= n;
  }
}

/** A logpoint message: text with `{expression}` parts evaluated at the point. */
function logTemplate(message: string): (ctx: EvalContext) => string {
  const parts = message.split(/(\{[^{}]*\})/).map((part) => (part.startsWith('{') && part.endsWith('}') ? parseExpression(part.slice(1, -1)) : part));
  return (ctx) =>
    parts
      .map((p) => {
        if (typeof p === 'string') return p;
        try {
          return valueText(evaluate(p, ctx), ctx.state);
        } catch (e) {
          return `<${e instanceof Error ? e.message : String(e)}>`;
        }
      })
      .join('');
}
