// How every command reads a scenario: the editor's text when the file is open
// (unsaved edits included, as the language server sees it), else the file on
// disk; which kernel variant Run and Debug use for it; and how far Explore goes.

import * as vscode from 'vscode';
import { MAX_FILE_BYTES } from '../../adapter/src/files';
import { type ExploreBounds, exploreBounds } from './bounds';
import type { ExploreRequest } from './exploreWorker';
import { DEFAULT_KERNEL, KERNEL_NAMES, analyze, type CheckResult, type KernelName } from '../../core/src/index';

export const LANGUAGE_ID = 'tlbscn';

export interface LoadedScenario {
  uri: vscode.Uri;
  text: string;
  check: CheckResult;
}

/** A file on disk that is not read as a scenario; the message says why, as the debug adapter's does. */
export class ScenarioRefused extends Error {}

/** Throws ScenarioRefused, or the file system's error for a file that cannot be read. */
export async function loadScenario(uri: vscode.Uri): Promise<LoadedScenario> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  const text = open ? open.getText() : await readScenarioFile(uri);
  return { uri, text, check: analyze(text) };
}

/**
 * The debug adapter's limits (adapter/src/files.ts), for the files the client
 * reads unasked too (the Testing view reads every *.tlbscn and *.schedule.json of the workspace,
 * trusted or not): a FIFO would block the extension host, a huge file fill it.
 */
export async function readScenarioFile(uri: vscode.Uri): Promise<string> {
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.type & vscode.FileType.Directory) throw new ScenarioRefused('it is a directory');
  if (!(stat.type & vscode.FileType.File)) throw new ScenarioRefused('it is not a regular file');
  if (stat.size > MAX_FILE_BYTES) throw new ScenarioRefused(`it is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

/** Why a scenario could not be loaded, for a message that starts "Cannot debug FILE: ". */
export function unreadable(e: unknown): string {
  return e instanceof ScenarioRefused ? e.message : 'the file cannot be read';
}

/** The scenario a command acts on: its argument (CodeLens, explorer menu), else the active editor's. */
export function targetUri(arg?: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const doc = vscode.window.activeTextEditor?.document;
  return doc?.languageId === LANGUAGE_ID ? doc.uri : undefined;
}

/** The `tlbscn.kernel` setting: the variant of a scenario without a `kernel` line. */
export function defaultKernel(): KernelName {
  const value = vscode.workspace.getConfiguration('tlbscn').get<string>('kernel');
  return KERNEL_NAMES.find((k) => k === value) ?? DEFAULT_KERNEL;
}

/** The explorer's bounds from `tlbscn.explore.maxStates` and `tlbscn.explore.maxSeconds`, lowered in Restricted Mode. */
export function configuredExploreBounds(): ExploreBounds {
  const config = vscode.workspace.getConfiguration('tlbscn');
  return exploreBounds(vscode.workspace.isTrusted, { maxStates: config.get('explore.maxStates'), maxSeconds: config.get('explore.maxSeconds'), maxMemory: config.get('explore.maxMemory') });
}

/** `tlbscn.explore.threads`: threads for an exhaustive search (1 unless a whole number from 2 to 64 is set). */
function configuredExploreThreads(): number {
  const n = vscode.workspace.getConfiguration('tlbscn').get<unknown>('explore.threads');
  return typeof n === 'number' && Number.isInteger(n) && n >= 2 && n <= 64 ? n : 1;
}

/** What the explorer thread is asked for a scenario's text under `kernel`, within the bounds and threads the settings give. */
export function exploreRequest(text: string, kernel: KernelName, bounds: ExploreBounds, maxStall?: number): ExploreRequest {
  return { text, kernel, maxStall, maxStates: bounds.maxStates, maxSeconds: bounds.maxSeconds, maxMemory: bounds.maxMemory * 2 ** 20, threads: configuredExploreThreads() };
}

export interface EffectiveKernel {
  kernel: KernelName;
  from: 'file' | 'setting';
}

export function effectiveKernel(check: CheckResult): EffectiveKernel {
  return check.scenario.kernel ? { kernel: check.scenario.kernel, from: 'file' } : { kernel: defaultKernel(), from: 'setting' };
}

export function displayPath(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false);
}

/** Tells the user why a scenario with errors was not run, and offers the Problems view. */
export async function refuseErrors(action: string, scenario: LoadedScenario): Promise<void> {
  const errors = scenario.check.diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  const choice = await vscode.window.showErrorMessage(
    `Cannot ${action} ${displayPath(scenario.uri)}: ${errors.length} error${errors.length === 1 ? '' : 's'} ` +
      `(line ${first.range.start.line + 1}: ${first.message}).`,
    'Show Problems',
  );
  if (choice) await vscode.commands.executeCommand('workbench.actions.view.problems');
}
