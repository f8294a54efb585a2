// The commands behind the CodeLens, the editor title buttons and the palette.
// Each returns what it computed, so the extension's own tests can check it.

import * as vscode from 'vscode';
import {
  describeStall,
  exploreJson,
  formatDiagnostic,
  formatKernelTable,
  formatRun,
  simulate,
  variantRows,
  type ExploreResult,
  type KernelName,
  type RunResult,
  type VariantRow,
} from '../../core/src/index';
import { type ExploreBounds, boundReached } from './bounds';
import { DEBUG_TYPE, TOGGLE_FORMATTING_REQUEST, scenarioLaunchConfig } from './debugConfig';
import { configuredExploreBounds, displayPath, exploreRequest, effectiveKernel, loadScenario, refuseErrors, targetUri, unreadable, type LoadedScenario } from './scenarios';
import { selectKernel } from './statusBar';
import { exploreInWorker, exploreResultOf } from './exploreRunner';

/** The scenario a command acts on, or undefined after telling the user why there is none or why it cannot run. */
async function runnable(arg: unknown, action: string, output: vscode.OutputChannel): Promise<LoadedScenario | undefined> {
  const uri = targetUri(arg);
  if (!uri) {
    void vscode.window.showErrorMessage(`Open a .tlbscn scenario to ${action} it.`);
    return undefined;
  }
  let scenario: LoadedScenario;
  try {
    scenario = await loadScenario(uri);
  } catch (e) {
    void vscode.window.showErrorMessage(`Cannot ${action} ${displayPath(uri)}: ${unreadable(e)}.`);
    return undefined;
  }
  if (scenario.check.hasErrors) {
    output.clear();
    for (const d of scenario.check.diagnostics) output.appendLine(formatDiagnostic(displayPath(uri), d));
    output.show(true);
    void refuseErrors(action, scenario);
    return undefined;
  }
  return scenario;
}

function runScenario(s: LoadedScenario, output: vscode.OutputChannel): RunResult {
  const run = simulate(s.check.scenario, effectiveKernel(s.check).kernel);
  output.clear();
  output.appendLine(formatRun(displayPath(s.uri), s.check.scenario, run));
  output.show(true);
  return run;
}

function runAllKernels(s: LoadedScenario, output: vscode.OutputChannel): VariantRow[] {
  const rows = variantRows((k) => simulate(s.check.scenario, k, { record: false }));
  output.clear();
  output.appendLine(`${displayPath(s.uri)}: outcomes under every kernel variant (expect lines are written for ${effectiveKernel(s.check).kernel})`);
  output.appendLine('');
  output.appendLine(formatKernelTable(rows));
  output.show(true);
  return rows;
}

/**
 * Explores in a worker thread, with progress in a notification that can
 * cancel it; then replays the stale schedule, if any, with a full trace.
 * Undefined when cancelled.
 */
