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

// Words may contain '.' and '-' inside (`web.vcpu0`, `early-clear`,
// `tlb-sets`, `v4.10`) but not at either end; ':' always stands alone so that
// `cpu2:` and `X:D` split.
const WORD = /[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?/y;

export function lexLine(text: string, line: number): LexedLine {
  const tokens: Token[] = [];
  const bad: LexedLine['bad'] = [];
  let comment: LexedLine['comment'];
  let i = 0;
  const span = (start: number, end: number): Range => ({
    start: { line, character: start },
    end: { line, character: end },
  });
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#') {
      comment = { text: text.slice(i), start: i };
      break;
    } else if (c === '{' || c === '}' || c === ';' || c === ':') {
      tokens.push({ kind: c, text: c, range: span(i, i + 1) });
      i++;
    } else {
      WORD.lastIndex = i;
      const m = WORD.exec(text);
      if (m) {
        tokens.push({ kind: 'word', text: m[0], range: span(i, i + m[0].length) });
        i += m[0].length;
      } else {
        bad.push({ character: i, text: c });
        i++;
      }
    }
  }
  return comment ? { tokens, comment, bad } : { tokens, bad };
}

export function splitLines(text: string): string[] {
  return text.split('\n');
}
