// The `tlbscn` command line (spec §6, a contract):
//   tlbscn run FILE [--kernel V] [--schedule SCHED.json] [--json] [--trace] [--html OUT]
//   tlbscn check FILE...
//   tlbscn explore FILE [--kernel V|all] [--shortest] [--json] [--max-stall K] [--max-states N] [--max-time S] [--max-memory MB] [--jobs N] [--html OUT]
//   tlbscn compare FILE... [--json]
//   tlbscn export --promela FILE [--kernel V]
//   tlbscn lsp --stdio | --node-ipc
//   tlbscn dap
// Exit codes: 0 every expectation holds (explore: no stale schedule),
// 1 some expectation fails (explore: a stale schedule exists), 2 errors in
// the file, a runtime error, a missing file, or bad flags; 3 (explore) a
// bound on states or time stopped the search before a verdict.
// (`compare` is ours, not the spec's.)

import * as fs from 'fs';
import * as path from 'path';
import {
  type KernelName,
  analyze,
  ansi,
  compareDiagnostics,
  error,
  escapeControls,
  explore,
  exportPromela,
  PromelaExportError,
  describeSearch,
  describeStall,
  exploreJson,
  kernelList,
  formatDiagnostic,
  formatRun,
  pictureReport,
  plain,
  reportHtml,
  resolveKernel,
  type RunResult,
  runJson,
  runSchedule,
  simulate,
  type CheckResult,
  type Diagnostic,
  type Scenario,
  type VariantRow,
  formatVariantTable,
  variantRows,
} from '../../core/src/index';
import { exploreMatrix } from './exploreAll';
import { searchThreads } from '../../client/src/searchThreads';

const USAGE = `usage:
  tlbscn run FILE [--kernel V] [--schedule SCHED.json] [--json] [--trace] [--html OUT]
  tlbscn check FILE...
  tlbscn explore FILE [--kernel V|all] [--shortest] [--json] [--max-stall K] [--max-states N] [--max-time SECONDS] [--max-memory MB] [--jobs N] [--html OUT]
  tlbscn compare FILE... [--json]   (every kernel variant side by side)
  tlbscn export --promela FILE [--kernel V]   (a Promela model for Spin, on stdout)
  tlbscn lsp --stdio
  tlbscn dap`;

class UsageError extends Error {}

interface Options {
  files: string[];
  kernel?: KernelName;
  maxStates?: number;
  maxStall?: number;
  maxTime?: number;
  /** explore --max-memory, in bytes. */
  maxMemory?: number;
  /** explore --jobs: threads for the search (parallel.ts). */
  jobs?: number;
  json: boolean;
  trace: boolean;
  /** explore --kernel all: every variant, as a matrix. */
  allKernels?: boolean;
  /** explore --shortest: the counterexample with the fewest micro-steps. */
  shortest?: boolean;
  /** Where to write the run as a self-contained HTML page (the core map and timeline). */
  html?: string;
  /** run --schedule: a schedule file (`{file, kernel, schedule}`, as explore --json and the debugger write) to replay. */
  schedule?: string;
}

