// Debug adapter figures, over the bundled adapter and a real DAP client:
// one `next` / `stepBack` round trip as VS Code makes it (request → stopped →
// stackTrace → scopes → variables), reverse-continue across a 100k-micro-step
// trace, and the adapter's memory holding that trace.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { generateScenario } from './generate';
import { type Report, median, repoRoot, rssMiB } from './report';

const ADAPTER = path.join(repoRoot(), 'dist', 'adapter.js');

async function open(program: string, stopOnEntry: boolean): Promise<{ dc: DebugClient; stop: DebugProtocol.StoppedEvent }> {
  const dc = new DebugClient('node', ADAPTER, 'tlbscn');
  dc.defaultTimeout = 60_000;
  await dc.start();
  await dc.initializeRequest({ adapterID: 'tlbscn', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await Promise.all([dc.configurationSequence(), dc.launchRequest({ program, stopOnEntry } as DebugProtocol.LaunchRequestArguments)]);
  return { dc, stop: await stopped };
}

/** One motion and what VS Code asks after it; returns milliseconds. */
async function roundTrip(dc: DebugClient, request: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await request();
  const stop = await stopped;
  const frames = (await dc.stackTraceRequest({ threadId: stop.body.threadId!, startFrame: 0, levels: 20 })).body.stackFrames;
  const scopes = (await dc.scopesRequest({ frameId: frames[0].id })).body.scopes;
  await Promise.all(scopes.filter((s) => !s.expensive).map((s) => dc.variablesRequest({ variablesReference: s.variablesReference })));
  return performance.now() - t0;
}

export async function benchAdapter(report: Report): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlbscn-bench-'));
  try {
    const small = path.join(dir, 'ten-k.tlbscn');
    fs.writeFileSync(small, generateScenario(10_000));
    {
      const { dc, stop } = await open(small, true);
      const threadId = stop.body.threadId!;
      const nexts: number[] = [];
      for (let i = 0; i < 300; i++) nexts.push(await roundTrip(dc, () => dc.nextRequest({ threadId })));
      const backs: number[] = [];
      for (let i = 0; i < 300; i++) backs.push(await roundTrip(dc, () => dc.stepBackRequest({ threadId })));
      report('adapter: next round trip (10k statements, median)', median(nexts.slice(20)), 'ms', '< 10 ms');
      report('adapter: stepBack round trip (10k statements, median)', median(backs.slice(20)), 'ms', '< 10 ms');
      await dc.stop();
    }
    const big = path.join(dir, 'hundred-k.tlbscn');
    fs.writeFileSync(big, generateScenario(22_000));
    {
      // runs to the end of the trace (a stop: stopAtEnd), then all the way back
      const { dc, stop } = await open(big, false);
      const info = await dc.customRequest('traceInfo');
      const t0 = performance.now();
      const stopped = dc.waitForEvent('stopped');
      await dc.reverseContinueRequest({ threadId: stop.body.threadId! });
      await stopped;
      report(`adapter: reverse-continue end → start (${info.body.steps} micro-steps)`, performance.now() - t0, 'ms', '< 500 ms');
      const pid = (dc as unknown as { _adapterProcess: { pid: number } })._adapterProcess.pid;
      const rss = rssMiB(pid);
      if (rss !== undefined) report(`adapter: memory (RSS) holding that trace`, rss, 'MB', '< 200 MB');
      await dc.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
