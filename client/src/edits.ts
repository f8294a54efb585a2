// Edits during a debug session (issue 12): the debug adapter runs the text it
// loaded, so when the scenario changes in the editor (unsaved edits included)
// or on disk, this tells the adapter (its sourceChanged request), and when the
// adapter announces the change (its scenarioChanged event) offers to restart
// at the same step on the new text (restartAtStep). The adapter also compares
// the file at each stop, so a change made while nothing here listens is seen.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEBUG_TYPE } from './debugConfig';
import { LANGUAGE_ID } from './scenarios';

/** Typing settles before the adapter is told: one comparison per pause, not per key. */
const SETTLE_MS = 400;

const sessions = () => (vscode.debug.activeDebugSession?.type === DEBUG_TYPE ? [vscode.debug.activeDebugSession] : []);

/** Tells the tlbscn session that `file` changed; `text` is the editor's, when it is open. */
function tell(file: vscode.Uri, text?: string): void {
  for (const session of sessions()) {
    // a session of another file says changed: false; one that has ended, an error: either way nothing to do
    session.customRequest('sourceChanged', { file: file.fsPath, ...(text !== undefined ? { text } : {}) }).then(undefined, () => undefined);
  }
}

/** The editor's text of `file`, when a document of it is open. */
function editorText(file: string): string | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === file)?.getText();
}

async function offerRestart(session: vscode.DebugSession, body: { file: string; step: number; line: number }): Promise<void> {
  const RESTART = 'Restart at Same Step';
  const choice = await vscode.window.showWarningMessage(
    `${path.basename(body.file)} has changed since the debugger ran it: the call stack shows the text it ran (step ${body.step}, line ${body.line}).`,
    RESTART,
  );
  if (choice !== RESTART) return;
  try {
    await session.customRequest('restartAtStep', { ...(editorText(body.file) !== undefined ? { text: editorText(body.file) } : {}) });
  } catch (e) {
    // a text with errors: the session goes on with the old run
    void vscode.window.showErrorMessage(`tlbscn: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function registerEditWatch(context: vscode.ExtensionContext): void {
  const pending = new Map<string, NodeJS.Timeout>();
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.tlbscn');
  context.subscriptions.push(
    watcher,
    { dispose: () => pending.forEach((t) => clearTimeout(t)) },
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.languageId !== LANGUAGE_ID || e.contentChanges.length === 0 || sessions().length === 0) return;
      const key = e.document.uri.toString();
      clearTimeout(pending.get(key));
      pending.set(key, setTimeout(() => {
        pending.delete(key);
        tell(e.document.uri, e.document.getText());
      }, SETTLE_MS));
    }),
    watcher.onDidChange((uri) => tell(uri, editorText(uri.fsPath))),
    vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
      if (e.session.type === DEBUG_TYPE && e.event === 'scenarioChanged') void offerRestart(e.session, e.body as { file: string; step: number; line: number });
    }),
  );
}
