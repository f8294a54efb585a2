// Quick fixes for the common mistakes, keyed on the stable diagnostic codes
// and the `data` the checker attaches (the word meant, the guest and vcpu
// count needed, the task a page is missing from); and "Show the fix" on a
// stale access: switch the file's kernel to the one with the fix.

import { type KernelName, type Topology } from '../../../core/src/index';
import { type CodeAction, CodeActionKind, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import type { Analysis } from './analysis';

function fix(title: string, uri: string, diagnostic: Diagnostic, edits: TextEdit[], preferred = true): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: preferred, edit: { changes: { [uri]: edits } } };
}

/**
 * The variant that removes a stale access the running kernel allows:
 * `fixed` (a29ebeaf), or on a big core already under `fixed`, `fixed-smt8`
 * (77bbbc0cf848 compares TLB halves). None when the kernel already has both:
 * then the guest itself forgot to invalidate.
 */
function fixingKernel(running: KernelName, topology: Topology): KernelName | undefined {
  if (running === 'buggy' || running === 'early-clear') return 'fixed';
  if (running === 'fixed' && topology.bigcore) return 'fixed-smt8';
  return undefined;
}

function kernelEdit(analysis: Analysis, variant: KernelName): TextEdit | undefined {
  const statements = analysis.scenario.file.statements;
  const kernelLine = statements.find((s) => s.kind === 'kernel');
  if (kernelLine?.kind === 'kernel') return { range: kernelLine.variant.range, newText: variant };
  const machine = statements.find((s) => s.kind === 'machine');
  const line = machine ? machine.range.start.line + 1 : 0;
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `kernel ${variant}\n` };
}

export function codeActions(analysis: Analysis, uri: string, diagnostics: Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  const s = analysis.scenario;
  for (const d of diagnostics) {
    const data = (d.data ?? {}) as Record<string, string | number | undefined>;
    const meant = typeof data.meant === 'string' ? data.meant : undefined;
    switch (d.code) {
      case 'unknown-keyword':
      case 'unknown-kernel':
      case 'undeclared-guest':
      case 'undeclared-task':
        if (meant) out.push(fix(`Change to '${meant}'`, uri, d, [{ range: d.range, newText: meant }]));
        break;
      case 'undeclared-page': {
        if (meant) out.push(fix(`Change to '${meant}'`, uri, d, [{ range: d.range, newText: meant }]));
        const task = typeof data.task === 'string' ? s.tasks.get(data.task) : undefined;
        const name = typeof data.name === 'string' ? data.name : undefined;
        if (task && name) {
          const last = task.decl.pages[task.decl.pages.length - 1].range.end;
          out.push(fix(`Add page '${name}' to task '${task.name}'`, uri, d, [{ range: { start: last, end: last }, newText: ` ${name}` }], !meant));
        }
        break;
      }
      case 'vcpu-out-of-range': {
        const guest = typeof data.guest === 'string' ? s.guests.get(data.guest) : undefined;
        const needed = typeof data.needed === 'number' ? data.needed : undefined;
        if (guest && needed) out.push(fix(`Raise guest '${guest.name}' to vcpus ${needed}`, uri, d, [{ range: guest.decl.vcpus.range, newText: String(needed) }]));
        break;
      }
      case 'stale-access': {
        const running = typeof data.kernel === 'string' ? (data.kernel as KernelName) : undefined;
        const variant = running && fixingKernel(running, s.topology);
        const edit = variant && kernelEdit(analysis, variant);
        if (variant && edit) out.push(fix(`Show the fix: run under kernel ${variant}`, uri, d, [edit], false));
        break;
      }
    }
  }
  return out;
}
