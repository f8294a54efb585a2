// How every command reads a scenario: the editor's text when the file is open
// (unsaved edits included, as the language server sees it), else the file on
// disk; and which kernel variant Run and Debug use for it.

import * as vscode from 'vscode';
import { DEFAULT_KERNEL, KERNEL_NAMES, analyze, type CheckResult, type KernelName } from '../../core/src/index';

export const LANGUAGE_ID = 'tlbscn';

export interface LoadedScenario {
  uri: vscode.Uri;
  text: string;
  check: CheckResult;
}

export async function loadScenario(uri: vscode.Uri): Promise<LoadedScenario> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  return { uri, text, check: analyze(text) };
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
