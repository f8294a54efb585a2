// Every request the adapter advertises, with missing and ill-typed arguments
// (and some plausible ones, to reach past the checks), in random orders and
// partly concurrently: the adapter answers each one (issue 13), never with a
// raw exception text, and afterwards still restarts and answers.

import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { before, describe, it } from 'node:test';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import fc from 'fast-check';
import { ROOT, SEED, evaluate, launch, startClient } from './helpers';

before(() => execFileSync('node', ['scripts/build.mjs'], { cwd: ROOT }));

/** Values of every JSON type, none of them what a field expects (or only by chance). */
const junk = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.double({ noNaN: true }),
  fc.string({ maxLength: 6 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);

/** Plausible values per field name: near the edges of what is valid. */
const near: Record<string, fc.Arbitrary<unknown>> = {
  threadId: fc.integer({ min: -1, max: 11 }),
  frameId: fc.oneof(fc.integer({ min: -2, max: 4 }), fc.constantFrom(1024, 1025, 2048, 3 * 1024 + 1, 4 * 1024)),
  targetId: fc.oneof(fc.integer({ min: -1, max: 80 }), fc.double({ min: 0, max: 80, noNaN: true })),
  variablesReference: fc.integer({ min: -1, max: 40 }),
  startFrame: fc.integer({ min: -1, max: 4 }),
  levels: fc.integer({ min: -1, max: 4 }),
  start: fc.integer({ min: -1, max: 4 }),
  count: fc.integer({ min: -1, max: 4 }),
  line: fc.integer({ min: -1, max: 40 }),
  endLine: fc.integer({ min: -1, max: 40 }),
  column: fc.integer({ min: -2, max: 12 }),
  step: fc.integer({ min: -1, max: 60 }),
  expression: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('tlb(core0).size', 'vm.vcpu0.', '((', 'need_tlb_flush(vm, core9)')),
  text: fc.oneof(fc.string({ maxLength: 8 }), fc.constant('vm.vcpu0.')),
  name: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('kvmppc_hv_entry', 'tlb(core1)')),
  dataId: fc.constantFrom('tlb:0', 'tlb:9', 'needTlbFlush:vm:0:3', 'x'),
  granularity: fc.constantFrom('statement', 'line', 'instruction', 'sideways'),
  filter: fc.constantFrom('indexed', 'named', 'other'),
  source: fc.constantFrom({ path: SEED }, {}, { path: '/elsewhere.tlbscn' }),
  filters: fc.array(fc.constantFrom('stale', 'fault', 'all'), { maxLength: 3 }),
  condition: fc.constantFrom('true', 'step > 3', '(('),
  program: fc.constantFrom(SEED, '/etc/passwd', '/dev/zero', 'no-such.tlbscn'),
  kernel: fc.constantFrom('buggy', 'v9'),
};

function field(name: string): fc.Arbitrary<unknown> {
  return fc.option(near[name] ? fc.oneof(junk, near[name]) : junk, { nil: undefined });
}

function fields(...names: string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(Object.fromEntries(names.map((n) => [n, field(n)])));
}

const list = (item: fc.Arbitrary<unknown>) => fc.oneof(junk, fc.array(fc.oneof(junk, item), { maxLength: 3 }));

/** The arguments of each request: missing, not an object, or an object whose fields are junk or missing. */
const REQUESTS: Record<string, fc.Arbitrary<Record<string, unknown>>> = {
  launch: fields('program', 'kernel', 'trace', 'cwd', 'stopOnEntry', 'stopAtEnd', 'hex'),
  restart: fc.record({ arguments: fc.option(fc.oneof(junk, fields('program', 'kernel', 'stopOnEntry', 'cwd')), { nil: undefined }) }),
  configurationDone: fields(),
  terminate: fields('restart'),
  setBreakpoints: fc.record({ source: field('source'), breakpoints: list(fields('line', 'condition', 'hitCondition', 'logMessage')) }),
  setFunctionBreakpoints: fc.record({ breakpoints: list(fields('name', 'condition', 'hitCondition')) }),
  setExceptionBreakpoints: fc.record({ filters: fc.oneof(junk, near.filters), filterOptions: list(fc.record({ filterId: fc.constantFrom('stale', 'flush', 'nope'), condition: field('condition') })) }),
  dataBreakpointInfo: fields('name', 'variablesReference', 'frameId'),
  setDataBreakpoints: fc.record({ breakpoints: list(fields('dataId', 'accessType', 'condition')) }),
  breakpointLocations: fields('source', 'line', 'endLine'),
  continue: fields('threadId'),
  next: fields('threadId', 'granularity'),
  stepIn: fields('threadId', 'granularity'),
  stepOut: fields('threadId'),
  stepBack: fields('threadId', 'granularity'),
  reverseContinue: fields('threadId'),
  pause: fields('threadId'),
  restartFrame: fields('frameId'),
  gotoTargets: fields('source', 'line'),
  goto: fields('threadId', 'targetId'),
  threads: fields(),
  stackTrace: fields('threadId', 'startFrame', 'levels'),
  scopes: fields('frameId'),
  variables: fields('variablesReference', 'filter', 'start', 'count'),
  evaluate: fields('expression', 'frameId', 'context'),
  completions: fields('text', 'column', 'frameId'),
  exceptionInfo: fields('threadId'),
  toggleFormatting: fields(),
  gotoStep: fields('step'),
  traceInfo: fields(),
  // only ill-typed: a valid disconnect ends the adapter process, as it should
  disconnect: fc.record({ terminateDebuggee: fc.oneof(fc.integer(), fc.string(), fc.constant(null)) }),
};

