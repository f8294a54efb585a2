// The trace debugger's engine, free of DAP: loads a scenario (or a recorded
// trace), simulates it once, and then moves one TraceCursor along the
// recorded micro-steps — forward, backward, to breakpoints — reporting
// stops and console output as events. session.ts turns these into DAP.

import { EventEmitter } from 'events';
import * as path from 'path';
import {
  type ConcurrentlyBlock,
  describeStall,
  type KernelName,
  kernelList,
  type MicroStep,
  type RunResult,
  type Scenario,
  TraceCursor,
  analyze,
  formatDiagnostic,
  resolveKernel,
  roundRobin,
  scheduleChooser,
} from '../../core/src/index';
import { BreakpointResolver, EXCEPTION_FILTERS, type ResolvedWatch, type WatchSpec, describeDataId } from './breakpoints';
import { type EvalContext, entryBitOf } from './expressions';
import { type Decision, type LaneChoice, type ScheduledRun, lanesAt, recordRun, scheduleOf, steer } from './schedule';
import { Timeline, firstAfter, lastBefore } from './timeline';

export interface LaunchConfig {
  /** The .tlbscn file. */
  program?: string;
  /** Kernel variant (or alias) overriding the file's. */
  kernel?: string;
  /** A JSON trace from `tlbscn run --json` or `tlbscn explore --json` to replay. */
  trace?: string;
  /** Where relative paths start (default: the adapter's cwd). */
  cwd?: string;
}

/** File access comes in from outside (mock-debug's FileAccessor), so the runtime can be driven in tests and inline. */
export interface FileAccess {
  /** Throws FileRefused for a file it will not read (files.ts: anything but a regular file, or too large). */
  readFile(file: string): string;
}

/** A file that exists but is not one the adapter reads: the message says why. */
export class FileRefused extends Error {}

/** A launch that cannot start: the message is for the user. */
export class LaunchError extends Error {}

export interface Loaded {
  /** Absolute path of the scenario. */
  file: string;
  /** The scenario's text the run was made from (edits during a session are compared with it). */
  text: string;
  scenario: Scenario;
  run: RunResult;
  /** The run's schedule: who moved at each point where more than one lane could. */
  decisions: Decision[];
  /** Set when replaying a recorded trace: its path. */
  replay?: string;
  warnings: string[];
}

const MAX_ERRORS_SHOWN = 5;

/** `schedule`, when given, replaces the trace's (a restart keeps the schedule being debugged). */
export function loadLaunch(config: LaunchConfig, files: FileAccess, given?: number[]): Loaded {
  const cwd = config.cwd ?? process.cwd();
  let kernel: KernelName | undefined;
  if (config.kernel !== undefined) {
    const v = typeof config.kernel === 'string' ? resolveKernel(config.kernel) : undefined;
    if (!v) throw new LaunchError(`unknown kernel variant '${String(config.kernel)}' (${kernelList()})`);
    kernel = v.name;
  }
  const warnings: string[] = [];
  let recorded: { file?: unknown; kernel?: unknown; schedule?: unknown; stale?: unknown } | undefined;
  let replay: string | undefined;
  let file: string;
  if (config.trace !== undefined) {
    if (typeof config.trace !== 'string') throw new LaunchError("'trace' must be the path of a JSON trace");
    replay = path.resolve(cwd, config.trace);
    const text = read(files, replay, 'trace');
    try {
      recorded = JSON.parse(text) as typeof recorded;
    } catch {
      // not the parser's message: it quotes the file, which may be anything
      throw new LaunchError(`${config.trace}: not a JSON trace (it does not parse as JSON)`);
    }
    if (!recorded || typeof recorded !== 'object') throw new LaunchError(`${config.trace}: not a JSON trace`);
    if (config.program === undefined && typeof recorded.file !== 'string') throw new LaunchError(`${config.trace}: the trace names no scenario file ('file'), and no 'program' was given`);
    file = config.program !== undefined ? path.resolve(cwd, String(config.program)) : findRecordedFile(String(recorded.file), replay, cwd, files);
    if (kernel === undefined && typeof recorded.kernel === 'string') kernel = resolveKernel(recorded.kernel)?.name;
  } else {
    if (typeof config.program !== 'string' || config.program === '') throw new LaunchError("no 'program' given: set it to the .tlbscn file to debug");
    file = path.resolve(cwd, config.program);
  }
  const text = read(files, file, 'scenario');
  const checked = analyze(text);
  const errors = checked.diagnostics.filter((d) => d.severity === 'error');
  // diagnostics quote the words they reject: for a file that is no scenario at all (a launch of
  // /etc/passwd) they would show its contents, so say only what it is not
  if (errors.length && checked.scenario.file.statements.length === 0) {
    throw new LaunchError(`${path.basename(file)} is not a tlbscn scenario: none of its lines is a statement of the language (a scenario starts with a 'machine' line)`);
  }
  if (errors.length) {
    const shown = errors.slice(0, MAX_ERRORS_SHOWN).map((d) => formatDiagnostic(file, d));
    const more = errors.length > MAX_ERRORS_SHOWN ? `\n… and ${errors.length - MAX_ERRORS_SHOWN} more` : '';
    throw new LaunchError(`${path.basename(file)} has ${errors.length} error${errors.length === 1 ? '' : 's'}; fix ${errors.length === 1 ? 'it' : 'them'} to debug:\n${shown.join('\n')}${more}`);
  }
  const schedule = given ?? recorded?.schedule;
  if (schedule !== undefined && !(Array.isArray(schedule) && schedule.every((c) => Number.isInteger(c)))) {
    throw new LaunchError(`${config.trace}: 'schedule' must be a list of cpu numbers`);
  }
  // runSchedule's run, or simulate's (round-robin), with the decisions recorded for schedule control
  const { run, decisions } = recordRun(checked.scenario, kernel, () => (schedule ? scheduleChooser(schedule as number[]) : roundRobin));
  if (recorded && typeof recorded.stale === 'number' && recorded.stale !== run.stale) {
    warnings.push(`the recorded trace had ${recorded.stale} stale access${recorded.stale === 1 ? '' : 'es'}, the replay has ${run.stale}: the scenario changed since it was recorded`);
  }
  return { file, text, scenario: checked.scenario, run, decisions, warnings, ...(replay ? { replay } : {}) };
}

