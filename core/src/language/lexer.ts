// Splits one line of a .tlbscn file into words and punctuation. The language
// is line oriented, so the lexer works a line at a time and the parser (and
// the language service, for completions) can re-lex a single line cheaply.

import type { Range } from './ast';
import { characterName } from './diagnostics';

export type TokenKind = 'word' | '{' | '}' | ';' | ':';

/**
 * A token, and the `Word` the AST hands out. It holds its text, line and
 * start only (its end and kind follow from its text) and builds its range
 * when asked: a long file's parse would otherwise spend most of its time
 * carrying objects it never reads.
 */
export class Token {
  constructor(
    readonly text: string,
    readonly line: number,
    readonly start: number,
  ) {}

  get end(): number {
    return this.start + this.text.length;
  }

  get kind(): TokenKind {
    const t = this.text;
    return t.length === 1 && PUNCTUATION.has(t) ? (t as TokenKind) : 'word';
  }

  get range(): Range {
    return { start: { line: this.line, character: this.start }, end: { line: this.line, character: this.end } };
  }

  /** Plain data for JSON: a Word as the AST describes it. */
  toJSON(): { text: string; range: Range } {
    return { text: this.text, range: this.range };
  }
}

const PUNCTUATION: ReadonlySet<string> = new Set(['{', '}', ';', ':']);

export interface LexedLine {
  tokens: Token[];
  /** `# ...` to the end of the line, if any. */
  comment?: { text: string; start: number };
  /**
   * Characters that are neither words, punctuation nor white space (absent
   * when there are none), each as a message names it: itself, or `U+200B`
   * for one that does not show.
   */
  bad?: { character: number; text: string }[];
}

const enum Char {
  Tab = 9,
  Cr = 13,
  Space = 32,
  Hash = 35,
  Minus = 45,
  Dot = 46,
  Colon = 58,
  Semicolon = 59,
  OpenBrace = 123,
  CloseBrace = 125,
}

/** `[A-Za-z0-9_]` */
function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/**
 * One copy of each word: a scenario repeats a few dozen words (keywords,
 * names, `cpu4`) over and over, and a long file's tokens would otherwise each
 * hold a string of their own. A cache indexed by a hash the lexer computes as
 * it scans, so that a word seen before costs neither a new string nor a
 * lookup by string; fixed in size, so arbitrary input cannot grow it.
 */
const WORDS_BITS = 12;
const words: (string | undefined)[] = new Array<string | undefined>(1 << WORDS_BITS);

/** The word in text[start, end), whose hash is `hash`: the cached copy if there is one. */
function intern(text: string, start: number, end: number, hash: number): string {
  const slot = hash & ((1 << WORDS_BITS) - 1);
  const known = words[slot];
  if (known !== undefined && known.length === end - start && text.startsWith(known, start)) return known;
  const word = text.slice(start, end);
  if (word.length <= 32) words[slot] = word;
  return word;
}

// Words may contain '.' and '-' inside (`web.vcpu0`, `early-clear`,
// `tlb-sets`, `v4.10`) but not at either end; ':' always stands alone so that
// `cpu2:` and `X:D` split. Hand-written: this runs on every line of every
// keystroke's re-parse.
export function lexLine(text: string, line: number): LexedLine {
  return lexSpan(text, 0, text.length, line);
}

/**
 * Lexes characters [from, to) of `source` as line `line`, characters counted
 * from `from`: the parser lexes a whole file in place, without a string per line.
 */
export function lexSpan(text: string, from: number, to: number, line: number): LexedLine {
  const tokens: Token[] = [];
  let bad: LexedLine['bad'];
  let comment: LexedLine['comment'];
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === Char.Space || c === Char.Tab || c === Char.Cr) {
      i++;
    } else if (c === Char.Hash) {
      comment = { text: text.slice(i, to), start: i - from };
      break;
    } else if (c === Char.OpenBrace || c === Char.CloseBrace || c === Char.Semicolon || c === Char.Colon) {
      const t = text[i] as TokenKind;
      tokens.push(new Token(t, line, i - from));
      i++;
    } else if (isWordChar(c)) {
      const start = i;
      let end = ++i; // end of the word so far (after its last word character)
      let hash = c;
      let hashAtEnd = hash;
      while (i < to) {
        const d = text.charCodeAt(i);
        if (isWordChar(d)) {
          hash = (Math.imul(hash, 31) + d) | 0;
          hashAtEnd = hash;
          end = ++i;
        } else if (d === Char.Dot || d === Char.Minus) {
          hash = (Math.imul(hash, 31) + d) | 0;
          i++;
        } else break;
      }
      i = end; // a trailing '.' or '-' is not part of the word
      tokens.push(new Token(intern(text, start, end, hashAtEnd ^ (hashAtEnd >>> 15)), line, start - from));
    } else {
      // one message per character, also for one outside the BMP (two UTF-16 units)
      const ch = String.fromCodePoint(text.codePointAt(i)!);
      (bad ??= []).push({ character: i - from, text: characterName(ch) });
      i += ch.length;
    }
  }
  return { tokens, comment, bad };
}

/** The lines of an `editorText`, in which '\n' is the only line break (as the parser splits them). */
export function splitLines(text: string): string[] {
  return text.split('\n');
}

const BYTE_ORDER_MARK = 0xfeff;

/**
 * The text as an editor shows it, which is what the parser reads: without a
 * leading byte-order mark (editors do not show it, so column 1 is the first
 * character after it), and with every line break — '\r\n', a lone '\r' (a
 * break to editors and LSP) or '\n' — written '\n', the one the parser
 * splits at. Every character keeps its line and column.
 */
export function editorText(text: string): string {
  const body = text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text;
  return body.includes('\r') ? body.replace(/\r\n?/g, '\n') : body;
}
