// The Testing view: every workspace scenario with `expect` lines is a test
// item, with one child per kernel variant it names (see scenarioTests.ts);
// a scenario with a `concurrently` block and no `expect` has an explore test
// per variant instead; and each saved schedule beside a scenario
// (`*.schedule.json` naming it) is one more child, replayed. Run checks them
// (the explorer in its worker thread); Debug steps through them first.

import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type KernelName, analyze, runSchedule } from '../../core/src/index';
import { DEBUG_TYPE, scenarioLaunchConfig } from './debugConfig';
import { exploreInWorker } from './exploreRunner';
import {
  type ExploreOutcome,
  type ExploreTest,
  type ScheduleTest,
  type TestFailure,
  type TestVerdict,
  type VariantTest,
  judgeExplore,
  parseScheduleFile,
  planExploreTests,
  planTests,
  runScheduleTest,
  runTest,
} from './scenarioTests';
import { configuredExploreBounds, defaultKernel, exploreRequest, loadScenario, readScenarioFile, unreadable } from './scenarios';

const GLOB = '**/*.tlbscn';
const SCHEDULES = '**/*.schedule.json';
const EXCLUDE = '**/node_modules/**';

const toRange = (r: TestFailure['range']) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

/** What a test item checks. */
type Plan =
  | { kind: 'variant'; test: VariantTest }
  | { kind: 'schedule'; test: ScheduleTest; at: vscode.Uri }
  | { kind: 'explore'; test: ExploreTest };

