// The parser's AST nodes. They keep texts and positions as plain fields and
// build `Word`s and ranges when asked for. Why: a long file has a statement
// per line, and a parse that kept an object for every word, range and
// position spent nine tenths of its time moving them through the garbage
// collector (a 100k-line file: ~30 ms to read, ~200 ms to keep). An event
// here is one object; what it hands out is made afresh, and dies young.

import type {
  ExpectNeedTlbFlush,
  ExpectOutcome,
  ExpectTlb,
  InvalidateEvent,
  InvalidationForm,
  Outcome,
  PlaceRef,
  Pos,
  Range,
  RunEvent,
  ScheduleEvent,
  SimpleEvent,
  StopEvent,
  UnmapEvent,
  VcpuRef,
  Word,
} from './ast';
import { Token } from './lexer';

/** A range as four numbers; its positions are built when asked for. */
export class Span implements Range {
  constructor(
    private readonly startLine: number,
    private readonly startCharacter: number,
    private readonly endLine: number,
    private readonly endCharacter: number,
  ) {}

  get start(): Pos {
    return { line: this.startLine, character: this.startCharacter };
  }

  get end(): Pos {
    return { line: this.endLine, character: this.endCharacter };
  }

  /** Plain data for JSON (a language server sends ranges as they are). */
  toJSON(): Range {
    return { start: this.start, end: this.end };
  }
}

/** A number or a choice, with the token it was read from. */
export class Valued<T> {
  constructor(
    readonly value: T,
    private readonly token: Token,
  ) {}

  get range(): Range {
    return this.token.range;
  }
}

/** `cpu<N>` or `core<N>`. */
export class PlaceNode implements PlaceRef {
  private readonly line: number;
  private readonly start: number;
  private readonly end: number;

  constructor(
    readonly kind: 'cpu' | 'core',
    readonly index: number,
    token: Token,
  ) {
    this.line = token.line;
    this.start = token.start;
    this.end = token.end;
  }

  get range(): Range {
    return new Span(this.line, this.start, this.line, this.end);
  }
}

/** `<guest>.vcpu<N>`: the guest part is a word of its own, for navigation and rename. */
export class VcpuNode implements VcpuRef {
  readonly guestName: string;
  private readonly line: number;
  private readonly start: number;
  private readonly end: number;

  constructor(
    token: Token,
    guest: string,
    readonly index: number,
  ) {
    this.guestName = guest;
    this.line = token.line;
    this.start = token.start;
    this.end = token.end;
  }

  get guest(): Word {
    return new Token(this.guestName, this.line, this.start);
  }

  /** The `vcpuN` part. */
  get indexRange(): Range {
    return new Span(this.line, this.start + this.guestName.length + 1, this.line, this.end);
  }

  get range(): Range {
    return new Span(this.line, this.start, this.line, this.end);
  }
}

/** A word kept as its text and where it starts on its statement's line. */
interface Placed {
  text: string;
  start: number;
}

function placed(t: Token): Placed {
  return { text: t.text, start: t.start };
}

/**
 * An event: one line (of a lane, a `;`-separated part of one), from its
 * keyword to its last argument.
 */
abstract class EventNode {
  /** A field of its own, first, not a getter: read for every statement by every pass over a long file. */
  readonly kind: SimpleEvent['kind'];
  readonly line: number;
  private readonly keywordStart: number;
  private readonly endCharacter: number;

  constructor(kind: SimpleEvent['kind'], keyword: Token, last: Token) {
    this.kind = kind;
    this.line = keyword.line;
    this.keywordStart = keyword.start;
    this.endCharacter = last.end;
  }

  get keyword(): Word {
    return new Token(this.kind.startsWith('expect') ? 'expect' : this.kind, this.line, this.keywordStart);
  }

  get range(): Range {
    return new Span(this.line, this.keywordStart, this.line, this.endCharacter);
  }

  protected word(w: Placed): Word {
    return new Token(w.text, this.line, w.start);
  }
}

export class RunNode extends EventNode implements RunEvent {
  declare readonly kind: 'run';

  constructor(
    keyword: Token,
    readonly vcpu: VcpuNode,
    readonly cpu: PlaceNode,
    last: Token,
  ) {
    super('run', keyword, last);
  }
}

export class StopNode extends EventNode implements StopEvent {
  declare readonly kind: 'stop';