function read(files: FileAccess, file: string, what: string): string {
  try {
    return files.readFile(file);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = e instanceof FileRefused ? `: ${e.message}` : code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : '';
    throw new LaunchError(`cannot read the ${what} ${file}${why}`);
  }
}

/** The CLI recorded the path relative to where it ran: try the trace's folder, then the cwd. */
function findRecordedFile(recorded: string, trace: string, cwd: string, files: FileAccess): string {
  const candidates = [path.resolve(path.dirname(trace), recorded), path.resolve(cwd, recorded)];
  for (const c of candidates) {
    try {
      files.readFile(c);
      return c;
    } catch {
      // try the next place
    }
  }
  throw new LaunchError(`the trace's scenario '${clip(recorded)}' is found neither beside the trace nor in ${cwd}; give 'program'`);
}

/** A name read from a trace, short enough for a message whatever the trace holds. */
function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

// ---- stops and events ----------------------------------------------------------

export type StopReason = 'entry' | 'step' | 'breakpoint' | 'function breakpoint' | 'data breakpoint' | 'exception' | 'pause' | 'goto' | 'restart' | 'end';

export interface ExceptionStop {
  id: string;
  title: string;
  description: string;
}

export interface Stop {
  reason: StopReason;
  description: string;
  hitBreakpointIds: number[];
  exception?: ExceptionStop;
}

export interface OutputLine {
  text: string;
  category: 'console' | 'stdout' | 'stderr' | 'important';
  /** 0-based scenario line. */
  line?: number;
  group?: 'startCollapsed' | 'end';
}

export interface RuntimeEvents {
  stopped: [Stop];
  output: [OutputLine];
  /** The end was passed (or there is no stop at the end): the session ends. */
  end: [{ failedExpectations: number }];
  /** Another lane was chosen: the run from this point on is a new one; the watches, resolved again. */
  rescheduled: [ResolvedWatch[]];
}

/** How far one motion goes between pause checks: a few milliseconds of replay. */
const CHUNK = 20_000;
/** Console lines one motion prints before it summarizes. */
const MAX_OUTPUT = 400;

export class Runtime extends EventEmitter<RuntimeEvents> {
  // all four are replaced together when a lane is chosen to move next (reschedule)
  private current: Loaded;
  private line: Timeline;
  private trace: TraceCursor;
  private resolver: BreakpointResolver;
  /** The point the debugger stands at. */
  point = 0;
  lastStop: Stop = { reason: 'entry', description: '', hitBreakpointIds: [] };
  private watches = new Map<number, ResolvedWatch>();
  private moving = false;
  private pauseRequested = false;
  private disposed = false;