function parseArgs(args: string[], allowed: string[]): Options {
  const o: Options = { files: [], json: false, trace: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--kernel' && allowed.includes(a)) {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`--kernel needs a variant: ${kernelList()}`);
      if (v === 'all' && allowed.includes('--kernel all')) {
        o.allKernels = true;
        continue;
      }
      const variant = resolveKernel(v);
      if (!variant) throw new UsageError(`unknown kernel variant '${v}' (${kernelList()})`);
      o.kernel = variant.name;
    } else if (a === '--max-states' && allowed.includes(a)) {
      const v = args[++i];
      if (v === undefined || !/^[1-9]\d{0,9}$/.test(v)) throw new UsageError('--max-states needs a positive number of states');
      o.maxStates = Number(v);
    } else if (a === '--max-stall' && allowed.includes(a)) {
      const v = args[++i];
      if (v === undefined || !/^\d{1,9}$/.test(v)) throw new UsageError('--max-stall needs a number of micro-steps (0 or more)');
      o.maxStall = Number(v);
    } else if (a === '--max-time' && allowed.includes(a)) {
      const v = args[++i];
      if (v === undefined || !/^\d{1,7}(\.\d+)?$/.test(v) || Number(v) <= 0) throw new UsageError('--max-time needs a positive number of seconds');
      o.maxTime = Number(v) * 1000;
    } else if (a === '--max-memory' && allowed.includes(a)) {
      const v = args[++i];
      if (v === undefined || !/^\d{1,7}(\.\d+)?$/.test(v) || Number(v) <= 0) throw new UsageError('--max-memory needs a positive number of megabytes (MiB)');
      o.maxMemory = Number(v) * 2 ** 20;
    } else if (a === '--jobs' && allowed.includes(a)) {
      const v = args[++i];
      if (v === undefined || !/^[1-9]\d{0,2}$/.test(v)) throw new UsageError('--jobs needs a number of threads (1 to 999)');
      o.jobs = Number(v);
    } else if (a === '--html' && allowed.includes(a)) {
      const v = args[++i];
      if (v === undefined || v === '') throw new UsageError('--html needs the path of the page to write');
      o.html = v;
    } else if (a === '--schedule' && allowed.includes(a)) {
      const v = args[++i];
      if (v === undefined || v === '') throw new UsageError('--schedule needs the path of a schedule file (JSON)');
      o.schedule = v;
    } else if (a === '--shortest' && allowed.includes(a)) o.shortest = true;
    else if (a === '--json' && allowed.includes(a)) o.json = true;
    else if (a === '--trace' && allowed.includes(a)) o.trace = true;
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else o.files.push(a);
  }
  return o;
}

/**
 * Reads and checks a file; prints its diagnostics. Returns undefined when it
 * cannot run. The scenario's source lines, which reports quote, come back
 * with control characters escaped: the command line only shows them.
 */
function load(file: string, showWarnings: boolean): (CheckResult & { text: string }) | undefined {
  const text = readScenario(file);
  if (text === undefined) return undefined;
  const result = analyze(text);
  printDiagnostics(file, showWarnings ? result.diagnostics : result.diagnostics.filter((d) => d.severity === 'error'));
  return result.hasErrors ? undefined : { ...result, text, scenario: shownOnTerminal(result.scenario) };
}

/** Larger files are no scenario (100,000 lines of events are 3 MB) and are not read. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/**
 * The text of a scenario file, or undefined after saying why there is none.
 * Only a regular file is read (a FIFO or /dev/zero would be read forever),
 * at most MAX_FILE_BYTES of it, and not a binary one (NUL bytes): its
 * thousand "unexpected character" errors would hide what is wrong.
 */
