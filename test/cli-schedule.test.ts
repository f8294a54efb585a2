// `tlbscn run FILE --schedule SCHED.json` (issue 12): replays a schedule
// file, the one `explore --json` writes and the debugger's Save Schedule
// writes, under the file's kernel unless --kernel says otherwise; a file that
// is no schedule is refused with exit 2.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tlbscn } from './cliProcess';

const race = 'sample-scenarios/early-clear-race.tlbscn';


function scheduleFile(body: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlbscn-sched-'));
  const f = path.join(dir, 'race.schedule.json');
  fs.writeFileSync(f, typeof body === 'string' ? body : JSON.stringify(body));
  return f;
}

const staleOf = (out: string): number => JSON.parse(out).stale;

test('run --schedule replays the explorer\'s counterexample: the same stale access', () => {
  const explored = tlbscn('explore', race, '--json');
  assert.equal(explored.code, 1, explored.err);
  const sched = scheduleFile(explored.out);
  const r = tlbscn('run', race, '--schedule', sched, '--json');
  assert.equal(r.code, 0, r.err);
  assert.equal(staleOf(r.out), 1);
});

test('run --schedule: cpu1 entering first is safe; the schedule file\'s kernel applies unless --kernel is given', () => {
  // cpu1 takes its four entry steps first: it sees need_tlb_flush[0] still set and sweeps core0 itself
  const cpu1First = scheduleFile({ file: 'early-clear-race.tlbscn', kernel: 'early-clear', schedule: [1, 1, 1, 1], stale: 0 });
  const safe = tlbscn('run', race, '--schedule', cpu1First, '--json');
  assert.equal(safe.code, 1, 'the file expects stale');
  assert.equal(staleOf(safe.out), 0);
  assert.equal(JSON.parse(safe.out).kernel, 'early-clear');
  const underBuggy = tlbscn('run', race, '--schedule', cpu1First, '--kernel', 'buggy', '--json');
  assert.equal(JSON.parse(underBuggy.out).kernel, 'buggy');
  // buggy marks nothing: every schedule reads the stale entry
  assert.equal(staleOf(underBuggy.out), 1);
});

test('run --schedule refuses what is no schedule file, with exit 2', () => {
  const cases: [unknown, RegExp][] = [
    ['{ not json', /race\.schedule\.json: error: not a schedule file \(it does not parse as JSON\)/],
    [{ schedule: ['cpu1'] }, /'schedule' must be a list of cpu numbers/],
    [{ schedule: [1], kernel: 'v4.10' }, /unknown kernel variant 'v4\.10'/],
  ];
  for (const [body, message] of cases) {
    const r = tlbscn('run', race, '--schedule', scheduleFile(body));
    assert.equal(r.code, 2, r.out);
    assert.match(r.err, message);
  }
  const missing = tlbscn('run', race, '--schedule', '/nonexistent/race.schedule.json');
  assert.equal(missing.code, 2);
  assert.match(tlbscn('run', race, '--schedule').err, /--schedule needs the path of a schedule file/);
});
