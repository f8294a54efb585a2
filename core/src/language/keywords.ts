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
 */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The candidate nearest to `word`, if it is near enough to be a likely typo. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  // The length difference bounds the distance from below: a candidate that
  // cannot beat the best so far, or could not be accepted anyway, is skipped,
  // so a megabyte-long word costs nothing (the result is the same).
  const limit = candidates.reduce((m, c) => Math.max(m, Math.floor(c.length / 3)), 1);
  const lower = word.toLowerCase();
  for (const c of candidates) {
    const bound = Math.abs(lower.length - c.length);
    if (bound >= bestDistance || bound > limit) continue;
    const d = editDistance(lower, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}
