// Restricted Mode as the VS Code client drives the server (client/src/languageClient.ts):
// initializationOptions and every workspace/configuration answer pass through
// serverSettings, which turns run-as-you-type off; granting trust re-sends the
// settings. While it is off nothing runs, not even "Show the fix".

import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { serverSettings } from '../../client/src/bounds';
import { LspClient, ROOT, ensureBuilt } from './lspClient';

const seed = readFileSync(path.join(ROOT, 'sample-scenarios', 'seed-a29ebeaf.tlbscn'), 'utf8');
const uri = 'file:///restricted/seed.tlbscn';
let trusted = false;
let client: LspClient;

before(async () => {
  ensureBuilt();
  client = await LspClient.start({
    capabilities: { workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } } },
    initializationOptions: serverSettings(undefined, trusted),
  });
  // what VS Code answers for the `tlbscn` section with the user's settings, through the client's middleware
  client.connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
    params.items.map(() => serverSettings({ kernel: 'fixed', diagnostics: { run: true } }, trusted)),
  );
  client.connection.onRequest('client/registerCapability', () => null);
});
after(async () => {
  await client.stop();
});

const fixesFor = (d: Diagnostic) =>
  client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });

test('untrusted: the seed is checked, not run; trust granted: it runs, and its stale access has its fix', async () => {
  const restricted = await client.open(uri, seed);
  assert.deepEqual(restricted.filter((d) => d.severity === 1), [], 'the seed has no error');
  assert.ok(!restricted.some((d) => d.code === 'stale-access' || d.code === 'expect-failed'), JSON.stringify(restricted));

  // a client may still ask about a stale access (one it kept from before): nothing runs for it
  const stale: Diagnostic = {
    range: { start: { line: 35, character: 0 }, end: { line: 35, character: 10 } },
    message: 'stale',
    code: 'stale-access',
    data: { kernel: 'buggy', task: 'X', page: 'p' },
  };
  assert.deepEqual(await fixesFor(stale), []);

  trusted = true;
  const before = client.published.length;
  await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
  // a validation the server scheduled before (when it first read its settings) may still publish, without runs
  const ran = await new Promise<Diagnostic[]>((resolve, reject) => {
    const deadline = Date.now() + 10_000;
    const timer = setInterval(() => {
      const latest = client.published.slice(before).find((p) => p.uri === uri && p.diagnostics.some((d) => d.code === 'stale-access'));
      if (latest || Date.now() > deadline) {
        clearInterval(timer);
        if (latest) resolve(latest.diagnostics);
        else reject(new Error(`no run after trust was granted: ${JSON.stringify(client.published.slice(before))}`));
      }
    }, 5);
  });
  const found = ran.find((d) => d.code === 'stale-access');
  assert.ok(found, JSON.stringify(ran));
  assert.equal(found.range.start.line, 35);
  assert.deepEqual((await fixesFor(found)).map((f) => f.title), ['Show the fix: run under kernel fixed']);
});
