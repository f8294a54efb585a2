// The DAP face of the trace debugger: turns requests into Runtime calls and
// Runtime events into DAP events. Never imports `vscode`, so it runs as its
// own process (main.ts, `tlbscn dap`) or inline in the VS Code client
// (`new vscode.DebugAdapterInlineImplementation(new TlbscnDebugSession())`).
//
// Launch attributes: program, kernel, stopOnEntry, trace, stopAtEnd (default
// true: the end of the trace is a stop, so you can step back from it), hex, cwd.
// Custom requests: `toggleFormatting` (hex ↔ decimal), `gotoStep {step}`,
// `traceInfo`, `picture {timeline?}` (the core map at this stop, issue 11);
// issue 12's `lanes`, `moveNext {threadId}`, `schedule`, `regressionScenario`,
// `stepBackInto {threadId}`, `stepBackOut {threadId}`, `staleFromHere
// {maxStall?, maxStates?, maxSeconds?}` and `followSchedule {schedule}`;
// edits during a session: `sourceChanged {file, text?}` (the client's word
// that the editor's text changed; the file on disk is compared at each stop)
// makes the `scenarioChanged` event, and `restartAtStep {text?}` runs the new
// text to the equivalent step (edits.ts). In a `concurrently`
// block, next / stepIn / stepOut on a cpu's thread move that cpu (runtime.ts
// `choose`); a new schedule is announced by the custom event `scheduleChanged`.
//
// Every request goes through dispatchRequest: its arguments are checked
// (requests.ts) and its target looked up before anything is answered or
// changed, and whatever it throws becomes an error response, or, once a
// motion has been answered, a stop (issue 13: nothing crashes, nothing hangs).

