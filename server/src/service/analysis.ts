// One analysis of one document version: the core's parse + check, plus the
// indexes the language features share (who is named where). The server keeps
// the latest per document, so completion, hover and navigation never re-parse.

import {
  type Analysis as CoreAnalysis,
  type Pos,
  type Range,
  type Scenario,
  type SimpleEvent,
  analyze,
  reanalyze,
  isDeclaration,
  rangeContains,
} from '../../../core/src/index';

export type SymbolKind = 'guest' | 'task' | 'page';

/** A name written in the file: a declaration or a use of a guest, a task or a task's page. */
export interface Occurrence {
  kind: SymbolKind;
  name: string;
  /** For pages: the task whose page it is. */
  task?: string;
  range: Range;
  declaration: boolean;
}

export class Analysis {
  readonly result: CoreAnalysis;
  private occurrencesByLine?: Map<number, Occurrence[]>;
  private eventsByLine?: Map<number, SimpleEvent[]>;
  private ordered?: Occurrence[];

  /** `previous`: the analysis of the document's last version, whose parse is reused up to the first changed line. */
  constructor(
    /** The document's text as the client holds it (quick fixes try their edits on it). */
    readonly text: string,
    readonly version: number,
    previous?: Analysis,
  ) {
    this.result = previous ? reanalyze(previous.result, text) : analyze(text);
  }

  get scenario(): Scenario {
    return this.result.scenario;
  }

  /** The lines as LSP counts them ('\r\n', '\r' and '\n' each end one), without their ends: every feature's positions come from these. */
  get lines(): string[] {
    return this.result.scenario.file.sourceLines;
  }

  /** Every occurrence of a guest, task or page, in source order. */
  occurrences(): Occurrence[] {
    this.ordered ??= [...this.byLine().entries()].sort((a, b) => a[0] - b[0]).flatMap(([, list]) => list);
    return this.ordered;
  }

  occurrenceAt(pos: Pos): Occurrence | undefined {
    return this.byLine().get(pos.line)?.find((o) => rangeContains(o.range, pos));
  }

  /** The simple events written on a line (a lane line may hold several). */
  eventsOn(line: number): SimpleEvent[] {
    if (!this.eventsByLine) {
      this.eventsByLine = new Map();
      for (const e of this.allEvents()) {
        const l = e.range.start.line;
        const list = this.eventsByLine.get(l);
        if (list) list.push(e);
        else this.eventsByLine.set(l, [e]);
      }
    }
    return this.eventsByLine.get(line) ?? [];
  }

  private *allEvents(): Generator<SimpleEvent> {
    for (const s of this.scenario.file.statements) {
      if (s.kind === 'concurrently') {
        for (const lane of s.lanes) yield* lane.events;
      } else if (!isDeclaration(s)) yield s;
    }
  }

  private byLine(): Map<number, Occurrence[]> {
    if (this.occurrencesByLine) return this.occurrencesByLine;
    const map = new Map<number, Occurrence[]>();
    const add = (o: Occurrence): void => {
      const list = map.get(o.range.start.line);
      if (list) list.push(o);
      else map.set(o.range.start.line, [o]);
    };
    const guest = (w: { text: string; range: Range }, declaration = false) => add({ kind: 'guest', name: w.text, range: w.range, declaration });
    const task = (w: { text: string; range: Range }) => add({ kind: 'task', name: w.text, range: w.range, declaration: false });
    const page = (t: string, w: { text: string; range: Range }) => add({ kind: 'page', name: w.text, task: t, range: w.range, declaration: false });
    for (const s of this.scenario.file.statements) {
      switch (s.kind) {
        case 'guest':
          guest(s.name, true);
          break;
        case 'task':
          add({ kind: 'task', name: s.name.text, range: s.name.range, declaration: true });
          guest(s.guest);
          for (const p of s.pages) add({ kind: 'page', name: p.text, task: s.name.text, range: p.range, declaration: true });
          break;
      }
    }
    for (const e of this.allEvents()) {
      switch (e.kind) {
        case 'run':
        case 'stop':
          guest(e.vcpu.guest);
          break;
        case 'schedule':
          task(e.task);
          guest(e.vcpu.guest);
          break;
        case 'access':
        case 'map':
        case 'unmap':
        case 'tlbiel':
        case 'tlbie':
        case 'expect-tlb':
          task(e.task);
          if (e.page) page(e.task.text, e.page);
          break;
        case 'expect-flush':
          guest(e.guest);
          break;
        case 'expect-outcome':
          break;
      }
    }
    for (const list of map.values()) list.sort((a, b) => a.range.start.character - b.range.start.character);
    this.occurrencesByLine = map;
    return map;
  }
}
