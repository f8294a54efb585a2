// Quick fixes for the common mistakes, keyed on the stable diagnostic codes
// and the `data` the checker attaches (the word meant, the guest and vcpu
// count needed, the task a page is missing from); and "Show the fix" on a
// stale access: switch the file's kernel to the first later kernel version
// under which that access is no longer stale. Every fix is tried on the text
// before it is offered: one that leaves its problem in place (`vcpus 5001`
// past the vcpu limit, a keyword that is wrong where it stands, a kernel that
// cannot help a guest that never invalidated) is not offered.

import { KERNEL_NAMES, type KernelName, type Pos, type RunResult, VARIANTS } from '../../../core/src/index';
import { type CodeAction, CodeActionKind, type Diagnostic, type TextEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analysis } from './analysis';
import { runScenario } from './diagnostics';

function fix(title: string, uri: string, diagnostic: Diagnostic, edits: TextEdit[], preferred = true): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: preferred, edit: { changes: { [uri]: edits } } };
}

/** The analysis of the text after `edits`, re-parsed from where they start. */
function edited(analysis: Analysis, edits: TextEdit[]): Analysis {
  const doc = TextDocument.create('tlbscn:quick-fix', 'tlbscn', analysis.version, analysis.text);
  return new Analysis(TextDocument.applyEdits(doc, edits), analysis.version, analysis);
}

const samePos = (a: Pos, b: Pos): boolean => a.line === b.line && a.character === b.character;

/**
 * Whether `edits` (none of which adds or removes a line) remove the front
 * end's diagnostic `d`: after them nothing with its code, and no error,
 * starts where it started.
 */
function resolves(analysis: Analysis, d: Diagnostic, edits: TextEdit[]): boolean {
  const after = edited(analysis, edits).result.diagnostics;
  return !after.some((x) => samePos(x.range.start, d.range.start) && (x.code === d.code || x.severity === 'error'));
}

/** The edit that selects `variant`, and the line it adds if the file had no kernel line. */
function kernelEdit(analysis: Analysis, variant: KernelName): { edit: TextEdit; addedLine?: number } {
  const statements = analysis.scenario.file.statements;
  const kernelLine = statements.find((s) => s.kind === 'kernel');
  if (kernelLine?.kind === 'kernel') return { edit: { range: kernelLine.variant.range, newText: variant } };
  const machine = statements.find((s) => s.kind === 'machine');
  const line = machine ? machine.range.start.line + 1 : 0;
  // the new line ends as the file's first line does ('\r\n', '\r' or '\n')
  const lineEnd = /\r\n?|\n/.exec(analysis.text)?.[0] ?? '\n';
  return { edit: { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `kernel ${variant}${lineEnd}` }, addedLine: line };
}

/** Runs of a document version under other kernels, kept while the version is current: code actions are asked for at every cursor move. */
const runsUnder = new WeakMap<Analysis, Map<KernelName, RunResult>>();

/**
 * The first kernel release after `running` under which the stale access of
 * `d` (task `data.task`, page `data.page`) is not stale, with the edit that
 * selects it; undefined when no later kernel helps (the guest itself forgot
 * to invalidate). Each try is a run, sliced by `pause` like validation's.
 */
async function fixingKernel(analysis: Analysis, d: Diagnostic, running: KernelName, pause: () => Promise<boolean>): Promise<{ variant: KernelName; edit: TextEdit } | undefined> {
  const data = d.data as { task?: unknown; page?: unknown };
  let runs = runsUnder.get(analysis);
  if (!runs) runsUnder.set(analysis, (runs = new Map()));
  // rows that are not a release (the pre-fix kernel, the early-clear draft) fix nothing
  for (const variant of KERNEL_NAMES.slice(KERNEL_NAMES.indexOf(running) + 1).filter((k) => VARIANTS[k].release !== '')) {
    const { edit, addedLine } = kernelEdit(analysis, variant);
    const line = d.range.start.line + (addedLine !== undefined && addedLine <= d.range.start.line ? 1 : 0);
    let run = runs.get(variant);
    if (!run) {
      run = await runScenario(edited(analysis, [edit]), variant, pause);
      if (!run) return undefined; // a newer version, or a cancelled request: nothing to offer
      runs.set(variant, run);
    }
    if (!run.accesses.some((a) => a.outcome === 'stale' && a.line === line && a.task === data.task && a.page === data.page)) return { variant, edit };
  }
  return undefined;
}

/**
 * The fixes for `diagnostics` that resolve them. `pause` lets the runs that
 * check "Show the fix" yield to other requests, and returns false when the
 * answer is no longer wanted.
 */
export async function codeActions(analysis: Analysis, uri: string, diagnostics: Diagnostic[], pause: () => Promise<boolean>): Promise<CodeAction[]> {
  const out: CodeAction[] = [];
  const s = analysis.scenario;
  const offer = (title: string, d: Diagnostic, edits: TextEdit[], preferred = true): void => {
    if (resolves(analysis, d, edits)) out.push(fix(title, uri, d, edits, preferred));
  };
  for (const d of diagnostics) {
    const data = (d.data ?? {}) as Record<string, string | number | undefined>;
    const meant = typeof data.meant === 'string' ? data.meant : undefined;
    switch (d.code) {
      case 'unknown-keyword':
      case 'unknown-kernel':
      case 'undeclared-guest':
      case 'undeclared-task':
        if (meant) offer(`Change to '${meant}'`, d, [{ range: d.range, newText: meant }]);
        break;
      case 'undeclared-page': {
        if (meant) offer(`Change to '${meant}'`, d, [{ range: d.range, newText: meant }]);
        const task = typeof data.task === 'string' ? s.tasks.get(data.task) : undefined;
        const name = typeof data.name === 'string' ? data.name : undefined;
        if (task && name) {
          const last = task.decl.pages[task.decl.pages.length - 1].range.end;
          offer(`Add page '${name}' to task '${task.name}'`, d, [{ range: { start: last, end: last }, newText: ` ${name}` }], !meant);
        }
        break;
      }
      case 'vcpu-out-of-range': {
        const guest = typeof data.guest === 'string' ? s.guests.get(data.guest) : undefined;
        const needed = typeof data.needed === 'number' ? data.needed : undefined;
        if (guest && needed) offer(`Raise guest '${guest.name}' to vcpus ${needed}`, d, [{ range: guest.decl.vcpus.range, newText: String(needed) }]);
        break;
      }
      case 'stale-access': {
        const running = typeof data.kernel === 'string' && data.kernel in VARIANTS ? (data.kernel as KernelName) : undefined;
        const found = running && (await fixingKernel(analysis, d, running, pause));
        if (found) out.push(fix(`Show the fix: run under kernel ${found.variant}`, uri, d, [found.edit], false));
        break;
      }
    }
  }
  return out;
}
