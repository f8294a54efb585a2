// Driving the race from the debugger (issue 12): "Let cpuN move next" (the
// call stack's thread menu, or a pick of the block's lanes), "Does a stale
// schedule exist from here?" (and continuing along it), Save Schedule and
// Save as Regression Scenario (sibling files: the language has no schedule
// block), and the reverse steps the debug toolbar lacks. Each is a custom
// request of the debug adapter (adapter/src/session.ts); this file only asks
// and writes what comes back.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { settingStallBound } from './commands';
import { DEBUG_TYPE } from './debugConfig';
import { threadIdIn } from './menuArgs';
import { configuredExploreBounds } from './scenarios';

/** A lane of the block under way, as the adapter's `lanes` request gives it. */
interface Lane {
  cpu: number;
  threadId: number;
  ready: boolean;
  acting: boolean;
  why?: string;
}

/** The adapter's `schedule` answer: a schedule file's fields. */
interface ScheduleFile {
  file: string;
  kernel: string;
  schedule: number[];
  stale: number;
}

function tlbscnSession(): vscode.DebugSession | undefined {
  const session = vscode.debug.activeDebugSession;
  if (session?.type === DEBUG_TYPE) return session;
  void vscode.window.showErrorMessage('No tlbscn debug session: start one (F5 on a scenario).');
  return undefined;
}

/** The thread a toolbar or menu command acts on: the one its arguments name, else the one focused in the Call Stack view. */
function focusedThread(args: readonly unknown[]): number | undefined {
  return threadIdIn(args) ?? vscode.debug.activeStackItem?.threadId;
}