  constructor(
    loaded: Loaded,
    /** Stop at the end of the trace instead of ending the session there (so you can step back). */
    private readonly stopAtEnd: boolean,
  ) {
    super();
    const { scenario, run } = loaded;
    this.current = loaded;
    this.line = new Timeline(run, scenario.topology.cpuCount);
    this.trace = new TraceCursor(scenario, run.steps);
    this.resolver = new BreakpointResolver(scenario, this.line);
  }

  get loaded(): Loaded {
    return this.current;
  }

  get timeline(): Timeline {
    return this.line;
  }

  get cursor(): TraceCursor {
    return this.trace;
  }

  get scenario(): Scenario {
    return this.loaded.scenario;
  }

  get run(): RunResult {
    return this.loaded.run;
  }

  /** The schedule being debugged, as `tlbscn explore --json` and schedule files give it. */
  get schedule(): number[] {
    return scheduleOf(this.loaded.decisions);
  }

  /** The step about to run, undefined at an expectation or at the end. */
  get currentStep(): MicroStep | undefined {
    return this.timeline.stepAt(this.point);
  }

  /** The step that ran last: what the Step scope shows. */
  get lastStep(): MicroStep | undefined {
    const p = this.timeline.pos[this.point];
    return p > 0 ? this.run.steps[p - 1] : undefined;
  }

  context(): EvalContext {
    return { state: this.cursor.state, step: this.cursor.position, line: this.timeline.lineOf(this.point) + 1, entryBit: entryBitOf(this.run.kernel) };
  }

  // ---- breakpoints ---------------------------------------------------------------

  /** Replaces the watches of one kind; returns their resolution, in the order given. */
  setWatches(kind: WatchSpec['kind'], specs: WatchSpec[]): ResolvedWatch[] {
    // resolve them all before anything is replaced: a request that fails leaves the old ones in place
    const resolved = specs.map((spec) => this.resolver.resolve(spec));
    for (const [id, w] of this.watches) if (w.spec.kind === kind) this.watches.delete(id);
    for (const w of resolved) this.watches.set(w.spec.id, w);
    return resolved;
  }

  specs(): WatchSpec[] {
    return [...this.watches.values()].map((w) => w.spec);
  }

  describeData(id: string): string | undefined {
    return describeDataId(id, this.scenario);
  }

  // ---- motion ----------------------------------------------------------------------

  /** At launch: stop on the first point, or run from it (a breakpoint there counts). */
  start(stopOnEntry: boolean): Promise<void> {
    if (stopOnEntry) return this.travel(0, this.stopAs('entry', 'start of the scenario'));
    return this.forward(this.nextBreakpoint(-1) ?? this.endPoint());
  }

  continue(): Promise<void> {
    if (this.point === this.timeline.end) return this.finish();
    return this.forward(this.nextBreakpoint(this.point) ?? this.endPoint());
  }

  /** Step over: to the start of the next statement of this cpu's lane. */
  next(): Promise<void> {
    if (this.point === this.timeline.end) return this.finish();
    return this.forward(this.nextStatement(this.point, 0), 'step');
  }

  /** Step into: the next micro-step, into the kernel routines. */
  stepIn(): Promise<void> {
    if (this.point === this.timeline.end) return this.finish();
    return this.forward(this.point + 1, 'step');
  }

  /** Step out: to where the current routine returns, or the end of the statement. */
  stepOut(): Promise<void> {
    if (this.point === this.timeline.end) return this.finish();
    const step = this.currentStep;
    return this.forward(this.nextStatement(this.point, step ? step.frames.length : 0), 'step');
  }

  /** Step back over a statement (or one micro-step with `instruction`): exact, by reverting changes. */
  stepBack(instruction: boolean): Promise<void> {
    let target = Math.max(0, this.point - 1);
    if (!instruction) while (target > 0 && !this.timeline.isStatement(target)) target--;
    return this.travel(target, this.stopAs(target === 0 ? 'entry' : 'step', target === 0 ? 'start of the scenario' : 'stepped back'));
  }

  reverseContinue(): Promise<void> {
    const target = this.previousBreakpoint(this.point);
    if (target === undefined) return this.travel(0, this.stopAs('entry', 'start of the scenario'));
    return this.travel(target, this.describeStopAt(target));
  }

