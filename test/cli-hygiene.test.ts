// Issue 13, "nothing crashes, nothing hangs, nothing lies", for the command
// line: each defect's minimal reproducer, run through the built CLI as a process.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const seed = fs.readFileSync(path.join(root, 'sample-scenarios', 'seed-a29ebeaf.tlbscn'), 'utf8');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlbscn-hygiene-'));

/** Runs the CLI on a file with `content` (or on `content` as a path, if it is one); a hang fails after 20 s. */
function cli(command: string, content: string | Buffer | { path: string }, ...flags: string[]) {
  let file: string;
  if (typeof content === 'object' && 'path' in content) file = content.path;
  else fs.writeFileSync((file = path.join(dir, `case${fs.readdirSync(dir).length}.tlbscn`)), content);
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'tlbscn.js'), command, file, ...flags], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr, file, timedOut: r.error !== undefined };
}

/** Any character a terminal acts on (other than the line feeds of the output itself). */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/;

test('check of 4,000 tasks and 4,000 undeclared ones ends in seconds (was 20 s), printing 100 errors and how many more', () => {
  const lines = ['machine cores 1 threads 1', 'guest vm vcpus 1'];
  for (let i = 0; i < 4000; i++) lines.push(`task t${i} in vm pages p`);
  for (let i = 0; i < 4000; i++) lines.push(`access u${i} p`);
  const start = Date.now();
  const r = cli('check', lines.join('\n'));
  assert.equal(r.code, 2);
  assert.ok(Date.now() - start < 10_000, `${Date.now() - start} ms`);
  const printed = r.err.trimEnd().split('\n');
  assert.equal(printed.length, 101);
  assert.equal(printed[100], `${r.file}: … and 3900 more errors, 4000 more warnings`);
});

test('a 4 KB binary file: one clear error, exit 2', () => {
  const bytes = Buffer.alloc(4096, 0);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
  const r = cli('check', bytes);
  assert.equal(r.code, 2);
  assert.equal(r.err, `${r.file}: error: a binary file (it contains NUL bytes), not a scenario\n`);
});

test('a FIFO, /dev/zero, a directory or a file over 16 MiB is not read: a clear error, exit 2, no hang', () => {
  const fifo = path.join(dir, 'fifo.tlbscn');
  execFileSync('mkfifo', [fifo]);
  const big = path.join(dir, 'big.tlbscn');
  fs.writeFileSync(big, '');
  fs.truncateSync(big, 17 * 1024 * 1024);
  for (const [file, message] of [
    [fifo, 'not a regular file'],
    ['/dev/zero', 'not a regular file'],
    [dir, 'a directory'],
    [big, 'larger than 16 MiB'],
  ]) {
    const r = cli('run', { path: file });
    assert.equal(r.timedOut, false, file);
    assert.equal(r.code, 2, file);
    assert.equal(r.err, `${file}: error: ${r.err.slice(file.length + 9)}`, file);
    assert.ok(r.err.includes(message), r.err);
  }
});

test('run exits 2 after a runtime error, which it prints as FILE:LINE:COL: error: MESSAGE', () => {
  const text = ['machine cores 1 threads 2', 'guest vm vcpus 2', 'task X in vm pages P', 'run vm.vcpu0 on cpu0', 'concurrently {', '  cpu0: access X P', '}'].join('\n');
  const r = cli('run', text); // X is never scheduled: the lane's access cannot happen
  assert.equal(r.code, 2, r.out + r.err);
  assert.ok(r.err.startsWith(`${r.file}:`), r.err);
  assert.match(r.err.slice(r.file.length), /^:[5-6]:\d+: error: .*\bX\b.*\n$/);
  assert.equal(cli('run', text, '--json').code, 2);
});

test('a UTF-8 byte-order mark: the seed runs as without it', () => {
  const r = cli('run', '\uFEFF' + seed, '--kernel', 'buggy');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /→ STALE/);
});

test("lone '\\r' line endings: the lines an editor counts", () => {
  const lf = cli('run', seed, '--kernel', 'buggy');
  const cr = cli('run', seed.split('\n').join('\r'), '--kernel', 'buggy');
  assert.equal(cr.code, 0, cr.err);
  assert.equal(cr.out.replaceAll(cr.file, 'F'), lf.out.replaceAll(lf.file, 'F'));
});

test('control characters of a scenario never reach the terminal: escaped in diagnostics, comments never shown', () => {
  // a comment that would set the window title and clear the screen, after a line separator
  const hostile = seed.replace(/^access X p.*$/m, 'access X p # \u2028\u001b]0;pwned\u0007\u001b[2J \u202e');
  const run = cli('run', hostile, '--kernel', 'buggy');
  assert.equal(run.code, 0, run.err);
  assert.doesNotMatch(run.out, CONTROL);
  const check = cli('check', 'machine cores 1 threads 1 \u001b[2J \u200b\n');
  assert.equal(check.code, 2);
  assert.doesNotMatch(check.err, CONTROL);
  assert.match(check.err, /unexpected character 'U\+001B'/);
  assert.match(check.err, /unexpected character 'U\+200B'/);
});
