// `tlbscn export --promela`: the scenario as a Promela model whose
// interleavings are the explorer's, so that Spin (multi-core, swarm, bitstate)
// can decide what outgrows one machine.
//
// The setup before the first `concurrently` block runs once, here, in the
// core's own Simulation; its final state becomes the model's initial state.
// What follows (blocks and the sequential items between and after them) is
// Promela: one process per lane slot, each micro-step one `d_step` guarded by
// the simulator's enabledness, and the sequential items in `init`. The
// kernel's micro-steps are a port of kernel.ts written once, generically: the
// variant's columns and the topology's groupings are macros, the scenario's
// names are small numbers, and a lane's pending ops are a stack of
// (kind, a, b, c) records, as the simulator's LaneState keeps them.

import type { ConcurrentlyBlock, KernelName, SimpleEvent, VcpuRef } from '../language/ast';
import { isExpectation, vcpuName } from '../language/ast';
import type { ProgramItem, Scenario } from '../language/checker';
import { Simulation, roundRobin, variantFor } from '../machine/simulation';
import type { MachineState } from '../machine/state';
import type { Topology } from '../machine/topology';
import type { CpuGroup, KernelVariant } from '../machine/variants';

/** A scenario the export cannot express exactly (the message names what). */
export class PromelaExportError extends Error {}

/** Spin's `byte` holds every index; 255 is "none". */
const NONE = 255;
const MAX_INDEX = 254;

type GuestEvent = Exclude<SimpleEvent, { kind: 'run' } | { kind: 'expect-outcome' | 'expect-tlb' | 'expect-flush' }>;
type LaneEvent = Exclude<SimpleEvent, { kind: 'expect-outcome' | 'expect-tlb' | 'expect-flush' }>;

/** One executor of a block: a written lane, or a cpu that may only take IPIs there (a lane the simulator would make). */
interface Slot {
  cpu: number;
  events: LaneEvent[];
}

/**
 * The Promela model of `scenario` under its kernel (or `override`). Throws
 * PromelaExportError for what the model cannot hold exactly.
 */
export function exportPromela(scenario: Scenario, override?: KernelName): string {
  const variant = variantFor(scenario, override);
  const program = scenario.program;
  const first = program.findIndex((item) => item.kind === 'concurrently');
  const setupEnd = first < 0 ? program.length : first;
  // the setup, exactly as the explorer runs it: item by item, stopping at an error or a stale access
  const sim = new Simulation(scenario, variant, { record: false, explain: false });
  for (let i = 0; i < setupEnd; i++) {
    const found = sim.errors.length > 0 ? 'error' : sim.accesses.length > 0 ? 'stale' : undefined;
    if (found) return settledModel(scenario, variant, found);
    sim.runItem(program[i], roundRobin);
  }
  if (sim.errors.length > 0) return settledModel(scenario, variant, 'error');
  if (sim.accesses.length > 0) return settledModel(scenario, variant, 'stale');
  return new Generator(scenario, variant, sim.state, program.slice(setupEnd)).model();
}

/** A model of a run the setup already decides: a stale access (an assertion), or a runtime error (no valid end). */
function settledModel(scenario: Scenario, variant: KernelVariant, outcome: 'stale' | 'error'): string {
  const why =
    outcome === 'stale'
      ? 'the setup before the first concurrently block already makes a stale access: every schedule is stale'
      : 'the setup before the first concurrently block ends in a runtime error: no schedule runs';
  return [header(scenario, variant, [why]), 'init {', outcome === 'stale' ? '  assert(false)' : '  false', '}', ''].join('\n');
}

function header(scenario: Scenario, variant: KernelVariant, notes: string[]): string {
  const t = scenario.topology;
  return [
    `/* tlbscn export --promela: kernel ${variant.name}; machine cores ${t.cores} threads ${t.threads}${t.bigcore ? ' bigcore' : ''} tlb-sets ${t.tlbSets}`,
    ' *',
    ' * Verify: spin -a FILE && cc -O2 -DSAFETY -DVECTORSZ=4096 -o pan pan.c && ./pan -E -m1000000',
    ' * An assertion violation is a schedule with a stale TLB access (the explorer\'s counterexample);',
    ' * -E leaves out invalid end states, which are runtime errors (a deadlock, a vcpu entering on two',
    ' * cpus): the explorer ends such a schedule without a verdict, and so does the model.',
    ' *',
    ...notes.map((n) => ` * ${n}`),
    ' */',
    '',
  ].join('\n');
}

/** `((x)==0 -> v0 : ((x)==1 -> v1 : … vn))`: a constant table as a Promela expression. */
function table(x: string, values: readonly number[]): string {
  if (values.every((v) => v === values[0])) return String(values[0] ?? 0);
  let expr = String(values[values.length - 1]);
  for (let i = values.length - 2; i >= 0; i--) expr = `((${x}) == ${i} -> ${values[i]} : ${expr})`;
  return expr;
}

