// Checker: resolves names, checks ranges against the topology, and follows
// the sequential part of the program abstractly (which vcpu runs where, which
// task is current where) to report, before any simulation, what spec §3 lists
// as errors, plus the warnings authors want. It keeps going after an error.

import type {
  ConcurrentlyBlock,
  Num,
  GuestDecl,
  KernelName,
  PlaceRef,
  Range,
  ScenarioFile,
  SimpleEvent,
  TaskDecl,
  VcpuRef,
  Word,
  MachineDecl,
  Statement,
} from './ast';
import { isDeclaration, vcpuName } from './ast';
import { type Diagnostic, compareDiagnostics, error, warning } from './diagnostics';
import { NameIndex, THREAD_COUNTS, nearest } from './keywords';
import { editorText } from './lexer';
import { type ParseResult, parse, reparse } from './parser';
import { Topology } from '../machine/topology';
import { kernelWords, resolveKernel } from '../machine/variants';

export interface GuestInfo {
  name: string;
  lpid: number;
  mmu: 'radix' | 'hpt';
  vcpus: number;
  decl: GuestDecl;
}

export interface TaskInfo {
  name: string;
  guest: string;
  pid: number;
  pages: string[];
  decl: TaskDecl;
}

export type ProgramItem = SimpleEvent | ConcurrentlyBlock;

/** A checked scenario: what the simulator runs. */
export interface Scenario {
  topology: Topology;
  machine?: MachineDecl;
  /** The variant the file names, if any. */
  kernel?: KernelName;
  guests: Map<string, GuestInfo>;
  tasks: Map<string, TaskInfo>;
  program: ProgramItem[];
  file: ScenarioFile;
}

export interface CheckResult {
  scenario: Scenario;
  diagnostics: Diagnostic[];
  hasErrors: boolean;
}

export interface Analysis extends CheckResult {
  /** The parse alone, which `reanalyze` reuses. */
  parsed: ParseResult;
}

/** Parse and check in one go: what every front end calls (positions are as an editor shows `text`). */
export function analyze(text: string): Analysis {
  return checkParsed(parse(editorText(text)));
}

/** `analyze` after an edit: the parse of what comes before the first changed line is reused. */
export function reanalyze(previous: Analysis, text: string): Analysis {
  const parsed = reparse(previous.parsed, editorText(text));
  return parsed === previous.parsed ? previous : checkParsed(parsed);
}

function checkParsed(parsed: ParseResult): Analysis {
  const checked = check(parsed.file);
  const diagnostics = [...parsed.diagnostics, ...checked.diagnostics].sort(compareDiagnostics);
  return { scenario: checked.scenario, diagnostics, hasErrors: diagnostics.some((d) => d.severity === 'error'), parsed };
}

const DEFAULT_TOPOLOGY = new Topology(1, 1, false, 4);

/**
 * Upper bounds that keep every front end responsive on any input: far more
 * than any machine (POWER9 has 12-bit LPIDs, a few thousand TLB sets at most)
 * or any readable scenario needs.
 */
export const LIMITS = { cores: 1024, vcpus: 1024, tlbSets: 4096, lpid: 4095 } as const;

/** A number within [min, max], or an error at its token (then the nearest bound is used). */
function bounded(n: Num, min: number, max: number, what: string, diagnostics: Diagnostic[]): number {
  if (n.value < min || n.value > max || !Number.isFinite(n.value)) {
    diagnostics.push(error(n.range, 'bad-number', `${what} must be between ${min} and ${max}`));
    return n.value < min ? min : max;
  }
  return n.value;
}