export class ScenarioTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('tlbscn', 'tlbscn scenarios');
  private readonly plans = new WeakMap<vscode.TestItem, Plan>();
  private readonly disposables: vscode.Disposable[] = [this.controller];

  constructor() {
    this.controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, (req, token) => this.run(req, token, false), true);
    this.controller.createRunProfile('Debug', vscode.TestRunProfileKind.Debug, (req, token) => this.run(req, token, true), true);
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.discover();
    };
    this.controller.refreshHandler = () => this.discover();
    const watcher = vscode.workspace.createFileSystemWatcher(GLOB);
    watcher.onDidCreate((uri) => this.update(uri));
    watcher.onDidChange((uri) => this.update(uri));
    watcher.onDidDelete((uri) => this.controller.items.delete(uri.toString()));
    // a schedule names its scenario inside: any change beside scenarios updates them all
    const schedules = vscode.workspace.createFileSystemWatcher(SCHEDULES);
    const besides = (uri: vscode.Uri) => void this.updateFolder(vscode.Uri.file(path.dirname(uri.fsPath)));
    schedules.onDidCreate(besides);
    schedules.onDidChange(besides);
    schedules.onDidDelete(besides);
    this.disposables.push(watcher, schedules);
  }

  /** Finds every scenario in the workspace; resolves when the items are there. */
  async discover(): Promise<void> {
    const uris = await vscode.workspace.findFiles(GLOB, EXCLUDE);
    await Promise.all(uris.map((uri) => this.update(uri)));
  }

  private async updateFolder(folder: vscode.Uri): Promise<void> {
    const entries = await vscode.workspace.fs.readDirectory(folder).then((e) => e, () => []);
    await Promise.all(entries.filter(([name]) => name.endsWith('.tlbscn')).map(([name]) => this.update(vscode.Uri.joinPath(folder, name))));
  }

  /** The schedule files beside `scenario` that name it. */
  private async schedulesOf(scenario: vscode.Uri): Promise<{ at: vscode.Uri; test: ScheduleTest }[]> {
    const folder = vscode.Uri.file(path.dirname(scenario.fsPath));
    const entries = await vscode.workspace.fs.readDirectory(folder).then((e) => e, () => []);
    const found = await Promise.all(
      entries
        .filter(([name, type]) => name.endsWith('.schedule.json') && type === vscode.FileType.File)
        .map(async ([name]) => {
          const at = vscode.Uri.joinPath(folder, name);
          const test = await readScenarioFile(at).then(parseScheduleFile, () => undefined);
          if (!test || 'error' in test || path.resolve(folder.fsPath, test.file) !== scenario.fsPath) return [];
          return [{ at, test }];
        }),
    );
    return found.flat();
  }

  private async update(uri: vscode.Uri): Promise<void> {
    const id = uri.toString();
    // a *.tlbscn that is no file to read (a FIFO, a huge file: scenarios.ts) holds no test
    const text = await loadScenario(uri).then((s) => s.text, () => undefined);
    if (text === undefined) {
      this.controller.items.delete(id);
      return;
    }
    const children: vscode.TestItem[] = [];
    const child = (suffix: string, label: string, line: number, description: string, plan: Plan) => {
      const item = this.controller.createTestItem(`${id}#${suffix}`, label, uri);
      item.range = new vscode.Range(line, 0, line, 0);
      item.description = description;
      this.plans.set(item, plan);
      children.push(item);
    };
    for (const test of planTests(text, defaultKernel())) {
      const description = [test.expects && 'expect lines', test.keyOutcome && `key access ${test.keyOutcome}`].filter(Boolean).join(', ');
      child(test.kernel, `under ${test.kernel}`, test.line, description, { kind: 'variant', test });
    }
    for (const test of planExploreTests(text, defaultKernel())) {
      child(`explore:${test.kernel}`, `explore under ${test.kernel}`, test.line, test.expected ? `expects ${test.expected}` : 'reports the verdict', { kind: 'explore', test });
    }
    for (const { at, test } of await this.schedulesOf(uri)) {
      const stale = (test.stale ?? 0) > 0 ? 'replays a stale access' : 'replays; expect lines';
      child(`schedule:${path.basename(at.fsPath)}`, `schedule ${path.basename(at.fsPath)}`, 0, `${stale}${test.kernel ? `, under ${test.kernel}` : ''}`, { kind: 'schedule', test, at });
    }
    if (children.length === 0) {
      this.controller.items.delete(id);
      return;
    }
    const file = this.controller.createTestItem(id, vscode.workspace.asRelativePath(uri, false), uri);
    file.children.replace(children);
    this.controller.items.add(file);
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken, debug: boolean): Promise<void> {
    const run = this.controller.createTestRun(request);
    const queue: vscode.TestItem[] = [];
    const excluded = new Set(request.exclude ?? []);
    const collect = (item: vscode.TestItem) => {
      if (excluded.has(item)) return;
      if (this.plans.has(item)) queue.push(item);
      item.children.forEach(collect);
    };
    if (request.include) request.include.forEach(collect);
    else this.controller.items.forEach(collect);
    queue.forEach((item) => run.enqueued(item));

    for (const item of queue) {
      if (token.isCancellationRequested) {
        run.skipped(item);
        continue;
      }
      const plan = this.plans.get(item)!;
      run.started(item);
      const started = Date.now();
      let text;
      try {
        text = (await loadScenario(item.uri!)).text;
      } catch (e) {
        run.errored(item, new vscode.TestMessage(`Cannot run ${vscode.workspace.asRelativePath(item.uri!, false)}: ${unreadable(e)}.`));
        continue;
      }
      if (plan.kind === 'explore') {
        await this.explore(run, item, plan.test, text, token, debug);
        continue;
      }
      if (debug) await debugUntilEnd(item.uri!, plan, token);
      const verdict = plan.kind === 'variant' ? runTest(text, plan.test) : runScheduleTest(text, plan.test, defaultKernel());
      report(run, item, verdict, Date.now() - started);
    }
    run.end();
  }

  /** An explore test: the search in its worker, judged against the `# explore:` line; Debug then debugs a stale schedule found. */
  private async explore(run: vscode.TestRun, item: vscode.TestItem, test: ExploreTest, text: string, token: vscode.CancellationToken, debug: boolean): Promise<void> {
    const started = Date.now();
    const bounds = configuredExploreBounds();
    const done = await exploreInWorker(exploreRequest(text, test.kernel, bounds), () => undefined, token).catch((e: unknown) => {
      run.errored(item, new vscode.TestMessage(`explore failed: ${e instanceof Error ? e.message : String(e)}`));
      return null;
    });
    if (done === null) return;
    if (!done) {
      run.skipped(item);
      return;
    }
    const counted = `${done.schedules} schedule${done.schedules === 1 ? '' : 's'}, ${done.states} states`;
    const outcome: ExploreOutcome = done.schedule
      ? { verdict: 'stale', summary: `${test.kernel}: schedule [${done.schedule.join(', ')}] gives a stale access (${counted})` }
      : done.truncated
        ? { verdict: 'no verdict', summary: `${test.kernel}: truncated, no verdict: no stale access in the first ${counted}; the search stopped at its ${done.stoppedBy === 'time' ? `time bound (${bounds.maxSeconds} s)` : `state bound (${bounds.maxStates} states)`}` }
        : done.error
          ? { verdict: 'no verdict', summary: `${test.kernel}: every schedule ends in a runtime error: line ${done.error.line + 1}: ${done.error.message}` }
          : { verdict: 'none', summary: `${test.kernel}: no interleaving gives a stale access (${counted})` };
    const judged = judgeExplore(test, outcome);
    run.appendOutput(`${vscode.workspace.asRelativePath(item.uri!, false)}: ${outcome.summary}\r\n`, undefined, item);
    const duration = Date.now() - started;
    const message = new vscode.TestMessage(judged.message);
    message.location = new vscode.Location(item.uri!, item.range!);
    if (judged.status === 'passed') run.passed(item, duration);
    else if (judged.status === 'failed') run.failed(item, message, duration);
    else run.errored(item, message, duration);
    if (debug && done.schedule) await debugUntilEnd(item.uri!, { kind: 'schedule', test: { file: item.uri!.fsPath, kernel: test.kernel, schedule: done.schedule }, at: await foundSchedule(item.uri!, test.kernel, done.schedule, text) }, token);
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}

