// Parser: text → ScenarioFile with exact ranges. It never throws; a line it
// cannot read becomes a diagnostic and parsing goes on with the next line (or
// the next `;`-separated event of a lane), so five mistakes give five messages.

import type {
  Comment,
  ConcurrentlyBlock,
  Lane,
  Num,
  PlaceRef,
  Range,
  ScenarioFile,
  SimpleEvent,
  Statement,
  Word,
  Outcome,
  InvalidationForm,
} from './ast';
import { type Diagnostic, error } from './diagnostics';
import { INVALIDATION_FORMS, OUTCOMES, STATEMENT_KEYWORDS, SYNTAX, type StatementKeyword, nearest } from './keywords';
import { Token, lexSpan, splitLines } from './lexer';
import {
  ExpectFlushNode,
  ExpectOutcomeNode,
  ExpectTlbNode,
  InvalidateNode,
  PlaceNode,
  RunNode,
  ScheduleNode,
  Span,
  StopNode,
  TaskPageNode,
  UnmapNode,
  Valued,
  VcpuNode,
} from './nodes';

export interface ParseResult {
  file: ScenarioFile;
  diagnostics: Diagnostic[];
}

/** Thrown inside one statement's parse; caught per statement (never escapes `parse`). */
class SyntaxProblem {
  constructor(readonly diagnostic: Diagnostic) {}
}

const VCPU_REF = /^([A-Za-z_][A-Za-z0-9_]*)\.vcpu(\d+)$/;
const PLACE_REF = /^(cpu|core)(\d+)$/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER = /^\d+$/;

function cover(a: Range, b: Range): Range {
  return { start: a.start, end: b.end };
}

/** Reads one statement's tokens left to right, with messages that name the statement's syntax. */
class Cursor {
  constructor(
    private readonly tokens: Token[],
    /** The next token to read (the statement's arguments start after its keyword). */
    private i: number,
    private readonly keyword: StatementKeyword,
    private readonly lineEnd: () => Range,
  ) {}

  get done(): boolean {
    return this.i >= this.tokens.length;
  }

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  /** From the statement's first token to the last one read. */
  span(): Range {
    const first = this.tokens[0];
    const last = this.tokens[this.i - 1];
    return new Span(first.line, first.start, last.line, last.end);
  }

  private fail(what: string, at?: Token): never {
    const range = at?.range ?? this.lineEnd();
    const found = at ? `found '${at.text}'` : 'found the end of the line';
    throw new SyntaxProblem(
      error(range, 'wrong-arguments', `expected ${what}, ${found} (syntax: ${SYNTAX[this.keyword]})`),
    );
  }

  next(what: string): Token {
    const t = this.tokens[this.i];
    if (!t) this.fail(what);
    this.i++;
    return t;
  }

  word(what: string): Token {
    const t = this.next(what);
    if (t.kind !== 'word') this.fail(what, t);
    return t;
  }

  ident(what: string): Token {
    const t = this.next(what);
    if (t.kind !== 'word' || !IDENT.test(t.text)) this.fail(what, t);
    return t;
  }

  literal(text: string): Token {
    const t = this.next(`'${text}'`);
    if (t.text !== text) this.fail(`'${text}'`, t);
    return t;
  }

  /** Consumes the literal if it is next. */
  optional(text: string): Token | undefined {
    const t = this.tokens[this.i];
    if (t && t.text === text) {
      this.i++;
      return t;
    }
    return undefined;
  }

  number(what: string): Num {
    const t = this.next(what);
    if (t.kind !== 'word' || !NUMBER.test(t.text)) this.fail(what, t);
    return new Valued(Number(t.text), t);
  }

  oneOf<T extends string>(choices: readonly T[], what: string): Valued<T> {
    const t = this.next(what);
    if (!choices.includes(t.text as T)) this.fail(what, t);
    return new Valued(t.text as T, t);
  }

  vcpu(): VcpuNode {
    const t = this.next('<guest>.vcpu<N>');
    const m = VCPU_REF.exec(t.text);
    if (!m) this.fail('<guest>.vcpu<N>', t);
    return new VcpuNode(t, m[1], Number(m[2]));
  }