/** The Promela expression of `representative(topology, c, group)` (variants.ts). */
function representativeMacro(t: Topology, group: CpuGroup): string {
  const firstOfCore = `((c) - (c) % ${t.threads})`;
  switch (group) {
    case 'thread':
      return '(c)';
    case 'round4':
      return `((c) - (c) % ${Math.min(4, t.threads)})`;
    case 'core':
      return firstOfCore;
    case 'tlbDomain':
      return t.bigcore ? `(${firstOfCore} + (c) % 2)` : firstOfCore;
  }
}

class Generator {
  private readonly t: Topology;
  private readonly guests: string[];
  private readonly tasks: string[];
  /** Every task page as one slot, tasks in declaration order: slot → (task, page). */
  private readonly slots: { task: number; page: string; position: number }[] = [];
  private readonly firstSlot = new Map<string, number>();
  /** The vcpus the model tracks (named by what remains to run, or holding state), by name → index. */
  private readonly vcpus = new Map<string, number>();
  private readonly vcpuGuest: number[] = [];
  /** The guest events still to run, each an id the model dispatches on. */
  private readonly guestEvents: GuestEvent[] = [];
  private readonly eventIds = new Map<GuestEvent, number>();
  private readonly blocks: Slot[][] = [];
  private readonly frameType: 'byte' | 'short';
  private readonly depth: number;
  private readonly executors: number;

  constructor(
    private readonly scenario: Scenario,
    private readonly variant: KernelVariant,
    private readonly state: MachineState,
    private readonly rest: ProgramItem[],
  ) {
    this.t = scenario.topology;
    this.guests = [...scenario.guests.keys()];
    this.tasks = [...scenario.tasks.keys()];
    for (const [ti, name] of this.tasks.entries()) {
      this.firstSlot.set(name, this.slots.length);
      scenario.tasks.get(name)!.pages.forEach((page, position) => this.slots.push({ task: ti, page, position }));
    }
    this.collectVcpus();
    let maps = 0;
    // a cpu takes an IPI in its own lane; one with no written lane gets one (the simulator makes it when
    // the IPI comes) if a vcpu may be in the guest there: one is at the block's start, or something ran one
    const mayRun = new Set<number>(state.cpus.filter((c) => c.vcpu !== undefined).map((c) => c.id));
    const visit = (e: SimpleEvent) => {
      if (isExpectation(e)) return;
      if (e.kind === 'map') maps++;
      if (e.kind === 'run') mayRun.add(e.cpu.index);
      else this.eventId(e);
    };
    for (const item of rest) {
      if (item.kind !== 'concurrently') {
        visit(item);
        continue;
      }
      // the simulator gives an IPI to the first lane of its cpu
      const slots: Slot[] = item.lanes.map((lane) => ({ cpu: lane.cpu.index, events: lane.events.filter((e): e is LaneEvent => !isExpectation(e)) }));
      for (const cpu of [...mayRun].sort((a, b) => a - b)) if (!slots.some((s) => s.cpu === cpu)) slots.push({ cpu, events: [] });
      this.blocks.push(slots);
      item.lanes.forEach((l) => l.events.forEach(visit));
    }
    this.frameType = state.nextFrame + maps > MAX_INDEX ? 'short' : 'byte';
    const groupSize = Math.max(this.t.threads, 1);
    // a run's six ops, a move's IPIs (one per thread of the old group, and one to the old cpu), the
    // sweep's next set and its clear, and a re-entry's four ops with the IPI that forced it
    this.depth = 6 + groupSize + 1 + 2 + 5;
    this.executors = Math.max(0, ...this.blocks.map((b) => b.length)) + 1;
    const limits: [string, number][] = [
      ['cpus', this.t.cpuCount],
      ['vcpus named', this.vcpus.size],
      ['task pages', this.slots.length],
      ['tasks', this.tasks.length],
      ['guests', this.guests.length],
      ['guest events after the setup', this.guestEvents.length],
      ['items after the setup', rest.length],
    ];
    for (const [what, n] of limits) {
      if (n > MAX_INDEX) throw new PromelaExportError(`export --promela: ${n} ${what}; the model numbers them in a byte (at most ${MAX_INDEX})`);
    }
  }

  /** The vcpus the rest of the program names, and those the setup left holding state. */
  private collectVcpus(): void {
    const names: { guest: string; index: number }[] = [];
    const add = (guest: string, index: number) => names.push({ guest, index });
    const ref = (v: VcpuRef) => add(v.guest.text, v.index);
    for (const g of this.state.guests.values()) {
      for (const v of g.vcpus) if (v.cpu >= 0 || v.prevCpu >= 0 || v.task !== undefined) add(g.name, v.index);
    }
    for (const task of this.state.tasks.values()) {
      for (const index of task.vcpuHistory) add(task.guest, index);
      if (task.vcpu !== undefined) add(task.guest, task.vcpu);
    }
    const visit = (e: SimpleEvent) => {
      if (e.kind === 'run' || e.kind === 'stop' || e.kind === 'schedule') ref(e.vcpu);
    };
    for (const item of this.rest) {
      if (item.kind === 'concurrently') item.lanes.forEach((l) => l.events.forEach(visit));
      else visit(item);
    }
    const order = (g: string) => this.guests.indexOf(g);
    names.sort((a, b) => order(a.guest) - order(b.guest) || a.index - b.index);
    for (const n of names) {
      const name = vcpuName(n);
      if (this.vcpus.has(name)) continue;
      this.vcpus.set(name, this.vcpus.size);
      this.vcpuGuest.push(order(n.guest));
    }
  }

