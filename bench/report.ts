import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// How benchmarks print a figure: name, value, unit, and the target if there is one.
export type Report = (name: string, value: number, unit: string, target?: string) => void;

export const report: Report = (name, value, unit, target) => {
  const v = value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toPrecision(3);
  console.log(`${name.padEnd(58)} ${v.padStart(12)} ${unit}${target ? `   (target ${target})` : ''}`);
};

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The repository root: the benchmarks run bundled (bench/out/) and from source alike. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Resident set size of a process, from /proc (Linux); undefined elsewhere. */
export function rssMiB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