  place(kinds: readonly ('cpu' | 'core')[]): PlaceNode {
    const what = kinds.map((k) => `${k}<N>`).join(' or ');
    const t = this.next(what);
    const m = PLACE_REF.exec(t.text);
    if (!m || !kinds.includes(m[1] as 'cpu' | 'core')) this.fail(what, t);
    return new PlaceNode(m[1] as 'cpu' | 'core', Number(m[2]), t);
  }

  /** The statement is complete: nothing may follow; its range is now known. */
  finish(node: Statement): Statement {
    this.end();
    node.range = this.span();
    return node;
  }

  /** The statement is complete: nothing may follow. Returns its last token (where it ends). */
  last(): Token {
    this.end();
    return this.tokens[this.i - 1];
  }

  end(): void {
    const t = this.tokens[this.i];
    if (t) {
      throw new SyntaxProblem(
        error(
          { start: t.range.start, end: this.tokens[this.tokens.length - 1].range.end },
          'wrong-arguments',
          `too many arguments: '${t.text}' and after (syntax: ${SYNTAX[this.keyword]})`,
        ),
      );
    }
  }
}

/** A statement's range until `Cursor.finish` sets it. */
const PENDING: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function parseStatement(tokens: Token[], lineEnd: () => Range): Statement {
  const head = tokens[0];
  const keyword = head.text as StatementKeyword;
  if (head.kind !== 'word' || !STATEMENT_KEYWORDS.includes(head.text)) {
    const meant = head.kind === 'word' ? nearest(head.text, STATEMENT_KEYWORDS) : undefined;
    throw new SyntaxProblem(
      error(
        head.range,
        'unknown-keyword',
        `unknown keyword '${head.text}'` + (meant ? `; did you mean '${meant}'?` : ''),
        meant ? { meant } : undefined,
      ),
    );
  }
  const c = new Cursor(tokens, 1, keyword, lineEnd);
  const kw: Word = head;
  // each node is built whole, with its keyword, then its range is completed
  const finish = (node: Statement): Statement => c.finish(node);
  switch (keyword) {
    case 'machine': {
      c.literal('cores');
      const cores = c.number('the number of cores');
      c.literal('threads');
      const threads = c.number('threads per core: 1, 2, 4 or 8');
      const bigcore = c.optional('bigcore');
      let tlbSets: Num | undefined;
      if (c.optional('tlb-sets')) tlbSets = c.number('the number of TLB sets');
      return finish({ keyword: kw, range: PENDING, kind: 'machine', cores, threads, bigcore, tlbSets });
    }
    case 'kernel':
      return finish({ keyword: kw, range: PENDING, kind: 'kernel', variant: c.word('a kernel variant') });
    case 'guest': {
      const name = c.ident('a guest name');
      const mmuWord = c.optional('radix') ?? c.optional('hpt');
      c.literal('vcpus');
      const vcpus = c.number('the number of vcpus');
      let lpid: Num | undefined;
      if (c.optional('lpid')) lpid = c.number('an lpid number');
      const mmu = mmuWord?.text === 'hpt' ? 'hpt' : 'radix';
      return finish({ keyword: kw, range: PENDING, kind: 'guest', name, mmu, mmuWord, vcpus, lpid });
    }
    case 'task': {
      const name = c.ident('a task name');
      c.literal('in');
      const guest = c.ident('a guest name');
      c.literal('pages');
      const pages = [c.ident('a page name')];
      while (!c.done) pages.push(c.ident('a page name'));
      return finish({ keyword: kw, range: PENDING, kind: 'task', name, guest, pages });
    }
    case 'run': {
      const vcpu = c.vcpu();
      c.literal('on');
      const cpu = c.place(['cpu']);
      return new RunNode(head, vcpu, cpu, c.last());
    }
    case 'stop': {
      const vcpu = c.vcpu();
      return new StopNode(head, vcpu, c.last());
    }
    case 'schedule': {
      const task = c.ident('a task name');
      c.literal('on');
      const vcpu = c.vcpu();
      return new ScheduleNode(head, task, vcpu, c.last());
    }
    case 'access':
    case 'map': {
      const task = c.ident('a task name');
      const page = c.ident('a page name');
      return new TaskPageNode(keyword, head, task, page, c.last());
    }
    case 'unmap': {
      const task = c.ident('a task name');
      const page = c.ident('a page name');
      const form = c.done ? undefined : c.oneOf<InvalidationForm>(INVALIDATION_FORMS, 'tlbiel, tlbie or none');
      return new UnmapNode(head, task, page, form, c.last());
    }
    case 'tlbiel':
    case 'tlbie': {
      const task = c.ident('a task name');
      const page = c.done ? undefined : c.ident('a page name');
      return new InvalidateNode(keyword, head, task, page, c.last());
    }
    case 'expect': {
      const what = c.peek();
      if (what?.text === 'tlb') {
        c.next('tlb');
        const where = c.place(['core', 'cpu']);
        const has = c.oneOf(['has', 'lacks'] as const, 'has or lacks').value === 'has';
        const task = c.ident('<task>:<page>');
        c.literal(':');
        const page = c.ident('a page name');
        c.last();
        return new ExpectTlbNode(head, where, has, task, page);
      }
      if (what?.text === 'need_tlb_flush') {
        c.next('need_tlb_flush');
        const guest = c.ident('a guest name');
        const where = c.place(['core', 'cpu']);
        const set = c.oneOf(['set', 'clear'] as const, 'set or clear').value === 'set';
        return new ExpectFlushNode(head, guest, where, set, c.last());
      }
      const outcome = c.oneOf<Outcome>(OUTCOMES, 'hit, miss, fault, stale, tlb or need_tlb_flush');
      return new ExpectOutcomeNode(head, outcome, c.last());
    }
    case 'concurrently':
      // handled by the caller, which owns the block structure
      throw new SyntaxProblem(error(head.range, 'unbalanced-braces', "'concurrently' must be followed by '{'"));
  }
}

