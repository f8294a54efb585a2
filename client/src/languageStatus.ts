// The tlbscn language status item (the {} beside the language name, bottom
// right): whether scenarios run as you type and how far Explore goes, so
// that Restricted Mode's tighter limits (bounds.ts) are visible where the
// missing stale-access diagnostics would otherwise go unexplained.

import * as vscode from 'vscode';
import { runStatus } from './bounds';
import { LANGUAGE_ID, configuredExploreBounds } from './scenarios';

export function createRunStatusItem(context: vscode.ExtensionContext): void {
  const item = vscode.languages.createLanguageStatusItem('tlbscn.runStatus', { language: LANGUAGE_ID });
  item.name = 'tlbscn diagnostics and Explore limits';
  const update = () => {
    const runAsYouType = vscode.workspace.getConfiguration('tlbscn').get<boolean>('diagnostics.run', true);
    const status = runStatus(vscode.workspace.isTrusted, runAsYouType, configuredExploreBounds());
    item.text = status.text;
    item.detail = status.detail;
    item.severity = status.restricted ? vscode.LanguageStatusSeverity.Warning : vscode.LanguageStatusSeverity.Information;
    item.command = status.command;
  };
  context.subscriptions.push(
    item,
    vscode.workspace.onDidGrantWorkspaceTrust(update),
    vscode.workspace.onDidChangeConfiguration((e) => (e.affectsConfiguration('tlbscn.diagnostics.run') || e.affectsConfiguration('tlbscn.explore')) && update()),
  );
  update();
}
