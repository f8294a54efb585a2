// The syntax tree of a .tlbscn file. Every node keeps its exact source range
// (0-based lines and characters, as LSP counts them) so that every front end
// can point at the token a message is about.

export interface Pos {
  line: number;
  character: number;
}

export interface Range {
  start: Pos;
  end: Pos;
}

/** A word as written, with where it was written. */
export interface Word {
  text: string;
  range: Range;
}

export interface Num {
  value: number;
  range: Range;
}

/** `<guest>.vcpu<N>` */
export interface VcpuRef {
  guest: Word;
  /** The guest's name: `guest.text`, read without making a word (the simulator reads it at every step). */
  guestName: string;
  index: number;
  /** The `vcpuN` part, where an out-of-range index is reported. */
  indexRange: Range;
  range: Range;
}

/** `cpu<N>` or `core<N>` */
export interface PlaceRef {
  kind: 'cpu' | 'core';
  index: number;
  range: Range;
}

export type KernelName = 'buggy' | 'early-clear' | 'fixed' | 'v5.2' | 'fixed-smt8' | 'v5.17';
export type Outcome = 'hit' | 'miss' | 'fault' | 'stale';
export type InvalidationForm = 'tlbiel' | 'tlbie' | 'none';
export type Mmu = 'radix' | 'hpt';

interface NodeBase {
  /** The whole statement (a lane's event: the event only). */
  range: Range;
  /** The statement keyword. */
  keyword: Word;
}

export interface MachineDecl extends NodeBase {
  kind: 'machine';
  cores: Num;
  threads: Num;
  bigcore?: Word;
  tlbSets?: Num;
}

export interface KernelDecl extends NodeBase {
  kind: 'kernel';
  variant: Word;
}

export interface GuestDecl extends NodeBase {
  kind: 'guest';
  name: Word;
  mmu: Mmu;
  mmuWord?: Word;
  vcpus: Num;
  lpid?: Num;
}

export interface TaskDecl extends NodeBase {
  kind: 'task';
  name: Word;
  guest: Word;
  pages: Word[];
}

export type Declaration = MachineDecl | KernelDecl | GuestDecl | TaskDecl;

/** An event is one line (in a lane, a `;`-separated part of one). */
interface EventBase extends NodeBase {
  /** Its line (0-based): `range.start.line`, without building the range. */
  line: number;
}

export interface RunEvent extends EventBase {
  kind: 'run';
  vcpu: VcpuRef;
  cpu: PlaceRef;
}

export interface StopEvent extends EventBase {
  kind: 'stop';
  vcpu: VcpuRef;
}

export interface ScheduleEvent extends EventBase {
  kind: 'schedule';
  task: Word;
  /** `task.text`, read without making a word. */
  taskName: string;
  vcpu: VcpuRef;
}

export interface AccessEvent extends EventBase {
  kind: 'access';
  task: Word;
  /** `task.text`, read without making a word. */
  taskName: string;
  page: Word;
  /** `page.text`, read without making a word. */
  pageName: string;
}

export interface UnmapEvent extends EventBase {
  kind: 'unmap';
  task: Word;
  /** `task.text`, read without making a word. */
  taskName: string;
  page: Word;
  /** `page.text`, read without making a word. */
  pageName: string;
  form?: { value: InvalidationForm; range: Range };
}

export interface MapEvent extends EventBase {
  kind: 'map';
  task: Word;
  /** `task.text`, read without making a word. */
  taskName: string;
  page: Word;
  /** `page.text`, read without making a word. */
  pageName: string;
}

export interface InvalidateEvent extends EventBase {
  kind: 'tlbiel' | 'tlbie';
  task: Word;
  /** `task.text`, read without making a word. */
  taskName: string;
  page?: Word;
  pageName: string | undefined;
}

export interface ExpectOutcome extends EventBase {
  kind: 'expect-outcome';
  outcome: { value: Outcome; range: Range };
}

export interface ExpectTlb extends EventBase {
  kind: 'expect-tlb';
  where: PlaceRef;
  has: boolean;
  task: Word;
  page: Word;
}

export interface ExpectNeedTlbFlush extends EventBase {
  kind: 'expect-flush';
  guest: Word;
  where: PlaceRef;
  set: boolean;
}

export type Expectation = ExpectOutcome | ExpectTlb | ExpectNeedTlbFlush;

export type SimpleEvent =
  | RunEvent
  | StopEvent
  | ScheduleEvent
  | AccessEvent
  | UnmapEvent
  | MapEvent
  | InvalidateEvent
  | Expectation;

export interface Lane {
  cpu: PlaceRef;
  /** `cpuN:` */
  labelRange: Range;
  events: SimpleEvent[];
  range: Range;
}

export interface ConcurrentlyBlock extends NodeBase {
  kind: 'concurrently';
  lanes: Lane[];
  /** Where `{` stands; absent when the keyword lacks it (then no line is a lane of it). */
  openRange?: Range;
  /** Where `}` stands; absent when the block is not closed. */
  closeRange?: Range;
}

export type Event = SimpleEvent | ConcurrentlyBlock;
export type Statement = Declaration | Event;

export interface Comment {
  text: string;
  range: Range;
}

/** A parsed file: statements in source order, plus what the parser could not read. */
export interface ScenarioFile {
  statements: Statement[];
  comments: Comment[];
  /** The text of each line, as read. */
  sourceLines: string[];
}

export function isExpectation(e: SimpleEvent): e is Expectation {
  const kind = e.kind;
  return kind === 'expect-outcome' || kind === 'expect-tlb' || kind === 'expect-flush';
}

export function isDeclaration(s: Statement): s is Declaration {
  const kind = s.kind; // read once: a long file's statements are of a dozen classes
  return kind === 'machine' || kind === 'kernel' || kind === 'guest' || kind === 'task';
}

export function vcpuName(v: { guest: string; index: number } | VcpuRef): string {
  const guest = typeof v.guest === 'string' ? v.guest : v.guest.text;
  return `${guest}.vcpu${v.index}`;
}

export function rangeContains(r: Range, p: Pos): boolean {
  const afterStart = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return afterStart && beforeEnd;
}