/** What DebugClient can send as a request's arguments: nothing, a string, a list, or an object. */
function argumentsOf(command: string): fc.Arbitrary<unknown> {
  const missing = command === 'disconnect' ? [] : [fc.constant(undefined)];
  return fc.oneof(...missing, fc.string({ minLength: 1, maxLength: 4 }), fc.array(junk, { minLength: 1, maxLength: 2 }), REQUESTS[command], REQUESTS[command]);
}

const request = fc.constantFrom(...Object.keys(REQUESTS)).chain((command) =>
  fc.record({ command: fc.constant(command), args: argumentsOf(command), wait: fc.boolean() }),
);

const RAW = /TypeError|RangeError|ReferenceError|Cannot read propert|is not a function|is not iterable|internal error/;

/** Sends a request; resolves with its error message (or undefined), rejects when no answer comes. */
function answer(dc: DebugClient, command: string, args: unknown): Promise<string | undefined> {
  const reply = dc.customRequest(command, args).then(
    () => undefined,
    (e: Error) => e.message,
  );
  let timer: NodeJS.Timeout | undefined;
  const silence = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to ${command} ${JSON.stringify(args)}`)), 5000);
  });
  return Promise.race([reply, silence]).finally(() => clearTimeout(timer));
}

describe('every request, missing and ill-typed arguments, in random orders', () => {
  it('the adapter answers each one, and is alive and usable after', async () => {
    const advertised = await (async () => {
      const dc = await startClient();
      try {
        const caps = (await dc.initializeRequest()).body ?? {};
        return Object.entries(caps).filter(([k, v]) => v === true && /^supports\w+Request$/.test(k)).map(([k]) => k.replace(/^supports(\w)(\w*)Request$/, (_, a: string, b: string) => a.toLowerCase() + b));
      } finally {
        await dc.stop();
      }
    })();
    for (const command of advertised) assert.ok(command in REQUESTS, `${command} is advertised but not fuzzed`);

    await fc.assert(
      fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 25 }), async (requests) => {
        const dc = await startClient();
        try {
          await launch(dc, { program: SEED, kernel: 'buggy', stopOnEntry: true });
          const pending: Promise<void>[] = [];
          for (const { command, args, wait } of requests) {
            const done = answer(dc, command, args).then((message) => {
              if (message !== undefined) assert.doesNotMatch(message, RAW, `${command} ${JSON.stringify(args)}`);
            });
            pending.push(done);
            // judged by Promise.all below; without this, a failure behind an earlier one is "unhandled"
            done.catch(() => undefined);
            if (wait) await done;
          }
          await Promise.all(pending);
          // usable after: restart from the top, stop there, and answer
          const stops: DebugProtocol.StoppedEvent[] = [];
          dc.on('stopped', (e: DebugProtocol.StoppedEvent) => stops.push(e));
          await dc.restartRequest({ arguments: { program: SEED, kernel: 'buggy', stopOnEntry: true } } as DebugProtocol.RestartArguments);
          for (let waited = 0; !stops.some((s) => s.body.reason === 'entry'); waited += 20) {
            assert.ok(waited < 5000, 'no stop at entry after the restart');
            await new Promise((r) => setTimeout(r, 20));
          }
          // toggleFormatting may have switched numbers to hex
          assert.match(await evaluate(dc, 'step'), /^(0|0x0)$/);
          assert.equal((await dc.threadsRequest()).body.threads[0].name, 'scenario');
        } finally {
          await dc.stop();
        }
      }),
      { numRuns: 20 },
    );
  });
});
