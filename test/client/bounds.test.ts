// How far the extension runs scenarios on its own (client/src/bounds.ts), without
// VS Code: the explorer's bounds from the settings and the workspace's trust, the
// settings the language server gets, and what the language status item says.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_EXPLORE, RESTRICTED_EXPLORE, boundReached, exploreBounds, runStatus, serverSettings } from '../../client/src/bounds';

test('trusted: the settings, or their defaults when unset or not a positive number', () => {
  assert.deepEqual(exploreBounds(true, {}), {
    maxStates: DEFAULT_EXPLORE.maxStates,
    maxSeconds: DEFAULT_EXPLORE.maxSeconds,
    maxMemory: DEFAULT_EXPLORE.maxMemory,
    statesFrom: 'tlbscn.explore.maxStates',
    secondsFrom: 'tlbscn.explore.maxSeconds',
  });
  const raised = exploreBounds(true, { maxStates: 5_000_000, maxSeconds: 600 });
  assert.deepEqual([raised.maxStates, raised.maxSeconds], [5_000_000, 600]);
  for (const wrong of [0, -1, 1.5, NaN, Infinity, '100', null]) {
    assert.equal(exploreBounds(true, { maxStates: wrong }).maxStates, DEFAULT_EXPLORE.maxStates, String(wrong));
  }
  assert.equal(exploreBounds(true, { maxSeconds: 0.5 }).maxSeconds, 0.5, 'a fraction of a second is a time bound');
  assert.equal(exploreBounds(true, { maxSeconds: 0 }).maxSeconds, DEFAULT_EXPLORE.maxSeconds);
});

test('Restricted Mode: the settings, capped; a lower setting still wins', () => {
  const capped = exploreBounds(false, {});
  // the memory bound is the setting's in either mode: it only stops a search sooner
  assert.deepEqual(capped, { ...RESTRICTED_EXPLORE, maxMemory: DEFAULT_EXPLORE.maxMemory, statesFrom: 'Restricted Mode', secondsFrom: 'Restricted Mode' });
  assert.deepEqual(exploreBounds(false, { maxStates: 1_000_000_000, maxSeconds: 3600 }), capped);
  const lower = exploreBounds(false, { maxStates: 500, maxSeconds: 5 });
  assert.deepEqual(lower, { maxStates: 500, maxSeconds: 5, maxMemory: DEFAULT_EXPLORE.maxMemory, statesFrom: 'tlbscn.explore.maxStates', secondsFrom: 'tlbscn.explore.maxSeconds' });
});

test('a truncated search names the bound that stopped it, as the CLI names its flag', () => {
  assert.equal(boundReached('states', exploreBounds(true, {})), 'its state bound (tlbscn.explore.maxStates: 1,000,000 states)');
  assert.equal(boundReached('time', exploreBounds(true, { maxSeconds: 5 })), 'its time bound (tlbscn.explore.maxSeconds: 5 s)');
  assert.equal(boundReached('states', exploreBounds(false, {})), 'its state bound (Restricted Mode: 100,000 states)');
  assert.equal(boundReached('time', exploreBounds(false, {})), 'its time bound (Restricted Mode: 30 s)');
  assert.equal(boundReached('memory', exploreBounds(true, { maxMemory: 256 })), 'its memory bound (tlbscn.explore.maxMemory: 256 MiB)');
  assert.equal(exploreBounds(true, { maxMemory: -1 }).maxMemory, DEFAULT_EXPLORE.maxMemory);
});

test('the language server runs nothing as you type in Restricted Mode, whatever was set', () => {
  const pulled = { kernel: 'buggy', diagnostics: { run: true }, explore: { maxStall: 2 } };
  assert.equal(serverSettings(pulled, true), pulled, 'trusted: unchanged');
  assert.deepEqual(serverSettings(pulled, false), { kernel: 'buggy', diagnostics: { run: false }, explore: { maxStall: 2 } });
  assert.equal(serverSettings(undefined, true), undefined, 'trusted: no initializationOptions, as before');
  // initializationOptions, and a client answering null for a section it does not know
  assert.deepEqual(serverSettings(undefined, false), { diagnostics: { run: false } });
  assert.deepEqual(serverSettings(null, false), { diagnostics: { run: false } });
  assert.deepEqual(serverSettings({ diagnostics: 'yes' }, false), { diagnostics: { run: false } });
});

test('the language status item: a warning in Restricted Mode, with the way out', () => {
  const restricted = runStatus(false, true, exploreBounds(false, {}));
  assert.equal(restricted.restricted, true);
  assert.equal(restricted.text, '$(shield) Restricted Mode');
  assert.equal(restricted.detail, 'scenarios are checked, not run, as you type; Explore stops at 100,000 states or 30 s');
  assert.equal(restricted.command.command, 'workbench.trust.manage');
  const trusted = runStatus(true, true, exploreBounds(true, {}));
  assert.equal(trusted.restricted, false);
  assert.equal(trusted.text, '$(play) Runs as you type');
  assert.match(trusted.detail, /Explore stops at 1,000,000 states or 60 s$/);
  assert.deepEqual(trusted.command.arguments, ['tlbscn.']);
  assert.equal(runStatus(true, false, exploreBounds(true, {})).text, '$(check) Checks as you type');
});