  private eventId(e: GuestEvent): number {
    let id = this.eventIds.get(e);
    if (id === undefined) {
      this.eventIds.set(e, (id = this.guestEvents.length));
      this.guestEvents.push(e);
    }
    return id;
  }

  private vcpu(ref: VcpuRef): number {
    return this.vcpus.get(vcpuName(ref))!;
  }

  private slot(task: string, page: string): number {
    return this.firstSlot.get(task)! + this.scenario.tasks.get(task)!.pages.indexOf(page);
  }

  private task(name: string): number {
    return this.tasks.indexOf(name);
  }

  model(): string {
    const notes = [
      'Exact: every interleaving the explorer considers is a schedule of this model, micro-step for',
      'micro-step, with the same enabledness (guest events wait for guest mode, a run or stop waits',
      'while its vcpu enters elsewhere, an IPI sender waits for the take). Left out, as nothing the',
      'verdict depends on reads them: expectations (they take no step), LPIDR/PIDR, explanations.',
      'The setup before the first block ran in the simulator; its final state is the initial state.',
      'A TLB entry is a slot per (domain, task page) holding its frame (0: none); frames start at 1.',
    ];
    return [header(this.scenario, this.variant, notes), this.constants(), this.variables(), KERNEL, this.events(), this.deliver(), this.lanes(), this.init()].join('\n');
  }

  private constants(): string {
    const t = this.t;
    const v = this.variant;
    const radix = this.guests.map((g) => (this.scenario.guests.get(g)!.mmu === 'radix' ? 1 : 0));
    const flushes = this.guests.map((g) => (v.flushedMmus.includes(this.scenario.guests.get(g)!.mmu) ? 1 : 0));
    const slotGuest = this.slots.map((s) => this.guests.indexOf(this.scenario.tasks.get(this.tasks[s.task])!.guest));
    const lines = [
      '/* sizes */',
      `#define NONE ${NONE}`,
      `#define NCPU ${t.cpuCount}`,
      `#define NDOM ${t.domainCount}`,
      `#define NSETS ${t.tlbSets}`,
      `#define NG ${this.guests.length}`,
      `#define NV ${Math.max(1, this.vcpus.size)}`,
      `#define NT ${Math.max(1, this.tasks.length)}`,
      `#define NP ${Math.max(1, this.slots.length)}`,
      `#define NX ${this.executors}`,
      `#define SEQ ${this.executors - 1}`,
      `#define D ${this.depth}`,
      '',
      '/* the topology (topology.ts) */',
      `#define DOM(c) ${t.bigcore ? `(((c) / ${t.threads}) * 2 + (c) % 2)` : `((c) / ${t.threads})`}`,
      '',
      `/* the kernel row's columns (variants.ts, ${v.name}) */`,
      `/* grouping: ${v.grouping ?? 'none (no radix movement tracking)'}; the group of c is every cpu with the same GROUP_REP */`,
      `#define TRACKS_MOVES ${v.grouping ? 1 : 0}`,
      `#define GROUP_REP(c) ${representativeMacro(t, v.grouping ?? 'core')}`,
      `/* setter: ${v.setter} */`,
      `#define SETTER_EVERY ${v.setter === 'every' ? 1 : 0}`,
      `/* checker: ${v.entryBit} */`,
      `#define ENTRY_BIT(c) ${representativeMacro(t, v.entryBit)}`,
      `#define SWEEP_ONLY_IF_ALL_SET ${v.sweepOnlyIfAllSet ? 1 : 0}`,
      `#define CLEAR_BEFORE_FLUSH ${v.clear === 'before-flush' ? 1 : 0}`,
      `#define MIGRATE_AWAY_IPI ${v.migrateAwayIpi ? 1 : 0}`,
      `/* global_invalidates keeps: ${v.hostTlbielKeeps} */`,
      `#define HOST_KEEP(c) ${representativeMacro(t, v.hostTlbielKeeps)}`,
      '',
      `/* the scenario: guests ${this.guests.map((g, i) => `${i}=${g}`).join(' ')}; vcpus ${[...this.vcpus].map(([n, i]) => `${i}=${n}`).join(' ')} */`,
      `/* tasks ${this.tasks.map((n, i) => `${i}=${n}`).join(' ')}; pages ${this.slots.map((s, i) => `${i}=${this.tasks[s.task]}:${s.page}`).join(' ')} */`,
      `#define VGUEST(v) ${table('v', this.vcpuGuest)}`,
      `#define RADIX(g) ${table('g', radix)}`,
      `#define FLUSHES(g) ${table('g', flushes)}`,
      `#define SLOTGUEST(k) ${table('k', slotGuest)}`,
      `#define SLOTSET(k) ${table('k', this.slots.map((s) => t.setOfPage(s.position)))}`,
      '',
      '/* op kinds: a lane\'s pending micro-steps (kernel.ts Op) */',
      ...OPS.map((op, i) => `#define ${op} ${i + 1}`),
      '',
    ];
    return lines.join('\n');
  }

