// The debug adapter's `picture` request (the core map panel's one source):
// the map where the debugger stands, redrawn from the adapter's own cursor at
// every stop, step back included; `gotoStep` to a timeline mark moves there.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { Picture, TimelinePicture } from '../../core/src/index';
import { ROOT, SEED, launch, session, stopAfter } from '../adapter/helpers';

before(() => execFileSync('node', ['scripts/build.mjs'], { cwd: ROOT }));

interface PictureBody {
  picture: Picture;
  timeline?: TimelinePicture;
  lines?: string[];
  title?: string;
}

const picture = async (dc: DebugClient, args?: unknown) => (await dc.customRequest('picture', args)).body as PictureBody;
const entries = (p: Picture, domain: number) => p.domains[domain].sets.flat().map((e) => `${e.task}:${e.page}${e.stale ? ' stale' : ''}${e.change ? ` ${e.change}` : ''}${e.read ? ` read-${e.read}` : ''}`);

describe('the picture request', () => {
  it('at the stale stop of the seed under buggy: the access about to run reads core0\'s stale X:p; the timeline comes once, with the lines', session(async (dc) => {
    const stop = await launch(dc, { program: SEED, kernel: 'buggy' });
    assert.equal(stop.body.reason, 'exception');
    const body = await picture(dc, { timeline: true });
    const p = body.picture;
    assert.equal(p.kernel, 'buggy');
    assert.equal(p.next?.access?.outcome, 'stale');
    assert.equal(p.position, p.next?.index);
    assert.deepEqual(entries(p, 0), ['X:p stale read-next']);
    assert.deepEqual(p.guests[0].needTlbFlush.flatMap((b, i) => (b ? [i] : [])), []);
    assert.ok(body.timeline!.marks.some((m) => m.kind === 'stale' && m.step === p.next!.index));
    assert.match(body.lines![35], /access X p/);
    assert.equal(body.title, 'seed-a29ebeaf.tlbscn — kernel buggy');
    assert.deepEqual(Object.keys(await picture(dc)), ['picture']);
  }));

  it('follows the debugger: step back redraws an earlier picture, gotoStep to just after the fill shows it added', session(async (dc) => {
    let stop = await launch(dc, { program: SEED, kernel: 'buggy' });
    const threadId = stop.body.threadId!;
    const { picture: atStale, timeline } = await picture(dc, { timeline: true });
    stop = await stopAfter(dc, () => dc.stepBackRequest({ threadId }));
    const back = (await picture(dc)).picture;
    assert.ok(back.position < atStale.position, `${back.position} < ${atStale.position}`);
    const fill = timeline!.marks.find((m) => m.kind === 'fill')!;
    stop = await stopAfter(dc, () => dc.customRequest('gotoStep', { step: fill.step + 1 }));
    assert.equal(stop.body.reason, 'goto');
    const filled = (await picture(dc)).picture;
    assert.equal(filled.position, fill.step + 1);
    assert.equal(filled.last?.access?.outcome, 'miss');
    assert.deepEqual(entries(filled, 0), ['X:p added']);
  }));

  it('is refused before a launch and with ill-typed arguments', session(async (dc) => {
    await assert.rejects(picture(dc), /picture: no scenario is running/);
    await launch(dc, { program: SEED, kernel: 'fixed', stopOnEntry: true });
    await assert.rejects(picture(dc, { timeline: 1 }), /picture: 'timeline' must be true or false, not a number/);
    assert.equal((await picture(dc)).picture.position, 0);
  }));
});
