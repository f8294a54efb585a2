// The arguments of every DAP request the adapter answers, checked before it
// acts: a missing or ill-typed field becomes an error response that names the
// field, never an exception halfway through a request (issue 13: a `goto`
// whose target was not an integer moved the cursor toward NaN forever).

import type { ProvenanceTarget } from '../../core/src/index';

/** A request the adapter refuses: the message is for the user, and nothing changed. */
export class RequestError extends Error {
  /** `showUser` false: the client may ask in good faith (a reference from before the last stop), so no notification. */
  constructor(
    message: string,
    readonly showUser = true,
  ) {
    super(message);
  }
}

/** Returns the value, typed, or throws a RequestError naming `at`. */
export type Check<T> = (value: unknown, at: string) => T;

function kindOf(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function refuse(at: string, what: string, v: unknown): RequestError {
  return new RequestError(`${at ? `'${at}'` : 'the arguments'} must be ${what}, not ${kindOf(v)}`);
}

function check<T>(what: string, ok: (v: unknown) => v is T): Check<T> {
  return (v, at) => {
    if (!ok(v)) throw refuse(at, what, v);
    return v;
  };
}

export const integer = check('an integer', (v): v is number => Number.isSafeInteger(v));
export const natural = check('an integer ≥ 0', (v): v is number => Number.isSafeInteger(v) && (v as number) >= 0);
export const positive = check('a number > 0', (v): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0);
export const string = check('a string', (v): v is string => typeof v === 'string');
export const boolean = check('true or false', (v): v is boolean => typeof v === 'boolean');

export function optional<T>(c: Check<T>): Check<T | undefined> {
  return (v, at) => (v === undefined ? undefined : c(v, at));
}

export function oneOf<const T extends readonly string[]>(...values: T): Check<T[number]> {
  return check(values.map((v) => `'${v}'`).join(' or '), (v): v is T[number] => typeof v === 'string' && values.includes(v));
}

export function list<T>(item: Check<T>): Check<T[]> {
  return (v, at) => {
    if (!Array.isArray(v)) throw refuse(at, 'a list', v);
    v.forEach((x, i) => item(x, `${at}[${i}]`));
    return v as T[];
  };
}

/** An object with these fields (others pass through: clients add their own, such as `__sessionId`). */
export function object<S extends Record<string, Check<unknown>>>(fields: S): Check<{ [K in keyof S]: ReturnType<S[K]> }> {
  return (v, at) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw refuse(at, 'an object', v);
    for (const [name, c] of Object.entries(fields)) c((v as Record<string, unknown>)[name], at ? `${at}.${name}` : name);
    return v as { [K in keyof S]: ReturnType<S[K]> };
  };
}

/** For requests that take no arguments: whatever comes is ignored. */
export const nothing: Check<undefined> = () => undefined;

// ---- the requests (DebugProtocol's fields that the adapter reads) -----------------------

const source = object({ path: optional(string), name: optional(string), sourceReference: optional(integer) });
const format = optional(object({ hex: optional(boolean) }));
const conditions = { condition: optional(string), hitCondition: optional(string) };
const threadId = { threadId: integer };
const granularity = optional(oneOf('statement', 'line', 'instruction'));

const provenanceTarget: Check<ProvenanceTarget> = (v, at) => {
  const { kind } = object({ kind: oneOf('tlb', 'bit') })(v, at);
  if (kind === 'tlb') return object({ kind: oneOf('tlb'), domain: natural, lpid: natural, pid: natural, page: string })(v, at);
  return object({ kind: oneOf('bit'), guest: string, mask: oneOf('needTlbFlush', 'cpuInGuest'), cpu: natural })(v, at);
};

export const launchArguments = object({
  program: optional(string),
  kernel: optional(string),
  trace: optional(string),
  cwd: optional(string),
  stopOnEntry: optional(boolean),
  stopAtEnd: optional(boolean),
  hex: optional(boolean),
  stopOnFailingExpect: optional(boolean),
  noDebug: optional(boolean),
});

