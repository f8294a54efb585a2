// What the Test Explorer checks in a scenario, without VS Code: one test per
// kernel variant the file names. Under the file's own variant (its `kernel`
// line, else the tlbscn.kernel setting) every `expect` line must hold; under each variant of
// an `# outcomes: buggy=stale fixed=fault …` header line, the access marked
// `# key access` must have that outcome (the sample scenarios' convention).

import {
  DEFAULT_KERNEL,
  KERNEL_NAMES,
  analyze,
  isDeclaration,
  parse,
  resolveKernel,
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