  /** Jump to a point (gotoTargets/goto, the `gotoStep` request). */
  goto(point: number, reason: 'goto' | 'restart' = 'goto'): Promise<void> {
    const target = Math.max(0, Math.min(this.timeline.end, point));
    return this.travel(target, this.stopAs(reason, `at step ${this.timeline.pos[target]}`));
  }

  /** Back to where the routine of frame `depth` (outermost 0) of the current step was entered. */
  restartFrame(depth: number): Promise<void> {
    const step = this.currentStep;
    if (!step || depth >= step.frames.length) return this.goto(this.point, 'restart');
    return this.goto(this.routineStart(step, depth), 'restart');
  }

  /**
   * Step back out: to where the current kernel routine began (from `flush
   * set 2 of 4`, the start of kvmppc_hv_entry); at a routine's start already,
   * to where its caller began; at a statement's first step, one statement back.
   */
  stepBackOut(): Promise<void> {
    const step = this.currentStep;
    for (let depth = (step?.frames.length ?? 0) - 1; step && depth >= 0; depth--) {
      const start = this.routineStart(step, depth);
      if (start < this.point) return this.travel(start, this.stopAs('step', `back to the start of ${step.frames[depth].name}`));
    }
    return this.stepBack(false);
  }

  /** The point where the routine of frame `depth` of `step` was entered: the earliest step of its event still inside it. */
  private routineStart(step: MicroStep, depth: number): number {
    const tl = this.timeline;
    const name = step.frames[depth].name;
    let s = step.index;
    for (let prev = tl.prevInEvent[s]; prev >= 0 && this.run.steps[prev].frames[depth]?.name === name; prev = tl.prevInEvent[prev]) s = prev;
    return tl.pointOfStep[s];
  }

  // ---- schedule control (issue 12) ----------------------------------------------------

  /** The lanes of the block under way here, and whether each can move now; undefined outside a block. */
  lanes(): LaneChoice[] | undefined {
    const step = this.currentStep;
    if (step?.lane === undefined) return undefined;
    return lanesAt(this.scenario, this.run.kernel as KernelName, this.schedule, step.index);
  }

  /**
   * Makes `cpu` the lane that moves at this point and, with `whole` (step
   * over, step out), through the rest of its current event, the other lanes
   * moving only while it waits. When the schedule had another lane move, the
   * scenario is simulated again under the new schedule and the debugger stays
   * at the same step (the trace up to here is the same). Returns why not when
   * the cpu's lane cannot move here; outside a block the scenario's order
   * holds and nothing changes.
   */
  choose(cpu: number, whole: boolean): string | undefined {
    const step = this.currentStep;
    if (step?.lane === undefined) return undefined;
    const decisions = this.loaded.decisions;
    let k = 0;
    while (k < decisions.length && decisions[k].step < step.index) k++;
    const here = decisions[k]?.step === step.index ? decisions[k] : undefined;
    if (step.cpu !== cpu && !here?.ready.includes(cpu)) return this.whyNot(cpu, step);
    if (!this.othersMoveFirst(cpu, step, decisions.slice(k), whole)) return undefined;
    const before = this.run.stale;
    this.reschedule(recordRun(this.scenario, this.run.kernel as KernelName, steer(this.schedule, step.index, cpu, whole)));
    const stale = this.run.stale === before ? '' : `; ${this.run.stale} stale access${this.run.stale === 1 ? '' : 'es'} now (${before} before)`;
    this.emit('output', { text: `⇄ cpu${cpu} moves next: a new schedule from step ${step.index} on (${this.run.steps.length} micro-steps${stale})`, category: 'console', line: step.line });
    return undefined;
  }

  /** The decisions taken before the cursor: every run that keeps the trace up to here starts with them. */
  get prefix(): number[] {
    const position = this.cursor.position;
    return this.loaded.decisions.filter((d) => d.step < position).map((d) => d.cpu);
  }

