// F5 on a scenario: fills a launch configuration when there is no launch.json,
// refuses a file with errors before a session starts, and runs the debug
// adapter inside the extension host (no second process to start or find).

import * as vscode from 'vscode';
import { TlbscnDebugSession } from '../../adapter/src/session';
import { LANGUAGE_ID, defaultKernel, loadScenario, refuseErrors } from './scenarios';

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
    _folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): Promise<vscode.DebugConfiguration | undefined> {
    let scenario;
    try {
      scenario = await loadScenario(vscode.Uri.file(String(config.program)));
    } catch {
      void vscode.window.showErrorMessage(`Cannot debug ${config.program}: the file cannot be read.`);
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

export function registerDebugging(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new ScenarioConfigurationProvider()),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, {
      createDebugAdapterDescriptor: () => new vscode.DebugAdapterInlineImplementation(new TlbscnDebugSession()),
    }),
  );
}