function report(run: vscode.TestRun, item: vscode.TestItem, verdict: TestVerdict, duration: number): void {
  const messages = [...verdict.errors, ...verdict.failures].map((f) => {
    const m = new vscode.TestMessage(f.message);
    m.location = new vscode.Location(item.uri!, toRange(f.range));
    return m;
  });
  if (verdict.errors.length) run.errored(item, messages, duration);
  else if (messages.length) run.failed(item, messages, duration);
  else run.passed(item, duration);
}

/** An explore test's stale schedule as a schedule file in the temp folder, for the debugger's `trace`. */
async function foundSchedule(scenario: vscode.Uri, kernel: KernelName, schedule: number[], text: string): Promise<vscode.Uri> {
  const stale = runSchedule(analyze(text).scenario, schedule, kernel).stale;
  const at = vscode.Uri.file(path.join(os.tmpdir(), `tlbscn-${path.basename(scenario.fsPath, '.tlbscn')}-${kernel}.schedule.json`));
  await vscode.workspace.fs.writeFile(at, new TextEncoder().encode(JSON.stringify({ file: scenario.fsPath, kernel, schedule, stale }, null, 2)));
  return at;
}

/**
 * Debugs the test (a variant's run stopping at a failing expect; a schedule
 * replayed, stopping at the stale access or a failing expect) and waits until
 * the user ends the session.
 */
async function debugUntilEnd(uri: vscode.Uri, plan: Exclude<Plan, { kind: 'explore' }>, token: vscode.CancellationToken): Promise<void> {
  let session: vscode.DebugSession | undefined;
  const ended = new Promise<void>((resolve) => {
    const listeners = [
      vscode.debug.onDidStartDebugSession((s) => {
        if (s.type === DEBUG_TYPE && !session) session = s;
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        if (s === session) done();
      }),
      token.onCancellationRequested(() => session && void vscode.debug.stopDebugging(session)),
    ];
    const done = () => {
      listeners.forEach((l) => l.dispose());
      resolve();
    };
    // a test fails at its first failing expect: stop there, whether or not the filter is on in the Breakpoints pane
    const config =
      plan.kind === 'variant'
        ? { ...scenarioLaunchConfig(uri, plan.test.kernel), stopOnFailingExpect: plan.test.expects }
        : { ...scenarioLaunchConfig(uri, plan.test.kernel), trace: plan.at.fsPath, stopOnFailingExpect: (plan.test.stale ?? 0) === 0 };
    void vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(uri), config).then((ok) => ok || done());
  });
  await ended;
}
