// The adapter as a process: started by `tlbscn dap`, and as a server that
// hosts 50 sessions one after another without keeping any of them.

import * as assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { generateScenario } from '../../bench/generate';
import { ADAPTER, ROOT, SEED, launch, startClient, topFrame } from './helpers';

before(() => execFileSync('node', ['scripts/build.mjs'], { cwd: ROOT }));

describe('the adapter as a process', () => {
  it('`tlbscn dap` starts the same adapter', async () => {
    const dc = await startClient(path.join(__dirname, 'tlbscn-dap.js'));
    try {
      const stop = await launch(dc, { program: SEED, kernel: 'buggy' });
      assert.equal(stop.body.reason, 'exception');
      assert.equal((await topFrame(dc, stop)).line, 36);
    } finally {
      await dc.stop();
    }
  });

  describe('50 sessions in one adapter process (--server)', () => {
    let server: ChildProcess;
    let port: number;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlbscn-'));
    // big enough (≈13k micro-steps) that 50 kept sessions would show in the process's memory
    const program = path.join(dir, 'big.tlbscn');
    fs.writeFileSync(program, generateScenario(3000));

    before(async () => {
      port = 40000 + Math.floor(Math.random() * 20000);
      server = spawn('node', ['--expose-gc', ADAPTER, `--server=${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
      await new Promise<void>((resolve, reject) => {
        server.stderr!.on('data', (d: Buffer) => d.toString().includes('waiting for debug protocol') && resolve());
        server.on('exit', (code) => reject(new Error(`adapter exited (${code})`)));
      });
      // the library announces the port before it listens: wait until it accepts
      for (;;) {
        const ok = await new Promise<boolean>((resolve) => {
          const s = net.connect(port, '127.0.0.1', () => (s.end(), resolve(true))).on('error', () => resolve(false));
        });
        if (ok) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    });
    after(() => {
      server.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const rss = () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.pid}/status`, 'utf8'))![1]) / 1024;

    it('disconnects and relaunches 50 times without growing', async () => {
      const resourcesBefore = process.getActiveResourcesInfo().length;
      let settled = 0;
      for (let i = 0; i < 50; i++) {
        const dc = new DebugClient('node', ADAPTER, 'tlbscn');
        await dc.start(port);
        await dc.initializeRequest({ adapterID: 'tlbscn', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
        const stop = await launch(dc, { program, stopOnEntry: i % 2 === 0 });
        assert.ok(['entry', 'end'].includes(stop.body.reason), stop.body.reason);
        await dc.disconnectRequest({});
        await dc.stop();
        if (i === 9) settled = rss();
      }
      const grown = rss() - settled;
      // one kept session of this scenario costs tens of MB: 40 would be far above this bound
      assert.ok(grown < 150, `adapter RSS grew ${grown.toFixed(0)} MB over 40 sessions`);
      await new Promise((r) => setTimeout(r, 100));
      assert.ok(process.getActiveResourcesInfo().length <= resourcesBefore + 1, process.getActiveResourcesInfo().join());
    });
  });
});
