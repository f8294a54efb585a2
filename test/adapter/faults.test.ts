// What the adapter does with an exception nobody expected (issue 13): the
// request gets an error response that says it was an internal error, never
// the exception's own text; the exception is logged; and a motion that fails
// after it was answered still ends in a stop. The faults are injected into a
// session that runs in this process, driven over a socket by DebugClient.

import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import * as net from 'node:net';
import { after, before, describe, it, mock } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Runtime } from '../../adapter/src/runtime';
import { TlbscnDebugSession } from '../../adapter/src/session';
import { SEED, launch, stopAfter } from './helpers';

describe('unexpected exceptions', () => {
  let server: net.Server;
  let session: TlbscnDebugSession | undefined;
  let dc: DebugClient;
  const runtime = () => (session as unknown as { runtime: Runtime }).runtime;
  const logged = mock.method(console, 'error', () => undefined);

  before(async () => {
    server = net.createServer((socket) => {
      session = new TlbscnDebugSession();
      session.setRunAsServer(true);
      session.start(socket, socket);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    dc = new DebugClient('node', '', 'tlbscn');
    await dc.start((server.address() as net.AddressInfo).port);
    await dc.initializeRequest({ adapterID: 'tlbscn', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    await launch(dc, { program: SEED, kernel: 'buggy', stopOnEntry: true });
  });
  after(async () => {
    await dc.stop();
    server.close();
    logged.mock.restore();
  });

  it('become an error response that names the request, not the exception; and are logged', async () => {
    const rt = runtime();
    rt.context = () => {
      throw new TypeError("Cannot read properties of undefined (reading 'secret')");
    };
    const message = await dc.evaluateRequest({ expression: 'step' }).then(
      () => assert.fail('evaluate succeeded'),
      (e: Error) => e.message,
    );
    assert.equal(message, "internal error in the 'evaluate' request (a bug: its details are in the debug adapter's log)");
    assert.ok(logged.mock.calls.some((c) => c.arguments.some((a) => a instanceof TypeError)), 'the TypeError is logged');
    delete (rt as Partial<Runtime>).context;
    assert.equal((await dc.evaluateRequest({ expression: 'step' })).body.result, '0');
  });

  for (const [what, inject] of [
    // the cursor fails while the motion runs (asynchronously)
    ['during a motion', (rt: Runtime) => (rt.cursor.seek = () => { throw new RangeError('Invalid array length'); })],
    // the motion fails before it is under way, but after its response (restartFrame and stepBack used to)
    ['as a motion starts', (rt: Runtime) => (rt.next = () => { throw new TypeError("Cannot read properties of undefined (reading 'name')"); })],
  ] as const) {
    it(`${what}: the answered motion still ends in a stop, and the session goes on`, async () => {
      const rt = runtime();
      const restore = { seek: rt.cursor.seek, next: rt.next };
      inject(rt);
      const stop = await stopAfter(dc, () => dc.nextRequest({ threadId: 1 }));
      assert.equal(stop.body.reason, 'pause');
      assert.match(stop.body.description!, /^stopped by an internal error in 'next'/);
      rt.cursor.seek = restore.seek;
      rt.next = restore.next;
      const moved = await stopAfter(dc, () => dc.nextRequest({ threadId: 1 }));
      assert.equal(moved.body.reason, 'step');
      assert.notEqual((await dc.evaluateRequest({ expression: 'line' } as DebugProtocol.EvaluateArguments)).body.result, '-1');
    });
  }
});
