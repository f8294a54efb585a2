// Diagnostics of a document: the front end's errors and warnings as they
// are, then (for an error-free file) what a run under the file's kernel shows:
// stale accesses, failing expects, runtime errors.

import {
  type Checkpoint,
  type Diagnostic as CoreDiagnostic,
  type KernelName,
  type Range,
  type RunResult,
  Simulation,
  roundRobin,
  variantFor,
} from '../../../core/src/index';
import { type Diagnostic, DiagnosticSeverity, type DiagnosticRelatedInformation } from 'vscode-languageserver';
import { DIAGNOSTIC_SOURCE } from '../protocol';
import type { Analysis } from './analysis';

/**
 * A file of garbage can have a problem per character; past this many the
 * client only gets a note saying how many were left out.
 */
const MAX_DIAGNOSTICS = 1000;

const SEVERITY: Record<CoreDiagnostic['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function frontEndDiagnostics(analysis: Analysis, uri: string): Diagnostic[] {
  return analysis.result.diagnostics.map((d) => {
    const out: Diagnostic = { range: d.range, severity: SEVERITY[d.severity], code: d.code, source: DIAGNOSTIC_SOURCE, message: d.message };
    if (d.related) out.relatedInformation = d.related.map((r) => ({ location: { uri, range: r.range }, message: r.message }));
    if (d.data) out.data = d.data;
    return out;
  });
}

/** The kernel a run uses: the file's `kernel` line, else the configured default. */
export function effectiveKernel(analysis: Analysis, fallback: KernelName): KernelName {
  return analysis.scenario.kernel ?? fallback;
}

/** Work between two chances for the server to answer requests or notice a newer edit. */
const SLICE_MS = 8;

/** How many program items apart a run leaves checkpoints for the next one. */
const CHECKPOINT_EVERY = 256;

/**
 * What a document's last complete run leaves for the next: its text, and
 * checkpoints along the program. An edit changes nothing before its first
 * changed line, so the next run resumes from the last checkpoint before it.
 */
export class RunMemo {
  lines: readonly string[] = [];
  checkpoints: Checkpoint[] = [];

  /** The last checkpoint whose items all lie before the first line where `lines` differ from the memo's. */
  resumable(lines: readonly string[], kernel: KernelName): Checkpoint | undefined {
    const n = Math.min(lines.length, this.lines.length);
    let firstChange = 0;
    while (firstChange < n && lines[firstChange] === this.lines[firstChange]) firstChange++;
    let best: Checkpoint | undefined;
    for (const c of this.checkpoints) if (c.kernel === kernel && c.lastLine < firstChange) best = c;
    return best;
  }
}

/**
 * Runs an error-free file for its outcomes (no step records: the fast mode),
 * a slice of events at a time, resuming from `memo` when the file's start is
 * unchanged. Between slices it awaits `pause()`, which lets the server answer
 * requests and returns false when a newer edit makes this run pointless; the
 * run then stops and gives undefined (the memo is kept as it was). Undefined
 * too for a file with errors: there is nothing sound to run.
 */
export async function runScenario(
  analysis: Analysis,
  fallback: KernelName,
  pause: () => Promise<boolean>,
  memo: RunMemo = new RunMemo(),
): Promise<RunResult | undefined> {
  if (analysis.result.hasErrors) return undefined;
  const scenario = analysis.scenario;
  const kernel = effectiveKernel(analysis, fallback);
  const from = memo.resumable(analysis.lines, kernel);
  // every access kept: the inlay hints show each one's outcome (inlayHints.ts)
  const sim = from ? Simulation.resume(scenario, from, { allAccesses: true }) : new Simulation(scenario, variantFor(scenario, kernel), { record: false, allAccesses: true });
  // earlier checkpoints stay valid; they now take their records from the new run
  const checkpoints = from ? memo.checkpoints.filter((c) => c.item <= from.item).map((c) => ({ ...c, from: sim })) : [];
  const program = scenario.program;
  let sliceStart = performance.now();
  for (let i = from?.item ?? 0; i < program.length; i++) {
    if (i % CHECKPOINT_EVERY === 0 && i > (from?.item ?? 0)) checkpoints.push(sim.checkpoint(i));
    sim.runItem(program[i], roundRobin);
    if (performance.now() - sliceStart > SLICE_MS) {
      if (!(await pause())) return undefined;
      sliceStart = performance.now();
    }
  }
  memo.lines = analysis.lines;
  memo.checkpoints = checkpoints;
  return sim.result();
}

export function runDiagnostics(analysis: Analysis, run: RunResult, uri: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const lineRange = (line: number): Range => {
    const text = analysis.lines[line] ?? '';
    const start = text.length - text.trimStart().length;
    return { start: { line, character: start }, end: { line, character: text.replace(/\s*(#.*)?$/, '').length } };
  };
  for (const a of run.accesses) {
    if (a.outcome !== 'stale') continue;
    // the access event itself (a lane line may hold several events)
    const event = analysis.eventsOn(a.line).find((e) => e.kind === 'access' && e.task.text === a.task && e.page.text === a.page);
    const related: DiagnosticRelatedInformation[] = [];
    if (a.filledLine !== undefined) {
      related.push({ location: { uri, range: lineRange(a.filledLine) }, message: `the access that filled the ${a.task}:${a.page} entry (frame ${a.entry?.frame})` });
    }
    if (a.changedLine !== undefined) {
      const change = analysis.eventsOn(a.changedLine).find((e) => (e.kind === 'unmap' || e.kind === 'map') && e.task.text === a.task && e.page.text === a.page);
      const what = change?.kind === 'map' ? `${a.task}:${a.page} remapped to a new frame here` : `${a.task}:${a.page} unmapped here`;
      related.push({ location: { uri, range: change?.range ?? lineRange(a.changedLine) }, message: what });
    }
    out.push({
      range: event?.range ?? lineRange(a.line),
      severity: DiagnosticSeverity.Warning,
      code: 'stale-access',
      source: DIAGNOSTIC_SOURCE,
      message: `stale TLB access under kernel ${run.kernel}: ${a.task} ${a.page} on cpu${a.cpu}. ${a.explanation ?? ''}`.trimEnd(),
      relatedInformation: related,
      // what a quick fix needs to tell this access from others on its line
      data: { kernel: run.kernel, task: a.task, page: a.page },
    });
  }
  for (const e of run.expectations) {
    if (e.passed) continue;
    out.push({ range: e.range, severity: DiagnosticSeverity.Error, code: 'expect-failed', source: DIAGNOSTIC_SOURCE, message: `${e.message} (kernel ${run.kernel})` });
  }
  for (const e of run.errors) {
    out.push({ range: e.range, severity: DiagnosticSeverity.Error, code: 'runtime-error', source: DIAGNOSTIC_SOURCE, message: e.message });
  }
  return out;
}

/** Sorted by position and capped at MAX_DIAGNOSTICS. */
export function finishDiagnostics(list: Diagnostic[]): Diagnostic[] {
  list.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  if (list.length <= MAX_DIAGNOSTICS) return list;
  const shown = list.slice(0, MAX_DIAGNOSTICS);
  shown.push({
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: DiagnosticSeverity.Information,
    source: DIAGNOSTIC_SOURCE,
    message: `${list.length - MAX_DIAGNOSTICS} more problems are not shown`,
  });
  return shown;
}