  /**
   * Continue along `schedule` (one "does a stale schedule exist from here?"
   * found): the scenario simulated again under it, the debugger where it
   * stands. Returns why not when it does not start with the decisions taken
   * so far (the trace up to here would not be the same).
   */
  follow(schedule: number[]): string | undefined {
    const prefix = this.prefix;
    if (prefix.some((cpu, i) => schedule[i] !== cpu)) return `the schedule does not start with the ${prefix.length} choice${prefix.length === 1 ? '' : 's'} made before here (${prefix.join(', ') || 'none'}): it would not replay the run up to here`;
    const before = this.run.stale;
    this.reschedule(recordRun(this.scenario, this.run.kernel as KernelName, () => scheduleChooser(schedule)));
    const line = this.timeline.lineOf(this.point);
    this.emit('output', { text: `⇄ following a schedule found from step ${this.cursor.position} (${this.run.steps.length} micro-steps; ${this.run.stale} stale access${this.run.stale === 1 ? '' : 'es'} now, ${before} before)`, category: 'console', line });
    return undefined;
  }

  /** Stop where the debugger stands (after a new schedule): `why` says what changed. */
  stay(why: string): Promise<void> {
    return this.travel(this.point, this.stopAs('step', why));
  }

  /** Whether, in the current run, another lane moves where `cpu` could, before its event here is over. */
  private othersMoveFirst(cpu: number, step: MicroStep, ahead: readonly Decision[], whole: boolean): boolean {
    if (step.cpu !== cpu) return true;
    if (!whole) return false;
    const steps = this.run.steps;
    let last = step.index;
    for (let s = step.index + 1; s < steps.length && steps[s].lane !== undefined; s++) if (steps[s].event === step.event) last = s;
    return ahead.some((d) => d.step <= last && d.cpu !== cpu && d.ready.includes(cpu));
  }

  /** The `concurrently` block the step about to run belongs to. */
  block(): ConcurrentlyBlock | undefined {
    const step = this.currentStep;
    if (step?.lane === undefined) return undefined;
    return this.scenario.program.find((item): item is ConcurrentlyBlock => item.kind === 'concurrently' && item.range.start.line <= step.line && step.line <= item.range.end.line);
  }

  /** Why `cpu` cannot move at `step`, a step of a block. */
  private whyNot(cpu: number, step: MicroStep): string {
    const lane = this.lanes()?.find((l) => l.cpu === cpu);
    const block = this.block();
    const where = block ? `the concurrently block at line ${block.range.start.line + 1}` : 'this block';
    if (!lane) return `cpu${cpu} has no lane of ${where} left to run`;
    return `cpu${cpu} cannot move here: ${lane.why ?? 'it is not enabled'}; cpu${step.cpu} moves`;
  }

  /** The run from here on becomes `next`, whose first steps, up to the cursor's, are the current run's. */
  private reschedule(next: ScheduledRun): void {
    const position = this.trace.position;
    this.current = { ...this.current, run: next.run, decisions: next.decisions };
    this.line = new Timeline(next.run, this.scenario.topology.cpuCount);
    this.trace = new TraceCursor(this.scenario, next.run.steps);
    this.trace.seek(position);
    this.resolver = new BreakpointResolver(this.scenario, this.line);
    const watches = [...this.watches.values()].map((w) => this.resolver.resolve(w.spec));
    for (const w of watches) this.watches.set(w.spec.id, w);
    this.point = this.line.pointOfStep[position] ?? this.line.end;
    this.emit('rescheduled', watches);
  }

  pause(): void {
    if (this.moving) this.pauseRequested = true;
  }

  /**
   * Stops where the cursor stands: after a motion failed halfway, the client
   * (told the motion had started) waits for a stop that would otherwise never come.
   */
  halt(description: string): void {
    this.stopHere(this.timeline.pointOfStep[this.cursor.position] ?? this.timeline.end, this.stopAs('pause', description));
  }

  get isMoving(): boolean {
    return this.moving;
  }

  dispose(): void {
    this.disposed = true;
    this.pauseRequested = true;
    this.removeAllListeners();
  }

  // ---- targets ------------------------------------------------------------------------

  private endPoint(): number | 'finish' {
    return this.stopAtEnd ? this.timeline.end : 'finish';
  }

  /** The first stopping breakpoint after `from` (logpoints do not stop). */
  private nextBreakpoint(from: number): number | undefined {
    let best: number | undefined;
    for (const w of this.watches.values()) {
      if (w.log || !w.verified) continue;
      const p = firstAfter(w.points, from);
      if (p >= 0 && (best === undefined || p < best)) best = p;
    }
    return best;
  }

