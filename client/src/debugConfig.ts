// F5 on a scenario: fills a launch configuration when there is no launch.json,
// refuses a file with errors before a session starts, and runs the debug
// adapter inside the extension host (no second process to start or find).

import * as vscode from 'vscode';
import * as path from 'node:path';
import { TlbscnDebugSession } from '../../adapter/src/session';
import { LANGUAGE_ID, defaultKernel, loadScenario, refuseErrors, unreadable } from './scenarios';

export const DEBUG_TYPE = 'tlbscn';

/**
 * The adapter's custom request that switches the Variables pane between hex
 * and decimal. Named by the debug adapter; kept here in one place.
 */
export const TOGGLE_FORMATTING_REQUEST = 'toggleFormatting';

export function scenarioLaunchConfig(uri: vscode.Uri, kernel?: string): vscode.DebugConfiguration {
  const name = `Debug ${uri.path.split('/').pop()}${kernel ? ` (${kernel})` : ''}`;
  return { type: DEBUG_TYPE, request: 'launch', name, program: uri.fsPath, ...(kernel ? { kernel } : {}), stopOnEntry: false };
}

class ScenarioConfigurationProvider implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration) {
    const doc = vscode.window.activeTextEditor?.document;
    const active = doc?.languageId === LANGUAGE_ID ? doc.uri : undefined;
    // No launch.json (F5 sends an empty configuration, possibly with only the guessed type): debug the open scenario.
    if (!config.request) {
      if (!active) {
        void vscode.window.showErrorMessage('Open a .tlbscn scenario to debug it, or add a tlbscn launch configuration.');
        return undefined;
      }
      return scenarioLaunchConfig(active);
    }
    if (!config.program) {
      if (!active) {
        void vscode.window.showErrorMessage('The tlbscn launch configuration has no "program" and no scenario is open.');
        return undefined;
      }
      config.program = active.fsPath;
    }
    return config;
  }

  async resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    const program = String(config.program);
    // The adapter resolves a relative `program` or `trace` against `cwd`; left to itself it would use the extension host's.
    // A relative `cwd` starts there too; one that is not a string is left for the adapter to refuse.
    const base = workspaceFolderOf(folder, program);
    if (base && config.cwd === undefined) config.cwd = base;
    else if (base && typeof config.cwd === 'string') config.cwd = path.resolve(base, config.cwd);
    const cwd = typeof config.cwd === 'string' && path.isAbsolute(config.cwd) ? config.cwd : undefined;
    if (!cwd && !path.isAbsolute(program)) {
      void vscode.window.showErrorMessage(`Cannot debug ${program}: a relative "program" needs a workspace folder or an absolute "cwd".`);
      return undefined;
    }
    let scenario;
    try {
      scenario = await loadScenario(vscode.Uri.file(cwd ? path.resolve(cwd, program) : program));
    } catch (e) {
      void vscode.window.showErrorMessage(`Cannot debug ${program}: ${unreadable(e)}.`);
      return undefined;
    }
    if (scenario.check.hasErrors) {
      void refuseErrors('debug', scenario);
      return undefined;
    }
    // The adapter reads the file's `kernel` line itself; only the setting's default must be passed on.
    if (!config.kernel && !scenario.check.scenario.kernel) config.kernel = defaultKernel();
    return config;
  }
}

/**
 * Where a launch's relative paths start: the folder of its launch.json (as
 * `${workspaceFolder}` there), else, for F5 without one, the folder that holds the program.
 */
function workspaceFolderOf(folder: vscode.WorkspaceFolder | undefined, program: string): string | undefined {
  const owner = folder ?? (path.isAbsolute(program) ? vscode.workspace.getWorkspaceFolder(vscode.Uri.file(program)) : vscode.workspace.workspaceFolders?.[0]);
  return owner?.uri.scheme === 'file' ? owner.uri.fsPath : undefined;
}

export function registerDebugging(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ScenarioConfigurationProvider()),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor: () => new vscode.DebugAdapterInlineImplementation(new TlbscnDebugSession()),
    }),
  );
}
