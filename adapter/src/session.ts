// The DAP face of the trace debugger: turns requests into Runtime calls and
// Runtime events into DAP events. Never imports `vscode`, so it runs as its
// own process (main.ts, `tlbscn dap`) or inline in the VS Code client
// (`new vscode.DebugAdapterInlineImplementation(new TlbscnDebugSession())`).
//
// Launch attributes: program, kernel, stopOnEntry, trace, stopAtEnd (default
// true: the end of the trace is a stop, so you can step back from it), hex, cwd.
// Custom requests: `toggleFormatting` (hex ↔ decimal), `gotoStep {step}`,
// `traceInfo`.

import * as fs from 'fs';
import * as path from 'path';
import {
  Breakpoint,
  BreakpointEvent,
  ExitedEvent,
  Handles,
  InitializedEvent,
  InvalidatedEvent,
  LoggingDebugSession,
  Scope,
  Source,
  StackFrame,
  TerminatedEvent,
  Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { EXCEPTION_FILTERS, type ResolvedWatch, type WatchKind, type WatchSpec } from './breakpoints';
import { ExpressionError, complete, dataIdOf, evaluate, parseExpression } from './expressions';
import { type LaunchConfig, LaunchError, type OutputLine, Runtime, type Stop, loadLaunch } from './runtime';
import { type Format, type VarNode, guestsScope, machineScope, stepScope, valueNode } from './variables';

export interface TlbscnLaunchArguments extends DebugProtocol.LaunchRequestArguments, LaunchConfig {
  stopOnEntry?: boolean;
  stopAtEnd?: boolean;
  hex?: boolean;
}

/** Thread 1 is the scenario's sequencer; cpu N is thread N + 2. */
const SEQUENCER = 1;
const threadOfCpu = (cpu: number) => cpu + 2;
/** Frame ids: thread × this + depth. */
const FRAMES_PER_THREAD = 1024;
/** Collections longer than this are paged by the client. */
const PAGE = 100;
const CHANGED = ' *';

interface Container {
  path: string;
  nodes: () => VarNode[];
  cached?: VarNode[];
}

const files = { readFile: (file: string) => fs.readFileSync(file, 'utf8') };

export class TlbscnDebugSession extends LoggingDebugSession {
  private runtime: Runtime | undefined;
  private launchArgs: TlbscnLaunchArguments | undefined;
  private configured!: Promise<void>;
  private markConfigured!: () => void;
  private containers = new Handles<Container>();
  private format: Format = { hex: false };
  /** Values shown at earlier stops, by path; and at this stop. */
  private before = new Map<string, string>();
  private now = new Map<string, string>();
  private nextBreakpointId = 1;
  private exceptionSpecs: WatchSpec[] = [];
  private supportsInvalidated = false;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(false);
    this.setDebuggerColumnsStartAt1(false);
    this.configured = new Promise((resolve) => (this.markConfigured = resolve));
    this.exceptionSpecs = EXCEPTION_FILTERS.filter((f) => f.default).map((f) => this.spec('exception', f.filter));
  }

  private spec(kind: WatchKind, target: string | number, from: { condition?: string; hitCondition?: string; logMessage?: string } = {}): WatchSpec {
    return { id: this.nextBreakpointId++, kind, target, ...pick(from) };
  }

  // ---- lifecycle -------------------------------------------------------------------

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, args: DebugProtocol.InitializeRequestArguments): void {
    this.supportsInvalidated = !!args.supportsInvalidatedEvent;
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsFunctionBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsEvaluateForHovers: true,
      supportsStepBack: true,
      supportsSteppingGranularity: true,
      supportsRestartFrame: true,
      supportsGotoTargetsRequest: true,
      supportsCompletionsRequest: true,
      completionTriggerCharacters: ['.', '('],
      supportsExceptionInfoRequest: true,
      supportsExceptionFilterOptions: true,
      exceptionBreakpointFilters: EXCEPTION_FILTERS.map((f) => ({ filter: f.filter, label: f.label, description: f.description, default: f.default, supportsCondition: true })),
      supportsDataBreakpoints: true,
      supportsRestartRequest: true,
      supportsTerminateRequest: true,
      supportsBreakpointLocationsRequest: true,
      supportsValueFormattingOptions: true,
    };
    this.sendResponse(response);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.markConfigured();
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, given: TlbscnLaunchArguments | undefined): Promise<void> {
    const args = given ?? {};
    try {
      this.attach(new Runtime(loadLaunch(args, files), args.stopAtEnd !== false));
    } catch (e) {
      return this.fail(response, e);
    }
    this.launchArgs = args;
    this.format.hex = !!args.hex;
    // breakpoints can be verified only against a run: ask for them now
    this.sendEvent(new InitializedEvent());
    await Promise.race([this.configured, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    this.sendResponse(response);
    await this.runtime!.start(!!args.stopOnEntry);
  }

  protected override async restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): Promise<void> {
    const launch = { ...this.launchArgs, ...(args.arguments as TlbscnLaunchArguments | undefined) };
    let runtime: Runtime;
    try {
      runtime = new Runtime(loadLaunch(launch, files), launch.stopAtEnd !== false);
    } catch (e) {
      return this.fail(response, e);
    }
    const specs = this.runtime?.specs() ?? [];
    this.runtime?.dispose();
    this.attach(runtime);
    this.launchArgs = launch;
    for (const kind of ['line', 'function', 'data', 'exception'] as const) {
      for (const w of runtime.setWatches(kind, specs.filter((s) => s.kind === kind))) {
        if (kind !== 'exception') this.sendEvent(new BreakpointEvent('changed', this.toBreakpoint(w)));
      }
    }
    this.sendResponse(response);
    await runtime.start(!!launch.stopOnEntry);
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments): void {
    this.runtime?.dispose();
    this.runtime = undefined;
    super.disconnectRequest(response, args);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.runtime?.dispose();
    this.runtime = undefined;
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  private attach(runtime: Runtime): void {
    this.runtime = runtime;
    runtime.setWatches('exception', this.exceptionSpecs);
    runtime.on('stopped', (stop) => this.onStopped(stop));
    runtime.on('output', (line) => this.onOutput(line));
    runtime.on('end', ({ failedExpectations }) => {
      this.sendEvent(new TerminatedEvent());
      this.sendEvent(new ExitedEvent(failedExpectations ? 1 : 0));
    });
    const { loaded } = runtime;
    const name = path.basename(loaded.file);
    const replay = loaded.replay ? ` (replaying ${path.basename(loaded.replay)})` : '';
    this.onOutput({ text: `${name}: kernel ${loaded.run.kernel}${replay}: ${loaded.run.steps.length} micro-steps, ${loaded.run.stale} stale access${loaded.run.stale === 1 ? '' : 'es'}`, category: 'console' });
    for (const w of loaded.warnings) this.onOutput({ text: `warning: ${w}`, category: 'important' });
  }

  /** Every failure becomes an error response (never a crash or a hang); user errors read as such. */
  private fail(response: DebugProtocol.Response, e: unknown): void {
    const expected = e instanceof LaunchError || e instanceof ExpressionError;
    const message = expected ? e.message : `internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
    // '{_m}': the library substitutes only '_' variables, and messages may hold braces
    this.sendErrorResponse(response, { id: 1001, format: '{_m}', variables: { _m: message }, showUser: true });
  }

  private onStopped(stop: Stop): void {
    for (const [k, v] of this.now) this.before.set(k, v);
    this.now.clear();
    this.containers.reset();
    const body: DebugProtocol.StoppedEvent['body'] = {
      reason: stop.reason,
      description: stop.description,
      threadId: this.actingThread(),
      allThreadsStopped: true,
      ...(stop.exception ? { text: stop.exception.description } : {}),
      ...(stop.hitBreakpointIds.length ? { hitBreakpointIds: stop.hitBreakpointIds } : {}),
    };
    this.sendEvent({ seq: 0, type: 'event', event: 'stopped', body } as DebugProtocol.StoppedEvent);
  }

  private onOutput(line: OutputLine): void {
    const body: DebugProtocol.OutputEvent['body'] = { category: line.category, output: line.group === 'end' ? '' : `${line.text}\n` };
    if (line.group) body.group = line.group;
    if (line.line !== undefined && this.runtime) {
      body.source = this.source();
      body.line = this.convertDebuggerLineToClient(line.line);
    }
    this.sendEvent({ seq: 0, type: 'event', event: 'output', body } as DebugProtocol.OutputEvent);
  }

  private source(): Source {
    const file = this.runtime!.loaded.file;
    return new Source(path.basename(file), this.convertDebuggerPathToClient(file));
  }

  // ---- breakpoints ------------------------------------------------------------------------

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const rt = this.runtime;
    const requested = args.breakpoints ?? [];
    const sameFile = rt && args.source.path !== undefined && samePath(this.convertClientPathToDebugger(args.source.path), rt.loaded.file);
    if (!rt || !sameFile) {
      const message = rt ? `not the scenario being debugged (${path.basename(rt.loaded.file)})` : 'no scenario is running';
      response.body = { breakpoints: requested.map((b) => ({ verified: false, line: b.line, message })) };
      return this.sendResponse(response);
    }
    const specs = requested.map((b) => this.spec('line', this.convertClientLineToDebugger(b.line), b));
    response.body = { breakpoints: rt.setWatches('line', specs).map((w) => this.toBreakpoint(w)) };
    this.sendResponse(response);
  }

  protected override breakpointLocationsRequest(response: DebugProtocol.BreakpointLocationsResponse, args: DebugProtocol.BreakpointLocationsArguments): void {
    const rt = this.runtime;
    const from = this.convertClientLineToDebugger(args.line);
    const to = args.endLine !== undefined ? this.convertClientLineToDebugger(args.endLine) : from;
    const lines = rt ? [...rt.timeline.statementsByLine.keys()].filter((l) => l >= from && l <= to).sort((a, b) => a - b) : [];
    response.body = { breakpoints: lines.map((l) => ({ line: this.convertDebuggerLineToClient(l) })) };
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    const specs = args.breakpoints.map((b) => this.spec('function', b.name.trim(), b));
    response.body = { breakpoints: this.setWatches('function', specs) };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    const options = new Map((args.filterOptions ?? []).map((o) => [o.filterId, o.condition]));
    for (const f of args.filters) if (!options.has(f)) options.set(f, undefined);
    const known = new Set<string>(EXCEPTION_FILTERS.map((f) => f.filter));
    this.exceptionSpecs = [...options].filter(([f]) => known.has(f)).map(([f, condition]) => this.spec('exception', f, condition ? { condition } : {}));
    const resolved = this.runtime?.setWatches('exception', this.exceptionSpecs);
    response.body = { breakpoints: resolved?.map((w) => this.toBreakpoint(w)) ?? this.exceptionSpecs.map(() => ({ verified: true })) };
    this.sendResponse(response);
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    const rt = this.runtime;
    let dataId: string | undefined;
    if (rt && args.variablesReference !== undefined) {
      const container = this.containers.get(args.variablesReference);
      dataId = container?.cached?.find((n) => n.name === args.name)?.dataId;
    } else if (rt) {
      try {
        dataId = dataIdOf(parseExpression(args.name), rt.cursor.state);
      } catch {
        dataId = undefined;
      }
    }
    const description = dataId && rt ? rt.describeData(dataId) : undefined;
    response.body = description
      ? { dataId: dataId!, description: `write to ${description}`, accessTypes: ['write'], canPersist: true }
      : { dataId: null, description: 'only a guest\'s need_tlb_flush / cpu_in_guest bits and a TLB\'s contents can be watched' };
    this.sendResponse(response);
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    const specs = args.breakpoints.map((b) => this.spec('data', b.dataId, b));
    response.body = { breakpoints: this.setWatches('data', specs) };
    this.sendResponse(response);
  }

  private setWatches(kind: WatchKind, specs: WatchSpec[]): DebugProtocol.Breakpoint[] {
    if (!this.runtime) return specs.map(() => ({ verified: false, message: 'no scenario is running' }));
    return this.runtime.setWatches(kind, specs).map((w) => this.toBreakpoint(w));
  }

  private toBreakpoint(w: ResolvedWatch): DebugProtocol.Breakpoint {
    const bp: DebugProtocol.Breakpoint = new Breakpoint(w.verified);
    bp.id = w.spec.id;
    if (w.message) bp.message = w.message;
    if (w.spec.kind === 'line') {
      bp.line = this.convertDebuggerLineToClient(w.spec.target as number);
      bp.source = this.source();
    }
    return bp;
  }

  // ---- motion --------------------------------------------------------------------------------

  private move(response: DebugProtocol.Response, motion: (rt: Runtime) => Promise<void>): void {
    const rt = this.runtime;
    if (!rt) return this.fail(response, new LaunchError('no scenario is running'));
    if (rt.isMoving) return this.fail(response, new LaunchError('the debugger is already moving; pause first'));
    this.sendResponse(response);
    void motion(rt);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.move(response, (rt) => rt.continue());
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.move(response, (rt) => rt.next());
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.move(response, (rt) => rt.stepIn());
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.move(response, (rt) => rt.stepOut());
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments): void {
    this.move(response, (rt) => rt.stepBack(args.granularity === 'instruction'));
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.move(response, (rt) => rt.reverseContinue());
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.runtime?.pause();
    this.sendResponse(response);
  }

  protected override restartFrameRequest(response: DebugProtocol.RestartFrameResponse, args: DebugProtocol.RestartFrameArguments): void {
    this.move(response, (rt) => rt.restartFrame(args.frameId % FRAMES_PER_THREAD));
  }

  protected override gotoTargetsRequest(response: DebugProtocol.GotoTargetsResponse, args: DebugProtocol.GotoTargetsArguments): void {
    const rt = this.runtime;
    const line = this.convertClientLineToDebugger(args.line);
    const points = rt?.timeline.statementsByLine.get(line) ?? [];
    response.body = {
      targets: points.slice(0, 200).map((p, i) => ({
        id: p + 1,
        label: `line ${args.line}${points.length > 1 ? `, time ${i + 1} of ${points.length}` : ''} (step ${rt!.timeline.pos[p]})`,
        line: args.line,
      })),
    };
    this.sendResponse(response);
  }

  protected override gotoRequest(response: DebugProtocol.GotoResponse, args: DebugProtocol.GotoArguments): void {
    this.move(response, (rt) => rt.goto(args.targetId - 1));
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    const rt = this.runtime;
    switch (command) {
      case 'toggleFormatting':
        this.format.hex = !this.format.hex;
        response.body = { hex: this.format.hex };
        this.sendResponse(response);
        if (this.supportsInvalidated) this.sendEvent(new InvalidatedEvent(['variables']));
        return;
      case 'gotoStep': {
        const step = (args as { step?: unknown } | undefined)?.step;
        if (!rt || typeof step !== 'number' || !Number.isInteger(step) || step < 0) return this.fail(response, new LaunchError('gotoStep takes { step: N }, N ≥ 0 micro-steps'));
        const point = step < rt.timeline.pointOfStep.length ? rt.timeline.pointOfStep[step] : rt.timeline.end;
        response.body = { step: rt.timeline.pos[point], line: this.convertDebuggerLineToClient(rt.timeline.lineOf(point)) };
        return this.move(response, (r) => r.goto(point));
      }
      case 'traceInfo': {
        if (!rt) return this.fail(response, new LaunchError('no scenario is running'));
        response.body = {
          file: rt.loaded.file,
          kernel: rt.run.kernel,
          steps: rt.run.steps.length,
          step: rt.cursor.position,
          line: this.convertDebuggerLineToClient(rt.timeline.lineOf(rt.point)),
          stale: rt.run.stale,
          hex: this.format.hex,
        };
        return this.sendResponse(response);
      }
      default:
        super.customRequest(command, response, args);
    }
  }

  // ---- threads and stacks -------------------------------------------------------------------

  /** The thread of the cpu acting at this point, or the sequencer. */
  private actingThread(): number {
    const step = this.runtime?.currentStep;
    return step && step.cpu >= 0 ? threadOfCpu(step.cpu) : SEQUENCER;
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const rt = this.runtime;
    const threads: DebugProtocol.Thread[] = [new Thread(SEQUENCER, 'scenario')];
    if (rt) {
      const t = rt.scenario.topology;
      const position = rt.cursor.position;
      for (let c = 0; c < t.cpuCount; c++) {
        if (!rt.timeline.hasActed(c, position)) continue;
        threads.push(new Thread(threadOfCpu(c), `cpu${c} (core${t.coreOf(c)}) — ${rt.cursor.state.cpus[c].vcpu ?? 'idle'}`));
      }
    }
    response.body = { threads };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const rt = this.runtime;
    const frames: DebugProtocol.StackFrame[] = [];
    if (rt) {
      const step = rt.currentStep;
      const lines = rt.scenario.file.sourceLines;
      const frame = (depth: number, name: string, line: number) =>
        new StackFrame(args.threadId * FRAMES_PER_THREAD + depth, name, this.source(), this.convertDebuggerLineToClient(line), this.convertDebuggerColumnToClient(0));
      if (step && args.threadId === this.actingThread()) {
        // innermost first: `flush set 2 of 4` ← `kvmppc_hv_entry` ← … ← `run vm.vcpu0 on cpu1`
        for (let d = step.frames.length - 1; d >= 0; d--) frames.push(frame(d, step.frames[d].name, step.frames[d].line));
      } else if (args.threadId === SEQUENCER) {
        const line = rt.timeline.lineOf(rt.point);
        const text = rt.point === rt.timeline.end ? 'end of the scenario' : (lines[line] ?? '').replace(/#.*$/, '').trim();
        frames.push(frame(0, text, line));
      } else {
        const cpu = args.threadId - 2;
        const last = rt.timeline.lastStepOf(cpu, rt.cursor.position);
        const state = rt.cursor.state.cpus[cpu];
        const doing = state?.vcpu ? `${state.vcpu} ${state.inGuest ? 'in guest mode' : 'handed, not in guest mode'}` : 'idle';
        if (last >= 0) frames.push(frame(0, doing, rt.run.steps[last].line));
      }
    }
    const start = args.startFrame ?? 0;
    const shown = args.levels ? frames.slice(start, start + args.levels) : frames.slice(start);
    response.body = { stackFrames: shown, totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse): void {
    const rt = this.runtime;
    const scopes: DebugProtocol.Scope[] = [];
    if (rt) {
      const f = this.format;
      scopes.push(new Scope('Machine', this.containers.create({ path: 'machine', nodes: () => machineScope(rt, f) }), false));
      scopes.push(new Scope('Guests', this.containers.create({ path: 'guests', nodes: () => guestsScope(rt, f) }), false));
      scopes.push(new Scope('Step', this.containers.create({ path: 'step', nodes: () => stepScope(rt, f) }), false));
    }
    response.body = { scopes };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const container = this.containers.get(args.variablesReference);
    if (!container || args.filter === 'named') {
      response.body = { variables: [] };
      return this.sendResponse(response);
    }
    const saved = this.format.hex;
    if (args.format?.hex !== undefined) this.format.hex = args.format.hex;
    try {
      container.cached ??= container.nodes();
      const start = args.start ?? 0;
      const nodes = args.count ? container.cached.slice(start, start + args.count) : container.cached.slice(start);
      response.body = { variables: nodes.map((n) => this.toVariable(n, container.path)) };
    } finally {
      this.format.hex = saved;
    }
    this.sendResponse(response);
  }

  private toVariable(n: VarNode, parent: string): DebugProtocol.Variable {
    const path = `${parent}/${n.name}`;
    const raw = n.raw ?? n.value;
    const changed = this.before.has(path) && this.before.get(path) !== raw;
    this.now.set(path, raw);
    const v: DebugProtocol.Variable = {
      name: n.name,
      value: changed ? n.value + CHANGED : n.value,
      variablesReference: n.children ? this.containers.create({ path, nodes: n.children }) : 0,
    };
    if (n.evaluateName) v.evaluateName = n.evaluateName;
    if (n.size !== undefined && n.size > PAGE) v.indexedVariables = n.size;
    // not a standard attribute: clients without it still see the ' *'
    if (changed) v.presentationHint = { attributes: ['changed'] };
    return v;
  }

  // ---- evaluate --------------------------------------------------------------------------------

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const rt = this.runtime;
    if (!rt) return this.fail(response, new LaunchError('no scenario is running'));
    try {
      const value = evaluate(parseExpression(args.expression), rt.context());
      const f = { hex: args.format?.hex ?? this.format.hex };
      const node = valueNode(args.expression, value, rt.cursor.state, f);
      response.body = {
        result: node.value,
        variablesReference: node.children ? this.containers.create({ path: `eval/${args.expression}`, nodes: node.children }) : 0,
      };
      this.sendResponse(response);
    } catch (e) {
      this.fail(response, e);
    }
  }

  protected override completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): void {
    const rt = this.runtime;
    if (!rt) {
      response.body = { targets: [] };
      return this.sendResponse(response);
    }
    const column = this.convertClientColumnToDebugger(args.column);
    const { start, items } = complete(args.text, column, rt.cursor.state);
    response.body = {
      targets: items.map((i) => ({ label: i.label, type: i.type, ...(i.detail ? { detail: i.detail } : {}), start: this.convertDebuggerColumnToClient(start), length: column - start })),
    };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const exception = this.runtime?.lastStop.exception;
    if (!exception) return this.fail(response, new LaunchError('not stopped on an exception'));
    response.body = { exceptionId: exception.id, description: exception.description, breakMode: 'always', details: { typeName: exception.title, message: exception.description } };
    this.sendResponse(response);
  }
}

function pick(b: { condition?: string; hitCondition?: string; logMessage?: string }): Partial<WatchSpec> {
  const out: Partial<WatchSpec> = {};
  if (b.condition) out.condition = b.condition;
  if (b.hitCondition) out.hitCondition = b.hitCondition;
  if (b.logMessage !== undefined) out.logMessage = b.logMessage;
  return out;
}

function samePath(a: string, b: string): boolean {
  return path.resolve(a) === path.resolve(b);
}