export function check(file: ScenarioFile): CheckResult {
  const diagnostics: Diagnostic[] = [];
  const scenario: Scenario = { topology: DEFAULT_TOPOLOGY, guests: new Map(), tasks: new Map(), program: [], file };
  const names = new Map<string, Word>(); // guests and tasks share one namespace
  let sawEvent: Statement | undefined;

  const declareName = (w: Word, what: string): boolean => {
    const prior = names.get(w.text);
    if (prior) {
      diagnostics.push({
        ...error(w.range, 'duplicate-name', `duplicate name '${w.text}': a ${what} cannot reuse a declared name`),
        related: [{ range: prior.range, message: `'${w.text}' is declared here` }],
      });
      return false;
    }
    names.set(w.text, w);
    return true;
  };

  // ---- declarations ------------------------------------------------------
  const guestDecls: GuestDecl[] = [];
  const guestByName = new Map<string, GuestDecl>();
  const guestIndex = new NameIndex();
  /** guest → how many tasks it has: the next pid is one more */
  const taskCounts = new Map<string, number>();
  for (const s of file.statements) {
    if (!isDeclaration(s)) {
      sawEvent ??= s;
      continue;
    }
    if (sawEvent) {
      diagnostics.push(
        error(s.keyword.range, 'declaration-after-event', `'${s.kind}' declarations must come before the first event`),
      );
      continue;
    }
    switch (s.kind) {
      case 'machine': {
        if (scenario.machine) {
          diagnostics.push(error(s.keyword.range, 'duplicate-machine', 'only one machine line is allowed'));
          break;
        }
        scenario.machine = s;
        const threads = s.threads.value;
        if (!(THREAD_COUNTS as readonly number[]).includes(threads)) {
          diagnostics.push(error(s.threads.range, 'bad-threads', 'threads must be 1, 2, 4 or 8'));
        }
        const cores = bounded(s.cores, 1, LIMITS.cores, 'the number of cores', diagnostics);
        if (s.bigcore && threads !== 8) {
          diagnostics.push(error(s.bigcore.range, 'bigcore-needs-threads-8', "'bigcore' needs 'threads 8' (an SMT8 core)"));
        }
        const tlbSets = s.tlbSets ? bounded(s.tlbSets, 1, LIMITS.tlbSets, 'tlb-sets', diagnostics) : 4;
        scenario.topology = new Topology(cores, (THREAD_COUNTS as readonly number[]).includes(threads) ? threads : 1, !!s.bigcore && threads === 8, tlbSets);
        break;
      }
      case 'kernel': {
        if (scenario.kernel) {
          diagnostics.push(error(s.keyword.range, 'duplicate-kernel', 'only one kernel line is allowed'));
          break;
        }
        const v = resolveKernel(s.variant.text);
        if (!v) {
          const meant = nearest(s.variant.text, kernelWords());
          diagnostics.push(
            error(
              s.variant.range,
              'unknown-kernel',
              `unknown kernel variant '${s.variant.text}' (buggy, early-clear, fixed, fixed-smt8)` + (meant ? `; did you mean '${meant}'?` : ''),
              meant ? { meant } : undefined,
            ),
          );
        } else scenario.kernel = v.name;
        break;
      }
      case 'guest':
        if (declareName(s.name, 'guest')) {
          guestDecls.push(s);
          guestByName.set(s.name.text, s);
          guestIndex.add(s.name.text);
        }
        bounded(s.vcpus, 1, LIMITS.vcpus, 'the number of vcpus', diagnostics);
        if (s.lpid) bounded(s.lpid, 1, LIMITS.lpid, 'an lpid (0 is the host)', diagnostics);
        break;
      case 'task': {
        if (!declareName(s.name, 'task')) break;
        const guest = guestByName.get(s.guest.text);
        if (!guest) {
          diagnostics.push(undeclared(s.guest, 'guest', guestIndex));
          break;
        }
        const seen = new Map<string, Word>();
        for (const p of s.pages) {
          const prior = seen.get(p.text);
          if (prior) {
            diagnostics.push({
              ...error(p.range, 'duplicate-name', `page '${p.text}' is listed twice`),
              related: [{ range: prior.range, message: 'first listed here' }],
            });
          } else seen.set(p.text, p);
        }
        const pid = (taskCounts.get(guest.name.text) ?? 0) + 1;
        taskCounts.set(guest.name.text, pid);
        scenario.tasks.set(s.name.text, { name: s.name.text, guest: guest.name.text, pid, pages: [...seen.keys()], decl: s });
        break;
      }
    }
  }
  if (!scenario.machine) {
    diagnostics.push(
      error({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, 'missing-machine', "a scenario needs a 'machine' line"),
    );
  }

  // lpids: explicit ones first, then 1, 2, … in declaration order for the rest
  const explicit = new Map<number, GuestDecl>();
  for (const g of guestDecls) {
    if (!g.lpid) continue;
    const prior = explicit.get(g.lpid.value);
    if (prior) {
      diagnostics.push({
        ...error(g.lpid.range, 'duplicate-lpid', `lpid ${g.lpid.value} is already used by guest '${prior.name.text}'`),
        related: [{ range: prior.name.range, message: `'${prior.name.text}' has lpid ${g.lpid.value}` }],
      });
    } else explicit.set(g.lpid.value, g);
  }
  guestDecls.forEach((g, i) => {
    const lpid = g.lpid?.value ?? i + 1;
    if (!g.lpid && lpid > LIMITS.lpid) {
      diagnostics.push(
        error(g.name.range, 'bad-number', `guest '${g.name.text}' gets lpid ${lpid} by default, beyond the largest lpid ${LIMITS.lpid}: give it a free 'lpid <N>'`),
      );
    } else if (!g.lpid && explicit.has(lpid)) {
      const other = explicit.get(lpid)!;
      diagnostics.push({
        ...error(g.name.range, 'duplicate-lpid', `guest '${g.name.text}' gets lpid ${lpid} by default, which guest '${other.name.text}' sets explicitly`),
        related: [{ range: other.lpid!.range, message: `lpid ${lpid} given here` }],
      });
    }
    scenario.guests.set(g.name.text, { name: g.name.text, lpid, mmu: g.mmu, vcpus: Math.min(LIMITS.vcpus, Math.max(1, g.vcpus.value)), decl: g });
  });

  // ---- events --------------------------------------------------------------
  const flow = new FlowChecker(scenario, diagnostics, guestIndex);
  for (const s of file.statements) {
    if (isDeclaration(s)) continue;
    scenario.program.push(s);
    if (s.kind === 'concurrently') flow.block(s);
    else flow.event(s, undefined);
  }
  flow.finish();

  diagnostics.sort(compareDiagnostics);
  return { scenario, diagnostics, hasErrors: diagnostics.some((d) => d.severity === 'error') };
}

function undeclared(w: Word, what: 'guest' | 'task' | 'page', known: NameIndex, extra?: string, data?: Diagnostic['data']): Diagnostic {
  const meant = known.nearest(w.text);
  return error(
    w.range,
    `undeclared-${what}`,
    `undeclared ${what} '${w.text}'` + (extra ?? '') + (meant ? `; did you mean '${meant}'?` : ''),
    { ...data, ...(meant ? { meant } : {}), name: w.text },
  );
}

/** An undeclared page's message lists the task's pages, the first of them only when there are many. */
const MAX_PAGES_LISTED = 10;

/** Follows the program abstractly: who runs where, which task is current where. */
class FlowChecker {
  private readonly vcpuCpu = new Map<string, number>(); // vcpu name → cpu
  private readonly cpuVcpu = new Map<number, string>();
  private readonly vcpuTask = new Map<string, string>();
  private readonly taskVcpu = new Map<string, string>();
  private readonly everRun = new Set<string>();
  /**
   * guest → the indices of its vcpus that run, stop or schedule name (only
   * those are worth a "never run" warning) → their names, made once (this
   * runs for every event of every keystroke). Only named vcpus: a guest may
   * declare a thousand, and thousands of guests may be declared.
   */
  private readonly named = new Map<string, Map<number, string>>();
  /** task → the pages it accessed */
  private readonly accessed = new Map<string, Set<string>>();
  /** Indexes for "did you mean", made at the first name that needs one. */
  private taskIndex: NameIndex | undefined;
  private readonly knownPages = new Map<string, { pages: Set<string>; index?: NameIndex }>();
  private sawAccess = false;

  constructor(
    private readonly scenario: Scenario,
    private readonly diagnostics: Diagnostic[],
    private readonly guestIndex: NameIndex,
  ) {}

  private guest(w: Word) {
    const g = this.scenario.guests.get(w.text);
    if (!g) this.diagnostics.push(undeclared(w, 'guest', this.guestIndex));
    return g;
  }

  private vcpu(v: VcpuRef): string | undefined {
    const g = this.guest(v.guest);
    if (!g) return undefined;
    if (v.index >= g.vcpus) {
      this.diagnostics.push(
        error(v.indexRange, 'vcpu-out-of-range', `guest '${g.name}' has ${g.vcpus} vcpu${g.vcpus === 1 ? '' : 's'} (vcpu0…vcpu${g.vcpus - 1}); vcpu${v.index} does not exist`, {
          guest: g.name,
          needed: v.index + 1,
        }),
      );
      return undefined;
    }
    let names = this.named.get(g.name);
    if (!names) this.named.set(g.name, (names = new Map()));
    let name = names.get(v.index);
    if (name === undefined) names.set(v.index, (name = vcpuName({ guest: g.name, index: v.index })));
    return name;
  }

  private place(p: PlaceRef): boolean {
    const t = this.scenario.topology;
    const limit = p.kind === 'cpu' ? t.cpuCount : t.cores;
    if (p.index >= limit) {
      this.diagnostics.push(
        error(p.range, p.kind === 'cpu' ? 'cpu-out-of-range' : 'core-out-of-range', `${p.kind}${p.index} is out of range: the machine has ${p.kind}0…${p.kind}${limit - 1}`),
      );
      return false;
    }
    return true;
  }

  private task(w: Word) {
    const t = this.scenario.tasks.get(w.text);
    if (!t) this.diagnostics.push(undeclared(w, 'task', (this.taskIndex ??= new NameIndex(this.scenario.tasks.keys()))));
    return t;
  }

  private page(task: TaskInfo, w: Word): boolean {
    let known = this.knownPages.get(task.name);
    if (!known) this.knownPages.set(task.name, (known = { pages: new Set(task.pages) }));
    if (known.pages.has(w.text)) return true;
    const listed = task.pages.slice(0, MAX_PAGES_LISTED).join(' ') + (task.pages.length > MAX_PAGES_LISTED ? ` … and ${task.pages.length - MAX_PAGES_LISTED} more` : '');
    this.diagnostics.push(undeclared(w, 'page', (known.index ??= new NameIndex(task.pages)), ` of task '${task.name}' (its pages: ${listed})`, { task: task.name }));
    return false;
  }

  /** The "task not current on a running vcpu" rule (static outside blocks). */
  private running(w: Word, taskName: string, what: string): void {
    const v = this.taskVcpu.get(taskName);
    if (!v) {
      this.diagnostics.push(error(w.range, 'task-not-running', `'${what}' by task '${taskName}', which is not current on any vcpu (use 'schedule ${taskName} on <guest>.vcpu<N>' first)`));
    } else if (!this.vcpuCpu.has(v)) {
      this.diagnostics.push(error(w.range, 'task-not-running', `'${what}' by task '${taskName}', whose vcpu ${v} is not running (use 'run ${v} on cpu<N>' first)`));
    }
  }

  event(e: SimpleEvent, lane: { cpu: number } | undefined): void {
    const inBlock = lane !== undefined;
    switch (e.kind) {
      case 'run': {
        const v = this.vcpu(e.vcpu);
        const cpuOk = this.place(e.cpu);
        if (lane && e.cpu.index !== lane.cpu) {
          this.diagnostics.push(error(e.cpu.range, 'lane-runs-other-cpu', `lane cpu${lane.cpu} may only run vcpus on cpu${lane.cpu}`));
        }
        if (!v || !cpuOk) return;
        const occupant = this.cpuVcpu.get(e.cpu.index);
        if (occupant && occupant !== v) {
          this.diagnostics.push(
            warning(e.cpu.range, 'cpu-occupied', `cpu${e.cpu.index} is running ${occupant}: it is preempted first, as by 'stop ${occupant}'`),
          );
          this.vcpuCpu.delete(occupant);
        }
        const old = this.vcpuCpu.get(v);
        if (old !== undefined) this.cpuVcpu.delete(old);
        this.vcpuCpu.set(v, e.cpu.index);
        this.cpuVcpu.set(e.cpu.index, v);
        this.everRun.add(v);
        return;
      }
      case 'stop': {
        const v = this.vcpu(e.vcpu);
        if (!v) return;
        const cpu = this.vcpuCpu.get(v);
        if (cpu !== undefined) this.cpuVcpu.delete(cpu);
        this.vcpuCpu.delete(v);
        return;
      }
      case 'schedule': {
        const t = this.task(e.task);
        const v = this.vcpu(e.vcpu);
        if (!t || !v) return;
        if (e.vcpu.guest.text !== t.guest) {
          this.diagnostics.push(error(e.vcpu.range, 'wrong-arguments', `task '${t.name}' belongs to guest '${t.guest}', not '${e.vcpu.guest.text}'`));
          return;
        }
        const before = this.taskVcpu.get(t.name);
        if (before) this.vcpuTask.delete(before);
        const displaced = this.vcpuTask.get(v);
        if (displaced) this.taskVcpu.delete(displaced);
        this.vcpuTask.set(v, t.name);
        this.taskVcpu.set(t.name, v);
        return;
      }
      case 'access':
      case 'unmap':
      case 'map':
      case 'tlbiel':
      case 'tlbie': {
        const t = this.task(e.task);
        if (!t) return;
        if (e.page) this.page(t, e.page);
        const g = this.scenario.guests.get(t.guest);
        if (g?.mmu === 'hpt') {
          if (e.kind === 'tlbiel' || e.kind === 'tlbie') {
            this.diagnostics.push(
              error(e.keyword.range, 'invalidation-in-hpt-guest', `'${e.kind}' in hpt guest '${g.name}': a hash guest does not invalidate by itself, the host does (H_REMOVE)`),
            );
          } else if (e.kind === 'unmap' && e.form) {
            this.diagnostics.push(
              error(e.form.range, 'invalidation-in-hpt-guest', `hpt guest '${g.name}': the host chooses how to invalidate, so 'unmap' takes no '${e.form.value}'`),
            );
          }
        }
        if (!inBlock) this.running(e.task, t.name, e.kind);
        if (e.kind === 'access') {
          this.sawAccess = true;
          let pages = this.accessed.get(t.name);
          if (!pages) this.accessed.set(t.name, (pages = new Set()));
          pages.add(e.page.text);
        }
        return;
      }
      case 'expect-outcome':
        if (!this.sawAccess) {
          this.diagnostics.push(error(e.keyword.range, 'expect-without-access', "'expect' of an outcome needs an 'access' before it"));
        }
        return;
      case 'expect-tlb': {
        this.place(e.where);
        if (e.where.kind === 'core' && this.scenario.topology.bigcore) {
          this.diagnostics.push(
            error(e.where.range, 'whole-tlb-of-bigcore', `core${e.where.index} of a big core has two TLBs (even and odd threads): name a cpu<N> to say which half`),
          );
        }
        const t = this.task(e.task);
        if (t) this.page(t, e.page);
        return;
      }
      case 'expect-flush':
        this.guest(e.guest);
        this.place(e.where);
        return;
    }
  }

  block(b: ConcurrentlyBlock): void {
    const laneCpus = new Map<number, Range>();
    for (const lane of b.lanes) {
      if (!this.place(lane.cpu)) continue;
      const prior = laneCpus.get(lane.cpu.index);
      if (prior) {
        this.diagnostics.push({
          ...error(lane.cpu.range, 'wrong-arguments', `a block has one lane per cpu: cpu${lane.cpu.index} already has one`),
          related: [{ range: prior, message: 'the first lane of this cpu' }],
        });
      }
      laneCpus.set(lane.cpu.index, lane.cpu.range);
    }
    // lanes interleave at run time; for the abstract state, apply them in written order
    for (const lane of b.lanes) for (const e of lane.events) this.event(e, { cpu: lane.cpu.index });
  }

  finish(): void {
    for (const [guest, names] of this.named) {
      const g = this.scenario.guests.get(guest)!;
      for (const index of [...names.keys()].sort((a, b) => a - b)) {
        const v = names.get(index)!;
        if (!this.everRun.has(v)) this.diagnostics.push(warning(g.decl.vcpus.range, 'vcpu-never-run', `${v} is never run`));
      }
    }
    for (const t of this.scenario.tasks.values()) {
      const accessed = this.accessed.get(t.name);
      const reported = new Set<string>(); // a page listed twice is reported once, at its first listing
      for (const p of t.decl.pages) {
        if (accessed?.has(p.text) || reported.has(p.text)) continue;
        reported.add(p.text);
        this.diagnostics.push(warning(p.range, 'page-never-accessed', `page '${p.text}' of task '${t.name}' is never accessed`));
      }
    }
  }
}
