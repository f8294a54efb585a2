// The dap target: the bundled debug adapter (dist/adapter.js) with DebugClient.
// One adapter process serves the sessions one after another (`--server`,
// as process.test.ts checks it does), so a session costs a connection, not a
// process. A generated value is a session: launch a sample, then requests in
// random order. Laws:
//  - the adapter process never exits, and no answer is a raw exception text
//    or an "internal error";
//  - it answers each request, and each motion stops (or ends the session),
//    within `timeoutMs`;
//  - step in, then step back one micro-step, comes back to the same state:
//    the same stack and the same Variables tree.
// An input is one request sent (the reads a state comparison makes included).

import { type ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import fc from 'fast-check';
import { ADAPTER, launch, variables } from '../test/adapter/helpers';
import { type Budget, Finding, type Target, within } from './engine';
import { KERNELS, SAMPLES } from './inputs';

/** Texts only a bug puts in an answer (the adapter words its own refusals). */
const RAW = /TypeError|RangeError|ReferenceError|Cannot read propert|is not a function|is not iterable|internal error/;

const MOTIONS = ['next', 'stepIn', 'stepOut', 'stepBack', 'stepBackInstruction', 'continue', 'reverseContinue', 'goto', 'restartFrame'] as const;
const READS = ['threads', 'stackTrace', 'scopes', 'variables', 'evaluate', 'completions'] as const;
const SETTINGS = ['setBreakpoints', 'setFunctionBreakpoints', 'setExceptionBreakpoints'] as const;

type Action =
  | { kind: (typeof MOTIONS)[number]; line: number }
  | { kind: (typeof READS)[number]; pick: number; expression: string }
  | { kind: (typeof SETTINGS)[number]; lines: number[]; names: string[] }
  | { kind: 'stepInThenBack' };

interface DapInput {
  sample: number;
  kernel?: string;
  actions: Action[];
}

const EXPRESSIONS = ['step', 'line', 'tlb(core0)', 'tlb(core1).size', 'need_tlb_flush(vm, core0)', 'vm.vcpu0', 'vm.vcpu0.', 'X', '((', 'step > 3 and not false', '0x10'];
const ROUTINES = ['kvmppc_hv_entry', 'radix_flush_cpu', 'kvmppc_prepare_radix_vcpu', 'kvmppc_start_thread', 'nothing_here'];

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom(...MOTIONS), line: fc.integer({ min: 0, max: 45 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom(...READS), pick: fc.nat(40), expression: fc.oneof(fc.constantFrom(...EXPRESSIONS), fc.string({ maxLength: 10 })) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom(...SETTINGS),
      lines: fc.array(fc.integer({ min: 0, max: 45 }), { maxLength: 3 }),
      names: fc.subarray([...ROUTINES, 'stale', 'flush']),
    }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'stepInThenBack' as const }) },
);

/** An adapter process in `--server` mode; a new one after it died or stopped answering. */
class AdapterHost {
  private child: ChildProcess | undefined;
  port = 0;
  exited: string | undefined;
  stderr = '';

  async ensure(timeoutMs: number): Promise<void> {
    if (this.child && this.exited === undefined) return;
    this.exited = undefined;
    this.stderr = '';
    this.port = 40000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, [ADAPTER, `--server=${this.port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    child.once('exit', (code, signal) => (this.exited = `the adapter process exited (${signal ?? code})`));
    // the library announces the port before it listens: wait until it accepts
    await within(
      timeoutMs,
      'starting the adapter',
      (async () => {
        while (!(await accepts(this.port))) {
          if (this.exited !== undefined) throw new Error(`${this.exited}: ${this.stderr}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      })(),
    );
  }

  kill(): void {
    this.child?.kill();
    this.child = undefined;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => (s.end(), resolve(true))).on('error', () => resolve(false));
  });
}

/** One debugging session of a generated value. */
class Session {
  private stop: DebugProtocol.StoppedEvent | undefined;
  private terminated = false;
  private references: number[] = [];
  /** Wakes a motion waiting for its stop. */
  private moved: (() => void) | undefined;

