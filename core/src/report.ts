// Text and JSON reports of a run, shared by the command line, the VS Code
// client's output channel and the debug console: one line per event with
// what the kernel did, the access outcome set apart.

import type { KernelName } from './language/ast';
import type { Scenario } from './language/checker';
import { KERNEL_NAMES } from './machine/variants';
import type { MicroStep, RunResult } from './machine/trace';
import type { ExploreResult } from './explorer/explore';
import type { Stall } from './machine/simulation';
import type { Topology } from './machine/topology';

export interface Style {
  outcome(text: string, outcome: string): string;
  dim(text: string): string;
}

export const plain: Style = { outcome: (t) => t, dim: (t) => t };

/** ANSI colours for terminals: stale red, fault yellow, hit/miss green. */
export const ansi: Style = {
  outcome: (t, o) => `\x1b[${o === 'stale' ? '1;31' : o === 'fault' ? '33' : '32'}m${t}\x1b[0m`,
  dim: (t) => `\x1b[2m${t}\x1b[0m`,
};

/** Groups steps by the event they belong to. */
export function eventsOf(steps: readonly MicroStep[]): MicroStep[][] {
  const groups: MicroStep[][] = [];
  for (const s of steps) {
    const last = groups[groups.length - 1];
    if (last && last[0].event === s.event) last.push(s);
    else groups.push([s]);
  }
  return groups;
}

/** What the kernel did in an event, in a few lines: flush sweeps folded into `sets 0-3`. */
export function summarizeEvent(steps: readonly MicroStep[]): string[] {
  const lines: string[] = [];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i];
    if (s.flush) {
      let j = i;
      while (j + 1 < steps.length && steps[j + 1].flush && steps[j + 1].cpu === s.cpu) j++;
      const f = steps.slice(i, j + 1);
      const removed = f.reduce((n, x) => n + x.flush!.removed, 0);
      const sets = f.length === 1 ? `set ${s.flush.set}` : `sets ${s.flush.set}-${f[f.length - 1].flush!.set}`;
      const base = s.text.replace(/, set \d+ of \d+.*$/, '');
      const untouched = / — HPT-format/.test(s.text) ? ' — HPT-format tlbiel, radix entries untouched' : '';
      lines.push(`${base}, ${sets} (${removed} entr${removed === 1 ? 'y' : 'ies'} removed)${untouched}`);
      i = j;
    } else if (s.move || s.ipi || s.entryTest || /^radix_flush_cpu|clear need_tlb_flush/.test(s.text) || s.access || !s.frames.some((f) => f.routine)) {
      lines.push(s.text);
    }
  }
  return lines;
}

function cpuLabel(cpu: number): string {
  return cpu >= 0 ? `cpu${cpu}` : '    ';
}

export function formatRun(file: string, scenario: Scenario, run: RunResult, opts: { trace?: boolean; style?: Style } = {}): string {
  const style = opts.style ?? plain;
  const out: string[] = [];
  const lines = scenarioLines(scenario);
  out.push(`${file}: kernel ${run.kernel}`);
  const expectations = [...run.expectations];
  const errors = [...run.errors];
  const flushExpectations = (upTo: number) => {
    while (expectations.length && expectations[0].afterStep <= upTo) {
      const e = expectations.shift()!;
      out.push(`${file}:${e.line + 1}: expect ${e.passed ? 'ok' : 'FAILED'}: ${e.message}`);
    }
    while (errors.length && errors[0].afterStep <= upTo) {
      const e = errors.shift()!;
      out.push(`${file}:${e.line + 1}: error: ${e.message}`);
    }
  };
  flushExpectations(-1);
  for (const group of eventsOf(run.steps)) {
    const first = group[0];
    const head = lines[first.line] ?? '';
    out.push(`${file}:${first.line + 1}: ${cpuLabel(first.cpu)}  ${head}`);
    const detail = opts.trace
      ? group.map((s) => `${cpuLabel(s.cpu)} ${style.dim(s.frames.map((f) => f.name).join(' › '))}: ${s.text}`)
      : summarizeEvent(group);
    for (const d of detail) out.push(`    ${d}`);
    for (const s of group) {
      if (s.access) {
        const a = s.access;
        out.push(`    → ${style.outcome(a.outcome.toUpperCase(), a.outcome)}${a.explanation ? `: ${a.explanation}` : ''}`);
      }
    }
    flushExpectations(group[group.length - 1].index);
  }
  flushExpectations(Infinity);
  const failed = run.expectations.filter((e) => !e.passed).length;
  out.push(
    `${run.accesses.length} access${run.accesses.length === 1 ? '' : 'es'}, ${style.outcome(`${run.stale} stale`, run.stale ? 'stale' : 'hit')}; ` +
      `${run.expectations.length - failed}/${run.expectations.length} expectations hold` +
      (run.errors.length ? `; ${run.errors.length} runtime error${run.errors.length === 1 ? '' : 's'}` : ''),
  );
  return out.join('\n');
}

