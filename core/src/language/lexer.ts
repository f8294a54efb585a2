// Splits one line of a .tlbscn file into words and punctuation. The language
// is line oriented, so the lexer works a line at a time and the parser (and
// the language service, for completions) can re-lex a single line cheaply.

import type { Range } from './ast';

export type TokenKind = 'word' | '{' | '}' | ';' | ':';

export interface Token {
  kind: TokenKind;
  text: string;
  range: Range;
}

export interface LexedLine {
  tokens: Token[];
  /** `# ...` to the end of the line, if any. */
  comment?: { text: string; start: number };
  /** Characters that are neither words, punctuation nor white space. */
  bad: { character: number; text: string }[];
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

// Words may contain '.' and '-' inside (`web.vcpu0`, `early-clear`,
// `tlb-sets`, `v4.10`) but not at either end; ':' always stands alone so that
// `cpu2:` and `X:D` split. Hand-written: this runs on every line of every
// keystroke's re-parse.
export function lexLine(text: string, line: number): LexedLine {
  const tokens: Token[] = [];
  const bad: LexedLine['bad'] = [];
  let comment: LexedLine['comment'];
  const n = text.length;
  let i = 0;
  const span = (start: number, end: number): Range => ({
    start: { line, character: start },
    end: { line, character: end },
  });
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === Char.Space || c === Char.Tab || c === Char.Cr) {
      i++;
    } else if (c === Char.Hash) {
      comment = { text: text.slice(i), start: i };
      break;
    } else if (c === Char.OpenBrace || c === Char.CloseBrace || c === Char.Semicolon || c === Char.Colon) {
      const t = text[i] as TokenKind;
      tokens.push({ kind: t, text: t, range: span(i, i + 1) });
      i++;
    } else if (isWordChar(c)) {
      const start = i;
      let end = ++i; // end of the word so far (after its last word character)
      while (i < n) {
        const d = text.charCodeAt(i);
        if (isWordChar(d)) end = ++i;
        else if (d === Char.Dot || d === Char.Minus) i++;
        else break;
      }
      i = end; // a trailing '.' or '-' is not part of the word
      tokens.push({ kind: 'word', text: text.slice(start, end), range: span(start, end) });
    } else {
      bad.push({ character: i, text: text[i] });
      i++;
    }
  }
  return comment ? { tokens, comment, bad } : { tokens, bad };
}

export function splitLines(text: string): string[] {
  return text.split('\n');
}