function lineEndRange(line: number, text: string): Range {
  let end = text.length;
  while (end > 0 && /\s/.test(text[end - 1])) end--;
  return { start: { line, character: end }, end: { line, character: end + 1 } };
}

export function parse(text: string): ParseResult {
  return parseLines(text, undefined, 0, [], [], []);
}

/**
 * A parsed file. Its lines are split from the text only when asked for (an
 * edit's re-parse compares them): a long file's parse makes no string per line.
 */
class ParsedFile implements ScenarioFile {
  constructor(
    readonly statements: Statement[],
    readonly comments: Comment[],
    private readonly text: string,
    private lines: string[] | undefined,
  ) {}

  get sourceLines(): string[] {
    return (this.lines ??= splitLines(this.text));
  }

  /** Plain data for JSON, as the ScenarioFile interface describes it. */
  toJSON(): ScenarioFile {
    return { statements: this.statements, comments: this.comments, sourceLines: this.sourceLines };
  }
}

/**
 * Parses `text` after an edit of the text `previous` was parsed from. The
 * statements, comments and messages that lie wholly before the first changed
 * line (and before any statement that reaches it) are kept as they were; the
 * rest is parsed again. The result is the same as `parse(text)`.
 */
export function reparse(previous: ParseResult, text: string): ParseResult {
  const lines = splitLines(text);
  const old = previous.file.sourceLines;
  let firstChange = 0;
  const n = Math.min(lines.length, old.length);
  while (firstChange < n && lines[firstChange] === old[firstChange]) firstChange++;
  if (firstChange === lines.length && lines.length === old.length) return previous;
  // an unclosed block swallowed every line after it: it cannot be kept
  const prior = previous.file.statements;
  let kept = prior.findIndex((st) => st.range.end.line >= firstChange || (st.kind === 'concurrently' && st.openRange && !st.closeRange));
  let from = kept < 0 ? firstChange : Math.min(firstChange, prior[kept].range.start.line);
  // Parsing restarts at the start of line `from` with no block open, so no
  // kept statement may end on that line: `} concurrently {` (or `} run …`)
  // closes a block on the line where the next statement starts.
  while (kept > 0 && prior[kept - 1].range.end.line >= from) {
    kept--;
    from = Math.min(from, prior[kept].range.start.line);
  }
  const statements = kept < 0 ? [...prior] : prior.slice(0, kept);
  // With as many lines as before (an edit within lines), what follows the
  // last changed line can be kept too, from the first statement boundary
  // both parses share: every line there has the same text and number.
  let tail: Tail | undefined;
  if (lines.length === old.length) {
    let lastChange = lines.length - 1;
    while (lastChange > firstChange && lines[lastChange] === old[lastChange]) lastChange--;
    tail = { previous, after: lastChange };
  }
  return parseLines(
    text,
    lines,
    from,
    statements,
    previous.file.comments.filter((c) => c.range.start.line < from),
    previous.diagnostics.filter((d) => d.range.start.line < from),
    tail,
  );
}

