// The words of the language, with the one-line syntax of each statement.
// Shared by the parser (messages), the checker (nearest-keyword fixes) and the
// language service (completions, hover).

export const DECLARATION_KEYWORDS = ['machine', 'kernel', 'guest', 'task'] as const;
export const EVENT_KEYWORDS = [
  'run',
  'stop',
  'schedule',
  'access',
  'unmap',
  'map',
  'tlbiel',
  'tlbie',
  'expect',
  'concurrently',
] as const;
export const STATEMENT_KEYWORDS: readonly string[] = [...DECLARATION_KEYWORDS, ...EVENT_KEYWORDS];

export type StatementKeyword = (typeof DECLARATION_KEYWORDS)[number] | (typeof EVENT_KEYWORDS)[number];

export const SYNTAX: Record<StatementKeyword, string> = {
  machine: 'machine cores <N> threads <1|2|4|8> [bigcore] [tlb-sets <N>]',
  kernel: 'kernel <buggy|early-clear|fixed|fixed-smt8>',
  guest: 'guest <name> [radix|hpt] vcpus <N> [lpid <N>]',
  task: 'task <name> in <guest> pages <page> [<page> ...]',
  run: 'run <guest>.vcpu<N> on cpu<N>',
  stop: 'stop <guest>.vcpu<N>',
  schedule: 'schedule <task> on <guest>.vcpu<N>',
  access: 'access <task> <page>',
  unmap: 'unmap <task> <page> [tlbiel|tlbie|none]',
  map: 'map <task> <page>',
  tlbiel: 'tlbiel <task> [<page>]',
  tlbie: 'tlbie <task> [<page>]',
  expect:
    'expect <hit|miss|fault|stale> | expect tlb <coreN|cpuN> <has|lacks> <task>:<page> | expect need_tlb_flush <guest> <coreN|cpuN> <set|clear>',
  concurrently: 'concurrently { cpu<N>: <event> [; <event> ...] ... }',
};

export const OUTCOMES = ['hit', 'miss', 'fault', 'stale'] as const;
export const INVALIDATION_FORMS = ['tlbiel', 'tlbie', 'none'] as const;
export const THREAD_COUNTS = [1, 2, 4, 8] as const;

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent
 * transpositions, so `rnu` is one edit from `run`), for "did you mean".
 * Three rows of the table, in one typed array kept between calls: it runs
 * for hundreds of candidates per misspelling.
 */
export function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  if (rows.length < 3 * width) rows = new Int32Array(3 * width);
  // rows i - 2, i - 1 and i, rotating; row 0 starts where row i - 1 is read for i = 1
  let before = 0;
  let previous = width;
  let row = 2 * width;
  for (let j = 0; j < width; j++) rows[previous + j] = j;
  for (let i = 1; i <= a.length; i++) {
    const ai = a.charCodeAt(i - 1);
    rows[row] = i;
    for (let j = 1; j <= b.length; j++) {
      const bj = b.charCodeAt(j - 1);
      let d = Math.min(rows[previous + j] + 1, rows[row + j - 1] + 1, rows[previous + j - 1] + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) d = Math.min(d, rows[before + j - 2] + 1);
      rows[row + j] = d;
    }
    const reused = before;
    before = previous;
    previous = row;
    row = reused;
  }
  return rows[previous + b.length];
}

/** editDistance's rows, grown to the longest name compared. */
let rows = new Int32Array(3 * 16);

/**
 * Names indexed by length, for "did you mean" against every declared name: a
 * file with thousands of names and thousands of misspellings must not compare
 * each with each (4,000 × 4,000 took 20 s). A typo is a few edits, so only
 * names within `SPREAD` characters of the word's length are compared, nearest
 * lengths first, at most `MAX_COMPARED` of them, and a word longer than
 * `MAX_LENGTH` (no one's typo) is compared with nothing.
 */
export class NameIndex {
  static readonly SPREAD = 2;
  static readonly MAX_COMPARED = 200;
  static readonly MAX_LENGTH = 64;
  private readonly byLength = new Map<number, string[]>();

  constructor(names: Iterable<string> = []) {
    for (const name of names) this.add(name);
  }

  add(name: string): void {
    if (name.length > NameIndex.MAX_LENGTH + NameIndex.SPREAD) return;
    const bucket = this.byLength.get(name.length);
    if (bucket) bucket.push(name);
    else this.byLength.set(name.length, [name]);
  }

  /** The name nearest to `word`, if it is near enough to be a likely typo. */
  nearest(word: string): string | undefined {
    if (word.length > NameIndex.MAX_LENGTH) return undefined;
    const lower = word.toLowerCase();
    let best: string | undefined;
    let bestDistance = Infinity;
    let compared = 0;
    // lengths word.length, then ±1, then ±2: the length difference bounds the distance from below
    for (let spread = 0; spread <= NameIndex.SPREAD && spread < bestDistance; spread++) {
      for (let side = spread === 0 ? 1 : -1; side <= 1; side += 2) {
        for (const name of this.byLength.get(word.length + side * spread) ?? []) {
          if (compared++ === NameIndex.MAX_COMPARED) return accepted(best, bestDistance);
          const d = editDistance(lower, name);
          if (d < bestDistance) {
            best = name;
            bestDistance = d;
            if (d === 0) return best; // the word in other letter case
          }
        }
      }
    }
    return accepted(best, bestDistance);
  }
}

/** A name `distance` edits away is a likely typo when the edits are few for its length. */
function accepted(name: string | undefined, distance: number): string | undefined {
  return name !== undefined && distance <= Math.max(1, Math.floor(name.length / 3)) ? name : undefined;
}

/** The candidate nearest to `word`, if it is near enough to be a likely typo (for a few candidates: keywords, variants). */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  return new NameIndex(candidates).nearest(word);
}
