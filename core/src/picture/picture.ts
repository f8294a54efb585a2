// The core map as data: what the host looks like after some steps of a
// recorded run (cores and threads, each TLB domain set by set, each guest's
// need_tlb_flush bits, what the last step did). No DOM and no editor: the
// VS Code panel, the --html report and the tests all read this one object,
// and the views only draw it (a view is a function of a message).

import type { KernelName, Mmu, Outcome } from '../language/ast';
import type { Scenario } from '../language/checker';
import type { Change, MachineState, TlbEntry } from '../machine/state';
import { tlbKey } from '../machine/state';
import type { MicroStep } from '../machine/trace';
import { VARIANTS, representative } from '../machine/variants';

/**
 * What a thread is doing: nothing (`idle`), holding a vcpu outside guest mode
 * (`host`: before kvmppc_start_thread, or out of the guest after an IPI),
 * in the interrupts-off entry path (`entry`: kvmppc_start_thread to the
 * guest entry, where an IPI waits), or running guest code (`guest`).
 */
export type ThreadMode = 'idle' | 'host' | 'entry' | 'guest';

export interface ThreadPicture {
  cpu: number;
  /** Its index within its core. */
  thread: number;
  domain: number;
  vcpu?: string;
  guest?: string;
  /** The task current on its vcpu. */
  task?: string;
  mode: ThreadMode;
  lpidr: number;
  /** The need_tlb_flush bit its entry path tests under the variant (representative(cpu, entryBit)). */
  tests: number;
  ipisPending: number;
  /** The cpu whose take of this thread's IPI it waits for (smp_call_function_single, wait=1). */
  waitsFor?: number;
}

export interface CorePicture {
  core: number;
  name: string;
  /** Its TLB domains: one, or a big core's even and odd halves. */
  domains: number[];
  threads: ThreadPicture[];
}

export interface EntryPicture {
  guest: string;
  task: string;
  page: string;
  lpid: number;
  pid: number;
  frame: number;
  set: number;
  /** The scenario line (0-based) and micro-step of the access that filled it. */
  filledLine: number;
  filledStep: number;
  /** The page table no longer maps the page to this frame. */
  stale: boolean;
  /** Inserted or removed by the last step (a removed entry is shown where it was). */
  change?: 'added' | 'removed';
  /** Read by the last step's access, or by the access about to run. */
  read?: 'last' | 'next';
}

export interface DomainPicture {
  domain: number;
  name: string;
  cpus: number[];
  /** Entries by set, each set in key order (lpid/pid/page). */
  sets: EntryPicture[][];
}

export interface GuestPicture {
  name: string;
  lpid: number;
  mmu: Mmu;
  /** Declaration order: views give each guest a colour by it. */
  colour: number;
  needTlbFlush: boolean[];
  cpuInGuest: boolean[];
  /** Bits the last step wrote. */
  changed: { mask: 'needTlbFlush' | 'cpuInGuest'; cpu: number; to: boolean }[];
}

/** A micro-step, as the map labels it. */
export interface StepPicture {
  index: number;
  /** 0-based scenario line. */
  line: number;
  cpu: number;
  /** The innermost frame: `kvmppc_hv_entry`, `flush set 2 of 4`, `access X p`. */
  routine: string;
  text: string;
  ipi?: { from: number; to: number; take?: 'in-send' | 'take' | 'at-entry' };
  move?: { vcpu: string; from: number; to: number; marked: number[] };
  flush?: { domain: number; set: number; removed: number };
  entryTest?: { guest: string; cpu: number; bit: number; wasSet: boolean; action: 'none' | 'sweep' | 'ptesync' };
  access?: { task: string; page: string; cpu: number; domain: number; outcome: Outcome; explanation?: string };
}

export interface Picture {
  kernel: KernelName;
  /** Steps applied: 0 is the initial state, `total` the end. */
  position: number;
  total: number;
  threadsPerCore: number;
  tlbSets: number;
  cores: CorePicture[];
  domains: DomainPicture[];
  guests: GuestPicture[];
  /** Per bit: whether some thread's entry path tests it under the variant (the bits to ring). */
  ringed: boolean[];
  /** The step that ran last (its effects are highlighted) and the one about to run. */
  last?: StepPicture;
  next?: StepPicture;
}

function mode(state: MachineState, cpu: number): ThreadMode {
  const c = state.cpus[cpu];
  if (c.inGuest) return 'guest';
  if (c.irqsOff) return 'entry';
  return c.vcpu ? 'host' : 'idle';
}

export function stepPicture(step: MicroStep): StepPicture {
  const out: StepPicture = { index: step.index, line: step.line, cpu: step.cpu, routine: step.frames.at(-1)?.name ?? '', text: step.text };
  if (step.ipi) out.ipi = { ...step.ipi };
  if (step.move) out.move = { vcpu: step.move.vcpu, from: step.move.from, to: step.move.to, marked: [...(step.move.markedBits ?? (step.move.markedBit !== undefined ? [step.move.markedBit] : []))] };
  if (step.flush) out.flush = { domain: step.flush.domain, set: step.flush.set, removed: step.flush.removed };
  if (step.entryTest) {
    const t = step.entryTest;
    out.entryTest = { guest: t.guest, cpu: t.cpu, bit: t.bit, wasSet: t.wasSet, action: t.action };
  }
  if (step.access) {
    const a = step.access;
    out.access = { task: a.task, page: a.page, cpu: a.cpu, domain: a.domain, outcome: a.outcome, ...(a.explanation ? { explanation: a.explanation } : {}) };
  }
  return out;
}