  private variables(): string {
    const ft = this.frameType;
    return [
      '/* machine state (state.ts) */',
      'bit nf[NG * NCPU];      /* need_tlb_flush, per guest and cpu */',
      'bit cig[NG * NCPU];     /* cpu_in_guest */',
      'byte cv[NCPU] = NONE;   /* the vcpu handed to each cpu */',
      'bit inG[NCPU];          /* in guest mode */',
      'bit irq[NCPU];          /* in the interrupts-off entry path */',
      'byte ipiP[NCPU];        /* IPIs sent to it, not yet taken */',
      'byte ipiW[NCPU] = NONE; /* the cpu whose take it waits for */',
      'byte vCpu[NV] = NONE;   /* where each vcpu runs */',
      'byte vPrev[NV] = NONE;  /* prev_cpu */',
      'byte vTask[NV] = NONE;  /* its current task */',
      'byte tV[NT] = NONE;     /* the vcpu each task is current on */',
      'bit hist[NT * NV];      /* the vcpus each task has run on (mm_cpumask) */',
      `${ft} pte[NP];          /* each page's frame, 0 unmapped */`,
      `${ft} tlb[NDOM * NP];   /* per TLB domain and page: the cached frame, 0 none */`,
      `${ft} nextFrame;`,
      'byte blk;               /* the block under way (1-based), 0 outside blocks */',
      'bit err;                /* a runtime error: the schedule ends */',
      '',
      '/* per executor (lane slots, then the sequential part): its op stack, queued IPI takes, next event */',
      'byte K[NX * D]; byte A[NX * D]; byte B[NX * D]; byte C[NX * D];',
      'byte SP[NX]; byte TK[NX]; byte EV[NX];',
      '',
      '/* temporaries of one d_step (not part of the state) */',
      `hidden byte ok, oa, ob, oc, og, i, j, j2, n, d, take, ab, some, y; hidden ${ft} f;`,
      '',
    ].join('\n');
  }

  /** The guest events, dispatched by id (kernel.ts guestEvent). */
  private events(): string {
    const out = ['inline guestEvent(id) {', '  if'];
    for (const [id, e] of this.guestEvents.entries()) out.push(`  :: id == ${id} -> /* line ${e.line + 1} */ ${this.guestEventBody(e)}`);
    out.push('  :: else -> skip', '  fi', '}', '');
    return out.join('\n');
  }

  private guestEventBody(e: GuestEvent): string {
    switch (e.kind) {
      case 'stop': {
        const v = this.vcpu(e.vcpu);
        return `if :: vCpu[${v}] != NONE -> j2 = vCpu[${v}]; exitGuest(${v}, j2, 0) :: else -> skip fi`;
      }
      case 'schedule':
        return `schedule(${this.task(e.task.text)}, ${this.vcpu(e.vcpu)})`;
    }
    const t = this.task(e.task.text);
    const act = (body: string) => `if :: tV[${t}] == NONE || vCpu[tV[${t}]] == NONE -> err = 1 :: else -> j = vCpu[tV[${t}]]; ${body} fi`;
    const taskSlots = (page: string | undefined) => (page === undefined ? this.scenario.tasks.get(e.task.text)!.pages.map((p) => this.slot(e.task.text, p)) : [this.slot(e.task.text, page)]);
    switch (e.kind) {
      case 'access':
        return act(`access(${this.slot(e.task.text, e.page.text)})`);
      case 'map':
        return act(`pte[${this.slot(e.task.text, e.page.text)}] = nextFrame; nextFrame++`);
      case 'tlbiel':
      case 'tlbie':
        return act(invalidate(e.kind, taskSlots(e.page?.text)));
      case 'unmap': {
        const k = this.slot(e.task.text, e.page.text);
        const guest = this.scenario.guests.get(this.scenario.tasks.get(e.task.text)!.guest)!;
        if (guest.mmu === 'hpt') {
          // H_REMOVE, global_invalidates(): a local tlbiel marking every other bit with one vcpu, else tlbie
          const g = this.guests.indexOf(guest.name);
          const body =
            guest.vcpus === 1
              ? `${invalidate('tlbiel', [k])}; i = 0; do :: i < NCPU -> nf[${g} * NCPU + i] = 1; i++ :: else -> break od; nf[${g} * NCPU + HOST_KEEP(j)] = 0`
              : invalidate('tlbie', [k]);
          return act(`${body}; pte[${k}] = 0`);
        }
        const form = e.form?.value;
        if (form === 'none') return act(`pte[${k}] = 0`);
        if (form) return act(`${invalidate(form, [k])}; pte[${k}] = 0`);
        // mm_is_thread_local(): tlbiel when the task has run on one vcpu only
        return act(
          `n = 0; i = 0; do :: i < NV -> n = n + hist[${t} * NV + i]; i++ :: else -> break od; ` +
            `if :: n <= 1 -> ${invalidate('tlbiel', [k])} :: else -> ${invalidate('tlbie', [k])} fi; pte[${k}] = 0`,
        );
      }
    }
  }

