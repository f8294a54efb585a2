// The fuzzing loop every target shares (issue 13, "nothing crashes, nothing
// hangs, nothing lies"): fast-check generates the inputs, a target runs them
// and throws a Finding when a law breaks; each new defect is shrunk to a
// minimal input, and later inputs that hit a defect already found are only
// counted, so one run reports every distinct defect it meets, not the first.

import fc from 'fast-check';

export type Kind = 'crash' | 'hang' | 'disagreement';

/** A broken law. `law` names the defect: two findings with the same law count as one defect. */
export class Finding extends Error {
  constructor(
    readonly kind: Kind,
    readonly law: string,
    detail: string,
  ) {
    super(`${law}: ${detail}`);
  }
}

/** Anything else a target throws is a crash of the thing under test (the targets catch their own mistakes as such). */
function asFinding(e: unknown): Finding {
  if (e instanceof Finding) return e;
  const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
  return new Finding('crash', `threw ${message.split('\n')[0]}`, message);
}

/** Runs `f`; an exception out of it is a crash of `what`. */
export function crashFree<R>(what: string, f: () => R): R {
  try {
    return f();
  } catch (e) {
    const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
    // the law names the throw site's first line: the same bug from two inputs is one defect
    throw new Finding('crash', `${what} threw ${message.split('\n')[0]}`, message);
  }
}

/** `promise`, or a hang of `what` after `ms` milliseconds. */
export function within<R>(ms: number, what: string, promise: Promise<R>): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const silence = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Finding('hang', `${what} took longer than ${ms} ms`, 'no answer')), ms);
  });
  return Promise.race([promise, silence]).finally(() => clearTimeout(timer));
}

/** How many inputs a target may still run: an edit or a request for lsp and dap, a whole scenario for core. */
export interface Budget {
  spend(n?: number): void;
  readonly left: boolean;
}

export interface Target<T> {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<T>;
  /** Inputs one generated value takes on average, before any was run (sizes the first round). */
  readonly inputsPerValue: number;
  /** Runs one value; throws a Finding when a law breaks. */
  run(value: T, budget: Budget): Promise<void>;
  /** The value as a reader can replay it. */
  show(value: T): string;
  /** What the target learnt beyond the counts (how much of the inputs reached the simulator, say). */
  notes?(): string[];
  close(): Promise<void>;
}

export interface Failure {
  kind: Kind;
  law: string;
  /** The message of the minimal input's failure. */
  message: string;
  /** The minimal failing input, shown. */
  input: string;
  /** The fast-check seed and path that replay the first failing input (`--seed`, with the same `--runs`). */
  seed: number;
  path?: string;
  /** Inputs that hit this defect. */
  hits: number;
}

export interface Report {
  target: string;
  inputs: number;
  crashes: number;
  hangs: number;
  disagreements: number;
  failures: Failure[];
  notes: string[];
  ms: number;
}

export interface FuzzOptions {
  runs: number;
  seed: number;
  /** Time a new defect's shrinking may take; the smallest input found by then is reported. */
  shrinkMs: number;
  /** Called with the report as it grows (progress lines). */
  progress?: (r: Report) => void;
}

const COUNTER: Record<Kind, 'crashes' | 'hangs' | 'disagreements'> = { crash: 'crashes', hang: 'hangs', disagreement: 'disagreements' };

export async function fuzz<T>(target: Target<T>, o: FuzzOptions): Promise<Report> {
  const started = Date.now();
  const report: Report = { target: target.name, inputs: 0, crashes: 0, hangs: 0, disagreements: 0, failures: [], notes: [], ms: 0 };
  const budget: Budget = {
    spend: (n = 1) => void (report.inputs += n),
    get left() {
      return report.inputs < o.runs;
    },
  };
  // while shrinking, inputs are replays: not counted, no budget, and only the defect being shrunk fails
  const unlimited: Budget = { spend: () => undefined, left: true };
  let values = 0;
  for (let round = 0; report.inputs < o.runs; round++) {
    let shrinking: Finding | undefined;
    let shrinkUntil = 0;
    const property = fc.asyncProperty(target.arbitrary, async (value) => {
      if (shrinking) {
        if (Date.now() > shrinkUntil) return true;
        try {
          await target.run(value, unlimited);
        } catch (e) {
          if (asFinding(e).law === shrinking.law) throw e;
        }
        return true;
      }
      if (!budget.left) return true;
      values++;
      try {
        await target.run(value, budget);
      } catch (e) {
        const finding = asFinding(e);
        report[COUNTER[finding.kind]]++;
        const known = report.failures.find((f) => f.law === finding.law);
        if (known) {
          known.hits++;
          return true;
        }
        shrinking = finding;
        shrinkUntil = Date.now() + o.shrinkMs;
        throw finding;
      } finally {
        o.progress?.(report);
      }
      return true;
    });
    // a round's size: what is left, in values of the average size seen so far
    const perValue = values > 0 ? report.inputs / values : target.inputsPerValue;
    const numRuns = Math.max(1, Math.ceil((o.runs - report.inputs) / Math.max(1, perValue)));
    const seed = o.seed + round;
    const result = await fc.check(property, { numRuns, seed });
    if (result.failed && shrinking) {
      const minimal = asFinding(result.errorInstance);
      report.failures.push({
        kind: shrinking.kind,
        law: shrinking.law,
        message: minimal.message,
        input: target.show(result.counterexample![0]),
        seed,
        path: result.counterexamplePath ?? undefined,
        hits: 1,
      });
    } else if (result.failed) {
      // the fuzzer's own failure (fast-check itself, not a law): no input to blame
      throw result.errorInstance;
    }
  }
  report.notes = target.notes?.() ?? [];
  report.ms = Date.now() - started;
  return report;
}

/** The report as printed: counts, throughput, and each defect with its minimal input. */
export function formatReport(r: Report): string {
  const perSecond = r.ms > 0 ? Math.round((r.inputs * 1000) / r.ms) : r.inputs;
  const lines = [
    `${r.target}: ${r.inputs} inputs in ${(r.ms / 1000).toFixed(1)} s (${perSecond}/s): ${r.crashes} crashes, ${r.hangs} hangs, ${r.disagreements} disagreements`,
    ...r.notes.map((n) => `  ${n}`),
  ];
  for (const f of r.failures) {
    lines.push(
      '',
      `  ${f.kind.toUpperCase()} (${f.hits} input${f.hits === 1 ? '' : 's'}): ${f.law}`,
      `  replay: --target ${r.target} --seed ${f.seed}${f.path ? ` (fast-check path ${f.path})` : ''}`,
      '  minimal input:',
      ...f.input.split('\n').map((l) => `    ${l}`),
      '  failure:',
      ...f.message.split('\n').slice(0, 12).map((l) => `    ${l}`),
    );
  }
  return lines.join('\n');
}
