// Inlay hints (issue 12): after each `access` event, its outcome in the run
// the server makes as you type (`→ stale, core0`), so a scenario reads like
// its trace. They come from that run's accesses (diagnostics.ts runs it with
// every access kept, one per access event of the file: bounded by the file),
// never from a run of their own.

import { type InlayHint, InlayHintKind, type Range } from 'vscode-languageserver';
import type { RunResult } from '../../../core/src/index';
import type { Analysis } from './analysis';

/** The hints of the accesses whose events lie in `range`. */
export function inlayHints(analysis: Analysis, run: RunResult, range: Range): InlayHint[] {
  const topology = analysis.scenario.topology;
  const hints: InlayHint[] = [];
  for (const a of run.accesses) {
    if (a.line < range.start.line || a.line > range.end.line) continue;
    // the access event itself: a lane line may hold several events
    const event = analysis.eventsOn(a.line).find((e) => e.kind === 'access' && e.task.text === a.task && e.page.text === a.page);
    if (!event) continue;
    hints.push({
      position: event.range.end,
      label: `→ ${a.outcome}, ${topology.tlbDomainName(a.domain)}`,
      kind: InlayHintKind.Type,
      paddingLeft: true,
      tooltip: `${a.task} touches ${a.page} on cpu${a.cpu} under kernel ${run.kernel}: ${a.outcome}${a.explanation ? ` (${a.explanation})` : ''}`,
    });
  }
  return hints;
}