export const ARGUMENTS = {
  initialize: object({
    adapterID: string,
    linesStartAt1: optional(boolean),
    columnsStartAt1: optional(boolean),
    pathFormat: optional(oneOf('path', 'uri')),
    supportsInvalidatedEvent: optional(boolean),
  }),
  // DebugClient and VS Code leave out an empty object: a launch with no attributes says what is missing
  launch: optional(launchArguments),
  restart: optional(object({ arguments: optional(launchArguments) })),
  configurationDone: nothing,
  disconnect: optional(object({ restart: optional(boolean), terminateDebuggee: optional(boolean), suspendDebuggee: optional(boolean) })),
  terminate: optional(object({ restart: optional(boolean) })),
  setBreakpoints: object({
    source,
    breakpoints: optional(list(object({ line: integer, column: optional(integer), ...conditions, logMessage: optional(string) }))),
    lines: optional(list(integer)),
    sourceModified: optional(boolean),
  }),
  setFunctionBreakpoints: object({ breakpoints: list(object({ name: string, ...conditions })) }),
  setExceptionBreakpoints: object({ filters: list(string), filterOptions: optional(list(object({ filterId: string, condition: optional(string) }))) }),
  dataBreakpointInfo: object({ name: string, variablesReference: optional(integer), frameId: optional(integer) }),
  setDataBreakpoints: object({ breakpoints: list(object({ dataId: string, accessType: optional(oneOf('read', 'write', 'readWrite')), ...conditions })) }),
  breakpointLocations: object({ source, line: integer, column: optional(integer), endLine: optional(integer), endColumn: optional(integer) }),
  continue: object({ ...threadId, singleThread: optional(boolean) }),
  next: object({ ...threadId, singleThread: optional(boolean), granularity }),
  stepIn: object({ ...threadId, singleThread: optional(boolean), targetId: optional(integer), granularity }),
  stepOut: object({ ...threadId, singleThread: optional(boolean), granularity }),
  stepBack: object({ ...threadId, singleThread: optional(boolean), granularity }),
  reverseContinue: object({ ...threadId, singleThread: optional(boolean) }),
  pause: object(threadId),
  restartFrame: object({ frameId: integer }),
  gotoTargets: object({ source, line: integer, column: optional(integer) }),
  goto: object({ ...threadId, targetId: integer }),
  threads: nothing,
  stackTrace: object({ ...threadId, startFrame: optional(natural), levels: optional(natural), format: optional(object({})) }),
  scopes: object({ frameId: integer }),
  variables: object({ variablesReference: integer, filter: optional(oneOf('indexed', 'named')), start: optional(natural), count: optional(natural), format }),
  evaluate: object({ expression: string, frameId: optional(integer), context: optional(string), format }),
  completions: object({ text: string, column: integer, line: optional(integer), frameId: optional(integer) }),
  exceptionInfo: object(threadId),
  // custom requests
  toggleFormatting: nothing,
  gotoStep: object({ step: natural }),
  traceInfo: nothing,
  picture: optional(object({ timeline: optional(boolean) })),
  // either a target of the core map (core/src/picture/provenance.ts) or a Variables pane evaluateName
  provenance: object({ target: optional(provenanceTarget), expression: optional(string) }),
  lanes: nothing,
  moveNext: object(threadId),
  schedule: nothing,
  regressionScenario: nothing,
  stepBackInto: object(threadId),
  stepBackOut: object(threadId),
  staleFromHere: optional(object({ maxStall: optional(natural), maxStates: optional(natural), maxSeconds: optional(positive) })),
  followSchedule: object({ schedule: list(integer) }),
  // the copy of the scenario a run was made from, once its file has changed (session.ts)
  source: object({ source: optional(source), sourceReference: integer }),
  sourceChanged: object({ file: string, text: optional(string) }),
  restartAtStep: optional(object({ text: optional(string) })),
} as const;

export type Command = keyof typeof ARGUMENTS;

export function isCommand(command: string): command is Command {
  return Object.hasOwn(ARGUMENTS, command);
}
