// What the Test Explorer checks in a scenario, without VS Code: one test per
// kernel variant the file names. Under the file's own variant (its `kernel`
// line, else the tlbscn.kernel setting) every `expect` line must hold; under each variant of
// an `# outcomes: buggy=stale fixed=fault …` header line, the access marked
// `# key access` must have that outcome (the sample scenarios' convention).
// Two more kinds of test (issue 12): a saved schedule beside a scenario
// (`*.schedule.json`, replayed with `tlbscn run --schedule`'s semantics), and,
// for a scenario with a `concurrently` block but no `expect`, an explore test
// per variant (its verdict checked against an `# explore:` header line).

import {
  DEFAULT_KERNEL,
  KERNEL_NAMES,
  analyze,
  isDeclaration,
  parse,
  resolveKernel,
  runSchedule,
  simulate,
  type KernelName,
  type Outcome,
  type Range,
  type Statement,
} from '../../core/src/index';

export interface VariantTest {
  kernel: KernelName;
  /** Whether this test checks the file's `expect` lines (only under the file's own variant). */
  expects: boolean;
  /** The outcome the `# outcomes:` line declares for the key access under this variant. */
  keyOutcome?: Outcome;
  /** Where the test is shown: the `kernel` line, or the key access. */
  line: number;
}

export interface TestFailure {
  range: Range;
  message: string;
}

export interface TestVerdict {
  /** The file does not compile: nothing ran. */
  errors: TestFailure[];
  failures: TestFailure[];
}

const OUTCOMES: readonly string[] = ['hit', 'miss', 'fault', 'stale'];

function hasExpect(statements: readonly Statement[]): boolean {
  return statements.some((s) =>
    s.kind === 'concurrently' ? s.lanes.some((l) => l.events.some((e) => e.kind.startsWith('expect'))) : s.kind.startsWith('expect'),
  );
}

