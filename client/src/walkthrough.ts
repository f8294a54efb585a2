// The getting-started walkthrough's one command of its own (issue 11): open a
// sample scenario. The workspace's copy when it has one (this repository),
// else the copy bundled into the extension, written once to its global
// storage: the .vsix ships no scenario files, and a debug session needs the
// scenario on disk.

import * as vscode from 'vscode';
import earlyClearRace from '../../sample-scenarios/early-clear-race.tlbscn';
import seed from '../../sample-scenarios/seed-a29ebeaf.tlbscn';

export const OPEN_SAMPLE = 'tlbscn.openSample';

const SAMPLES: Record<string, string> = { 'seed-a29ebeaf.tlbscn': seed, 'early-clear-race.tlbscn': earlyClearRace };

async function sampleUri(context: vscode.ExtensionContext, name: string): Promise<vscode.Uri> {
  const [own] = await vscode.workspace.findFiles(`**/sample-scenarios/${name}`, '**/node_modules/**', 1);
  if (own) return own;
  const uri = vscode.Uri.joinPath(context.globalStorageUri, 'samples', name);
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(context.globalStorageUri, 'samples'));
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(SAMPLES[name]));
  return uri;
}

export function registerWalkthrough(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(OPEN_SAMPLE, async (name: unknown = 'seed-a29ebeaf.tlbscn') => {
      if (typeof name !== 'string' || !Object.hasOwn(SAMPLES, name)) {
        void vscode.window.showWarningMessage(`tlbscn: no sample scenario '${String(name)}' (${Object.keys(SAMPLES).join(', ')})`);
        return;
      }
      await vscode.window.showTextDocument(await sampleUri(context, name), { preview: false });
    }),
  );
}
