// The status bar item that shows which kernel variant the active scenario runs
// under; clicking it picks another, written into the file's `kernel` line so
// the file stays the one place that says (the CLI and the server read it too).

import * as vscode from 'vscode';
import { KERNEL_NAMES, VARIANTS, isDeclaration, parse, type KernelName } from '../../core/src/index';
import { LANGUAGE_ID, effectiveKernel, loadScenario } from './scenarios';

export function createKernelStatusBar(context: vscode.ExtensionContext): void {
  const item = vscode.window.createStatusBarItem('tlbscn.kernel', vscode.StatusBarAlignment.Right, 100);
  item.name = 'tlbscn kernel variant';
  item.command = 'tlbscn.selectKernel';
  const update = async () => {
    const doc = vscode.window.activeTextEditor?.document;
    if (doc?.languageId !== LANGUAGE_ID) {
      item.hide();
      return;
    }
    const { kernel, from } = effectiveKernel((await loadScenario(doc.uri)).check);
    item.text = `$(server-process) ${kernel}${from === 'setting' ? ' (default)' : ''}`;
    item.tooltip = new vscode.MarkdownString(
      `**Kernel variant: ${kernel}** — ${from === 'file' ? "the file's `kernel` line" : 'the tlbscn.kernel setting (the file has no `kernel` line)'}\n\n` +
        `${VARIANTS[kernel].summary}\n\nClick to switch.`,
    );
    item.show();
  };
  context.subscriptions.push(
    item,
    vscode.window.onDidChangeActiveTextEditor(update),
    vscode.workspace.onDidChangeTextDocument((e) => e.document === vscode.window.activeTextEditor?.document && update()),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('tlbscn.kernel') && update()),
  );
  void update();
}

/** Asks for a variant and writes it into the scenario's `kernel` line (adding one after `machine` when missing). */
export async function selectKernel(uri: vscode.Uri | undefined): Promise<KernelName | undefined> {
  if (!uri) return undefined;
  const doc = await vscode.workspace.openTextDocument(uri);
  const { file } = parse(doc.getText());
  const decl = file.statements.find((s) => isDeclaration(s) && s.kind === 'kernel');
  const current = decl?.kind === 'kernel' ? decl.variant.text : undefined;
  const picked = await vscode.window.showQuickPick(
    KERNEL_NAMES.map((k) => ({ label: k, description: k === current ? '(current)' : VARIANTS[k].commit, detail: VARIANTS[k].summary, kernel: k })),
    { title: 'Kernel variant of this scenario', placeHolder: 'The kernel the scenario runs under' },
  );
  if (!picked || picked.kernel === current) return picked?.kernel;
  const edit = new vscode.WorkspaceEdit();
  if (decl?.kind === 'kernel') {
    const r = decl.variant.range;
    edit.replace(uri, new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character), picked.kernel);
  } else {
    const machine = file.statements.find((s) => s.kind === 'machine');
    const line = machine ? machine.range.end.line + 1 : (file.statements[0]?.range.start.line ?? 0);
    edit.insert(uri, new vscode.Position(line, 0), `kernel ${picked.kernel}\n`);
  }
  await vscode.workspace.applyEdit(edit);
  return picked.kernel;
}
