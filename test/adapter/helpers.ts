// Drives the bundled adapter (dist/adapter.js, what the extension ships) with
// the DAP test client. Build first: `node scripts/build.mjs`.

import * as path from 'path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

export const ROOT = path.resolve(__dirname, '..', '..');
export const ADAPTER = path.join(ROOT, 'dist', 'adapter.js');
export const SEED = path.join(ROOT, 'sample-scenarios', 'seed-a29ebeaf.tlbscn');
export const sample = (name: string) => path.join(ROOT, 'sample-scenarios', name);

/** A fresh adapter per test: each test reads as one debugging session. */
export function session(body: (dc: DebugClient) => Promise<void>) {
  return async () => {
    const dc = await startClient();
    try {
      await body(dc);
    } finally {
      await dc.stop();
    }
  };
}

export async function startClient(executable = ADAPTER): Promise<DebugClient> {
  const dc = new DebugClient('node', executable, 'tlbscn');
  dc.defaultTimeout = 10_000;
  await dc.start();
  await dc.initializeRequest({ adapterID: 'tlbscn', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsInvalidatedEvent: true });
  return dc;
}

export interface LaunchOptions {
  program?: string;
  kernel?: string;
  trace?: string;
  stopOnEntry?: boolean;
  stopAtEnd?: boolean;
  hex?: boolean;
}

/** Launches, lets `configure` set breakpoints, and returns the first stop. */
export async function launch(dc: DebugClient, args: LaunchOptions, configure: () => Promise<unknown> = async () => {}): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await Promise.all([
    dc.waitForEvent('initialized').then(configure).then(() => dc.configurationDoneRequest()),
    dc.launchRequest(args as DebugProtocol.LaunchRequestArguments),
  ]);
  return stopped;
}

/** Sends a motion request and waits for the stop it causes. */
export async function stopAfter(dc: DebugClient, request: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await request();
  return stopped;
}

export async function topFrame(dc: DebugClient, stop: DebugProtocol.StoppedEvent): Promise<DebugProtocol.StackFrame> {
  return (await frames(dc, stop))[0];
}

export async function frames(dc: DebugClient, stop: DebugProtocol.StoppedEvent): Promise<DebugProtocol.StackFrame[]> {
  return (await dc.stackTraceRequest({ threadId: stop.body.threadId! })).body.stackFrames;
}

/** Every variable of a scope tree, as `Scope/a/b` → value, change marks removed. */
export async function variables(dc: DebugClient, stop: DebugProtocol.StoppedEvent, maxDepth = 5): Promise<Map<string, string>> {
  const frame = await topFrame(dc, stop);
  const out = new Map<string, string>();
  const walk = async (ref: number, prefix: string, depth: number) => {
    for (const v of (await dc.variablesRequest({ variablesReference: ref })).body.variables) {
      if (v.value === undefined) throw new Error(`no value: ${prefix}/${v.name}`);
      out.set(`${prefix}/${v.name}`, v.value.replace(/ \*$/, ''));
      if (v.variablesReference && depth < maxDepth) await walk(v.variablesReference, `${prefix}/${v.name}`, depth + 1);
    }
  };
  for (const scope of (await dc.scopesRequest({ frameId: frame.id })).body.scopes) await walk(scope.variablesReference, scope.name, 1);
  return out;
}

export async function evaluate(dc: DebugClient, expression: string, context = 'watch'): Promise<string> {
  return (await dc.evaluateRequest({ expression, context })).body.result;
}