  /**
   * The lane process, one per slot: one micro-step per d_step, under the
   * enabledness of the slot's lane in the block under way (`READY(x)`).
   */
  private lanes(): string {
    const ready: string[] = [];
    const starts: string[] = [];
    this.blocks.forEach((slots, b) => {
      slots.forEach((slot, x) => {
        const events = slot.events.map((e, i) => ` || (EV[${x}] == ${i} && ${this.eventEnabled(e, slots)})`).join('');
        ready.push(`(blk == ${b + 1} && x == ${x} && ipiW[${slot.cpu}] == NONE && (SP[${x}] > 0 || TK[${x}] > 0${events}))`);
        // a lane with nothing pending starts what comes first: an IPI take queued for it, else its next event
        const take = `TK[${x}]--; push(${x}, TAKE, 0, ${slot.cpu}, 0)`;
        if (slot.events.length === 0) {
          starts.push(`  :: blk == ${b + 1} && x == ${x} -> ${take}`);
          return;
        }
        starts.push(
          `  :: blk == ${b + 1} && x == ${x} ->`,
          `    if :: TK[${x}] > 0 -> ${take}`,
          '    :: else ->',
          '      if',
          ...slot.events.map((e, i) => `      :: EV[${x}] == ${i} -> ${this.expand(x, slot.cpu, e)}`),
          '      fi;',
          `      EV[${x}]++`,
          '    fi',
        );
      });
    });
    return [
      `#define READY(x) (${ready.join(' || \\\n  ')})`,
      '',
      'inline startNext(x) {',
      '  if',
      ...starts,
      '  fi',
      '}',
      '',
      'proctype lane(byte x) {',
      'end:',
      '  do',
      '  :: d_step { !err && READY(x) ->',
      '       if :: SP[x] == 0 -> startNext(x) :: else -> skip fi;',
      '       execTop(x);',
      '       deliver(take) }',
      '  od',
      '}',
      '',
    ].join('\n');
  }

  /** Where an IPI to a cpu in guest mode goes: the next action of that cpu's lane in the block under way. */
  private deliver(): string {
    const routes: string[] = [];
    this.blocks.forEach((slots, b) => {
      const cpus = [...new Set(slots.map((s) => s.cpu))];
      const to = cpus.map((cpu) => `:: take == ${cpu} -> y = ${slots.findIndex((s) => s.cpu === cpu)}`).join(' ');
      routes.push(`  :: blk == ${b + 1} -> if ${to} fi`);
    });
    return [
      'inline deliver(c) {',
      '  if',
      '  :: c == NONE -> skip',
      '  :: else ->',
      '    if',
      ...routes.map((r) => `  ${r}`),
      '    fi;',
      '    if :: SP[y] > 0 -> push(y, TAKE, 0, c, 0) :: else -> TK[y]++ fi',
      '  fi',
      '}',
      '',
    ].join('\n');
  }

  /** simulation.ts `enabled` for a lane's next event (the ipiWait and pending parts are in the guard). */
  private eventEnabled(e: LaneEvent, slots: Slot[]): string {
    const inGuest = (v: string) => `(${v} != NONE && inG[${v}])`;
    switch (e.kind) {
      case 'run':
      case 'stop': {
        const v = this.vcpu(e.vcpu);
        // a run or stop waits while its vcpu enters elsewhere: a lane whose last pending op is its guest entry
        const entering = slots.map((_, y) => `(SP[${y}] > 0 && K[${y} * D] == ENTER && A[${y} * D] == ${v})`);
        return `!(${entering.join(' || ')})`;
      }
      case 'schedule':
        return inGuest(`vCpu[${this.vcpu(e.vcpu)}]`);
      default: {
        const t = this.task(e.task.text);
        return `(tV[${t}] != NONE && ${inGuest(`vCpu[tV[${t}]]`)})`;
      }
    }
  }

  /** An event's ops, pushed on executor x (simulation.ts `expand`, kernel.ts `expandRun`). */
  private expand(x: number, cpu: number, e: LaneEvent): string {
    if (e.kind !== 'run') return `push(${x}, EVENT, ${this.eventId(e)}, 0, 0)`;
    return `expandRun(${x}, ${this.vcpu(e.vcpu)}, ${cpu})`;
  }