  constructor(
    keyword: Token,
    readonly vcpu: VcpuNode,
    last: Token,
  ) {
    super('stop', keyword, last);
  }
}

export class ScheduleNode extends EventNode implements ScheduleEvent {
  declare readonly kind: 'schedule';
  private readonly taskWord: Placed;

  constructor(
    keyword: Token,
    task: Token,
    readonly vcpu: VcpuNode,
    last: Token,
  ) {
    super('schedule', keyword, last);
    this.taskWord = placed(task);
  }

  get task(): Word {
    return this.word(this.taskWord);
  }

  get taskName(): string {
    return this.taskWord.text;
  }
}

/**
 * The events a task does to one of its pages. Texts and starts are fields
 * of their own (not `Placed` objects): these are most lines of a long file.
 */
abstract class PageEventNode extends EventNode {
  declare readonly kind: 'access' | 'map' | 'unmap' | 'tlbiel' | 'tlbie';
  readonly taskName: string;
  private readonly taskStart: number;
  /** `page.text` (undefined for a tlbiel/tlbie of the whole task), read without making a word. */
  readonly pageName: string | undefined;
  private readonly pageStart: number;

  constructor(kind: PageEventNode['kind'], keyword: Token, task: Token, page: Token | undefined, last: Token) {
    super(kind, keyword, last);
    this.taskName = task.text;
    this.taskStart = task.start;
    this.pageName = page?.text;
    this.pageStart = page?.start ?? -1;
  }

  get task(): Word {
    return new Token(this.taskName, this.line, this.taskStart);
  }

  protected pageWord(): Word | undefined {
    return this.pageName === undefined ? undefined : new Token(this.pageName, this.line, this.pageStart);
  }
}

/** `access T P` and `map T P`: a task, a page, nothing else. */
export class TaskPageNode<K extends 'access' | 'map'> extends PageEventNode {
  declare readonly kind: K;
  declare readonly pageName: string;

  constructor(kind: K, keyword: Token, task: Token, page: Token, last: Token) {
    super(kind, keyword, task, page, last);
  }

  get page(): Word {
    return this.pageWord()!;
  }
}

export class UnmapNode extends PageEventNode implements UnmapEvent {
  declare readonly kind: 'unmap';
  declare readonly pageName: string;

  constructor(
    keyword: Token,
    task: Token,
    page: Token,
    readonly form: Valued<InvalidationForm> | undefined,
    last: Token,
  ) {
    super('unmap', keyword, task, page, last);
  }

  get page(): Word {
    return this.pageWord()!;
  }
}

export class InvalidateNode extends PageEventNode implements InvalidateEvent {
  declare readonly kind: 'tlbiel' | 'tlbie';

  constructor(kind: 'tlbiel' | 'tlbie', keyword: Token, task: Token, page: Token | undefined, last: Token) {
    super(kind, keyword, task, page, last);
  }

  get page(): Word | undefined {
    return this.pageWord();
  }
}

export class ExpectOutcomeNode extends EventNode implements ExpectOutcome {
  declare readonly kind: 'expect-outcome';

  constructor(
    keyword: Token,
    readonly outcome: Valued<Outcome>,
    last: Token,
  ) {
    super('expect-outcome', keyword, last);
  }
}

export class ExpectTlbNode extends EventNode implements ExpectTlb {
  declare readonly kind: 'expect-tlb';
  private readonly taskWord: Placed;
  private readonly pageWord: Placed;

  constructor(
    keyword: Token,
    readonly where: PlaceNode,
    readonly has: boolean,
    task: Token,
    page: Token,
  ) {
    super('expect-tlb', keyword, page);
    this.taskWord = placed(task);
    this.pageWord = placed(page);
  }

  get task(): Word {
    return this.word(this.taskWord);
  }

  get page(): Word {
    return this.word(this.pageWord);
  }
}

export class ExpectFlushNode extends EventNode implements ExpectNeedTlbFlush {
  declare readonly kind: 'expect-flush';
  private readonly guestWord: Placed;

  constructor(
    keyword: Token,
    guest: Token,
    readonly where: PlaceNode,
    readonly set: boolean,
    last: Token,
  ) {
    super('expect-flush', keyword, last);
    this.guestWord = placed(guest);
  }

  get guest(): Word {
    return this.word(this.guestWord);
  }
}
