// What a run produces: the micro-steps, each with the scenario line it
// belongs to, the kernel routine frames it stands for and what it changed;
// the accesses and their outcomes; the expectations and whether they held.

import type { Outcome, Range } from '../language/ast';
import type { Change, TlbEntry } from './state';

/**
 * The string, in one piece. V8 keeps a string built by concatenation as a
 * rope of its pieces until something reads it; reading a character joins
 * them. A recorded run keeps a text per micro-step and a name per frame:
 * joined, the trace takes a fifth less memory.
 */
export function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}

export interface Frame {
  /** As shown in a call stack: `kvmppc_hv_entry`, `flush set 2 of 4`, `run vm.vcpu0 on cpu4`. */
  name: string;
  /** The kernel routine this frame stands for, for function breakpoints (absent for scenario events). */
  routine?: string;
  /** Scenario line (0-based). */
  line: number;
}

export interface AccessRecord {
  step: number;
  line: number;
  task: string;
  page: string;
  cpu: number;
  domain: number;
  outcome: Outcome;
  /** The frame the access used (hit/stale) or cached (miss). */
  frame?: number;
  /** For hit and stale: the TLB entry used. */
  entry?: TlbEntry;
  /** For stale: why the entry was still there. */
  explanation?: string;
  /** For stale: the lines that filled the entry and that unmapped/remapped the page. */
  filledLine?: number;
  changedLine?: number;
}

/** What kvmppc_prepare_radix_vcpu decided, kept for explanations. */
export interface MoveRecord {
  guest: string;
  vcpu: string;
  from: number;
  to: number;
  /** radix_flush_cpu was called and set this bit (the group's first thread; v5.17 sets all of `markedBits`). */
  markedBit?: number;
  markedBits?: readonly number[];
  /** Why nothing was marked, when the vcpu changed TLB domain but nothing was. */
  unmarkedBecause?: string;
}

export interface EntryTestRecord {
  guest: string;
  cpu: number;
  bit: number;
  wasSet: boolean;
  /** What the entry did about it: nothing (clear bit), the sweep, or (v5.17, not every bit set) a ptesync only. */
  action: 'none' | 'sweep' | 'ptesync';
  /** v5.17, `ptesync`: a bit of the TLB domain found clear, the reason for not sweeping. */
  clearBit?: number;
  clearedBeforeFlush: boolean;
  /** Sets swept so far by the flush this test started (it grows as the sweep goes on). */
  sweptSets: number;
  /** The micro-step of the test. */
  step: number;
}

/** The clear after a sweep (`fixed`): which test's sweep it ends. */
export interface ClearRecord {
  guest: string;
  cpu: number;
  bit: number;
  test: EntryTestRecord;
}

export interface FlushRecord {
  guest: string;
  cpu: number;
  domain: number;
  set: number;
  removed: number;
}

/** What a micro-step did, as records: the kernel returns them, a recorded step keeps them. */
export interface StepRecords {
  access?: AccessRecord;
  /** An IPI sent (`take` absent) or taken (`take`: at once, in its own step, or at the guest entry). */
  ipi?: { from: number; to: number; take?: 'in-send' | 'take' | 'at-entry' };
  move?: MoveRecord;
  entryTest?: EntryTestRecord;
  flush?: FlushRecord;
  clear?: ClearRecord;
}

export interface MicroStep extends StepRecords {
  index: number;
  /** Scenario line of the event this step belongs to (0-based). */
  line: number;
  /** Counts executed events: steps of one event share it (the debugger's "step over"). */
  event: number;
  /** The hardware thread that acts, -1 for none (an expectation-free guest-only event still names its cpu). */
  cpu: number;
  /** Lane of a concurrently block, when in one. */
  lane?: number;
  frames: Frame[];
  text: string;
  changes: Change[];
}

export interface ExpectationResult {
  line: number;
  range: Range;
  passed: boolean;
  message: string;
  /** Index of the last step executed before it was checked (-1: none). */
  afterStep: number;
}

export interface RuntimeError {
  line: number;
  range: Range;
  message: string;
  afterStep: number;
}

export interface RunResult {
  kernel: string;
  /** The recorded micro-steps (empty in an outcomes-only run). */
  steps: MicroStep[];
  /** How many events and micro-steps ran (recorded or not). */
  events: number;
  microSteps: number;
  /** Every access (an outcomes-only run: the stale ones). */
  accesses: AccessRecord[];
  /** How many accesses had each outcome (in either mode). */
  outcomes: Record<Outcome, number>;
  expectations: ExpectationResult[];
  errors: RuntimeError[];
  stale: number;
  /** The schedule's stall up to the first stale access (the whole run's, with none). */
  stall: { steps: number; cpu: number; line: number };
}
