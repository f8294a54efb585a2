// The timeline under the core map, as data: one lane per cpu, a band per
// stretch of one thread mode (idle, host, entry path, guest), a mark per
// event of interest at its micro-step, and flows that tie an IPI's send to
// its take and a need_tlb_flush bit's setting to the entry test that read it
// (Perfetto's cpu tracks and flow arrows, for one kernel protocol).

import type { Scenario } from '../language/checker';
import type { MicroStep, RunResult } from '../machine/trace';
import type { ThreadMode } from './picture';

export type MarkKind =
  | 'move'
  | 'set-bit'
  | 'ipi-send'
  | 'ipi-take'
  | 'entry-test'
  | 'flush'
  | 'clear'
  | 'fill'
  | 'hit'
  | 'fault'
  | 'stale'
  | 'unmap'
  | 'map'
  | 'invalidate';

export interface Mark {
  /** The micro-step (0-based index into the run's steps). */
  step: number;
  /** The lane. */
  cpu: number;
  kind: MarkKind;
  /** 0-based scenario line. */
  line: number;
  /** A few words for the mark's tooltip and accessible name. */
  label: string;
}

/** An arrow between two marks (indexes into `marks`). */
export interface Flow {
  from: number;
  to: number;
  kind: 'ipi' | 'bit';
}

/** Positions (steps applied) [from, to) at which a cpu is in one mode; the last band ends at steps + 1. */
export interface Band {
  cpu: number;
  from: number;
  to: number;
  mode: ThreadMode;
  vcpu?: string;
}

export interface TimelinePicture {
  steps: number;
  /** The cpus that do anything, ascending. */
  lanes: number[];
  marks: Mark[];
  flows: Flow[];
  bands: Band[];
}

interface CpuMode {
  vcpu?: string;
  inGuest: boolean;
  irqsOff: boolean;
  /** The band being drawn: its mode, vcpu and first step. */
  mode: ThreadMode;
  bandVcpu?: string;
  since: number;
}

const modeOf = (c: CpuMode): ThreadMode => (c.inGuest ? 'guest' : c.irqsOff ? 'entry' : c.vcpu ? 'host' : 'idle');

/** A mark before it is placed; `bit` (`guest/bit`) ties a set-bit mark to the test that reads it. */
type Made = Omit<Mark, 'step' | 'line'> & { bit?: string };

/** The marks one step makes. */
function marksOf(step: MicroStep, scenario: Scenario): Made[] {
  const t = scenario.topology;
  const out: Made[] = [];
  const cpu = step.cpu;
  if (step.move) {
    const m = step.move;
    out.push({ cpu, kind: 'move', label: `${m.vcpu} cpu${m.from} → cpu${m.to}` });
  }
  for (const c of step.changes) {
    if (c.kind === 'bit' && c.mask === 'needTlbFlush' && c.to) out.push({ cpu, kind: 'set-bit', label: `set need_tlb_flush[${c.cpu}] of ${c.guest}`, bit: `${c.guest}/${c.cpu}` });
  }
  if (step.ipi) {
    const { from, to, take } = step.ipi;
    if (take === undefined || take === 'in-send') out.push({ cpu: from, kind: 'ipi-send', label: `IPI → cpu${to}` });
    if (take !== undefined) out.push({ cpu: to, kind: 'ipi-take', label: `IPI from cpu${from} taken${take === 'in-send' ? ' (idle: at once)' : take === 'at-entry' ? ' at the guest entry' : ''}` });
  }
  if (step.entryTest) {
    const e = step.entryTest;
    const did = e.action === 'sweep' ? 'sweep' : e.action === 'ptesync' ? `ptesync only (bit ${e.clearBit} clear)` : 'no flush';
    out.push({ cpu, kind: 'entry-test', label: `test need_tlb_flush[${e.bit}] of ${e.guest}: ${e.wasSet ? 'set' : 'clear'} → ${did}` });
  }
  if (step.flush) {
    const f = step.flush;
    out.push({ cpu, kind: 'flush', label: `flush ${t.tlbDomainName(f.domain)} set ${f.set}: ${f.removed} removed` });
  }
  // the clear is its own step after the sweep, or (clear before flush) part of the test step
  for (const c of step.changes) {
    if (c.kind === 'bit' && c.mask === 'needTlbFlush' && !c.to && (step.clear || step.entryTest)) out.push({ cpu, kind: 'clear', label: `clear need_tlb_flush[${c.cpu}] of ${c.guest}` });
  }
  if (step.access) {
    const a = step.access;
    const where = t.tlbDomainName(a.domain);
    const kind = a.outcome === 'miss' ? 'fill' : a.outcome;
    const label = a.outcome === 'miss' ? `fill ${a.task}:${a.page} in ${where}` : `${a.outcome === 'stale' ? 'STALE' : a.outcome} ${a.task}:${a.page} in ${where}`;
    out.push({ cpu: a.cpu, kind, label });
  }
  let pte = false;
  for (const c of step.changes) {
    if (c.kind !== 'pte') continue;
    pte = true;
    if (c.to.frame === undefined) out.push({ cpu, kind: 'unmap', label: `unmap ${c.task}:${c.page} (${c.to.invalidation ?? 'no invalidation'})` });
    else out.push({ cpu, kind: 'map', label: `map ${c.task}:${c.page} → frame ${c.to.frame}` });
  }
  // a tlbiel/tlbie event of its own: TLB entries removed outside any flush, fill or unmap
  if (!pte && !step.flush && !step.access) {
    const removed = step.changes.filter((c) => c.kind === 'tlb-remove').length;
    const routine = step.frames.at(-1)?.name ?? '';
    if (/^(tlbiel|tlbie) /.test(routine)) out.push({ cpu, kind: 'invalidate', label: `${routine}: ${removed} removed` });
  }
  return out;
}