function entryPicture(state: MachineState, e: TlbEntry): EntryPicture {
  const frame = state.tasks.get(e.task)?.pages.get(e.page)?.frame;
  return {
    guest: e.guest,
    task: e.task,
    page: e.page,
    lpid: e.lpid,
    pid: e.pid,
    frame: e.frame,
    set: e.set,
    filledLine: e.filledLine,
    filledStep: e.filledStep,
    stale: frame !== e.frame,
  };
}

/**
 * The map after `position` steps of `steps`; `state` must be the machine
 * state there (a TraceCursor's, seeked to `position`).
 */
export function pictureAt(scenario: Scenario, kernel: KernelName, steps: readonly MicroStep[], state: MachineState, position: number): Picture {
  const t = scenario.topology;
  const variant = VARIANTS[kernel];
  const lastStep = position > 0 ? steps[position - 1] : undefined;
  const nextStep = position < steps.length ? steps[position] : undefined;
  const changes: readonly Change[] = lastStep?.changes ?? [];

  const cores: CorePicture[] = [];
  for (let core = 0; core < t.cores; core++) {
    const threads: ThreadPicture[] = [];
    for (let thread = 0; thread < t.threads; thread++) {
      const cpu = core * t.threads + thread;
      const c = state.cpus[cpu];
      const th: ThreadPicture = { cpu, thread, domain: t.tlbDomainOf(cpu), mode: mode(state, cpu), lpidr: c.lpidr, tests: representative(t, cpu, variant.entryBit), ipisPending: c.ipisPending };
      if (c.vcpu) {
        th.vcpu = c.vcpu;
        const [guest, v] = c.vcpu.split('.vcpu');
        th.guest = guest;
        const task = state.guests.get(guest)?.vcpus[Number(v)]?.task;
        if (task) th.task = task;
      }
      if (c.ipiWait >= 0) th.waitsFor = c.ipiWait;
      threads.push(th);
    }
    cores.push({ core, name: `core${core}`, domains: t.bigcore ? [core * 2, core * 2 + 1] : [core], threads });
  }

  const added = new Set<string>();
  const removed: { domain: number; entry: TlbEntry }[] = [];
  for (const c of changes) {
    if (c.kind === 'tlb-insert') added.add(`${c.domain}:${tlbKey(c.entry.lpid, c.entry.pid, c.entry.page)}`);
    else if (c.kind === 'tlb-remove') removed.push({ domain: c.domain, entry: c.entry });
  }
  const reads = (step: MicroStep | undefined, domain: number, e: TlbEntry) =>
    step?.access?.entry !== undefined && step.access.domain === domain && step.access.entry.lpid === e.lpid && step.access.entry.pid === e.pid && step.access.entry.page === e.page;
  const domains: DomainPicture[] = state.tlbs.map((entries, domain) => {
    const sets: EntryPicture[][] = Array.from({ length: t.tlbSets }, () => []);
    for (const key of [...entries.keys()].sort()) {
      const e = entries.get(key)!;
      const pic = entryPicture(state, e);
      if (added.has(`${domain}:${key}`)) pic.change = 'added';
      // a miss fills the entry it then uses: that is the fill, not a read
      if (reads(lastStep, domain, e) && lastStep!.access!.outcome !== 'miss') pic.read = 'last';
      else if (reads(nextStep, domain, e)) pic.read = 'next';
      sets[e.set].push(pic);
    }
    for (const r of removed) {
      const key = tlbKey(r.entry.lpid, r.entry.pid, r.entry.page);
      if (r.domain === domain && !entries.has(key)) sets[r.entry.set].push({ ...entryPicture(state, r.entry), change: 'removed' });
    }
    return { domain, name: t.tlbDomainName(domain), cpus: [...t.cpusOfTlbDomain(domain)], sets };
  });

  const guests: GuestPicture[] = [];
  let colour = 0;
  for (const g of state.guests.values()) {
    guests.push({
      name: g.name,
      lpid: g.lpid,
      mmu: g.mmu,
      colour: colour++,
      needTlbFlush: [...g.needTlbFlush],
      cpuInGuest: [...g.cpuInGuest],
      changed: changes.flatMap((c) => (c.kind === 'bit' && c.guest === g.name ? [{ mask: c.mask, cpu: c.cpu, to: c.to }] : [])),
    });
  }

  const ringed = new Array<boolean>(t.cpuCount).fill(false);
  for (let cpu = 0; cpu < t.cpuCount; cpu++) ringed[representative(t, cpu, variant.entryBit)] = true;

  const picture: Picture = { kernel, position, total: steps.length, threadsPerCore: t.threads, tlbSets: t.tlbSets, cores, domains, guests, ringed };
  if (lastStep) picture.last = stepPicture(lastStep);
  if (nextStep) picture.next = stepPicture(nextStep);
  return picture;
}