async function exploreScenario(s: LoadedScenario, output: vscode.OutputChannel, storage: vscode.Uri, ask: boolean): Promise<ExploreResult | undefined> {
  const kernel = effectiveKernel(s.check).kernel;
  const where = displayPath(s.uri);
  const maxStall = ask ? await askStallBound(s.check.scenario.topology.tlbSets) : settingStallBound();
  if (maxStall === null) return undefined;
  const bounds = configuredExploreBounds();
  const started = Date.now();
  const found = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Exploring the interleavings of ${where} under ${kernel}`, cancellable: true },
    (progress, cancel) => {
      const limits = `at most ${bounds.maxStates.toLocaleString('en-US')} states, ${bounds.maxSeconds} s`;
      return exploreInWorker(exploreRequest(s.text, kernel, bounds, maxStall), (schedules, states) => progress.report({ message: `${schedules} schedules, ${states} states (${limits})` }), cancel);
    },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  output.clear();
  if (!found) {
    output.appendLine(`${where}: exploration under ${kernel} cancelled`);
    output.show(true);
    return undefined;
  }
  const result = exploreResultOf(found, s.check.scenario, kernel, maxStall);
  const counted = `${result.schedules} schedule${result.schedules === 1 ? '' : 's'}, ${result.states} states`;
  const topology = s.check.scenario.topology;
  if (result.counterexample) {
    output.appendLine(`${where}: under ${kernel}, schedule [${result.counterexample.schedule.join(', ')}] gives a stale access (${counted})`);
    output.appendLine(describeStall(result.counterexample.run.stall, topology, result.maxStall, result.counterexample.leastStall, result.counterexample.stallAtLeast));
    if (result.counterexample.race) output.appendLine(`race: ${result.counterexample.race.summary}`);
    output.appendLine('');
    output.appendLine(formatRun(where, s.check.scenario, result.counterexample.run));
    void offerReplay(s, result, kernel, storage);
  } else if (result.truncated) {
    // the CLI's words (`tlbscn explore`), with the setting in place of its flag
    const why = boundReached(result.stoppedBy, bounds);
    const bound = maxStall === undefined ? '' : ` with stall ≤ ${maxStall}`;
    output.appendLine(`${where}: kernel ${kernel}: truncated, no verdict: no stale access in the first ${counted}${bound}; the search stopped at ${why}`);
    void warnTruncated(`${where} under ${kernel}: truncated, no verdict: stopped at ${result.states} states / ${seconds} s, ${why}; no stale access so far.`, result.stoppedBy === 'time' ? bounds.secondsFrom : bounds.statesFrom);
  } else if (result.error) {
    output.appendLine(`${where}:${result.error.line + 1}: error: ${result.error.message} (every schedule ends in this runtime error)`);
  } else {
    output.appendLine(`${where}: under ${kernel}, no interleaving${maxStall === undefined ? '' : ` with stall ≤ ${maxStall}`} gives a stale access (${counted})${maxStall === undefined ? ' (stall unbounded)' : ''}`);
  }
  output.show(true);
  return result;
}

/** A search cut short says so, and offers what would let it go further: the setting, or trusting the workspace. */
async function warnTruncated(message: string, from: ExploreBounds['statesFrom'] | ExploreBounds['secondsFrom']): Promise<void> {
  const action = from === 'Restricted Mode' ? 'Manage Workspace Trust' : 'Open Settings';
  if ((await vscode.window.showWarningMessage(message, action)) !== action) return;
  if (from === 'Restricted Mode') await vscode.commands.executeCommand('workbench.trust.manage');
  else await vscode.commands.executeCommand('workbench.action.openSettings', from);
}

/** The `tlbscn.explore.maxStall` setting: a number of micro-steps, or unbounded. */
export function settingStallBound(): number | undefined {
  const v = vscode.workspace.getConfiguration('tlbscn').get<number | null>('explore.maxStall', null);
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
}

/**
 * Spec v2 §0.4: the stall bound to explore under. Undefined: unbounded;
 * null: the user dismissed the choice.
 */
async function askStallBound(tlbSets: number): Promise<number | undefined | null> {
  const items: (vscode.QuickPickItem & { bound: number | undefined })[] = [
    { label: 'Unbounded', description: 'every schedule; the counterexample reports its least stall', bound: undefined },
    { label: 'Stall ≤ 2', description: 'a thread held at most 2 micro-steps with interrupts off: plausible on hardware', bound: 2 },
    { label: `Stall < ${tlbSets}`, description: 'no race that needs a thread held for a whole sweep (a model-level race)', bound: tlbSets - 1 },
    { label: 'Stall 0', description: 'no thread held in its interrupts-off entry path at all', bound: 0 },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Explore interleavings: bound the stall (interrupts-off threads held while others move)' });
  return picked ? picked.bound : null;
}

/** The stale schedule, written as the JSON trace the debug adapter replays (its `trace` launch attribute). */
async function offerReplay(s: LoadedScenario, result: ExploreResult, kernel: KernelName, storage: vscode.Uri): Promise<void> {
  const race = result.counterexample?.race;
  const STALE = 'Debug This Schedule';
  const SAFE = 'Debug the Nearest Safe Schedule';
  const choice = await vscode.window.showWarningMessage(
    `A schedule of ${displayPath(s.uri)} reads a stale TLB entry under ${kernel}.${race ? ` ${race.summary}.` : ''}`,
    ...(race ? [STALE, SAFE] : [STALE]),
  );
  if (!choice) return;
  // both schedules are JSON traces the debug adapter replays (its `trace` launch attribute)
  const safe = choice === SAFE && race;
  const json = exploreJson(result, s.uri.fsPath, s.check.scenario.topology);
  const body = safe ? { ...json, schedule: race.safeSchedule, stale: 0 } : json;
  await vscode.workspace.fs.createDirectory(storage);
  const trace = vscode.Uri.joinPath(storage, safe ? 'safe-schedule.json' : 'stale-schedule.json');
  await vscode.workspace.fs.writeFile(trace, new TextEncoder().encode(JSON.stringify(body, null, 2)));
  await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(s.uri), {
    ...scenarioLaunchConfig(s.uri, kernel),
    name: `Debug the ${safe ? 'nearest safe' : 'stale'} schedule of ${displayPath(s.uri)}`,
    trace: trace.fsPath,
  });
}


export function registerCommands(context: vscode.ExtensionContext, output: vscode.OutputChannel): void {
  const scenarioCommand = <T>(id: string, action: string, fn: (s: LoadedScenario) => T | Thenable<T>) =>
    vscode.commands.registerCommand(id, async (arg?: unknown) => {
      const s = await runnable(arg, action, output);
      return s && fn(s);
    });
  context.subscriptions.push(
    scenarioCommand('tlbscn.run', 'run', (s) => runScenario(s, output)),
    scenarioCommand('tlbscn.runAllKernels', 'run', (s) => runAllKernels(s, output)),
    scenarioCommand('tlbscn.explore', 'explore', (s) => exploreScenario(s, output, context.globalStorageUri, false)),
    scenarioCommand('tlbscn.exploreWithStallBound', 'explore', (s) => exploreScenario(s, output, context.globalStorageUri, true)),
    scenarioCommand('tlbscn.debug', 'debug', (s) =>
      vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(s.uri), scenarioLaunchConfig(s.uri)),
    ),
    vscode.commands.registerCommand('tlbscn.selectKernel', (arg?: unknown) => selectKernel(targetUri(arg))),
    vscode.commands.registerCommand('tlbscn.toggleFormatting', async () => {
      const session = vscode.debug.activeDebugSession;
      if (session?.type === DEBUG_TYPE) await session.customRequest(TOGGLE_FORMATTING_REQUEST);
    }),
  );
}