/** The statement text of each line, comments stripped, for report headings. */
function scenarioLines(scenario: Scenario): string[] {
  return scenario.file.sourceLines.map((l) => l.replace(/#.*$/, '').trim());
}

/** The JSON contract of `tlbscn run --json` (spec §6), plus the steps for replay. */
export function runJson(run: RunResult, file: string, opts: { steps?: boolean } = {}) {
  return {
    file,
    kernel: run.kernel,
    accesses: run.accesses.map((a) => ({
      line: a.line + 1,
      task: a.task,
      page: a.page,
      cpu: a.cpu,
      outcome: a.outcome,
      ...(a.explanation ? { explanation: a.explanation } : {}),
    })),
    expectations: run.expectations.map((e) => ({ line: e.line + 1, passed: e.passed, message: e.message })),
    errors: run.errors.map((e) => ({ line: e.line + 1, message: e.message })),
    stale: run.stale,
    ...(opts.steps ? { steps: run.steps.map((s) => ({ line: s.line + 1, cpu: s.cpu, frames: s.frames.map((f) => f.name), text: s.text })) } : {}),
  };
}

export function exploreJson(result: ExploreResult, file: string, topology: Topology) {
  const ce = result.counterexample;
  return {
    file,
    kernel: result.kernel,
    stale: ce ? ce.run.stale : 0,
    schedules: result.schedules,
    states: result.states,
    truncated: result.truncated,
    ...(result.stoppedBy ? { stoppedBy: result.stoppedBy } : {}),
    maxStall: result.maxStall,
    stats: { ...result.stats, bytesPerState: Math.round(result.stats.bytesPerState * 10) / 10 },
    ...(result.shortest !== undefined ? { shortest: result.shortest } : {}),
    ...(ce
      ? {
          schedule: ce.schedule,
          run: runJson(ce.run, file, { steps: true }),
          // with no lane stalled there is no cpu or line to name
          stall: {
            steps: ce.run.stall.steps,
            cpu: ce.run.stall.steps ? ce.run.stall.cpu : null,
            line: ce.run.stall.steps ? ce.run.stall.line + 1 : null,
            // a label for the race, so only for its least stall (a --shortest schedule's may be longer)
            modelLevel: ce.leastStall && isModelLevel(ce.run.stall, topology),
            least: ce.leastStall,
            // when the proof stopped: the least stall is at least this (every smaller bound was searched in full)
            ...(ce.leastStall ? {} : { atLeast: ce.stallAtLeast }),
          },
          ...(ce.race
            ? {
                race: {
                  summary: ce.race.summary,
                  decision: ce.race.decision,
                  staleFirst: { ...ce.race.staleFirst, line: ce.race.staleFirst.line + 1 },
                  safeFirst: { ...ce.race.safeFirst, line: ce.race.safeFirst.line + 1 },
                  safeSchedule: ce.race.safeSchedule,
                },
              }
            : {}),
        }
      : {}),
    ...(result.error ? { error: { line: result.error.line + 1, message: result.error.message } } : {}),
  };
}

/**
 * Spec v2 §0.4: a race whose least stall is at least the machine's TLB sets
 * needs a thread held with interrupts off while another thread's whole
 * sweep passes: possible in the model, implausible on hardware.
 */
export function isModelLevel(stall: Stall, topology: Topology): boolean {
  return stall.steps >= topology.tlbSets;
}

/** A counterexample's stall in words, for every front end. */
export function describeStall(stall: Stall, topology: Topology, maxStall: number | null, least = true, atLeast = 0): string {
  const bound = maxStall === null ? 'stall unbounded in this search' : `schedules with stall ≤ ${maxStall}`;
  if (stall.steps === 0) return `stall 0: no thread was held in its interrupts-off entry path (${bound})`;
  const held = `cpu${stall.cpu} held ${stall.steps} micro-step${stall.steps === 1 ? '' : 's'} with interrupts off (line ${stall.line + 1})`;
  if (least && isModelLevel(stall, topology)) {
    return `stall ${stall.steps}: a model-level race: needs ${held}, as long as a whole sweep of ${topology.tlbSets} sets; possible in the model, implausible on hardware (${bound})`;
  }
  const proven = atLeast > 0 ? `; no schedule with stall below ${atLeast} reaches it, ${atLeast} to ${stall.steps - 1} were not searched to the end` : '';
  const which = least ? 'the least stall that reaches this stale access' : `not proven the least stall for this stale access${proven}`;
  return `stall ${stall.steps}: ${held}; ${which} (${bound})`;
}

/** One scenario under one kernel variant: what its accesses gave and how its expectations fared. */
export interface VariantRow {
  kernel: KernelName;
  hit: number;
  miss: number;
  fault: number;
  stale: number;
  /** Lines (1-based) of the stale accesses, each once. */
  staleLines: number[];
  expectationsPassed: number;
  expectationsFailed: number;
  errors: number;
}

/** The rows of a variant table: the scenario run under every kernel variant. */
export function variantRows(simulateUnder: (kernel: KernelName) => RunResult): VariantRow[] {
  return KERNEL_NAMES.map((kernel) => {
    const run = simulateUnder(kernel);
    return {
      kernel,
      hit: run.outcomes.hit,
      miss: run.outcomes.miss,
      fault: run.outcomes.fault,
      stale: run.stale,
      staleLines: [...new Set(run.accesses.filter((a) => a.outcome === 'stale').map((a) => a.line + 1))],
      expectationsPassed: run.expectations.filter((e) => e.passed).length,
      expectationsFailed: run.expectations.filter((e) => !e.passed).length,
      errors: run.errors.length,
    };
  });
}

/** One scenario's rows in detail: outcome counts, first stale line, expectations. */
export function formatKernelTable(rows: readonly VariantRow[]): string {
  const header = ['kernel', 'hit', 'miss', 'fault', 'stale', 'first stale', 'expect ok', 'expect failed'];
  const cells = rows.map((r) =>
    [r.kernel, r.hit, r.miss, r.fault, r.stale, r.staleLines.length ? `line ${r.staleLines[0]}` : '-', r.expectationsPassed, r.expectationsFailed].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** Several scenarios side by side: where each is stale under each variant. */
export function formatVariantTable(rows: { file: string; variants: VariantRow[] }[]): string {
  const kernels = rows[0]?.variants.map((v) => v.kernel) ?? [];
  const width = Math.max(8, ...rows.map((r) => r.file.length));
  const cell = (v: VariantRow) => (v.errors ? 'error' : v.stale ? `stale@${v.staleLines.join(',')}` : 'no stale');
  const head = `${'scenario'.padEnd(width)}  ${kernels.map((k) => k.padEnd(14)).join('')}`;
  const body = rows.map((r) => `${r.file.padEnd(width)}  ${r.variants.map((v) => cell(v).padEnd(14)).join('')}`);
  return [head, ...body].join('\n');
}

/**
 * The search in a model checker's figures (Spin prints the like at the end):
 * states stored and their bytes, transitions, depth, time, rate.
 */
export function describeSearch(result: ExploreResult): string {
  const s = result.stats;
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const rate = s.verdictMs > 0 ? `, ${n((result.states / s.verdictMs) * 1000)} states/s` : '';
  // only a stale verdict is followed by the searches that prove its least stall (not with --shortest)
  const proved = result.counterexample && result.shortest === undefined && s.ms > s.verdictMs;
  const proof = proved ? ` (verdict after ${(s.verdictMs / 1000).toFixed(2)} s, then the least stall)` : '';
  const threads = s.threads ? ` on ${s.threads} threads` : '';
  return `search${threads}: ${n(result.states)} states stored in ${n(s.bytes / 1024)} KiB (${s.bytesPerState.toFixed(1)} B/state)${rate}; ${n(s.transitions)} transitions, depth ${s.depth}; ${(s.ms / 1000).toFixed(2)} s${proof}`;
}
