// Which thread a Call Stack command was run on (client/src/menuArgs.ts), from
// the arguments VS Code 1.100 passes: a thread's context menu gives its id
// first, then `{sessionId, threadId}`; a frame's gives its source URI, then
// `{sessionId, threadId, frameId}`; the palette gives nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threadIdIn } from '../../client/src/menuArgs';

test('a thread\'s context menu: the id VS Code gives contributed actions, first', () => {
  assert.equal(threadIdIn([4, { sessionId: 's', threadId: 4 }]), 4);
  assert.equal(threadIdIn([3]), 3);
});

test('a stack frame\'s context menu: the thread of the context object after the URI', () => {
  assert.equal(threadIdIn(['file:///ws/race.tlbscn', { sessionId: 's', threadId: 3, frameId: 1001 }]), 3);
  assert.equal(threadIdIn([{ sessionId: 's', threadId: 5 }]), 5);
});

test('the palette, a session\'s menu or junk: no thread', () => {
  assert.equal(threadIdIn([]), undefined);
  assert.equal(threadIdIn(['session-id', { sessionId: 's' }]), undefined);
  for (const junk of [null, undefined, NaN, 1.5, Infinity, '4', { threadId: '4' }, { threadId: NaN }, [4]]) assert.equal(threadIdIn([junk]), undefined, String(junk));
});