  private constructor(
    private readonly dc: DebugClient,
    private readonly input: DapInput,
    private readonly timeoutMs: number,
  ) {
    dc.on('stopped', (e: DebugProtocol.StoppedEvent) => {
      this.stop = e;
      this.moved?.();
    });
    dc.on('terminated', () => {
      this.terminated = true;
      this.moved?.();
    });
  }

  static async open(host: AdapterHost, input: DapInput, budget: Budget, timeoutMs: number): Promise<Session> {
    const dc = new DebugClient('node', ADAPTER, 'tlbscn');
    dc.defaultTimeout = timeoutMs;
    // every request counts as an input, the ones helpers.ts sends too
    const send = dc.send.bind(dc) as (command: string, args?: unknown) => Promise<DebugProtocol.Response>;
    dc.send = ((command: string, args?: unknown) => (budget.spend(), send(command, args))) as DebugClient['send'];
    await within(timeoutMs, 'connecting to the adapter', dc.start(host.port));
    const session = new Session(dc, input, timeoutMs);
    await session.request('initialize', { adapterID: 'tlbscn', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsInvalidatedEvent: true });
    await within(timeoutMs, 'launch', launch(dc, { program: SAMPLES[input.sample].file, kernel: input.kernel, stopOnEntry: true }));
    return session;
  }

  get ended(): boolean {
    return this.terminated;
  }

  close(): Promise<void> {
    return within(this.timeoutMs, 'disconnect', this.dc.stop());
  }

  /** Sends a request; its body, or undefined for a refusal (judged: a refusal in the adapter's own words is fine). */
  private async request(command: string, args: unknown): Promise<Record<string, unknown> | undefined> {
    const answer = await within(
      this.timeoutMs,
      command,
      this.dc.send(command, args).then(
        (r: DebugProtocol.Response) => ({ body: (r.body ?? {}) as Record<string, unknown> }),
        (e: Error) => ({ refused: e.message }),
      ),
    );
    if ('refused' in answer && RAW.test(answer.refused)) throw new Finding('crash', `${command} answered a raw error: ${answer.refused.split('\n')[0]}`, `${command} ${JSON.stringify(args)}: ${answer.refused}`);
    return 'body' in answer ? answer.body : undefined;
  }

  /** A motion: the request, then its stop (or the end of the session). */
  private async move(command: string, args: unknown): Promise<void> {
    const stopped = new Promise<void>((resolve) => (this.moved = resolve));
    try {
      if ((await this.request(command, args)) === undefined) return;
      await within(this.timeoutMs, `the stop after ${command}`, stopped);
    } finally {
      this.moved = undefined;
    }
  }

  private get threadId(): number {
    return this.stop?.body.threadId ?? 1;
  }

  /** What the debugger shows at a stop: the stack and the whole Variables tree. */
  private async state(): Promise<unknown> {
    const stack = await this.request('stackTrace', { threadId: this.threadId });
    const frames = (stack?.stackFrames as DebugProtocol.StackFrame[] | undefined)?.map((f) => `${f.name}:${f.line}`);
    return { frames, variables: [...(await variables(this.dc, this.stop!))] };
  }