  private init(): string {
    const s = this.state;
    const assigns: string[] = [];
    const set = (name: string, value: number, initial: number) => {
      if (value !== initial) assigns.push(`${name} = ${value}`);
    };
    for (const [gi, name] of this.guests.entries()) {
      const g = s.guests.get(name)!;
      for (let c = 0; c < this.t.cpuCount; c++) {
        set(`nf[${gi * this.t.cpuCount + c}]`, g.needTlbFlush[c] ? 1 : 0, 0);
        set(`cig[${gi * this.t.cpuCount + c}]`, g.cpuInGuest[c] ? 1 : 0, 0);
      }
    }
    for (const c of s.cpus) {
      set(`cv[${c.id}]`, c.vcpu === undefined ? NONE : this.vcpus.get(c.vcpu)!, NONE);
      set(`inG[${c.id}]`, c.inGuest ? 1 : 0, 0);
      set(`irq[${c.id}]`, c.irqsOff ? 1 : 0, 0);
      set(`ipiP[${c.id}]`, c.ipisPending, 0);
      set(`ipiW[${c.id}]`, c.ipiWait < 0 ? NONE : c.ipiWait, NONE);
    }
    for (const [name, v] of this.vcpus) {
      const dot = name.lastIndexOf('.vcpu');
      const vs = s.guests.get(name.slice(0, dot))!.vcpus[Number(name.slice(dot + 5))];
      set(`vCpu[${v}]`, vs.cpu < 0 ? NONE : vs.cpu, NONE);
      set(`vPrev[${v}]`, vs.prevCpu < 0 ? NONE : vs.prevCpu, NONE);
      set(`vTask[${v}]`, vs.task === undefined ? NONE : this.task(vs.task), NONE);
    }
    for (const [ti, name] of this.tasks.entries()) {
      const task = s.tasks.get(name)!;
      set(`tV[${ti}]`, task.vcpu === undefined ? NONE : this.vcpus.get(vcpuName({ guest: task.guest, index: task.vcpu }))!, NONE);
      for (const index of task.vcpuHistory) set(`hist[${ti} * NV + ${this.vcpus.get(vcpuName({ guest: task.guest, index }))!}]`, 1, 0);
      for (const [page, p] of task.pages) set(`pte[${this.slot(name, page)}]`, p.frame ?? 0, 0);
    }
    s.tlbs.forEach((entries, d) => {
      for (const e of entries.values()) set(`tlb[${d} * NP + ${this.slot(e.task, e.page)}]`, e.frame, 0);
    });
    set('nextFrame', s.nextFrame, 0);
    const out = ['init {', '  byte ph;', '  d_step { /* the state the setup left */', ...assigns.map((a) => `    ${a};`), '    skip', '  };'];
    out.push(`  atomic { ${Array.from({ length: this.executors - 1 }, (_, x) => `run lane(${x});`).join(' ')} };`);
    // the program after the setup, item by item: a block runs its lanes and waits for them (a deadlock
    // leaves init waiting: an invalid end state); a sequential event's ops run in turn, an IPI taken
    // (and its re-entry) before the mover goes on
    const items = this.rest.filter((item): item is ConcurrentlyBlock | LaneEvent => item.kind === 'concurrently' || !isExpectation(item));
    let block = 0;
    const phases = items.map((item, ph) => {
      if (item.kind === 'concurrently') return `    :: ph == ${ph} -> ${this.runBlock(item, block++)}`;
      const start = item.kind === 'run' ? `expandRun(SEQ, ${this.vcpu(item.vcpu)}, ${item.cpu.index})` : `push(SEQ, EVENT, ${this.eventId(item)}, 0, 0)`;
      return `    :: ph == ${ph} -> /* line ${item.line + 1} */ d_step { ${start} }`;
    });
    out.push(
      '  do',
      '  :: d_step { SP[SEQ] > 0 && !err -> execTop(SEQ); if :: take != NONE -> push(SEQ, TAKE, 0, take, 0) :: else -> skip fi }',
      '  :: SP[SEQ] == 0 && !err ->',
      '    if',
      ...phases,
      `    :: ph == ${items.length} -> break`,
      '    fi;',
      '    ph++',
      '  od',
      '}',
      '',
    );
    return out.join('\n');
  }

  /** Runs block `b` and waits until no lane has work. */
  private runBlock(item: ConcurrentlyBlock, b: number): string {
    const slots = this.blocks[b];
    const idle = slots.map((slot, x) => `SP[${x}] == 0 && TK[${x}] == 0 && EV[${x}] == ${slot.events.length}`).join(' && ');
    const reset = slots.map((_, x) => `EV[${x}] = 0`).join('; ');
    const lanes = slots.map((s, x) => `${x}=cpu${s.cpu}${s.events.length ? '' : ' (IPIs only)'}`).join(' ');
    return `/* line ${item.range.start.line + 1}: concurrently, lanes ${lanes} */\n      blk = ${b + 1}; (!err && ${idle}); d_step { blk = 0; ${reset} }`;
  }
}

