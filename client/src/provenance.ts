// "Go to the step that last wrote it" (issue 11): for a TLB entry or a bit,
// picked in the core map or in the Variables pane's context menu, the debug
// adapter answers its provenance (the last write and, for a stale entry, the
// chain that left it there); a quick pick lists those steps and moves the
// debugger to the one chosen, just after it, where the map shows what it did.

import * as vscode from 'vscode';
import type { Provenance, ProvenanceLink, ProvenanceTarget } from '../../core/src/index';

export const GOTO_LAST_WRITE = 'tlbscn.gotoLastWrite';

/** What the Variables pane passes to a command of its context menu. */
interface VariableContext {
  sessionId?: string;
  variable?: { evaluateName?: string };
}

interface LinkItem extends vscode.QuickPickItem {
  step?: number;
}

function item(l: ProvenanceLink, label: string): LinkItem {
  if (l.step === undefined) return { label: `$(circle-slash) ${label}`, detail: l.text };
  return { label, description: `step ${l.step}, line ${l.line! + 1}${l.cpu !== undefined && l.cpu >= 0 ? `, cpu${l.cpu}` : ''}`, detail: l.text, step: l.step };
}

const ROLE_WORDS: Record<ProvenanceLink['role'], string> = {
  write: 'last written',
  filled: 'filled',
  unmapped: 'unmapped',
  remapped: 'remapped',
  move: 'the vcpu move',
  'bit set': 'the need_tlb_flush bit',
  entry: 'the entry path',
  'stale read': 'read stale',
};

/** Asks the session for a target's provenance and offers its steps; the one picked becomes the debugger's position. */
export async function gotoLastWrite(session: vscode.DebugSession, args: { target: ProvenanceTarget } | { expression: string }): Promise<void> {
  let answer: Provenance;
  try {
    answer = (await session.customRequest('provenance', args)) as Provenance;
  } catch (e) {
    void vscode.window.showWarningMessage(`tlbscn: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const items: LinkItem[] = [
    answer.lastWrite ? item(answer.lastWrite, `$(arrow-left) Go to the step that last wrote it`) : { label: '$(circle-slash) Never written: it still has its initial value (clear)' },
  ];
  if (answer.chain?.length) {
    items.push({ label: 'how this stale entry came to be read', kind: vscode.QuickPickItemKind.Separator });
    for (const l of answer.chain) items.push(item(l, ROLE_WORDS[l.role]));
  }
  const picked = await vscode.window.showQuickPick(items, { title: answer.what, placeHolder: 'Pick a step: the debugger goes to just after it', matchOnDetail: true });
  if (picked?.step === undefined) return;
  // gotoStep {step: s} stands before micro-step s: just after the chosen one
  await Promise.resolve(session.customRequest('gotoStep', { step: picked.step + 1 })).catch((e: unknown) => vscode.window.showWarningMessage(`tlbscn: ${e instanceof Error ? e.message : String(e)}`));
}

/** The Variables pane's context menu command (on TLB entries and single bits). */
export function registerProvenance(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(GOTO_LAST_WRITE, async (ctx?: VariableContext) => {
      const active = vscode.debug.activeDebugSession;
      const session = active && (!ctx?.sessionId || active.id === ctx.sessionId) ? active : undefined;
      const expression = ctx?.variable?.evaluateName;
      if (session?.type !== 'tlbscn' || !expression) {
        void vscode.window.showInformationMessage('tlbscn: right-click a TLB entry or a single need_tlb_flush / cpu_in_guest bit in the Variables pane of a tlbscn debug session.');
        return;
      }
      await gotoLastWrite(session, { expression });
    }),
  );
}
