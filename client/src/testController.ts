// The Testing view: every workspace scenario with `expect` lines is a test
// item, with one child per kernel variant it names (see scenarioTests.ts).
// Run checks them with the simulator; Debug steps through them first.

import * as vscode from 'vscode';
import { DEBUG_TYPE, scenarioLaunchConfig } from './debugConfig';
import { planTests, runTest, type TestFailure, type VariantTest } from './scenarioTests';
import { defaultKernel, loadScenario, unreadable } from './scenarios';

const GLOB = '**/*.tlbscn';
const EXCLUDE = '**/node_modules/**';

const toRange = (r: TestFailure['range']) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

export class ScenarioTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('tlbscn', 'tlbscn scenarios');
  private readonly plans = new WeakMap<vscode.TestItem, VariantTest>();
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
    this.disposables.push(watcher);
  }

  /** Finds every scenario in the workspace; resolves when the items are there. */
  async discover(): Promise<void> {
    const uris = await vscode.workspace.findFiles(GLOB, EXCLUDE);
    await Promise.all(uris.map((uri) => this.update(uri)));
  }

  private async update(uri: vscode.Uri): Promise<void> {
    const id = uri.toString();
    // a *.tlbscn that is no file to read (a FIFO, a huge file: scenarios.ts) holds no test
    const text = await loadScenario(uri).then((s) => s.text, () => '');
    const plan = planTests(text, defaultKernel());
    if (plan.length === 0) {
      this.controller.items.delete(id);
      return;
    }
    const file = this.controller.createTestItem(id, vscode.workspace.asRelativePath(uri, false), uri);
    file.children.replace(
      plan.map((test) => {
        const child = this.controller.createTestItem(`${id}#${test.kernel}`, `under ${test.kernel}`, uri);
        child.range = new vscode.Range(test.line, 0, test.line, 0);
        child.description = [test.expects && 'expect lines', test.keyOutcome && `key access ${test.keyOutcome}`].filter(Boolean).join(', ');
        this.plans.set(child, test);
        return child;
      }),
    );
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
      const test = this.plans.get(item)!;
      run.started(item);
      const started = Date.now();
      if (debug) await debugUntilEnd(item.uri!, test, token);
      let scenario;
      try {
        scenario = await loadScenario(item.uri!);
      } catch (e) {
        run.errored(item, new vscode.TestMessage(`Cannot run ${vscode.workspace.asRelativePath(item.uri!, false)}: ${unreadable(e)}.`));
        continue;
      }
      const verdict = runTest(scenario.text, test);
      const messages = [...verdict.errors, ...verdict.failures].map((f) => {
        const m = new vscode.TestMessage(f.message);
        m.location = new vscode.Location(item.uri!, toRange(f.range));
        return m;
      });
      const duration = Date.now() - started;
      if (verdict.errors.length) run.errored(item, messages, duration);
      else if (messages.length) run.failed(item, messages, duration);
      else run.passed(item, duration);
    }
    run.end();
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}

/** Debugs the scenario under the test's variant, stopping at a failing expect, and waits until the user ends the session. */
async function debugUntilEnd(uri: vscode.Uri, test: VariantTest, token: vscode.CancellationToken): Promise<void> {
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
    const config = { ...scenarioLaunchConfig(uri, test.kernel), stopOnFailingExpect: test.expects };
    void vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(uri), config).then((ok) => ok || done());
  });
  await ended;
}