  private previousBreakpoint(from: number): number | undefined {
    let best: number | undefined;
    for (const w of this.watches.values()) {
      if (w.log || !w.verified) continue;
      const p = lastBefore(w.points, from);
      if (p >= 0 && (best === undefined || p > best)) best = p;
    }
    return best;
  }

  /**
   * The next statement start for `next`, or — with `depth` > 1, for step out —
   * the first later step of this event at a shallower routine depth. In a
   * concurrently block only this lane's statements count (other lanes run meanwhile).
   */
  private nextStatement(from: number, depth: number): number {
    const tl = this.timeline;
    const here = tl.stepAt(from);
    for (let i = from + 1; i <= tl.end; i++) {
      const step = tl.stepAt(i);
      if (!step) return i;
      if (here && step.event === here.event) {
        if (depth > 1 && step.frames.length < depth) return i;
        continue;
      }
      if (!tl.isStatement(i)) continue;
      if (here?.lane === undefined || step.lane === undefined || step.lane === here.lane) return i;
    }
    return tl.end;
  }

  // ---- moving ---------------------------------------------------------------------------

  /** Forward to `target` (or a breakpoint before it), printing what runs on the way. */
  private async forward(target: number | 'finish', reason: 'step' | 'breakpoint' = 'breakpoint'): Promise<void> {
    const from = this.point;
    let stopAt = target === 'finish' ? this.timeline.end : target;
    if (reason === 'step') {
      const bp = this.nextBreakpoint(from);
      if (bp !== undefined && bp < stopAt) {
        stopAt = bp;
        reason = 'breakpoint';
      }
    }
    const reached = await this.seek(stopAt);
    this.printPassage(from, reached);
    if (reached !== stopAt) return this.stopHere(reached, this.stopAs('pause', 'paused'));
    if (target === 'finish' && reached === this.timeline.end) return this.finish();
    this.stopHere(stopAt, this.describeStopAt(stopAt));
  }

  private async travel(target: number, stop: Stop): Promise<void> {
    const reached = await this.seek(target);
    if (reached !== target) return this.stopHere(reached, this.stopAs('pause', 'paused'));
    if (target < this.point) this.emit('output', { text: `⏪ back to line ${this.timeline.lineOf(target) + 1} (step ${this.timeline.pos[target]})`, category: 'console', line: this.timeline.lineOf(target) });
    this.stopHere(target, stop);
  }