  async perform(a: Action): Promise<void> {
    const program = SAMPLES[this.input.sample].file;
    const threadId = this.threadId;
    switch (a.kind) {
      case 'next':
      case 'stepIn':
      case 'stepOut':
      case 'continue':
      case 'reverseContinue':
        return this.move(a.kind, { threadId });
      case 'stepBack':
      case 'stepBackInstruction':
        return this.move('stepBack', { threadId, granularity: a.kind === 'stepBack' ? 'statement' : 'instruction' });
      case 'goto': {
        const targets = (await this.request('gotoTargets', { source: { path: program }, line: a.line }))?.targets as DebugProtocol.GotoTarget[] | undefined;
        if (targets?.length) await this.move('goto', { threadId, targetId: targets[a.line % targets.length].id });
        return;
      }
      case 'restartFrame': {
        const frames = (await this.request('stackTrace', { threadId }))?.stackFrames as DebugProtocol.StackFrame[] | undefined;
        if (frames?.length) await this.move('restartFrame', { frameId: frames[a.line % frames.length].id });
        return;
      }
      case 'threads':
        await this.request('threads', {});
        return;
      case 'stackTrace':
        await this.request('stackTrace', { threadId, startFrame: a.pick % 3, levels: a.pick % 5 });
        return;
      case 'scopes': {
        const frames = (await this.request('stackTrace', { threadId }))?.stackFrames as DebugProtocol.StackFrame[] | undefined;
        const scopes = frames?.length ? ((await this.request('scopes', { frameId: frames[a.pick % frames.length].id }))?.scopes as DebugProtocol.Scope[] | undefined) : undefined;
        this.references = (scopes ?? []).map((s) => s.variablesReference);
        return;
      }
      case 'variables': {
        // a reference seen lately (it may have expired since: the adapter must say so), or any number
        const reference = this.references.length ? this.references[a.pick % this.references.length] : a.pick;
        const found = (await this.request('variables', { variablesReference: reference }))?.variables as DebugProtocol.Variable[] | undefined;
        const children = (found ?? []).map((v) => v.variablesReference).filter((r) => r > 0);
        if (children.length) this.references = children;
        return;
      }
      case 'evaluate':
        await this.request('evaluate', { expression: a.expression, context: ['watch', 'repl', 'hover'][a.pick % 3] });
        return;
      case 'completions':
        await this.request('completions', { text: a.expression, column: (a.pick % (a.expression.length + 1)) + 1 });
        return;
      case 'setBreakpoints':
        await this.request('setBreakpoints', { source: { path: program }, breakpoints: a.lines.map((line) => ({ line })) });
        return;
      case 'setFunctionBreakpoints':
        await this.request('setFunctionBreakpoints', { breakpoints: a.names.map((name) => ({ name })) });
        return;
      case 'setExceptionBreakpoints':
        await this.request('setExceptionBreakpoints', { filters: a.names.filter((n) => n === 'stale' || n === 'flush') });
        return;
      case 'stepInThenBack': {
        const before = await this.state();
        await this.move('stepIn', { threadId });
        if (this.terminated) return;
        await this.move('stepBack', { threadId, granularity: 'instruction' });
        const after = await this.state();
        if (!isDeepStrictEqual(before, after)) {
          throw new Finding('disagreement', 'step in then step back does not come back to the same state', `before: ${JSON.stringify(before)}\nafter: ${JSON.stringify(after)}`);
        }
        return;
      }
    }
  }
}

export function dapTarget(timeoutMs = 5000): Target<DapInput> {
  const host = new AdapterHost();
  const sessions = { opened: 0 };

  function alive(): void {
    if (host.exited !== undefined) throw new Finding('crash', 'the adapter process exited', `${host.exited}\n${host.stderr}`);
  }

  async function run(input: DapInput, budget: Budget): Promise<void> {
    await host.ensure(timeoutMs);
    let session = await Session.open(host, input, budget, timeoutMs);
    sessions.opened++;
    try {
      for (const a of input.actions) {
        if (!budget.left) break;
        // the session ended (continued past the end): the rest of the actions go to a new one
        if (session.ended) {
          await session.close();
          session = await Session.open(host, input, budget, timeoutMs);
          sessions.opened++;
        }
        await session.perform(a);
        alive();
      }
    } finally {
      await session.close().catch(() => undefined);
    }
  }

  return {
    name: 'dap',
    arbitrary: fc.record({
      sample: fc.nat(SAMPLES.length - 1),
      kernel: fc.option(fc.constantFrom(...KERNELS), { nil: undefined }),
      actions: fc.array(action, { minLength: 1, maxLength: 40 }),
    }),
    inputsPerValue: 40,
    async run(input, budget) {
      try {
        await run(input, budget);
        alive();
      } catch (e) {
        alive();
        // an adapter that stopped answering is replaced for the next session
        if (e instanceof Finding && e.kind === 'hang') host.kill();
        throw e;
      }
    },
    show: (input) =>
      [
        `launch ${SAMPLES[input.sample].file} stopOnEntry${input.kernel ? ` kernel ${input.kernel}` : ''}`,
        ...input.actions.map((a) => `  ${JSON.stringify(a)}`),
      ].join('\n'),
    notes: () => [`${sessions.opened} debugging sessions`],
    close: async () => host.kill(),
  };
}
