// Formatting: canonical spacing (one space between words, `task:page` and
// `cpuN:` written tight, ` ; ` between a lane's events), lanes indented two
// spaces with their labels padded to one width per block. Works from the
// tokens of each line, so a file with errors formats too; a line with
// characters the lexer cannot read is left as it is. A trailing comment keeps
// its column when the code still fits before it (the samples align them).

import { type Token, lexLine } from '../../../core/src/index';
import type { TextEdit } from 'vscode-languageserver';
import type { Analysis } from './analysis';

const LANE_INDENT = '  ';

/** Words joined by single spaces; `:` binds to both neighbours (`X:D`), `;` is spaced. */
function joinTokens(tokens: Token[]): string {
  let out = '';
  tokens.forEach((t, i) => {
    if (i > 0 && t.kind !== ':' && tokens[i - 1].kind !== ':') out += ' ';
    out += t.text;
  });
  return out;
}

function isLane(tokens: Token[]): boolean {
  return tokens.length >= 2 && tokens[0].kind === 'word' && tokens[1].kind === ':';
}

/** `  cpu1:  run … ; access X D`, the label padded to `width`; a trailing `}` closes the block. */
function laneCode(tokens: Token[], width: number): string {
  const events = tokens.slice(2);
  return `${LANE_INDENT}${`${tokens[0].text}:`.padEnd(width)} ${joinTokens(events)}`.trimEnd();
}

export function formatDocument(analysis: Analysis): TextEdit[] {
  const source = analysis.lines;
  const lexed = source.map((text, i) => lexLine(text, i));
  const code: (string | undefined)[] = new Array(source.length);

  let lanes: number[] | undefined; // lane lines of the open block
  const closeBlock = (): void => {
    if (!lanes) return;
    const width = Math.max(...lanes.map((i) => lexed[i].tokens[0].text.length + 1));
    for (const i of lanes) code[i] = laneCode(lexed[i].tokens, width);
    lanes = undefined;
  };
  lexed.forEach((l, i) => {
    const t = l.tokens;
    if (l.bad || t.length === 0) return;
    if (lanes && isLane(t)) {
      lanes.push(i);
      if (t[t.length - 1].kind === '}') closeBlock();
      return;
    }
    if (lanes && t[0].kind === '}') closeBlock();
    code[i] = joinTokens(t);
    if (t[0].text === 'concurrently' && t.some((x) => x.kind === '{')) lanes = [];
  });
  closeBlock();

  const edits: TextEdit[] = [];
  source.forEach((text, i) => {
    const comment = lexed[i].comment;
    let next = code[i];
    if (next === undefined) next = lexed[i].bad ? text : text.trimEnd();
    else if (comment) next += ' '.repeat(Math.max(1, comment.start - next.length)) + comment.text.trimEnd();
    if (next !== text) edits.push({ range: { start: { line: i, character: 0 }, end: { line: i, character: text.length } }, newText: next });
  });
  return edits;
}