export function timelineOf(scenario: Scenario, run: RunResult): TimelinePicture {
  const cpuCount = scenario.topology.cpuCount;
  const marks: Mark[] = [];
  const flows: Flow[] = [];
  const bands: Band[] = [];
  const modes: CpuMode[] = Array.from({ length: cpuCount }, () => ({ inGuest: false, irqsOff: false, mode: 'idle', since: 0 }));
  /** IPI sends not yet taken, by target cpu. */
  const pendingSends: number[][] = Array.from({ length: cpuCount }, () => []);
  /** Set-bit marks not yet read by an entry test, by `guest/bit`. */
  const pendingBits = new Map<string, number[]>();
  const used = new Set<number>();

  const close = (cpu: number, at: number) => {
    const m = modes[cpu];
    if (m.mode !== 'idle' && at > m.since) bands.push({ cpu, from: m.since, to: at, mode: m.mode, ...(m.bandVcpu ? { vcpu: m.bandVcpu } : {}) });
  };

  for (const step of run.steps) {
    for (const { bit, ...m } of marksOf(step, scenario)) {
      const id = marks.length;
      marks.push({ step: step.index, line: step.line, ...m });
      if (m.cpu >= 0) used.add(m.cpu);
      if (m.kind === 'ipi-send' && step.ipi) pendingSends[step.ipi.to].push(id);
      if (m.kind === 'ipi-take' && step.ipi) {
        const send = pendingSends[step.ipi.to].shift();
        if (send !== undefined) flows.push({ from: send, to: id, kind: 'ipi' });
      }
      if (bit) pendingBits.set(bit, [...(pendingBits.get(bit) ?? []), id]);
      // every setting since the last read is what this test finds set
      const test = step.entryTest;
      if (m.kind === 'entry-test' && test?.wasSet) {
        for (const from of pendingBits.get(`${test.guest}/${test.bit}`) ?? []) flows.push({ from, to: id, kind: 'bit' });
        pendingBits.delete(`${test.guest}/${test.bit}`);
      }
    }
    const touched = new Set<number>();
    for (const c of step.changes) {
      if (c.kind !== 'cpu-vcpu' && c.kind !== 'cpu-mode' && c.kind !== 'cpu-irqs') continue;
      const m = modes[c.cpu];
      if (c.kind === 'cpu-vcpu') m.vcpu = c.to;
      else if (c.kind === 'cpu-mode') m.inGuest = c.to;
      else m.irqsOff = c.to;
      touched.add(c.cpu);
      used.add(c.cpu);
    }
    // a new mode (or another vcpu) starts a band after the step that made it
    for (const cpu of touched) {
      const m = modes[cpu];
      const now = modeOf(m);
      if (now === m.mode && m.vcpu === m.bandVcpu) continue;
      close(cpu, step.index + 1);
      m.mode = now;
      m.bandVcpu = m.vcpu;
      m.since = step.index + 1;
    }
  }
  // the last bands cover the end position too (the state after every step)
  for (let cpu = 0; cpu < cpuCount; cpu++) close(cpu, run.steps.length + 1);
  bands.sort((a, b) => a.cpu - b.cpu || a.from - b.from);
  return { steps: run.steps.length, lanes: [...used].sort((a, b) => a - b), marks, flows, bands };
}
