// `npm run fuzz [-- --target core|lsp|dap] [--runs N] [--seed S] [--shrink-seconds T]`:
// runs each target (all by default, 100,000 inputs each), prints its counts,
// throughput and every defect with its minimal input; exits 1 if any.

import { parseArgs } from 'node:util';
import { type Report, formatReport } from './engine';
import { TARGETS, type TargetName, fuzzTarget } from './targets';

const { values } = parseArgs({
  options: {
    target: { type: 'string', multiple: true },
    runs: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    'shrink-seconds': { type: 'string', default: '30' },
  },
});

function count(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} wants a whole number, not '${text}'`);
    process.exit(2);
  }
  return n;
}

const targets = (values.target ?? [...TARGETS]) as TargetName[];
for (const t of targets) {
  if (!TARGETS.includes(t)) {
    console.error(`unknown target '${t}' (targets: ${TARGETS.join(', ')})`);
    process.exit(2);
  }
}
const runs = count('runs', values.runs);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : count('seed', values.seed);
const shrinkMs = count('shrink-seconds', values['shrink-seconds']) * 1000;

async function main(): Promise<void> {
  console.log(`fuzzing ${targets.join(', ')}: ${runs} inputs each, seed ${seed}`);
  const reports: Report[] = [];
  for (const name of targets) {
    // progress on stderr, at most every 5 s: a long run shows it is alive, and where it stands if it hangs
    let shown = Date.now();
    const report = await fuzzTarget(name, {
      runs,
      seed,
      shrinkMs,
      progress: (r) => {
        if (Date.now() - shown < 5000) return;
        shown = Date.now();
        console.error(`  ${name}: ${r.inputs}/${runs} inputs, ${r.crashes + r.hangs + r.disagreements} failures`);
      },
    });
    reports.push(report);
    console.log(formatReport(report));
  }
  const failed = reports.some((r) => r.failures.length > 0);
  console.log(failed ? 'FAILED' : 'no failures');
  process.exit(failed ? 1 : 0);
}

void main();