import * as path from 'path';
import {
  Breakpoint,
  BreakpointEvent,
  ExitedEvent,
  Handles,
  InitializedEvent,
  InvalidatedEvent,
  LoggingDebugSession,
  Response,
  Scope,
  Source,
  StackFrame,
  TerminatedEvent,
  Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { EXCEPTION_FILTERS, type ResolvedWatch, type WatchKind, type WatchSpec } from './breakpoints';
import { ExpressionError, complete, dataIdOf, evaluate, parseExpression, provenanceTargetOf } from './expressions';
import { type KernelName, type ProvenanceTarget, pictureAt, provenanceOf, timelineOf } from '../../core/src/index';
import { readRegularFile } from './files';
import { ARGUMENTS, type Check, type Command, RequestError, isCommand } from './requests';
import { regressionScenario, scheduleFile } from './regression';
import { staleFromHere } from './fromHere';
import { equivalentPoint, placeOf } from './edits';
import { type LaunchConfig, LaunchError, type OutputLine, Runtime, type Stop, loadLaunch } from './runtime';
import { type Format, type VarNode, accessScope, guestsScope, machineScope, stepScope, stoppedAccess, valueNode } from './variables';

export interface TlbscnLaunchArguments extends DebugProtocol.LaunchRequestArguments, LaunchConfig {
  stopOnEntry?: boolean;
  stopAtEnd?: boolean;
  hex?: boolean;
  /** The Failing expectation filter is on, whatever the Breakpoints pane says (the Testing view's Debug Test). */
  stopOnFailingExpect?: boolean;
}

/** Thread 1 is the scenario's sequencer; cpu N is thread N + 2. */
const SEQUENCER = 1;
const threadOfCpu = (cpu: number) => cpu + 2;
const isThread = (rt: Runtime, threadId: number) => threadId === SEQUENCER || (threadId >= threadOfCpu(0) && threadId < threadOfCpu(rt.scenario.topology.cpuCount));
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

/** One frame of a thread's stack, innermost first; `depth` 0 is the outermost. */
interface Frame {
  depth: number;
  name: string;
  line: number;
}

/** Checks a request's arguments, then handles it. */
type Route = (response: DebugProtocol.Response, args: unknown) => void | Promise<void>;

const files = { readFile: readRegularFile };
/** The sourceReference of the text a run was made from, once the file has changed. */
const AS_DEBUGGED = 1;

/**
 * staleFromHere's bounds when the client gives none: the adapter runs inline
 * in VS Code's extension host, so a search from a stop stays short (Explore
 * Interleavings runs longer ones in a worker).
 */
const FROM_HERE_BOUNDS = { maxStates: 100_000, maxSeconds: 10 } as const;

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
  /** Responses sent: a failure after its response cannot be answered again, only stopped. */
  private answered = new WeakSet<DebugProtocol.Response>();
  /**
   * The scenario's text, once it differs from the one the run was made from
   * (announced by scenarioChanged): from then on frames and console lines
   * point into a read-only copy of the old text, never at new lines.
   */
  private changedTo: string | undefined;
  /**
   * The file's text when last read (at launch, the run's): a stop announces
   * only a change made on disk since, not unsaved edits a restart already ran.
   */
  private diskSeen: string | undefined;

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

  // ---- dispatch -------------------------------------------------------------------

  private route<A, R extends DebugProtocol.Response>(check: Check<A>, handler: (response: R, args: A) => void | Promise<void>): Route {
    // the library's Response is the DAP response each handler fills in
    return (response, args) => handler.call(this, response as R, check(args, ''));
  }

  private readonly routes: Record<Exclude<Command, 'initialize'>, Route> = {
    launch: this.route(ARGUMENTS.launch, this.launchRequest),
    restart: this.route(ARGUMENTS.restart, this.restartRequest),
    configurationDone: this.route(ARGUMENTS.configurationDone, this.configurationDoneRequest),
    disconnect: this.route(ARGUMENTS.disconnect, this.disconnectRequest),
    terminate: this.route(ARGUMENTS.terminate, this.terminateRequest),
    setBreakpoints: this.route(ARGUMENTS.setBreakpoints, this.setBreakPointsRequest),
    setFunctionBreakpoints: this.route(ARGUMENTS.setFunctionBreakpoints, this.setFunctionBreakPointsRequest),
    setExceptionBreakpoints: this.route(ARGUMENTS.setExceptionBreakpoints, this.setExceptionBreakPointsRequest),
    dataBreakpointInfo: this.route(ARGUMENTS.dataBreakpointInfo, this.dataBreakpointInfoRequest),
    setDataBreakpoints: this.route(ARGUMENTS.setDataBreakpoints, this.setDataBreakpointsRequest),
    breakpointLocations: this.route(ARGUMENTS.breakpointLocations, this.breakpointLocationsRequest),
    continue: this.route(ARGUMENTS.continue, this.continueRequest),
    next: this.route(ARGUMENTS.next, this.nextRequest),
    stepIn: this.route(ARGUMENTS.stepIn, this.stepInRequest),
    stepOut: this.route(ARGUMENTS.stepOut, this.stepOutRequest),
    stepBack: this.route(ARGUMENTS.stepBack, this.stepBackRequest),
    reverseContinue: this.route(ARGUMENTS.reverseContinue, this.reverseContinueRequest),
    pause: this.route(ARGUMENTS.pause, this.pauseRequest),
    restartFrame: this.route(ARGUMENTS.restartFrame, this.restartFrameRequest),
    gotoTargets: this.route(ARGUMENTS.gotoTargets, this.gotoTargetsRequest),
    goto: this.route(ARGUMENTS.goto, this.gotoRequest),
    threads: this.route(ARGUMENTS.threads, this.threadsRequest),
    stackTrace: this.route(ARGUMENTS.stackTrace, this.stackTraceRequest),
    scopes: this.route(ARGUMENTS.scopes, this.scopesRequest),
    variables: this.route(ARGUMENTS.variables, this.variablesRequest),
    evaluate: this.route(ARGUMENTS.evaluate, this.evaluateRequest),
    completions: this.route(ARGUMENTS.completions, this.completionsRequest),
    exceptionInfo: this.route(ARGUMENTS.exceptionInfo, this.exceptionInfoRequest),
    toggleFormatting: this.route(ARGUMENTS.toggleFormatting, this.toggleFormattingRequest),
    gotoStep: this.route(ARGUMENTS.gotoStep, this.gotoStepRequest),
    traceInfo: this.route(ARGUMENTS.traceInfo, this.traceInfoRequest),
    picture: this.route(ARGUMENTS.picture, this.pictureRequest),
    provenance: this.route(ARGUMENTS.provenance, this.provenanceRequest),
    lanes: this.route(ARGUMENTS.lanes, this.lanesRequest),
    moveNext: this.route(ARGUMENTS.moveNext, this.moveNextRequest),
    schedule: this.route(ARGUMENTS.schedule, this.scheduleRequest),
    regressionScenario: this.route(ARGUMENTS.regressionScenario, this.regressionScenarioRequest),
    stepBackInto: this.route(ARGUMENTS.stepBackInto, this.stepBackIntoRequest),
    stepBackOut: this.route(ARGUMENTS.stepBackOut, this.stepBackOutRequest),
    staleFromHere: this.route(ARGUMENTS.staleFromHere, this.staleFromHereRequest),
    followSchedule: this.route(ARGUMENTS.followSchedule, this.followScheduleRequest),
    source: this.route(ARGUMENTS.source, this.sourceRequest),
    sourceChanged: this.route(ARGUMENTS.sourceChanged, this.sourceChangedRequest),
    restartAtStep: this.route(ARGUMENTS.restartAtStep, this.restartAtStepRequest),
  };

  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const response = new Response(request);
    const { command } = request;
    let done: void | Promise<void>;
    try {
      if (!isCommand(command)) throw new RequestError('the tlbscn debugger does not support this request');
      if (command === 'initialize') {
        const args = ARGUMENTS.initialize(request.arguments, '');
        // DAP's default path format: the library would refuse a client that leaves it out
        done = super.dispatchRequest({ ...request, arguments: { ...args, pathFormat: args.pathFormat ?? 'path' } });
      } else {
        done = this.routes[command](response, request.arguments);
      }
    } catch (e) {
      return this.failed(response, e);
    }
    if (done) done.catch((e: unknown) => this.failed(response, e));
  }

  override sendResponse(response: DebugProtocol.Response): void {
    this.answered.add(response);
    super.sendResponse(response);
  }

  /**
   * A request that failed: an error response that says why (never a raw
   * TypeError: an unexpected exception is logged, and reported as one); or,
   * when the request was answered already, a stop where the trace stands.
   */
  private failed(response: DebugProtocol.Response, e: unknown): void {
    const expected = e instanceof RequestError || e instanceof LaunchError || e instanceof ExpressionError;
    if (!expected) console.error(`tlbscn debug adapter: the '${response.command}' request failed:`, e);
    if (!this.answered.has(response)) {
      const message = !expected
        ? `internal error in the '${response.command}' request (a bug: its details are in the debug adapter's log)`
        : e instanceof RequestError ? `${response.command}: ${e.message}` : e.message;
      // '{_m}': the library substitutes only '_' variables, and messages may hold braces
      const showUser = !(e instanceof RequestError) || e.showUser;
      return this.sendErrorResponse(response, { id: 1001, format: '{_m}', variables: { _m: message }, showUser });
    }
    try {
      this.runtime?.halt(`stopped by an internal error in '${response.command}' (its details are in the debug adapter's log)`);
    } catch (again) {
      console.error('tlbscn debug adapter: and stopping failed too:', again);
    }
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
    if (this.launchArgs) throw new RequestError('this session has launched its scenario already (restart runs it again)');
    const args = given ?? {};
    const runtime = new Runtime(loadLaunch(args, files), args.stopAtEnd !== false);
    this.launchArgs = args;
    runtime.setWatches('exception', this.withForcedFilters(this.exceptionSpecs));
    this.attach(runtime);
    this.format.hex = !!args.hex;
    // breakpoints can be verified only against a run: ask for them now
    this.sendEvent(new InitializedEvent());
    await Promise.race([this.configured, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    this.sendResponse(response);
    // this runtime, even if a terminate or restart came meanwhile: a disposed one starts and stops silently
    await runtime.start(!!args.stopOnEntry);
  }

  protected override async restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments | undefined): Promise<void> {
    if (!this.launchArgs) throw new RequestError('nothing to restart: launch a scenario first');
    const launch: TlbscnLaunchArguments = { ...this.launchArgs, ...(args?.arguments as TlbscnLaunchArguments | undefined) };
    // the new run is made whole before the old one is dropped: a restart that fails changes nothing
    const runtime = new Runtime(loadLaunch(launch, files), launch.stopAtEnd !== false);
    const specs = this.runtime?.specs() ?? [];
    runtime.setWatches('exception', this.withForcedFilters(this.exceptionSpecs, launch));
    const moved = (['line', 'function', 'data'] as const).flatMap((kind) => runtime.setWatches(kind, specs.filter((s) => s.kind === kind)));
    this.runtime?.dispose();
    this.attach(runtime);
    this.launchArgs = launch;
    for (const w of moved) this.sendEvent(new BreakpointEvent('changed', this.toBreakpoint(w)));
    this.sendResponse(response);
    await runtime.start(!!launch.stopOnEntry);
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments | undefined): void {
    this.runtime?.dispose();
    this.runtime = undefined;
    super.disconnectRequest(response, args ?? {});
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.runtime?.dispose();
    this.runtime = undefined;
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  private attach(runtime: Runtime): void {
    this.runtime = runtime;
    // a new run is made from the text as it is now
    this.changedTo = undefined;
    this.diskSeen = undefined;
    runtime.on('stopped', (stop) => this.onStopped(stop));
    runtime.on('output', (line) => this.onOutput(line));
    runtime.on('end', ({ failedExpectations }) => {
      this.sendEvent(new TerminatedEvent());
      this.sendEvent(new ExitedEvent(failedExpectations ? 1 : 0));
    });
    runtime.on('rescheduled', (watches) => {
      // a breakpoint resolves anew against the new run: a line may run more, less or not at all
      for (const w of watches) if (w.spec.kind !== 'exception') this.sendEvent(new BreakpointEvent('changed', this.toBreakpoint(w)));
      // views that keep the run's timeline (the core map) ask for it again
      this.sendEvent({ seq: 0, type: 'event', event: 'scheduleChanged', body: { schedule: runtime.schedule, steps: runtime.run.steps.length, stale: runtime.run.stale } } as DebugProtocol.Event);
    });
    const { loaded } = runtime;
    const name = path.basename(loaded.file);
    const replay = loaded.replay ? ` (replaying ${path.basename(loaded.replay)})` : '';
    this.onOutput({ text: `${name}: kernel ${loaded.run.kernel}${replay}: ${loaded.run.steps.length} micro-steps, ${loaded.run.stale} stale access${loaded.run.stale === 1 ? '' : 'es'}`, category: 'console' });
    for (const w of loaded.warnings) this.onOutput({ text: `warning: ${w}`, category: 'important' });
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
    // before the stop is told: what the client reads at the stop already knows the file changed
    this.compareText();
    this.sendEvent({ seq: 0, type: 'event', event: 'stopped', body } as DebugProtocol.StoppedEvent);
  }

  /**
   * Edits during a session: the scenario's text now (given by the client,
   * else read from disk) against the run's; a change not announced yet is
   * announced, in the console and by the `scenarioChanged` event. True when
   * the text differs.
   */
  private compareText(given?: string): boolean {
    const rt = this.runtime;
    if (!rt) return false;
    let text = given;
    if (text === undefined) {
      try {
        text = readRegularFile(rt.loaded.file);
      } catch {
        // a file being rewritten, or gone: the next stop (or the editor) tells
        return this.changedTo !== undefined;
      }
      if (text === (this.diskSeen ?? rt.loaded.text)) return this.changedTo !== undefined;
      this.diskSeen = text;
    }
    if (text === rt.loaded.text) return this.changedTo !== undefined;
    if (text === this.changedTo) return true;
    const first = this.changedTo === undefined;
    this.changedTo = text;
    const name = path.basename(rt.loaded.file);
    const step = rt.cursor.position;
    const line = rt.timeline.lineOf(rt.point);
    this.onOutput({
      text: `⚠ ${name} has changed since this run was made from it${first ? `: the call stack and the console now show the text the run was made from (${name} (as debugged), read-only); restart at the same step (step ${step}, line ${line + 1}) to debug the new text` : ' again'}`,
      category: 'important',
    });
    this.sendEvent({ seq: 0, type: 'event', event: 'scenarioChanged', body: { file: rt.loaded.file, step, line: this.convertDebuggerLineToClient(line) } } as DebugProtocol.Event);
    return true;
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
    // the run's lines are the old text's: shown from a copy, never against the edited file
    if (this.changedTo !== undefined) return new Source(`${path.basename(file)} (as debugged)`, undefined, AS_DEBUGGED);
    return new Source(path.basename(file), this.convertDebuggerPathToClient(file));
  }

  /** The text the run was made from (the one sourceReference there is: AS_DEBUGGED). */
  protected override sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    const rt = this.running();
    if (args.sourceReference !== AS_DEBUGGED || this.changedTo === undefined) {
      throw new RequestError(`no source ${args.sourceReference}: frames point at the scenario's file until it changes during the session`);
    }
    response.body = { content: rt.loaded.text, mimeType: 'text/x-tlbscn' };
    this.sendResponse(response);
  }

  private readOrUndefined(file: string): string | undefined {
    try {
      return readRegularFile(file);
    } catch {
      return undefined;
    }
  }

  /** The client's word that the scenario's text changed (the editor's text, unsaved edits included). */
  private sourceChangedRequest(response: DebugProtocol.Response, args: { file: string; text?: string }): void {
    const rt = this.running();
    const ours = samePath(this.convertClientPathToDebugger(args.file), rt.loaded.file);
    response.body = { changed: ours && this.compareText(args.text) };
    this.sendResponse(response);
  }

  /**
   * Restart at the same step, on the scenario's new text (`text`, the
   * editor's; else the file's): the same launch and schedule, the debugger at
   * the equivalent step (edits.ts), the breakpoints resolved again.
   */
  private async restartAtStepRequest(response: DebugProtocol.Response, args: { text?: string } | undefined): Promise<void> {
    const old = this.running();
    if (old.isMoving) throw new RequestError('the debugger is moving; pause first');
    const launch = { ...this.launchArgs!, program: old.loaded.file };
    const text = args?.text;
    const reading = text === undefined ? files : { readFile: (f: string) => (samePath(f, old.loaded.file) ? text : readRegularFile(f)) };
    // the new run is made whole before the old one is dropped: a text with errors changes nothing
    const runtime = new Runtime(loadLaunch(launch, reading, old.schedule), launch.stopAtEnd !== false);
    const place = equivalentPoint(placeOf(old.timeline, old.point, old.scenario.file.sourceLines), runtime.timeline, runtime.scenario.file.sourceLines);
    runtime.setWatches('exception', this.withForcedFilters(this.exceptionSpecs, launch));
    const moved = (['line', 'function', 'data'] as const).flatMap((kind) => runtime.setWatches(kind, old.specs().filter((s) => s.kind === kind)));
    old.dispose();
    this.attach(runtime);
    // the editor's text may not be saved: the file as it is now is no news
    if (text !== undefined) this.diskSeen = this.readOrUndefined(old.loaded.file);
    for (const w of moved) this.sendEvent(new BreakpointEvent('changed', this.toBreakpoint(w)));
    this.onOutput({ text: `↻ restarted on the new text at ${place.how}`, category: 'console' });
    response.body = { step: runtime.timeline.pos[place.point], line: this.convertDebuggerLineToClient(runtime.timeline.lineOf(place.point)), how: place.how };
    this.sendResponse(response);
    await runtime.goto(place.point, 'restart');
  }

  // ---- breakpoints ------------------------------------------------------------------------

  /** Whether a request's source is the scenario being debugged. */
  private isScenario(rt: Runtime, source: DebugProtocol.Source): boolean {
    return source.path !== undefined && samePath(this.convertClientPathToDebugger(source.path), rt.loaded.file);
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const rt = this.runtime;
    const requested = args.breakpoints ?? [];
    if (!rt || !this.isScenario(rt, args.source)) {
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
    const lines = rt && this.isScenario(rt, args.source) ? [...rt.timeline.statementsByLine.keys()].filter((l) => l >= from && l <= to).sort((a, b) => a - b) : [];
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
    const specs = [...options].filter(([f]) => known.has(f)).map(([f, condition]) => this.spec('exception', f, condition ? { condition } : {}));
    // replaced only once the new filters resolved: a request that fails keeps the previous ones
    const resolved = new Map(this.runtime?.setWatches('exception', this.withForcedFilters(specs)).map((w) => [w.spec.target, this.toBreakpoint(w)]));
    this.exceptionSpecs = specs;
    // one answer per filter asked for, in order; a filter this adapter lacks is said so, not dropped
    response.body = {
      breakpoints: [...options.keys()].map((f): DebugProtocol.Breakpoint =>
        !known.has(f) ? { verified: false, message: `no exception filter '${f}' (${[...known].join(', ')})` } : (resolved.get(f) ?? { verified: true }),
      ),
    };
    this.sendResponse(response);
  }

  /** The exception filters a launch turns on (stopOnFailingExpect), added to the user's. */
  private withForcedFilters(specs: WatchSpec[], launch = this.launchArgs): WatchSpec[] {
    if (!launch?.stopOnFailingExpect || specs.some((s) => s.target === 'expect')) return specs;
    return [...specs, this.spec('exception', 'expect')];
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    const rt = this.runtime;
    let dataId: string | undefined;
    if (rt && args.variablesReference !== undefined) {
      const container = this.containers.get(args.variablesReference);
      dataId = container?.cached?.find((n) => n.name === args.name)?.dataId;
    } else if (rt) {
      try {
        dataId = dataIdOf(parseExpression(args.name), rt.cursor.state, rt.context().entryBit);
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

  private running(): Runtime {
    if (!this.runtime) throw new RequestError('no scenario is running');
    return this.runtime;
  }

  /** The running scenario, once `threadId` is one of its threads. */
  private runningThread(threadId: number): Runtime {
    const rt = this.running();
    if (!isThread(rt, threadId)) throw new RequestError(`no thread ${threadId}`);
    return rt;
  }

  /** Answers a motion, then makes it: only once everything it needs was checked (the response says it has begun). */
  private move(response: DebugProtocol.Response, rt: Runtime, motion: (rt: Runtime) => Promise<void>): Promise<void> {
    if (rt.isMoving) throw new RequestError('the debugger is already moving; pause first');
    this.sendResponse(response);
    return motion(rt);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse, args: DebugProtocol.ContinueArguments): Promise<void> {
    response.body = { allThreadsContinued: true };
    return this.move(response, this.runningThread(args.threadId), (rt) => rt.continue());
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): Promise<void> {
    return this.move(response, this.steered(args.threadId, true), (rt) => rt.next());
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): Promise<void> {
    return this.move(response, this.steered(args.threadId, false), (rt) => rt.stepIn());
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): Promise<void> {
    return this.move(response, this.steered(args.threadId, true), (rt) => rt.stepOut());
  }

  /**
   * Issue 12: a step on a cpu's thread inside a `concurrently` block moves
   * that cpu (through its current event with `whole`), the schedule changed
   * if need be; refused, with the reason, when its lane cannot move here.
   */
  private steered(threadId: number, whole: boolean): Runtime {
    const rt = this.runningThread(threadId);
    if (threadId === SEQUENCER) return rt;
    if (rt.isMoving) throw new RequestError('the debugger is already moving; pause first');
    const refused = rt.choose(threadId - threadOfCpu(0), whole);
    if (refused) throw new RequestError(refused);
    return rt;
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments): Promise<void> {
    return this.move(response, this.runningThread(args.threadId), (rt) => rt.stepBack(args.granularity === 'instruction'));
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse, args: DebugProtocol.ReverseContinueArguments): Promise<void> {
    return this.move(response, this.runningThread(args.threadId), (rt) => rt.reverseContinue());
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse, args: DebugProtocol.PauseArguments): void {
    this.runningThread(args.threadId).pause();
    this.sendResponse(response);
  }

  protected override restartFrameRequest(response: DebugProtocol.RestartFrameResponse, args: DebugProtocol.RestartFrameArguments): Promise<void> {
    const rt = this.running();
    const { thread, depth } = this.frame(rt, args.frameId);
    // the sequencer's one frame is the statement the acting cpu runs: restarting it restarts that statement
    if (thread !== this.actingThread() && thread !== SEQUENCER) {
      throw new RequestError(`frame ${args.frameId} belongs to a cpu that is not acting here: only the acting cpu's frames can restart`);
    }
    return this.move(response, rt, (r) => r.restartFrame(depth));
  }

  protected override gotoTargetsRequest(response: DebugProtocol.GotoTargetsResponse, args: DebugProtocol.GotoTargetsArguments): void {
    const rt = this.runtime;
    const line = this.convertClientLineToDebugger(args.line);
    const points = (rt && this.isScenario(rt, args.source) ? rt.timeline.statementsByLine.get(line) : undefined) ?? [];
    response.body = {
      targets: points.slice(0, 200).map((p, i) => ({
        id: p + 1,
        label: `line ${args.line}${points.length > 1 ? `, time ${i + 1} of ${points.length}` : ''} (step ${rt!.timeline.pos[p]})`,
        line: args.line,
      })),
    };
    this.sendResponse(response);
  }

  protected override gotoRequest(response: DebugProtocol.GotoResponse, args: DebugProtocol.GotoArguments): Promise<void> {
    const rt = this.runningThread(args.threadId);
    // a target id is its point + 1 (gotoTargets)
    const point = args.targetId - 1;
    if (point < 0 || point > rt.timeline.end) throw new RequestError(`no goto target ${args.targetId} (gotoTargets gives a line's targets)`);
    return this.move(response, rt, (r) => r.goto(point));
  }

  /** The lanes of the block under way here: which can move next, and what the others wait for. */
  private lanesRequest(response: DebugProtocol.Response): void {
    const rt = this.running();
    const acting = rt.currentStep?.cpu;
    response.body = { lanes: (rt.lanes() ?? []).map((l) => ({ ...l, threadId: threadOfCpu(l.cpu), acting: l.cpu === acting })) };
    this.sendResponse(response);
  }

  /** "Let cpuN move next": the schedule changes so that the thread's cpu takes the next micro-step; the debugger stays. */
  private moveNextRequest(response: DebugProtocol.Response, args: { threadId: number }): Promise<void> {
    const rt = this.runningThread(args.threadId);
    if (args.threadId === SEQUENCER) throw new RequestError('choose a cpu\'s thread: the scenario thread is no lane');
    if (rt.currentStep?.lane === undefined) throw new RequestError('not inside a concurrently block: here the scenario\'s order decides who moves');
    if (rt.isMoving) throw new RequestError('the debugger is already moving; pause first');
    const cpu = args.threadId - threadOfCpu(0);
    const refused = rt.choose(cpu, false);
    if (refused) throw new RequestError(refused);
    return this.move(response, rt, (r) => r.stay(`cpu${cpu} moves next`));
  }

  /** The schedule being debugged, as a schedule file holds it (the `trace` launch attribute and `tlbscn run --schedule` replay it). */
  private scheduleRequest(response: DebugProtocol.Response): void {
    const rt = this.running();
    response.body = scheduleFile(rt);
    this.sendResponse(response);
  }

  /** The scenario with `expect stale` after the run's first stale access and its kernel pinned, and the schedule that reaches it. */
  private regressionScenarioRequest(response: DebugProtocol.Response): void {
    const rt = this.running();
    const text = regressionScenario(rt.scenario, rt.run);
    if (text === undefined) throw new RequestError('this schedule reads no stale entry: there is no stale access to pin');
    response.body = { text, schedule: scheduleFile(rt) };
    this.sendResponse(response);
  }

  private stepBackIntoRequest(response: DebugProtocol.Response, args: { threadId: number }): Promise<void> {
    return this.move(response, this.runningThread(args.threadId), (rt) => rt.stepBack(true));
  }

  private stepBackOutRequest(response: DebugProtocol.Response, args: { threadId: number }): Promise<void> {
    return this.move(response, this.runningThread(args.threadId), (rt) => rt.stepBackOut());
  }

  /**
   * "Does a stale schedule exist from here?": the explorer over the schedules
   * that start with the decisions taken before the cursor (fromHere.ts); the
   * answer goes to the console too. Nothing moves: followSchedule adopts what it found.
   */
  private staleFromHereRequest(response: DebugProtocol.Response, args: { maxStall?: number; maxStates?: number; maxSeconds?: number } | undefined): void {
    const rt = this.running();
    if (rt.isMoving) throw new RequestError('the debugger is moving; ask again at the next stop');
    const bounds = { maxStates: args?.maxStates ?? FROM_HERE_BOUNDS.maxStates, maxSeconds: args?.maxSeconds ?? FROM_HERE_BOUNDS.maxSeconds, ...(args?.maxStall !== undefined ? { maxStall: args.maxStall } : {}) };
    const answer = staleFromHere(rt.scenario, rt.run.kernel as KernelName, rt.run, rt.prefix, rt.cursor.position, bounds);
    this.onOutput({ text: `⌕ from step ${rt.cursor.position}: ${answer.message}`, category: answer.verdict === 'stale' ? 'important' : 'console', line: rt.timeline.lineOf(rt.point) });
    response.body = answer;
    this.sendResponse(response);
  }

  /** Continue along a schedule that starts with the decisions taken so far: a new run, the debugger where it stands. */
  private followScheduleRequest(response: DebugProtocol.Response, args: { schedule: number[] }): Promise<void> {
    const rt = this.running();
    if (rt.isMoving) throw new RequestError('the debugger is already moving; pause first');
    const refused = rt.follow(args.schedule);
    if (refused) throw new RequestError(refused);
    return this.move(response, rt, (r) => r.stay('following the schedule found from here'));
  }

  private toggleFormattingRequest(response: DebugProtocol.Response): void {
    this.format.hex = !this.format.hex;
    response.body = { hex: this.format.hex };
    this.sendResponse(response);
    if (this.supportsInvalidated) this.sendEvent(new InvalidatedEvent(['variables']));
  }

  private gotoStepRequest(response: DebugProtocol.Response, args: { step: number }): Promise<void> {
    const rt = this.running();
    const point = args.step < rt.timeline.pointOfStep.length ? rt.timeline.pointOfStep[args.step] : rt.timeline.end;
    response.body = { step: rt.timeline.pos[point], line: this.convertDebuggerLineToClient(rt.timeline.lineOf(point)) };
    return this.move(response, rt, (r) => r.goto(point));
  }

  private traceInfoRequest(response: DebugProtocol.Response): void {
    const rt = this.running();
    response.body = {
      file: rt.loaded.file,
      kernel: rt.run.kernel,
      steps: rt.run.steps.length,
      step: rt.cursor.position,
      line: this.convertDebuggerLineToClient(rt.timeline.lineOf(rt.point)),
      stale: rt.run.stale,
      hex: this.format.hex,
    };
    this.sendResponse(response);
  }

  /**
   * The core map where the debugger stands (the core's picture of the
   * cursor's state) and, with `timeline`, the run's timeline and the
   * scenario's lines: all the core map panel draws, so it never simulates.
   */
  private pictureRequest(response: DebugProtocol.Response, args: { timeline?: boolean } | undefined): void {
    const rt = this.running();
    // mid-motion the cursor is between two stops: the next stop is the picture to ask for
    if (rt.isMoving) throw new RequestError('the debugger is moving; ask again at the next stop');
    const picture = pictureAt(rt.scenario, rt.run.kernel as KernelName, rt.run.steps, rt.cursor.state, rt.cursor.position);
    if (!args?.timeline) response.body = { picture };
    else response.body = { picture, timeline: timelineOf(rt.scenario, rt.run), lines: rt.scenario.file.sourceLines, title: `${path.basename(rt.loaded.file)} — kernel ${rt.run.kernel}` };
    this.sendResponse(response);
  }

  /**
   * Issue 11's provenance: the step that last wrote a TLB entry or a bit
   * (named by the core map's target or by a Variables pane evaluateName), and
   * for a stale entry the chain that left it there. Steps are 0-based micro-
   * steps; `gotoStep {step: step + 1}` stands just after one.
   */
  private provenanceRequest(response: DebugProtocol.Response, args: { target?: ProvenanceTarget; expression?: string }): void {
    const rt = this.running();
    if (rt.isMoving) throw new RequestError('the debugger is moving; ask again at the next stop');
    const state = rt.cursor.state;
    let target = args.target;
    if (!target && args.expression !== undefined) {
      try {
        target = provenanceTargetOf(parseExpression(args.expression), state, rt.context().entryBit);
      } catch (e) {
        if (!(e instanceof ExpressionError)) throw e;
      }
    }
    if (!target) throw new RequestError(`'${args.expression ?? ''}' names no TLB entry, need_tlb_flush bit or cpu_in_guest bit`);
    if (target.kind === 'tlb' && target.domain >= state.tlbs.length) throw new RequestError(`there is no TLB domain ${target.domain}`);
    if (target.kind === 'bit' && (!state.guests.has(target.guest) || target.cpu >= state.topology.cpuCount)) throw new RequestError(`there is no bit ${target.cpu} of a guest '${target.guest}'`);
    response.body = provenanceOf(rt.scenario, rt.run.steps, state, rt.cursor.position, target);
    this.sendResponse(response);
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
      const laneCpus = blockCpus(rt);
      for (let c = 0; c < t.cpuCount; c++) {
        // a lane of the block under way is a thread before it first acts, so that it can be chosen to move
        if (!rt.timeline.hasActed(c, position) && !laneCpus.has(c)) continue;
        threads.push(new Thread(threadOfCpu(c), `cpu${c} (core${t.coreOf(c)}) — ${rt.cursor.state.cpus[c].vcpu ?? 'idle'}`));
      }
    }
    response.body = { threads };
    this.sendResponse(response);
  }

  /** A thread's stack, innermost first. */
  private framesOf(rt: Runtime, threadId: number): Frame[] {
    const step = rt.currentStep;
    if (step && threadId === this.actingThread()) {
      // innermost first: `flush set 2 of 4` ← `kvmppc_hv_entry` ← … ← `run vm.vcpu0 on cpu1`
      return step.frames.map((f, depth) => ({ depth, name: f.name, line: f.line })).reverse();
    }
    if (threadId === SEQUENCER) {
      const line = rt.timeline.lineOf(rt.point);
      const text = rt.point === rt.timeline.end ? 'end of the scenario' : (rt.scenario.file.sourceLines[line] ?? '').replace(/#.*$/, '').trim();
      return [{ depth: 0, name: text, line }];
    }
    const cpu = threadId - threadOfCpu(0);
    const last = rt.timeline.lastStepOf(cpu, rt.cursor.position);
    const state = rt.cursor.state.cpus[cpu];
    const doing = state.vcpu ? `${state.vcpu} ${state.inGuest ? 'in guest mode' : 'handed, not in guest mode'}` : 'idle';
    return last >= 0 ? [{ depth: 0, name: doing, line: rt.run.steps[last].line }] : [];
  }

  /** The thread and depth of a frame id the stacks show now. */
  private frame(rt: Runtime, frameId: number): { thread: number; depth: number } {
    const thread = Math.floor(frameId / FRAMES_PER_THREAD);
    const depth = frameId % FRAMES_PER_THREAD;
    if (frameId < 0 || !isThread(rt, thread) || !this.framesOf(rt, thread).some((f) => f.depth === depth)) throw new RequestError(`no frame ${frameId} at this stop`);
    return { thread, depth };
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const rt = this.runningThread(args.threadId);
    const frames = this.framesOf(rt, args.threadId).map(
      (f) => new StackFrame(args.threadId * FRAMES_PER_THREAD + f.depth, f.name, this.source(), this.convertDebuggerLineToClient(f.line), this.convertDebuggerColumnToClient(0)),
    );
    const start = args.startFrame ?? 0;
    const shown = args.levels ? frames.slice(start, start + args.levels) : frames.slice(start);
    response.body = { stackFrames: shown, totalFrames: frames.length };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const rt = this.running();
    // every frame sees the one machine state: the frame id is only checked
    this.frame(rt, args.frameId);
    const f = this.format;
    response.body = {
      scopes: [
        new Scope('Machine', this.containers.create({ path: 'machine', nodes: () => machineScope(rt, f) }), false),
        new Scope('Guests', this.containers.create({ path: 'guests', nodes: () => guestsScope(rt, f) }), false),
        new Scope('Step', this.containers.create({ path: 'step', nodes: () => stepScope(rt, f) }), false),
      ],
    };
    // VS Code opens only the first scope that is not expensive: at an access, the one about it
    if (stoppedAccess(rt)) response.body.scopes.unshift(new Scope('At this access', this.containers.create({ path: 'access', nodes: () => accessScope(rt, f) }), false));
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const container = this.containers.get(args.variablesReference);
    // VS Code may still ask for the Variables pane's old references after the debugger moved (a jump from the core map): no toast
    if (!container) throw new RequestError(`no variables reference ${args.variablesReference} (references last until the next stop)`, false);
    if (args.filter === 'named') {
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
    // VS Code's context key debugProtocolVariableMenuContext: the pane offers "Go to the Step That Last Wrote It" here only
    if (n.provenance) Object.assign(v, { __vscodeVariableMenuContext: 'provenance' });
    return v;
  }

  // ---- evaluate --------------------------------------------------------------------------------

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const rt = this.running();
    let value;
    try {
      value = evaluate(parseExpression(args.expression), rt.context());
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      // console text, not a notification: the debug console shows a result, watch and hover the error inline
      if (args.context === 'repl') {
        response.body = { result: `error: ${e.message}`, variablesReference: 0 };
        return this.sendResponse(response);
      }
      return this.sendErrorResponse(response, { id: 1002, format: '{_m}', variables: { _m: e.message }, showUser: false });
    }
    const f = { hex: args.format?.hex ?? this.format.hex };
    const node = valueNode(args.expression, value, rt.cursor.state, f);
    response.body = {
      result: node.value,
      variablesReference: node.children ? this.containers.create({ path: `eval/${args.expression}`, nodes: node.children }) : 0,
    };
    this.sendResponse(response);
  }

  protected override completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): void {
    const rt = this.runtime;
    if (!rt) {
      response.body = { targets: [] };
      return this.sendResponse(response);
    }
    const column = this.convertClientColumnToDebugger(args.column);
    if (column < 0 || column > args.text.length) throw new RequestError(`column ${args.column} is outside the text`);
    const { start, items } = complete(args.text, column, rt.cursor.state);
    response.body = {
      targets: items.map((i) => ({ label: i.label, type: i.type, ...(i.detail ? { detail: i.detail } : {}), start: this.convertDebuggerColumnToClient(start), length: column - start })),
    };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const exception = this.running().lastStop.exception;
    if (!exception) throw new RequestError('not stopped on an exception');
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

/** The cpus with a lane in the block of the step about to run (none outside blocks). */
function blockCpus(rt: Runtime): Set<number> {
  return new Set(rt.block()?.lanes.map((l) => l.cpu.index));
}

function samePath(a: string, b: string): boolean {
  return path.resolve(a) === path.resolve(b);
}
