// The explorer's state store (core/src/explorer/stateStore.ts): a state is
// stored once and found again, whichever way its lanes' numbers are written
// (two to a word while they fit in 16 bits and there are fewer than 64 lanes,
// else one a word); states that differ only in how many lanes they have, or
// in one lane, never share a key.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type LaneState, analyze, initialState } from '../../core/src/index';
import { StateStore } from '../../core/src/explorer/stateStore';

/** A machine of 2 cores × 64 threads with nothing running, and `n` idle lanes on its first cpus. */
function setup(n: number, cpus = 128) {
  const { scenario } = analyze(`machine cores 2 threads ${cpus / 2}\nguest vm vcpus 2\n`);
  const state = initialState(scenario);
  const lanes = (k: number, cpuOf = (i: number) => i): LaneState[] => Array.from({ length: k }, (_, i) => ({ cpu: cpuOf(i), pending: [], events: [], index: i, stall: 0, key: -1, frozen: false }));
  return { state, lanes: lanes(n), make: lanes };
}

test('a state is stored once and found again, with few lanes (packed) and with 64 or more (one word a lane)', () => {
  for (const n of [1, 2, 5, 62, 63, 64, 65, 100]) {
    const { state, make } = setup(n);
    const store = new StateStore(false, false);
    assert.ok(store.add(0, state, make(n), '', 0), `${n} lanes: new`);
    assert.equal(store.add(0, state, make(n), '', 0), false, `${n} lanes: seen`);
    assert.equal(store.size, 1);
  }
});

test('states that differ in their number of lanes, a lane, the item or the last outcome are distinct', () => {
  const { state, make } = setup(0);
  const store = new StateStore(false, false);
  const keys: [number, LaneState[], string][] = [];
  for (const n of [0, 1, 2, 3, 62, 63, 64, 65]) keys.push([0, make(n), '']);
  // the same lanes on other cpus: other lane numbers, in either encoding
  for (const n of [3, 64]) keys.push([0, make(n, (i) => (i + 1) % 128), '']);
  keys.push([1, make(3), ''], [0, make(3), 'stale'], [0, make(64), 'hit']);
  // one lane, and the same lane followed by the first lane ever numbered (number 0): packed, the same words but for the count
  keys.push([0, make(1, () => 5), ''], [0, make(2, (i) => (i === 0 ? 5 : 0)), '']);
  for (const [item, lanes, outcome] of keys) assert.ok(store.add(item, state, lanes, outcome, 0), `item ${item}, ${lanes.length} lanes, '${outcome}': new`);
  for (const [item, lanes, outcome] of keys) assert.equal(store.add(item, state, lanes, outcome, 0), false, `item ${item}, ${lanes.length} lanes, '${outcome}': seen`);
  assert.equal(store.size, keys.length);
});
