// The `tlbscn` command line (spec §6, a contract):
//   tlbscn run FILE [--kernel V] [--json] [--trace]
//   tlbscn check FILE...
//   tlbscn explore FILE [--kernel V] [--json]
//   tlbscn compare FILE... [--json]
//   tlbscn lsp --stdio | --node-ipc
//   tlbscn dap
// Exit codes: 0 every expectation holds (explore: no stale schedule),
// 1 some expectation fails (explore: a stale schedule exists), 2 errors in
// the file, a missing file, or bad flags. (`compare` is ours, not the spec's.)

import * as fs from 'fs';
import * as path from 'path';
import {
  type KernelName,
  analyze,
  ansi,
  explore,
  exploreJson,
  formatDiagnostic,
  formatRun,
  plain,
  resolveKernel,
  runJson,
  simulate,
  type CheckResult,
  type VariantRow,
  formatVariantTable,
  variantRows,
} from '../../core/src/index';

const USAGE = `usage:
  tlbscn run FILE [--kernel buggy|early-clear|fixed|fixed-smt8] [--json] [--trace]
  tlbscn check FILE...
  tlbscn explore FILE [--kernel V] [--json] [--max-states N]
  tlbscn compare FILE... [--json]   (every kernel variant side by side)
  tlbscn lsp --stdio
  tlbscn dap`;

class UsageError extends Error {}

interface Options {
  files: string[];
  kernel?: KernelName;
  maxStates?: number;
  json: boolean;
  trace: boolean;
}

function parseArgs(args: string[], allowed: string[]): Options {
  const o: Options = { files: [], json: false, trace: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--kernel' && allowed.includes(a)) {
      const v = args[++i];
      if (v === undefined) throw new UsageError('--kernel needs a variant: buggy, early-clear, fixed or fixed-smt8');
      const variant = resolveKernel(v);
      if (!variant) throw new UsageError(`unknown kernel variant '${v}' (buggy, early-clear, fixed, fixed-smt8)`);
      o.kernel = variant.name;
    } else if (a === '--max-states' && allowed.includes(a)) {
      const v = args[++i];
      if (v === undefined || !/^[1-9]\d{0,9}$/.test(v)) throw new UsageError('--max-states needs a positive number of states');
      o.maxStates = Number(v);
    } else if (a === '--json' && allowed.includes(a)) o.json = true;
    else if (a === '--trace' && allowed.includes(a)) o.trace = true;
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else o.files.push(a);
  }
  return o;
}

/** Reads and checks a file; prints its diagnostics. Returns undefined when it cannot run. */
function load(file: string, showWarnings: boolean): CheckResult | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`${file}: error: cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})\n`);
    return undefined;
  }
  const result = analyze(text);
  for (const d of result.diagnostics) {
    if (d.severity === 'error' || showWarnings) process.stderr.write(formatDiagnostic(file, d) + '\n');
  }
  return result.hasErrors ? undefined : result;
}

function single(o: Options, command: string): string {
  if (o.files.length !== 1) throw new UsageError(`'${command}' takes exactly one FILE`);
  return o.files[0];
}

function run(args: string[]): number {
  const o = parseArgs(args, ['--kernel', '--json', '--trace']);
  const file = single(o, 'run');
  const checked = load(file, !o.json);
  if (!checked) return 2;
  const result = simulate(checked.scenario, o.kernel);
  if (o.json) process.stdout.write(JSON.stringify(runJson(result, file), null, 2) + '\n');
  else process.stdout.write(formatRun(file, checked.scenario, result, { trace: o.trace, style: useColour() ? ansi : plain }) + '\n');
  return result.expectations.some((e) => !e.passed) ? 1 : 0;
}

function check(args: string[]): number {
  const o = parseArgs(args, []);
  if (o.files.length === 0) throw new UsageError("'check' takes one or more FILEs");
  let status = 0;
  for (const f of o.files) if (!load(f, true)) status = 2;
  return status;
}

function exploreCommand(args: string[]): number {
  const o = parseArgs(args, ['--kernel', '--json', '--max-states']);
  const file = single(o, 'explore');
  const checked = load(file, !o.json);
  if (!checked) return 2;
  // a long search says how far it has got, where someone is watching
  let progressShown = false;
  const progress = process.stderr.isTTY
    ? (schedules: number, states: number) => {
        process.stderr.write(`\rexploring: ${schedules} schedules, ${states} states`);
        progressShown = true;
      }
    : undefined;
  const result = explore(checked.scenario, o.kernel, { limit: o.maxStates, onProgress: progress });
  if (progressShown) process.stderr.write('\n');
  if (o.json) {
    process.stdout.write(JSON.stringify(exploreJson(result, file), null, 2) + '\n');
  } else {
    const counts = `${result.schedules} schedule${result.schedules === 1 ? '' : 's'}, ${result.states} states`;
    if (result.counterexample) {
      process.stdout.write(`${file}: kernel ${result.kernel}: a schedule gives a stale access (${counts} explored)\n`);
      process.stdout.write(`schedule (the cpu that moves at each choice): ${result.counterexample.schedule.map((c) => `cpu${c}`).join(' ')}\n`);
      process.stdout.write(formatRun(file, checked.scenario, result.counterexample.run, { trace: true, style: useColour() ? ansi : plain }) + '\n');
    } else if (result.truncated) {
      process.stdout.write(`${file}: kernel ${result.kernel}: no stale access in the first ${counts}; the search stopped at its limit\n`);
    } else {
      process.stdout.write(`${file}: kernel ${result.kernel}: no schedule gives a stale access (${counts})\n`);
    }
  }
  return result.counterexample ? 1 : 0;
}

/** Each file under every kernel variant: where the stale accesses are. */
function compare(args: string[]): number {
  const o = parseArgs(args, ['--json']);
  if (o.files.length === 0) throw new UsageError("'compare' takes one or more FILEs");
  const rows: { file: string; variants: VariantRow[] }[] = [];
  let status = 0;
  for (const file of o.files) {
    const checked = load(file, false);
    if (!checked) {
      status = 2;
      continue;
    }
    rows.push({ file, variants: variantRows((kernel) => simulate(checked.scenario, kernel, { record: false })) });
  }
  if (o.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
  else if (rows.length) process.stdout.write(formatVariantTable(rows) + '\n');
  return status;
}

function useColour(): boolean {
  return !!process.stdout.isTTY && !process.env.NO_COLOR;
}

/** The language server and the debug adapter are bundled beside this file. */
function startBundled(name: 'server' | 'adapter'): number | undefined {
  require(path.join(__dirname, `${name}.js`));
  return undefined; // keeps running
}

export function main(argv: string[]): number | undefined {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return run(rest);
      case 'check':
        return check(rest);
      case 'explore':
        return exploreCommand(rest);
      case 'compare':
        return compare(rest);
      case 'lsp':
        if (!rest.includes('--stdio') && !rest.some((a) => a.startsWith('--node-ipc') || a.startsWith('--socket') || a.startsWith('--pipe'))) {
          process.argv.push('--stdio');
        }
        return startBundled('server');
      case 'dap':
        return startBundled('adapter');
      case '--help':
      case '-h':
      case 'help':
        process.stdout.write(USAGE + '\n');
        return 0;
      default:
        throw new UsageError(command ? `unknown command '${command}'` : 'no command given');
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`tlbscn: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`tlbscn: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 2;
  }
}

// `tlbscn run … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const code = main(process.argv.slice(2));
if (code !== undefined) process.exitCode = code;