  /** Moves the cursor toward a point's position in chunks, so that pause can interrupt; returns the point reached. */
  private async seek(target: number): Promise<number> {
    if (this.moving) throw new Error('the debugger is already moving');
    this.moving = true;
    this.pauseRequested = false;
    try {
      const goal = this.timeline.pos[target];
      for (;;) {
        // a request that arrived with this one (pause) is handled first
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.pauseRequested) return this.timeline.pointOfStep[this.cursor.position] ?? this.timeline.end;
        const p = this.cursor.position;
        if (p === goal) return target;
        this.cursor.seek(p < goal ? Math.min(goal, p + CHUNK) : Math.max(goal, p - CHUNK));
      }
    } finally {
      this.moving = false;
    }
  }

  private stopHere(point: number, stop: Stop): void {
    if (this.disposed) return;
    this.point = point;
    this.lastStop = stop;
    this.emit('stopped', stop);
  }

  private finish(): Promise<void> {
    this.emit('end', { failedExpectations: this.run.expectations.filter((e) => !e.passed).length });
    return Promise.resolve();
  }

  private stopAs(reason: StopReason, description: string): Stop {
    return { reason, description, hitBreakpointIds: [] };
  }

  /** Why a point stops: the breakpoints and exception filters that hold there. */
  private describeStopAt(point: number): Stop {
    if (point === this.timeline.end) return this.stopAs('end', this.summary());
    const hits = [...this.watches.values()].filter((w) => !w.log && w.verified && firstAfter(w.points, point, true) === point);
    if (!hits.length) return this.stopAs('step', 'step');
    const exception = hits.find((w) => w.spec.kind === 'exception');
    if (exception) {
      const info = this.exceptionAt(point, String(exception.spec.target));
      return { reason: 'exception', description: info.title, hitBreakpointIds: [], exception: info };
    }
    const ids = hits.map((w) => w.spec.id);
    const data = hits.find((w) => w.spec.kind === 'data');
    if (data) {
      const changed = this.run.steps[this.timeline.pos[point] - 1];
      return { reason: 'data breakpoint', description: `${this.describeData(String(data.spec.target))} changed at line ${changed.line + 1}: ${changed.text}`, hitBreakpointIds: ids };
    }
    const fn = hits.find((w) => w.spec.kind === 'function');
    if (fn) return { reason: 'function breakpoint', description: `entering ${fn.spec.target}`, hitBreakpointIds: ids };
    return { reason: 'breakpoint', description: `breakpoint at line ${this.timeline.lineOf(point) + 1}`, hitBreakpointIds: ids };
  }

  private exceptionAt(point: number, filter: string): ExceptionStop {
    const title = EXCEPTION_FILTERS.find((f) => f.filter === filter)?.label ?? filter;
    const e = this.timeline.expect[point];
    if (e >= 0) return { id: filter, title, description: `line ${this.run.expectations[e].line + 1}: ${this.run.expectations[e].message}` };
    const step = this.timeline.stepAt(point)!;
    const error = filter === 'error' ? this.run.errors.find((err) => err.afterStep === step.index) : undefined;
    const description = error?.message ?? step.access?.explanation ?? step.text;
    // spec v2 §0.4: a stale access reached by an interleaving says how long a thread was held with interrupts off
    const concurrent = step.access?.outcome === 'stale' && this.scenario.program.some((item) => item.kind === 'concurrently');
    const stall = concurrent ? ` [${describeStall(this.run.stall, this.scenario.topology, null)}]` : '';
    // a deadlock is reported at its block, after the last step that ran
    return { id: filter, title, description: `line ${(error?.line ?? step.line) + 1}: ${description}${stall}` };
  }

  private summary(): string {
    const failed = this.run.expectations.filter((e) => !e.passed).length;
    return `end of the scenario: ${this.run.accesses.length} accesses, ${this.run.stale} stale; ${this.run.expectations.length - failed}/${this.run.expectations.length} expectations hold`;
  }

  // ---- console output ------------------------------------------------------------------

  /** Prints the statements run between two points (grouped per statement), then the logpoints passed. */
  private printPassage(from: number, to: number): void {
    const tl = this.timeline;
    const sourceLines = this.scenario.file.sourceLines;
    let printed = 0;
    let openEvent = -1;
    const emit = (line: OutputLine) => {
      this.emit('output', line);
      printed++;
    };
    const close = () => {
      if (openEvent >= 0) this.emit('output', { text: '', category: 'console', group: 'end' });
      openEvent = -1;
    };
    let i = from;
    for (; i < to && printed < MAX_OUTPUT; i++) {
      const e = tl.expect[i];
      if (e >= 0) {
        close();
        const x = this.run.expectations[e];
        emit({ text: `line ${x.line + 1}: expect ${x.passed ? 'ok' : 'FAILED'}: ${x.message}`, category: x.passed ? 'console' : 'stderr', line: x.line });
        continue;
      }
      const step = tl.stepAt(i);
      if (!step) break;
      if (step.event !== openEvent) {
        close();
        const head = (sourceLines[step.line] ?? '').replace(/#.*$/, '').trim();
        emit({ text: `line ${step.line + 1}: ${step.cpu >= 0 ? `cpu${step.cpu}  ` : ''}${head}`, category: 'console', line: step.line, group: 'startCollapsed' });
        openEvent = step.event;
      }
      emit({ text: `${step.frames.map((f) => f.name).join(' › ')}: ${step.text}`, category: 'console', line: step.line });
      if (step.access) {
        const a = step.access;
        emit({ text: `→ ${a.outcome.toUpperCase()}${a.explanation ? `: ${a.explanation}` : ''}`, category: a.outcome === 'stale' ? 'stderr' : 'console', line: a.line });
      }
      for (const err of this.run.errors) if (err.afterStep === step.index) emit({ text: `line ${err.line + 1}: error: ${err.message}`, category: 'stderr', line: err.line });
    }
    close();
    if (i < to) this.emit('output', { text: `… ${tl.pos[to] - tl.pos[i]} more micro-steps run (not printed)`, category: 'console' });
    for (const w of this.watches.values()) {
      if (!w.log) continue;
      for (let k = firstAfter(w.points, from, from === 0 && tl.pos[from] === 0); k >= 0 && k <= to; k = firstAfter(w.points, k)) {
        const line = tl.lineOf(k);
        this.emit('output', { text: w.log(this.resolver.contextAt(k)), category: 'stdout', line });
      }
    }
  }
}
