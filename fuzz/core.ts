// The core target: the language and the simulator called directly.
//  - `analyze` never throws, on generated scenarios and mutated samples;
//  - `reanalyze` after each of a series of edits says what `analyze` says;
//  - an outcomes-only run (`record: false`, what diagnostics and the explorer
//    use) agrees with a recorded run: outcomes, stale accesses, expectations,
//    errors, stall;
//  - `explore` with a small state limit never throws, and a counterexample it
//    returns does read a stale entry.
// An input is one scenario with its edits; one slower than `hangMs` is a hang
// (a true endless loop would stop the fuzzer itself: its last progress line
// then names the target).

import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { type Analysis, type KernelName, type RunResult, type Scenario, analyze, explore, reanalyze, simulate } from '../core/src/index';
import { Finding, type Target, crashFree } from './engine';
import { type Edit, KERNELS, applyEdit, edit, scenarioText, showEdits } from './inputs';

interface CoreInput {
  text: string;
  edits: Edit[];
  /** Overrides the file's kernel line in the runs. */
  kernel?: KernelName;
}

/** A block small enough to explore in milliseconds under `EXPLORE_LIMIT` states. */
const EXPLORE_LIMIT = 50;

/** What an outcomes-only run promises to keep. */
function outcomesOf(run: RunResult) {
  return {
    outcomes: run.outcomes,
    stale: run.stale,
    staleAccesses: run.accesses.filter((a) => a.outcome === 'stale'),
    expectations: run.expectations,
    errors: run.errors,
    stall: run.stall,
    events: run.events,
    microSteps: run.microSteps,
  };
}

function differingFields(a: Record<string, unknown>, b: Record<string, unknown>): string {
  const keys = Object.keys(a).filter((k) => !isDeepStrictEqual(a[k], b[k]));
  return keys.map((k) => `${k}: recorded ${JSON.stringify(a[k])}\n  outcomes-only ${JSON.stringify(b[k])}`).join('\n');
}

export function coreTarget(hangMs = 5000): Target<CoreInput> {
  const counts = { simulated: 0, explored: 0, counterexamples: 0 };

  function checkRuns(scenario: Scenario, kernel: KernelName | undefined): void {
    counts.simulated++;
    const recorded = outcomesOf(crashFree('simulate (recorded)', () => simulate(scenario, kernel)));
    const fast = outcomesOf(crashFree('simulate (record: false)', () => simulate(scenario, kernel, { record: false })));
    if (!isDeepStrictEqual(recorded, fast)) {
      throw new Finding('disagreement', 'an outcomes-only run differs from a recorded run', differingFields(recorded, fast));
    }
    if (!scenario.program.some((item) => item.kind === 'concurrently')) return;
    counts.explored++;
    const result = crashFree('explore', () => explore(scenario, kernel, { limit: EXPLORE_LIMIT }));
    if (result.counterexample) {
      counts.counterexamples++;
      if (result.counterexample.run.stale === 0) {
        throw new Finding('disagreement', 'explore returned a counterexample without a stale access', `schedule ${JSON.stringify(result.counterexample.schedule)}`);
      }
    }
  }

  return {
    name: 'core',
    arbitrary: fc.record({
      text: scenarioText,
      edits: fc.array(edit, { maxLength: 4 }),
      kernel: fc.option(fc.constantFrom(...KERNELS), { nil: undefined }),
    }),
    inputsPerValue: 1,
    async run(input, budget) {
      if (!budget.left) return;
      budget.spend();
      const started = Date.now();
      let analysis: Analysis = crashFree('analyze', () => analyze(input.text));
      if (!analysis.hasErrors) checkRuns(analysis.scenario, input.kernel);
      let text = input.text;
      for (const e of input.edits) {
        text = applyEdit(text, e).after;
        const previous = analysis;
        analysis = crashFree('reanalyze', () => reanalyze(previous, text));
        const fresh = crashFree('analyze', () => analyze(text));
        if (!isDeepStrictEqual(analysis.diagnostics, fresh.diagnostics)) {
          throw new Finding(
            'disagreement',
            'reanalyze after an edit differs from analyze',
            `incremental: ${JSON.stringify(analysis.diagnostics.map((d) => [d.code, d.range]))}\nfresh: ${JSON.stringify(fresh.diagnostics.map((d) => [d.code, d.range]))}`,
          );
        }
      }
      if (input.edits.length > 0 && !analysis.hasErrors) checkRuns(analysis.scenario, input.kernel);
      const ms = Date.now() - started;
      if (ms > hangMs) throw new Finding('hang', `one scenario took longer than ${hangMs} ms`, `${ms} ms`);
    },
    show: (input) => `kernel override: ${input.kernel ?? 'none'}\ntext:\n${input.text}${input.edits.length ? `\nedits:\n${showEdits(input.edits)}` : ''}`,
    notes: () => [`${counts.simulated} error-free scenarios simulated (both ways), ${counts.explored} explored (limit ${EXPLORE_LIMIT} states), ${counts.counterexamples} counterexamples checked`],
    close: async () => undefined,
  };
}
