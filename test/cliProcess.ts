// The command line as a process, for the CLI tests: the built bin with
// colours off, its status and both streams; and scenario files in a fresh
// temporary folder.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const root = path.join(__dirname, '..');

export function tlbscn(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'tlbscn.js'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A file of `text` named `name` in a folder of its own. */
export function tempFile(text: string, name = 'case.tlbscn'): string {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tlbscn-cli-')), name);
  fs.writeFileSync(f, text);
  return f;
}