/** The unchanged end of a re-parsed text: lines after `after` are as in `previous`. */
interface Tail {
  previous: ParseResult;
  after: number;
}

/** Index of the first statement of `statements` that starts at `line`, if no earlier one reaches it. */
function boundaryAt(statements: readonly Statement[], line: number): number | undefined {
  let lo = 0;
  let hi = statements.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (statements[mid].range.start.line < line) lo = mid + 1;
    else hi = mid;
  }
  if (lo === statements.length || statements[lo].range.start.line !== line) return undefined;
  return lo === 0 || statements[lo - 1].range.end.line < line ? lo : undefined;
}

/**
 * Parses lines `from` onwards of `text` (split into `lines`, if that was
 * needed already), appending to what earlier lines gave (and taking an
 * unchanged `tail` as it was).
 */
function parseLines(
  text: string,
  lines: string[] | undefined,
  from: number,
  statements: Statement[],
  comments: Comment[],
  diagnostics: Diagnostic[],
  tail?: Tail,
): ParseResult {
  let block: ConcurrentlyBlock | undefined;
  // the line being parsed: characters [lineStart, lineStop) of the text
  let line = from;
  let lineStart = 0;
  let lineStop = 0;
  let codeStop = 0; // where a comment starts, else lineStop
  // where a missing argument is reported: only computed for an error
  const end = (): Range => lineEndRange(line, text.slice(lineStart, codeStop));

  const tryParse = (tokens: Token[], end: () => Range): Statement | undefined => {
    try {
      return parseStatement(tokens, end);
    } catch (e) {
      if (e instanceof SyntaxProblem) {
        diagnostics.push(e.diagnostic);
        return undefined;
      }
      throw e;
    }
  };

  const parseLane = (tokens: Token[], end: () => Range, into: ConcurrentlyBlock): void => {
    const label = tokens[0];
    const m = PLACE_REF.exec(label.text);
    if (label.kind !== 'word' || !m || m[1] !== 'cpu' || tokens[1]?.kind !== ':') {
      diagnostics.push(
        error(label.range, 'wrong-arguments', "a lane starts with 'cpu<N>:' (syntax: cpu<N>: <event> [; <event> ...])"),
      );
      return;
    }
    const cpu: PlaceRef = { kind: 'cpu', index: Number(m[2]), range: label.range };
    const events: SimpleEvent[] = [];
    let part: Token[] = [];
    const flush = (sepRange: Range): void => {
      if (part.length === 0) {
        diagnostics.push(error(sepRange, 'wrong-arguments', 'empty event in a lane'));
      } else if (part[0].text === 'concurrently') {
        diagnostics.push(error(part[0].range, 'nested-concurrently', "'concurrently' blocks do not nest"));
      } else {
        const s = tryParse(part, () => ({ start: part[part.length - 1].range.end, end: sepRange.start }));
        if (s) events.push(s as SimpleEvent);
      }
      part = [];
    };
    for (const t of tokens.slice(2)) {
      if (t.kind === ';') flush(t.range);
      else part.push(t);
    }
    flush(end());
    const last = tokens[tokens.length - 1];
    into.lanes.push({ cpu, labelRange: cover(label.range, tokens[1].range), events, range: cover(label.range, last.range) });
  };

  const parseLine = (): void => {
    const lexed = lexSpan(text, lineStart, lineStop, line);
    codeStop = lexed.comment ? lineStart + lexed.comment.start : lineStop;
    if (lexed.comment) {
      comments.push({
        text: lexed.comment.text,
        range: { start: { line, character: lexed.comment.start }, end: { line, character: lineStop - lineStart } },
      });
    }
    for (const b of lexed.bad ?? []) {
      diagnostics.push(
        error(
          { start: { line, character: b.character }, end: { line, character: b.character + 1 } },
          'unexpected-character',
          `unexpected character '${b.text}'`,
        ),
      );
    }
    let tokens = lexed.tokens;
    if (tokens.length === 0) return;

    if (tokens[0].kind === '}') {
      if (block) {
        block.closeRange = tokens[0].range;
        block.range = cover(block.range, tokens[0].range);
        block = undefined;
      } else {
        diagnostics.push(error(tokens[0].range, 'unbalanced-braces', "'}' without an open 'concurrently {'"));
      }
      tokens = tokens.slice(1);
      if (tokens.length === 0) return;
    }
    if (tokens[0].text === 'concurrently') {
      if (block) {
        diagnostics.push(error(tokens[0].range, 'nested-concurrently', "'concurrently' blocks do not nest"));
        return;
      }
      const brace = tokens[1];
      if (brace?.kind !== '{') {
        diagnostics.push(error(brace?.range ?? end(), 'unbalanced-braces', "'concurrently' must be followed by '{'"));
      }
      const kw: Word = { text: tokens[0].text, range: tokens[0].range };
      const node: ConcurrentlyBlock = { kind: 'concurrently', keyword: kw, lanes: [], range: cover(kw.range, (brace ?? tokens[0]).range) };
      if (brace?.kind === '{') node.openRange = brace.range;
      statements.push(node);
      if (tokens.length > 2) {
        diagnostics.push(
          error(cover(tokens[2].range, tokens[tokens.length - 1].range), 'wrong-arguments', "put each lane on its own line after 'concurrently {'"),
        );
      }
      if (brace?.kind === '{') block = node;
      return;
    }
    if (block) {
      // a lane line, possibly ending with the block's '}'
      const closing = tokens[tokens.length - 1].kind === '}' ? tokens[tokens.length - 1] : undefined;
      const laneTokens = closing ? tokens.slice(0, -1) : tokens;
      if (laneTokens.length > 0) parseLane(laneTokens, end, block);
      if (closing) {
        block.closeRange = closing.range;
        block.range = cover(block.range, closing.range);
        block = undefined;
      }
      return;
    }
    const s = tryParse(tokens, end);
    if (s) statements.push(s);
  };
  for (let l = 0; l < from; l++) {
    const newline = text.indexOf('\n', lineStart);
    lineStart = newline < 0 ? text.length + 1 : newline + 1; // past the end: no line `from`
  }
  for (; lineStart <= text.length; line++, lineStart = lineStop + 1) {
    const reuse = tail && line > tail.after && !block ? boundaryAt(tail.previous.file.statements, line) : undefined;
    if (tail && reuse !== undefined) {
      const old = tail.previous;
      for (let i = reuse; i < old.file.statements.length; i++) statements.push(old.file.statements[i]);
      for (const c of old.file.comments) if (c.range.start.line >= line) comments.push(c);
      for (const d of old.diagnostics) if (d.range.start.line >= line) diagnostics.push(d);
      return { file: new ParsedFile(statements, comments, text, lines), diagnostics };
    }
    const newline = text.indexOf('\n', lineStart);
    lineStop = newline < 0 ? text.length : newline;
    parseLine();
  }

  if (block) {
    diagnostics.push(error(block.keyword.range, 'unbalanced-braces', "'concurrently {' is never closed with '}'"));
    const lastLane: Lane | undefined = block.lanes[block.lanes.length - 1];
    if (lastLane) block.range = cover(block.range, lastLane.range);
  }
  return { file: new ParsedFile(statements, comments, text, lines), diagnostics };
}