const OPS = ['EXIT', 'PREPARE', 'RFC', 'IPI', 'TAKE', 'START', 'HV', 'FLUSH', 'PTESYNC', 'CLEAR', 'ENTER', 'EVENT'];


/** tlbiel (the TLB of cpu j) or tlbie (every TLB) of some of a task's pages. */
function invalidate(form: 'tlbiel' | 'tlbie', slots: number[]): string {
  if (form === 'tlbiel') return slots.map((k) => `tlb[DOM(j) * NP + ${k}] = 0`).join('; ');
  return `i = 0; do :: i < NDOM -> ${slots.map((k) => `tlb[i * NP + ${k}] = 0`).join('; ')}; i++ :: else -> break od`;
}

/**
 * The micro-steps of kernel.ts, written once for every row: the row's
 * columns are the macros above. Inlines share the hidden temporaries; none
 * is live across a call that writes it.
 */
const KERNEL = String.raw`
inline push(x, k, a, b, c) {
  K[(x) * D + SP[x]] = k; A[(x) * D + SP[x]] = a; B[(x) * D + SP[x]] = b; C[(x) * D + SP[x]] = c; SP[x]++
}

/* the entry path, pushed so that its first op is on top (kernel.ts entryPath) */
inline pushEntry(x, v, c, re) {
  push(x, ENTER, v, c, re); push(x, HV, v, c, re); push(x, START, v, c, re);
  if :: RADIX(VGUEST(v)) -> push(x, PREPARE, v, c, re) :: else -> skip fi
}

/* run v on c: preempt c's other vcpu, exit v from its old cpu, then the entry path; read when the event starts */
inline expandRun(x, v, c) {
  pushEntry(x, v, c, 0);
  j = vCpu[v]; if :: j != NONE -> push(x, EXIT, v, j, (j == c)) :: else -> skip fi;
  j2 = cv[c]; if :: j2 != NONE && j2 != v -> push(x, EXIT, j2, c, 0) :: else -> skip fi
}

/* target takes every IPI sent to it: their senders stop waiting */
inline takeIpis(t) {
  i = 0;
  do
  :: i < NCPU && ipiP[t] > 0 -> if :: ipiW[i] == t -> ipiW[i] = NONE; ipiP[t]-- :: else -> skip fi; i++
  :: else -> break
  od
}

/* interrupts back on: IPIs held off are taken now, with nothing to exit */
inline leaveIrqsOff(c) {
  irq[c] = 0; if :: ipiP[c] > 0 -> takeIpis(c) :: else -> skip fi
}

inline leaveGuest(v, c) {
  cig[VGUEST(v) * NCPU + c] = 0; inG[c] = 0; leaveIrqsOff(c)
}

inline exitGuest(v, c, reenter) {
  if
  :: vCpu[v] == c -> leaveGuest(v, c); if :: !reenter -> cv[c] = NONE; vCpu[v] = NONE :: else -> skip fi
  :: else -> skip
  fi
}

/* a vcpu taken away before its entry finished: the rest of the path is dropped (an error unless a re-entry) */
inline takenAway(v, c, re, before) {
  j = vCpu[v];
  if
  :: (before && (j == NONE || j == c)) || (!before && j == c) -> skip
  :: else -> ab = 1; leaveIrqsOff(c); if :: !re -> err = 1 :: else -> skip fi
  fi
}

/* kvmppc_prepare_radix_vcpu */
inline prepare(x, v, c) {
  if
  :: !TRACKS_MOVES -> skip
  :: else ->
    j = vPrev[v];
    if
    :: j == NONE -> vPrev[v] = c
    :: j == c -> skip
    :: else ->
      vPrev[v] = c;
      if
      :: GROUP_REP(j) == GROUP_REP(c) -> if :: MIGRATE_AWAY_IPI -> push(x, IPI, j, c, 0) :: else -> skip fi
      :: else -> push(x, RFC, v, c, j)
      fi
    fi
  fi
}

/* radix_flush_cpu: mark the old group, then IPI its threads in the guest (ascending), then (v5.17) the old cpu */
inline rfc(x, v, c, prev) {
  og = VGUEST(v);
  if
  :: SETTER_EVERY -> i = 0; do :: i < NCPU -> if :: GROUP_REP(i) == GROUP_REP(prev) -> nf[og * NCPU + i] = 1 :: else -> skip fi; i++ :: else -> break od
  :: else -> nf[og * NCPU + GROUP_REP(prev)] = 1
  fi;
  if :: MIGRATE_AWAY_IPI -> push(x, IPI, prev, c, 0) :: else -> skip fi;
  i = NCPU;
  do
  :: i > 0 -> i--; if :: GROUP_REP(i) == GROUP_REP(prev) && cig[og * NCPU + i] && i != c -> push(x, IPI, i, c, 0) :: else -> skip fi
  :: else -> break
  od
}

/* smp_call_function_single(t, wait=1), sent from c */
inline sendIpi(t, c) {
  if
  :: !inG[t] && !irq[t] -> skip
  :: else -> ipiP[t]++; ipiW[c] = t; if :: inG[t] -> take = t :: else -> skip fi
  fi
}

inline ipiTake(x, c) {
  j = cv[c]; takeIpis(c);
  if
  :: j == NONE || !inG[c] -> skip
  :: else -> leaveGuest(j, c); pushEntry(x, j, c, 1)
  fi
}

/* kvmppc_start_thread */
inline startThread(v, c) {
  cv[c] = v; vCpu[v] = c; cig[VGUEST(v) * NCPU + c] = 1; irq[c] = 1
}

/* kvmppc_hv_entry: test the row's bit; sweep (set by set) or ptesync; clear before or after */
inline hvEntry(x, v, c) {
  og = VGUEST(v); j = ENTRY_BIT(c);
  if
  :: !nf[og * NCPU + j] -> skip
  :: else ->
    some = 0;
    if
    :: SWEEP_ONLY_IF_ALL_SET -> i = 0; do :: i < NCPU -> if :: GROUP_REP(i) == GROUP_REP(c) && !nf[og * NCPU + i] -> some = 1 :: else -> skip fi; i++ :: else -> break od
    :: else -> skip
    fi;
    if :: CLEAR_BEFORE_FLUSH -> nf[og * NCPU + j] = 0 :: else -> push(x, CLEAR, og, c, j) fi;
    if :: some -> push(x, PTESYNC, 0, c, 0) :: else -> push(x, FLUSH, og, c, 0) fi
  fi
}

/* one set of the sweep; the next set is pushed by this one (the same order as pushing them all) */
inline flushSet(x, g, c, s) {
  if
  :: FLUSHES(g) -> d = DOM(c); i = 0; do :: i < NP -> if :: SLOTGUEST(i) == g && SLOTSET(i) == s -> tlb[d * NP + i] = 0 :: else -> skip fi; i++ :: else -> break od
  :: else -> skip
  fi;
  if :: s + 1 < NSETS -> push(x, FLUSH, g, c, s + 1) :: else -> skip fi
}

/* the guest entry; IPIs that came meanwhile are taken here, and the path runs again */
inline enterGuest(x, v, c) {
  if
  :: ipiP[c] > 0 -> takeIpis(c); leaveGuest(v, c); pushEntry(x, v, c, 1)
  :: else -> irq[c] = 0; inG[c] = 1
  fi
}

inline schedule(t, v) {
  if :: tV[t] != NONE && tV[t] != v -> vTask[tV[t]] = NONE :: else -> skip fi;
  j = vTask[v]; if :: j != NONE && j != t -> tV[j] = NONE :: else -> skip fi;
  vTask[v] = t; tV[t] = v; hist[t * NV + v] = 1
}

/* the property: an entry whose frame is not the page's is a stale access */
inline access(k) {
  d = DOM(j); f = tlb[d * NP + k];
  if
  :: f != 0 -> assert(f == pte[k])
  :: else -> if :: pte[k] != 0 -> tlb[d * NP + k] = pte[k] :: else -> skip fi
  fi
}

/* pops executor x's next op and runs it; an IPI to a cpu in guest mode is left in take */
inline execTop(x) {
  SP[x]--;
  ok = K[(x) * D + SP[x]]; oa = A[(x) * D + SP[x]]; ob = B[(x) * D + SP[x]]; oc = C[(x) * D + SP[x]];
  K[(x) * D + SP[x]] = 0; A[(x) * D + SP[x]] = 0; B[(x) * D + SP[x]] = 0; C[(x) * D + SP[x]] = 0;
  ab = 0; take = NONE;
  if
  :: ok == EXIT -> exitGuest(oa, ob, oc)
  :: ok == PREPARE -> takenAway(oa, ob, oc, 1); if :: !ab -> prepare(x, oa, ob) :: else -> skip fi
  :: ok == RFC -> rfc(x, oa, ob, oc)
  :: ok == IPI -> sendIpi(oa, ob)
  :: ok == TAKE -> ipiTake(x, ob)
  :: ok == START -> takenAway(oa, ob, oc, 1); if :: !ab -> startThread(oa, ob) :: else -> skip fi
  :: ok == HV -> takenAway(oa, ob, oc, 0); if :: !ab -> hvEntry(x, oa, ob) :: else -> skip fi
  :: ok == FLUSH -> flushSet(x, oa, ob, oc)
  :: ok == PTESYNC -> skip
  :: ok == CLEAR -> nf[oa * NCPU + oc] = 0
  :: ok == ENTER -> takenAway(oa, ob, oc, 0); if :: !ab -> enterGuest(x, oa, ob) :: else -> skip fi
  :: ok == EVENT -> guestEvent(oa)
  fi;
  if
  :: ab -> do :: SP[x] > 0 -> SP[x]--; K[(x) * D + SP[x]] = 0; A[(x) * D + SP[x]] = 0; B[(x) * D + SP[x]] = 0; C[(x) * D + SP[x]] = 0 :: else -> break od
  :: else -> skip
  fi
}
`;
