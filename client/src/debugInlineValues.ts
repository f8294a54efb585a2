// Registers the inline values of a paused tlbscn session (issue 12): after each
// `run` line, the need_tlb_flush bit its cpu's entry path tests. The lines and
// expressions come from inlineValues.ts; VS Code evaluates each expression in
// the debug session (DAP `evaluate`), so the value is the adapter's. VS Code
// shows them when `debug.inlineValues` is "auto" (its default: a provider is
// registered) or "on".

import * as vscode from 'vscode';
import { runLineValues } from './inlineValues';

export function registerInlineValues(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.languages.registerInlineValuesProvider('tlbscn', {
      provideInlineValues(document, viewPort) {
        return runLineValues(document.getText(), viewPort.start.line, viewPort.end.line).map(
          (v) => new vscode.InlineValueEvaluatableExpression(new vscode.Range(v.range.start.line, v.range.start.character, v.range.end.line, v.range.end.character), v.expression),
        );
      },
    }),
  );
}
