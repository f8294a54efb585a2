// Edits during a session (issue 12), over DAP: a change to the scenario's file
// (seen at the next stop) or in the editor (the client's sourceChanged) is
// announced once, in the console and by scenarioChanged; from then on the call
// stack shows the text the run was made from, never the new lines; and
// restartAtStep runs the new text to the equivalent step.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ROOT, SEED, frames, launch, session, stopAfter } from './helpers';

before(() => execFileSync('node', ['scripts/build.mjs'], { cwd: ROOT }));

const info = async (dc: DebugClient) => (await dc.customRequest('traceInfo')).body as { step: number; line: number; stale: number };

/** A copy of the seed, which the test edits. */
function copy(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tlbscn-edits-')), 'seed.tlbscn');
  fs.copyFileSync(SEED, file);
  return file;
}

describe('edits during a session', () => {
  it('an edit in the editor: announced once, old lines from a copy, and a restart at the same statement', session(async (dc) => {
    const file = copy();
    const stop = await launch(dc, { program: file, kernel: 'buggy' });
    assert.equal(stop.body.reason, 'exception');
    const before = await info(dc);
    const text = fs.readFileSync(file, 'utf8');
    // a line inserted above the stop: the stale access moves down one line
    const edited = `# a note\n${text}`;
    const changed = dc.waitForEvent('scenarioChanged');
    assert.equal((await dc.customRequest('sourceChanged', { file, text: edited })).body.changed, true);
    assert.deepEqual((await changed).body, { file, step: before.step, line: before.line });
    // the same text again is not announced again; another file is not this session's
    assert.equal((await dc.customRequest('sourceChanged', { file: `${file}.other`, text: edited })).body.changed, false);
    const top = (await frames(dc, stop))[0];
    assert.equal(top.source?.name, 'seed.tlbscn (as debugged)');
    assert.ok(top.source?.sourceReference);
    assert.equal((await dc.sourceRequest({ sourceReference: top.source.sourceReference })).body.content, text);
    const again = await stopAfter(dc, () => dc.customRequest('restartAtStep', { text: edited }));
    assert.equal(again.body.reason, 'restart');
    const after = await info(dc);
    assert.deepEqual([after.step, after.line], [before.step, before.line + 1]);
    const top2 = (await frames(dc, again))[0];
    assert.equal(top2.source?.path, file);
    assert.equal(top2.line, before.line + 1);
  }));

  it('a change on disk is seen at the next stop; a new text with errors is refused and changes nothing', session(async (dc) => {
    const file = copy();
    await launch(dc, { program: file, kernel: 'buggy', stopOnEntry: true });
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace(/^machine .*$/m, (m) => `${m}   # now with a comment`));
    const changed = dc.waitForEvent('scenarioChanged');
    const output = new Promise<string>((resolve) => {
      const listen = (e: DebugProtocol.OutputEvent) => {
        if (!e.body.output.startsWith('⚠')) return;
        dc.removeListener('output', listen);
        resolve(e.body.output);
      };
      dc.on('output', listen);
    });
    await stopAfter(dc, () => dc.stepInRequest({ threadId: 1 }));
    await changed;
    assert.match(await output, /^⚠ seed\.tlbscn has changed since this run was made from it: .*restart at the same step \(step 1, line \d+\)/);
    await assert.rejects(dc.customRequest('restartAtStep', { text: 'machine cores 2 threads 4\nrun nosuch.vcpu0 on cpu0\n' }), /has 1 error/);
    assert.equal((await info(dc)).step, 1);
    // on disk: the same step, as the edit kept every statement where it was
    await stopAfter(dc, () => dc.customRequest('restartAtStep'));
    assert.equal((await info(dc)).step, 1);
  }));
});
