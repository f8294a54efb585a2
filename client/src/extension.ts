// The tlbscn extension: wires the language client, the debugger, the commands
// (the debugger's schedule commands among them), the watch on edits during a debug session, the CodeLens, the kernel
// status bar item, the language status item and the Testing view together.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerCodeLens } from './codelens';
import { registerCommands } from './commands';
import { registerCoreMap } from './coreMap';
import { registerDebugging } from './debugConfig';
import { registerEditWatch } from './edits';
import { registerInlineValues } from './debugInlineValues';
import { registerProvenance } from './provenance';
import { registerWalkthrough } from './walkthrough';
import { registerScheduleCommands } from './schedules';
import { startLanguageClient } from './languageClient';
import { createRunStatusItem } from './languageStatus';
import { createKernelStatusBar } from './statusBar';
import { ScenarioTests } from './testController';

let client: LanguageClient | undefined;

/** What activate() returns: the Testing view's controller, for the extension's own tests in the extension host. */
export interface TlbscnApi {
  tests: ScenarioTests;
}

export async function activate(context: vscode.ExtensionContext): Promise<TlbscnApi> {
  const output = vscode.window.createOutputChannel('tlbscn');
  const tests = new ScenarioTests();
  context.subscriptions.push(output, tests);
  registerDebugging(context);
  registerCommands(context, output);
  registerCoreMap(context);
  registerProvenance(context);
  registerWalkthrough(context);
  registerScheduleCommands(context);
  registerEditWatch(context);
  registerInlineValues(context);
  registerCodeLens(context);
  createKernelStatusBar(context);
  createRunStatusItem(context);
  client = await startLanguageClient(context);
  return { tests };
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}