/** Reports an adapter's refusal (its message says why) as a warning; true when the request went through. */
async function ask<T>(session: vscode.DebugSession, command: string, args?: object): Promise<T | undefined> {
  try {
    return (await session.customRequest(command, args)) as T;
  } catch (e) {
    void vscode.window.showWarningMessage(`tlbscn: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

/** "Let cpuN move next": the thread the menu names, or a pick among the lanes of the block under way. */
async function letMoveNext(...args: unknown[]): Promise<void> {
  const session = tlbscnSession();
  if (!session) return;
  // the thread whose menu ran it; from the palette, a pick
  let threadId = threadIdIn(args);
  if (threadId === undefined) {
    const answer = await ask<{ lanes: Lane[] }>(session, 'lanes');
    if (!answer) return;
    if (answer.lanes.length === 0) {
      void vscode.window.showInformationMessage('Not inside a concurrently block: here the scenario\'s order decides who moves.');
      return;
    }
    const picked = await vscode.window.showQuickPick(
      answer.lanes.map((l) => ({
        label: `cpu${l.cpu}`,
        description: l.acting ? 'moves next in this schedule' : l.ready ? 'can move' : 'waiting',
        detail: l.why,
        lane: l,
      })),
      { title: 'Let which cpu move next?' },
    );
    if (!picked) return;
    threadId = picked.lane.threadId;
  }
  await ask(session, 'moveNext', { threadId });
}

/** The schedule file's text: `file` relative to where it is written, as a trace replayed from there finds it. */
function scheduleText(body: ScheduleFile, at: vscode.Uri, scenario: string): string {
  const file = path.relative(path.dirname(at.fsPath), scenario) || path.basename(scenario);
  return `${JSON.stringify({ file, kernel: body.kernel, schedule: body.schedule, stale: body.stale }, null, 2)}\n`;
}

/**
 * The adapter searches inline in the extension host (VS Code runs it there):
 * at most this long, whatever tlbscn.explore.maxSeconds allows; Explore
 * Interleavings, in a worker, is for longer searches.
 */
const FROM_HERE_SECONDS = 10;

/** The adapter's staleFromHere answer (adapter/src/fromHere.ts). */
interface FromHere {
  verdict: 'stale' | 'none' | 'truncated' | 'already' | 'error';
  message: string;
  schedule?: number[];
}

/**
 * "Does a stale schedule exist from here?": the explorer from the debugger's
 * state, under tlbscn.explore.maxStall; a stale schedule found is offered to
 * be followed (a new run, the debugger where it stands). Returns the answer.
 */
async function staleFromHere(): Promise<FromHere | undefined> {
  const session = tlbscnSession();
  if (!session) return undefined;
  const bounds = configuredExploreBounds();
  const maxStall = settingStallBound();
  const answer = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Searching the schedules from here…' }, () =>
    ask<FromHere>(session, 'staleFromHere', { maxStates: bounds.maxStates, maxSeconds: Math.min(bounds.maxSeconds, FROM_HERE_SECONDS), ...(maxStall !== undefined ? { maxStall } : {}) }),
  );
  if (!answer) return undefined;
  if (answer.verdict !== 'stale' || !answer.schedule) {
    const show = answer.verdict === 'truncated' || answer.verdict === 'error' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    void show(`tlbscn: ${answer.message}`);
    return answer;
  }
  const FOLLOW = 'Continue Along It';
  if ((await vscode.window.showWarningMessage(`tlbscn: ${answer.message}`, FOLLOW)) === FOLLOW) await ask(session, 'followSchedule', { schedule: answer.schedule });
  return answer;
}

/** A file name beside the scenario: `race.tlbscn` → `race<suffix>`. */
function sibling(scenario: string, suffix: string): vscode.Uri {
  return vscode.Uri.file(path.join(path.dirname(scenario), `${path.basename(scenario, '.tlbscn')}${suffix}`));
}

/** Where to write: the Uri a caller gave (the extension's tests), else the user's choice in a save dialog. */
async function target(arg: unknown, suggested: vscode.Uri, filters: Record<string, string[]>, title: string): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  return vscode.window.showSaveDialog({ defaultUri: suggested, filters, title });
}

const encode = (text: string) => new TextEncoder().encode(text);

/** Save Schedule: the schedule being debugged as a sibling JSON file (the `trace` attribute and `tlbscn run --schedule` replay it). */
async function saveSchedule(arg: unknown): Promise<vscode.Uri | undefined> {
  const session = tlbscnSession();
  const body = session && (await ask<ScheduleFile>(session, 'schedule'));
  if (!body) return undefined;
  const at = await target(arg, sibling(body.file, '.schedule.json'), { 'tlbscn schedule': ['json'] }, 'Save the schedule being debugged');
  if (!at) return undefined;
  await vscode.workspace.fs.writeFile(at, encode(scheduleText(body, at, body.file)));
  void vscode.window.showInformationMessage(`Schedule saved: ${vscode.workspace.asRelativePath(at)}. Replay it with tlbscn run ${path.basename(body.file)} --schedule ${path.basename(at.fsPath)}, or as a launch's "trace".`);
  return at;
}

/**
 * Save as Regression Scenario: a `.tlbscn` copy with the kernel pinned and
 * `expect stale` at the stale access, and its schedule beside it
 * (`<name>.schedule.json`), so a counterexample becomes a test.
 */
async function saveRegression(arg: unknown): Promise<vscode.Uri | undefined> {
  const session = tlbscnSession();
  const body = session && (await ask<{ text: string; schedule: ScheduleFile }>(session, 'regressionScenario'));
  if (!body) return undefined;
  const at = await target(arg, sibling(body.schedule.file, '.regression.tlbscn'), { 'tlbscn scenario': ['tlbscn'] }, 'Save a regression scenario of this stale schedule');
  if (!at) return undefined;
  const schedule = vscode.Uri.file(at.fsPath.replace(/(\.tlbscn)?$/, '.schedule.json'));
  await vscode.workspace.fs.writeFile(at, encode(body.text));
  await vscode.workspace.fs.writeFile(schedule, encode(scheduleText(body.schedule, schedule, at.fsPath)));
  void vscode.window.showInformationMessage(`Regression scenario saved: ${vscode.workspace.asRelativePath(at)}, with its schedule ${path.basename(schedule.fsPath)} (tlbscn run ${path.basename(at.fsPath)} --schedule ${path.basename(schedule.fsPath)}).`);
  return at;
}

/** A reverse step the debug toolbar has no button for, on the focused thread. */
async function stepBack(command: 'stepBackInto' | 'stepBackOut', args: readonly unknown[]): Promise<void> {
  const session = tlbscnSession();
  const threadId = focusedThread(args);
  if (session && threadId !== undefined) await ask(session, command, { threadId });
}

export function registerScheduleCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('tlbscn.letCpuMoveNext', letMoveNext),
    vscode.commands.registerCommand('tlbscn.staleFromHere', staleFromHere),
    vscode.commands.registerCommand('tlbscn.saveSchedule', saveSchedule),
    vscode.commands.registerCommand('tlbscn.saveRegressionScenario', saveRegression),
    vscode.commands.registerCommand('tlbscn.stepBackInto', (...args: unknown[]) => stepBack('stepBackInto', args)),
    vscode.commands.registerCommand('tlbscn.stepBackOut', (...args: unknown[]) => stepBack('stepBackOut', args)),
  );
}