function readScenario(file: string): string | undefined {
  const fail = (why: string): undefined => {
    process.stderr.write(escapeControls(`${file}: error: ${why}`) + '\n');
    return undefined;
  };
  let fd: number;
  try {
    // non-blocking, or opening a FIFO would wait for a writer
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return fail(`cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) return fail('a directory, not a scenario file');
    if (!stat.isFile()) return fail('not a regular file (a pipe, socket or device is not read)');
    const tooLarge = `the file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB: it is not read`;
    if (stat.size > MAX_FILE_BYTES) return fail(tooLarge);
    const bytes = fs.readFileSync(fd);
    if (bytes.length > MAX_FILE_BYTES) return fail(tooLarge); // it grew while being read
    if (bytes.includes(0)) return fail('a binary file (it contains NUL bytes), not a scenario');
    return bytes.toString('utf8');
  } catch (e) {
    return fail(`cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  } finally {
    fs.closeSync(fd);
  }
}

/** Beyond this many diagnostics of a file, only how many more there are is printed. */
const MAX_DIAGNOSTICS_SHOWN = 100;

function printDiagnostics(file: string, diagnostics: readonly Diagnostic[]): void {
  const isError = (d: Diagnostic) => d.severity === 'error';
  // past the limit errors come first: they are what keeps the file from running
  const ranked = diagnostics.length <= MAX_DIAGNOSTICS_SHOWN ? diagnostics : [...diagnostics.filter(isError), ...diagnostics.filter((d) => !isError(d))];
  for (const d of ranked.slice(0, MAX_DIAGNOSTICS_SHOWN).sort(compareDiagnostics)) process.stderr.write(formatDiagnostic(file, d) + '\n');
  const hidden = ranked.slice(MAX_DIAGNOSTICS_SHOWN);
  if (hidden.length === 0) return;
  const errors = hidden.filter(isError).length;
  const counts = [more(errors, 'error'), more(hidden.length - errors, 'warning')].filter((c) => c !== '');
  process.stderr.write(escapeControls(`${file}: … and ${counts.join(', ')}`) + '\n');
}

/** `3 more errors`, `1 more warning`, or '' for none. */
function more(n: number, what: string): string {
  return n === 0 ? '' : `${n} more ${what}${n === 1 ? '' : 's'}`;
}

/**
 * The scenario with its source lines as a terminal may show them: reports
 * quote a line as its heading, and a line's comment may hold control characters.
 */
function shownOnTerminal(scenario: Scenario): Scenario {
  const { file } = scenario;
  return { ...scenario, file: { statements: file.statements, comments: file.comments, sourceLines: file.sourceLines.map(escapeControls) } };
}

function single(o: Options, command: string): string {
  if (o.files.length !== 1) throw new UsageError(`'${command}' takes exactly one FILE`);
  return o.files[0];
}

function run(args: string[]): number {
  const o = parseArgs(args, ['--kernel', '--schedule', '--json', '--trace', '--html']);
  const file = single(o, 'run');
  const checked = load(file, !o.json);
  if (!checked) return 2;
  const replay = o.schedule === undefined ? undefined : readSchedule(o.schedule);
  if (replay === null) return 2;
  // the schedule's kernel is the one it was recorded under, unless --kernel says otherwise
  const result = replay ? runSchedule(checked.scenario, replay.schedule, o.kernel ?? replay.kernel) : simulate(checked.scenario, o.kernel);
  if (o.html !== undefined && !writeHtml(o.html, file, checked.scenario, result)) return 2;
  if (o.json) process.stdout.write(JSON.stringify(runJson(result, file), null, 2) + '\n');
  else process.stdout.write(formatRun(file, checked.scenario, result, { trace: o.trace, style: useColour() ? ansi : plain }) + '\n');
  // a runtime error (an event the machine cannot do) means the file is wrong, as a check error does
  printDiagnostics(file, result.errors.map((e) => error(e.range, 'runtime-error', e.message)));
  if (result.errors.length) return 2;
  return result.expectations.some((e) => !e.passed) ? 1 : 0;
}

/**
 * A schedule file: `schedule`, the cpu that moved at each point where more
 * than one lane could, and optionally the `kernel` it was recorded under
 * (`file` names the scenario, which the command line gives). Null after
 * saying why it cannot be replayed.
 */
function readSchedule(file: string): { schedule: number[]; kernel?: KernelName } | null {
  const text = readScenario(file);
  if (text === undefined) return null;
  const fail = (why: string) => {
    process.stderr.write(escapeControls(`${file}: error: ${why}`) + '\n');
    return null;
  };
  let json: { schedule?: unknown; kernel?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    return fail('not a schedule file (it does not parse as JSON)');
  }
  if (!json || typeof json !== 'object' || !Array.isArray(json.schedule) || !json.schedule.every((c) => Number.isSafeInteger(c) && c >= 0)) {
    return fail("not a schedule file: 'schedule' must be a list of cpu numbers");
  }
  if (json.kernel === undefined) return { schedule: json.schedule as number[] };
  const kernel = typeof json.kernel === 'string' ? resolveKernel(json.kernel) : undefined;
  if (!kernel) return fail(`unknown kernel variant '${String(json.kernel)}' (${kernelList()})`);
  return { schedule: json.schedule as number[], kernel: kernel.name };
}

function check(args: string[]): number {
  const o = parseArgs(args, []);
  if (o.files.length === 0) throw new UsageError("'check' takes one or more FILEs");
  let status = 0;
  for (const f of o.files) if (!load(f, true)) status = 2;
  return status;
}

function exploreCommand(args: string[]): number | undefined {
  const o = parseArgs(args, ['--kernel', '--kernel all', '--shortest', '--json', '--max-states', '--max-stall', '--max-time', '--max-memory', '--jobs', '--html']);
  const file = single(o, 'explore');
  const checked = load(file, !o.json);
  if (!checked) return 2;
  if (o.allKernels) {
    if (o.html !== undefined) throw new UsageError('--html writes the run of one kernel: name it, not all');
    if (o.jobs !== undefined) throw new UsageError('--jobs runs one search on threads; --kernel all already runs its rows on the cores');
    // the rows run in worker threads: the exit status comes when the last one ends
    void exploreMatrix(file, checked.text, checked.scenario, o, (text) => process.stdout.write(text)).then(
      (code) => (process.exitCode = code),
      (e: unknown) => {
        process.stderr.write(`tlbscn: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
        process.exitCode = 2;
      },
    );
    return undefined;
  }
  // a long search says how far it has got: on a terminal in place, elsewhere (CI logs) every few seconds
  let progressShown = false;
  let lastReport = Date.now();
  const progress = (schedules: number, states: number) => {
    if (process.stderr.isTTY) {
      process.stderr.write(`\rexploring: ${schedules} schedules, ${states} states`);
      progressShown = true;
    } else if (Date.now() - lastReport >= PROGRESS_SECONDS * 1000) {
      process.stderr.write(`exploring: ${schedules} schedules, ${states} states\n`);
      lastReport = Date.now();
    }
  };
  const parallel = o.jobs !== undefined && o.jobs > 1 ? searchThreads(checked.text, o.kernel, o.jobs) : undefined;
  const result = explore(checked.scenario, o.kernel, { limit: o.maxStates, maxStall: o.maxStall, maxTime: o.maxTime, maxMemory: o.maxMemory, shortest: o.shortest, onProgress: progress, parallel });
  if (progressShown) process.stderr.write('\n');
  const topology = checked.scenario.topology;
  if (o.html !== undefined) {
    // the page shows one run: the counterexample's; a search without one has nothing to draw
    if (!result.counterexample) process.stderr.write(`${file}: no stale schedule: ${o.html} not written\n`);
    else if (!writeHtml(o.html, file, checked.scenario, result.counterexample.run)) return 2;
  }
  if (result.error && !result.counterexample) {
    // every schedule ended in a runtime error (a deadlock): the scenario cannot run
    const e = result.error;
    process.stderr.write(formatDiagnostic(file, { severity: 'error', code: 'runtime-error', range: e.range, message: e.message }) + '\n');
  }
  if (o.json) {
    process.stdout.write(JSON.stringify(exploreJson(result, file, topology), null, 2) + '\n');
  } else {
    const counts = `${result.schedules} schedule${result.schedules === 1 ? '' : 's'}, ${result.states} states`;
    const bound = result.maxStall === null ? '' : ` with stall ≤ ${result.maxStall}`;
    const ce = result.counterexample;
    if (ce) {
      process.stdout.write(`${file}: kernel ${result.kernel}: a schedule gives a stale access (${counts} explored)\n`);
      process.stdout.write(`${describeStall(ce.run.stall, topology, result.maxStall, ce.leastStall, ce.stallAtLeast)}\n`);
      process.stdout.write(`schedule (the cpu that moves at each choice): ${ce.schedule.map((c) => `cpu${c}`).join(' ')}\n`);
      if (result.shortest !== undefined) {
        const to = ce.run.accesses.find((a) => a.outcome === 'stale')!.step + 1;
        process.stdout.write(`shortest: ${to} micro-steps to the stale access${result.shortest ? ', none shorter' : ' (a bound stopped the search: shorter ones may exist)'}\n`);
      }
      if (ce.race) {
        // the pair of micro-steps whose order decides the verdict, and the nearest schedule without the stale access
        process.stdout.write(`race: ${ce.race.summary}\n`);
        process.stdout.write(`nearest safe schedule: ${ce.race.safeSchedule.map((c) => `cpu${c}`).join(' ')}\n`);
      }
      process.stdout.write(formatRun(file, checked.scenario, ce.run, { trace: true, style: useColour() ? ansi : plain }) + '\n');
    } else if (result.truncated) {
      const why = { time: 'its time bound (--max-time)', states: 'its state bound (--max-states)', memory: 'its memory bound (--max-memory)' }[result.stoppedBy ?? 'states'];
      process.stdout.write(`${file}: kernel ${result.kernel}: truncated, no verdict: no stale access in the first ${counts}${bound}; the search stopped at ${why}\n`);
    } else if (!result.error) {
      const unbounded = result.maxStall === null ? ' (stall unbounded)' : '';
      process.stdout.write(`${file}: kernel ${result.kernel}: no schedule${bound} gives a stale access (${counts})${unbounded}\n`);
    }
    if (!result.error || result.counterexample) process.stdout.write(`${describeSearch(result)}\n`);
  }
  if (result.counterexample) return 1;
  if (result.truncated) return 3;
  return result.error ? 2 : 0;
}

/**
 * Writes a run as one self-contained page (`--html`): the core map at every
 * micro-step and the timeline, with the page script and style bundled beside
 * this file inlined. Returns false after saying why it could not.
 */
function writeHtml(out: string, file: string, scenario: Scenario, result: RunResult): boolean {
  const failed = result.expectations.filter((e) => !e.passed).length;
  const summary = `${path.basename(file)} under ${result.kernel}: ${result.accesses.length} accesses, ${result.stale} stale; ${result.expectations.length - failed}/${result.expectations.length} expectations hold; ${result.steps.length} micro-steps`;
  try {
    const page = { script: fs.readFileSync(path.join(__dirname, 'webview', 'report.js'), 'utf8'), css: fs.readFileSync(path.join(__dirname, 'webview', 'style.css'), 'utf8') };
    fs.writeFileSync(out, reportHtml(pictureReport(scenario, result, path.basename(file), summary), page));
    return true;
  } catch (e) {
    process.stderr.write(escapeControls(`${out}: error: cannot write the report (${(e as NodeJS.ErrnoException).code ?? String(e)})`) + '\n');
    return false;
  }
}

/** How often a search that is not on a terminal reports its progress. */
const PROGRESS_SECONDS = 5;

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

/** The scenario as a Promela model (core/src/export/promela.ts), for Spin's multi-core and swarm searches. */
function exportCommand(args: string[]): number {
  if (!args.includes('--promela')) throw new UsageError("'export' needs a format: --promela");
  const o = parseArgs(args.filter((a) => a !== '--promela'), ['--kernel']);
  const file = single(o, 'export');
  const checked = load(file, false);
  if (!checked) return 2;
  try {
    process.stdout.write(exportPromela(checked.scenario, o.kernel));
  } catch (e) {
    if (!(e instanceof PromelaExportError)) throw e;
    process.stderr.write(`${file}: ${e.message}\n`);
    return 2;
  }
  return 0;
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
      case 'export':
        return exportCommand(rest);
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