function keyAccessLine(lines: readonly string[]): number {
  return lines.findIndex((l) => /^\s*[^#\s].*#\s*key access/.test(l));
}

/** The tests a scenario holds; none when it has no `expect` line. */
export function planTests(text: string, fallback: KernelName = DEFAULT_KERNEL): VariantTest[] {
  const { file } = parse(text);
  if (!hasExpect(file.statements)) return [];
  const kernelDecl = file.statements.find((s) => isDeclaration(s) && s.kind === 'kernel');
  const own = (kernelDecl?.kind === 'kernel' && resolveKernel(kernelDecl.variant.text)?.name) || fallback;
  const tests = new Map<KernelName, VariantTest>();
  tests.set(own, { kernel: own, expects: true, line: kernelDecl?.range.start.line ?? 0 });

  const keyLine = keyAccessLine(file.sourceLines);
  const header = file.sourceLines.find((l) => /^\s*#\s*outcomes:/.test(l));
  if (keyLine >= 0 && header) {
    for (const [, name, outcome] of header.matchAll(/([\w.-]+)=(\w+)/g)) {
      const kernel = resolveKernel(name)?.name;
      if (!kernel || !OUTCOMES.includes(outcome)) continue;
      const test = tests.get(kernel) ?? { kernel, expects: false, line: keyLine };
      tests.set(kernel, { ...test, keyOutcome: outcome as Outcome });
    }
  }
  return KERNEL_NAMES.filter((k) => tests.has(k)).map((k) => tests.get(k)!);
}

const lineRange = (line: number, text: string): Range => ({
  start: { line, character: text.length - text.trimStart().length },
  end: { line, character: text.replace(/\s*#.*$/, '').length },
});

/** Runs one planned test: the simulator under its variant, then its checks. */
export function runTest(text: string, test: VariantTest): TestVerdict {
  const { scenario, diagnostics, hasErrors } = analyze(text);
  if (hasErrors) {
    return { errors: diagnostics.filter((d) => d.severity === 'error').map((d) => ({ range: d.range, message: d.message })), failures: [] };
  }
  const run = simulate(scenario, test.kernel);
  const failures: TestFailure[] = run.errors.map((e) => ({ range: e.range, message: `${test.kernel}: ${e.message}` }));
  if (test.expects) {
    for (const e of run.expectations) if (!e.passed) failures.push({ range: e.range, message: `${test.kernel}: ${e.message}` });
  }
  if (test.keyOutcome) {
    const lines = scenario.file.sourceLines;
    const keyLine = keyAccessLine(lines);
    const key = run.accesses.filter((a) => a.line === keyLine).pop();
    if (key?.outcome !== test.keyOutcome) {
      failures.push({
        range: lineRange(keyLine, lines[keyLine]),
        message: `${test.kernel}: the key access is ${key ? key.outcome : 'never executed'}, the # outcomes: line says ${test.keyOutcome}`,
      });
    }
  }
  return { errors: [], failures };
}

// ---- saved schedules ------------------------------------------------------------

/** A schedule file (Save Schedule, `tlbscn explore --json`), as a test of the scenario it names. */
export interface ScheduleTest {
  /** The scenario, as the file names it: relative to the schedule file's folder. */
  file: string;
  /** The variant it replays under: the file's `kernel`, else the scenario's own. */
  kernel?: KernelName;
  schedule: number[];
  /** Its stale accesses when it was saved: above 0, the replay must read a stale entry. */
  stale?: number;
}

/** A schedule file's fields, or why it is none (the CLI's checks of `run --schedule`). */
export function parseScheduleFile(text: string): ScheduleTest | { error: string } {
  let json: { file?: unknown; kernel?: unknown; schedule?: unknown; stale?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    return { error: 'not a schedule file (it does not parse as JSON)' };
  }
  if (!json || typeof json !== 'object') return { error: 'not a schedule file' };
  if (typeof json.file !== 'string') return { error: "not a schedule file: 'file' must name the scenario" };
  if (!Array.isArray(json.schedule) || !json.schedule.every((c) => Number.isSafeInteger(c) && c >= 0)) {
    return { error: "not a schedule file: 'schedule' must be a list of cpu numbers" };
  }
  const kernel = typeof json.kernel === 'string' ? resolveKernel(json.kernel)?.name : undefined;
  if (json.kernel !== undefined && !kernel) return { error: `unknown kernel variant '${String(json.kernel)}'` };
  return {
    file: json.file,
    schedule: json.schedule as number[],
    ...(kernel ? { kernel } : {}),
    ...(typeof json.stale === 'number' ? { stale: json.stale } : {}),
  };
}

/**
 * Replays a schedule as `tlbscn run --schedule` does: a runtime error fails
 * it; a schedule saved stale must read a stale entry again (the race it
 * pinned is still there); any other must keep every `expect` of the scenario.
 */
export function runScheduleTest(text: string, test: ScheduleTest, fallback: KernelName = DEFAULT_KERNEL): TestVerdict {
  const { scenario, diagnostics, hasErrors } = analyze(text);
  if (hasErrors) {
    return { errors: diagnostics.filter((d) => d.severity === 'error').map((d) => ({ range: d.range, message: d.message })), failures: [] };
  }
  const kernel = test.kernel ?? scenario.kernel ?? fallback;
  const run = runSchedule(scenario, test.schedule, kernel);
  const failures: TestFailure[] = run.errors.map((e) => ({ range: e.range, message: `${kernel}: ${e.message}` }));
  if ((test.stale ?? 0) > 0) {
    if (run.stale === 0) failures.push({ range: zero, message: `${kernel}: the schedule was saved with ${test.stale} stale access${test.stale === 1 ? '' : 'es'}; its replay reads no stale entry` });
  } else {
    for (const e of run.expectations) if (!e.passed) failures.push({ range: e.range, message: `${kernel}: ${e.message}` });
  }
  return { errors: [], failures };
}

const zero: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

// ---- explore tests ----------------------------------------------------------------

/** An explore test: every schedule of the blocks under one variant. */
export interface ExploreTest {
  kernel: KernelName;
  /** What an `# explore:` header line says the verdict is; absent: the verdict is only reported. */
  expected?: 'stale' | 'none';
  /** Where the test is shown: the header, the `kernel` line, or the first block. */
  line: number;
}

/**
 * The explore tests of a scenario with a `concurrently` block and no
 * `expect` line (one that has expects is checked by them): one per variant of
 * an `# explore: fixed=stale early-clear=none …` header line, else one under
 * the file's own variant.
 */
export function planExploreTests(text: string, fallback: KernelName = DEFAULT_KERNEL): ExploreTest[] {
  const { file } = parse(text);
  const block = file.statements.find((s) => s.kind === 'concurrently');
  if (!block || hasExpect(file.statements)) return [];
  const headerLine = file.sourceLines.findIndex((l) => /^\s*#\s*explore:/.test(l));
  const tests = new Map<KernelName, ExploreTest>();
  if (headerLine >= 0) {
    for (const [, name, verdict] of file.sourceLines[headerLine].matchAll(/([\w.-]+)=(\w+)/g)) {
      const kernel = resolveKernel(name)?.name;
      if (kernel && (verdict === 'stale' || verdict === 'none')) tests.set(kernel, { kernel, expected: verdict, line: headerLine });
    }
  }
  if (tests.size === 0) {
    const kernelDecl = file.statements.find((s) => isDeclaration(s) && s.kind === 'kernel');
    const own = (kernelDecl?.kind === 'kernel' && resolveKernel(kernelDecl.variant.text)?.name) || fallback;
    tests.set(own, { kernel: own, line: kernelDecl?.range.start.line ?? block.range.start.line });
  }
  return KERNEL_NAMES.filter((k) => tests.has(k)).map((k) => tests.get(k)!);
}

/** An explorer's answer, as a test sees it: a verdict, or none (a bound cut the search short, or nothing could run). */
export interface ExploreOutcome {
  verdict: 'stale' | 'none' | 'no verdict';
  /** The answer in the CLI's words, for the test's output or failure. */
  summary: string;
}

/** Passed, failed (the header's verdict differs) or errored (no verdict), with the message to show. */
export function judgeExplore(test: ExploreTest, outcome: ExploreOutcome): { status: 'passed' | 'failed' | 'errored'; message: string } {
  if (outcome.verdict === 'no verdict') return { status: 'errored', message: outcome.summary };
  if (test.expected === undefined || test.expected === outcome.verdict) return { status: 'passed', message: outcome.summary };
  return { status: 'failed', message: `${test.kernel}: the # explore: line says ${test.expected}; ${outcome.summary}` };
}
