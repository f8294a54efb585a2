// The CodeLens row above a scenario's first statement: Run, Debug, Run under
// every kernel variant, and Explore interleavings when it has a concurrently block.

import * as vscode from 'vscode';
import { parse } from '../../core/src/index';
import { LANGUAGE_ID } from './scenarios';

class ScenarioCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const { file } = parse(doc.getText());
    const first = file.statements[0];
    if (!first) return [];
    const range = new vscode.Range(first.range.start.line, 0, first.range.start.line, 0);
    const lens = (title: string, command: string, tooltip: string) =>
      new vscode.CodeLens(range, { title, command, tooltip, arguments: [doc.uri] });
    const lenses = [
      lens('$(play) Run', 'tlbscn.run', 'Run the scenario and show its trace'),
      lens('$(debug-alt) Debug', 'tlbscn.debug', 'Step through the scenario in the debugger'),
      lens('$(table) Run under every kernel', 'tlbscn.runAllKernels', 'A table of outcomes per kernel variant'),
    ];
    if (file.statements.some((s) => s.kind === 'concurrently')) {
      lenses.push(lens('$(type-hierarchy) Explore interleavings', 'tlbscn.explore', 'Try every interleaving of the concurrently blocks'));
    }
    return lenses;
  }
}

export function registerCodeLens(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.languages.registerCodeLensProvider({ language: LANGUAGE_ID }, new ScenarioCodeLensProvider()));
}
