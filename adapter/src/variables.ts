// The machine state as variable trees a kernel engineer reads at a glance:
// Machine (TLB domains grouped by set, cpus), Guests (need_tlb_flush as a
// cpumask, vcpus, tasks), Step (what the last micro-step changed). Plain
// data: session.ts hands out references and pages large collections.

import { type AccessRecord, type Change, type MachineState, type TlbEntry, describeStall } from '../../core/src/index';
import { type Value, isStale, maskBig } from './expressions';
import type { Runtime } from './runtime';

export interface VarNode {
  name: string;
  value: string;
  /** Canonical value (radix-independent), compared between stops to mark changes. */
  raw?: string;
  evaluateName?: string;
  /** Data breakpoint id, when a write to it can be watched. */
  dataId?: string;
  children?: () => VarNode[];
  /** Number of children, when it may be large (paged by the client). */
  size?: number;
  /** A TLB entry or a single bit, whose evaluateName the provenance request reads (the pane's context menu offers it). */
  provenance?: boolean;
}

export interface Format {
  hex: boolean;
}

export function num(n: number, f: Format): string {
  return f.hex && n >= 0 ? `0x${n.toString(16)}` : String(n);
}

/** A cpumask as `0x11 = {cpu0, cpu4}` (always hex: it is a mask). */
export function mask(bits: readonly boolean[], from = 0, to = bits.length - 1): string {
  const set: string[] = [];
  for (let c = from; c <= to; c++) if (bits[c]) set.push(`cpu${c}`);
  const shifted = maskBig(bits.slice(from, to + 1)) << BigInt(from);
  return `0x${shifted.toString(16)} = {${set.join(', ')}}`;
}

const leaf = (name: string, value: string, raw = value, extra: Partial<VarNode> = {}): VarNode => ({ name, value, raw, ...extra });

export function entryText(e: TlbEntry, state: MachineState, f: Format): string {
  const base = `lpid ${num(e.lpid, f)} pid ${num(e.pid, f)} ${e.page} → frame ${num(e.frame, f)}`;
  if (!isStale(e, state)) return base;
  const pte = state.tasks.get(e.task)!.pages.get(e.page)!;
  return `${base}  STALE (page ${pte.frame === undefined ? 'unmapped' : `now frame ${num(pte.frame, f)}`}${pte.changedLine !== undefined ? ` at line ${pte.changedLine + 1}` : ''})`;
}

function entryRaw(e: TlbEntry, state: MachineState): string {
  return `${e.lpid}/${e.pid}/${e.page}/${e.frame}/${isStale(e, state)}`;
}

// ---- Machine ---------------------------------------------------------------------

export function machineScope(rt: Runtime, f: Format): VarNode[] {
  const state = rt.cursor.state;
  const t = state.topology;
  const nodes: VarNode[] = [
    leaf('kernel', rt.run.kernel),
    leaf('topology', `${t.cores} core${t.cores === 1 ? '' : 's'} × ${t.threads} threads${t.bigcore ? ' (big cores: even/odd TLB halves)' : ''}, ${t.tlbSets} TLB sets`),
  ];
  for (let d = 0; d < t.domainCount; d++) nodes.push(tlbNode(d, state, f));
  for (let c = 0; c < t.cpuCount; c++) nodes.push(cpuNode(c, state, f));
  return nodes;
}

export function tlbNode(domain: number, state: MachineState, f: Format): VarNode {
  const t = state.topology;
  const name = t.tlbDomainName(domain);
  const entries = [...state.tlbs[domain].values()];
  const stale = entries.filter((e) => isStale(e, state)).length;
  const value = entries.length === 0 ? 'empty' : `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}${stale ? `, ${stale} STALE` : ''}`;
  const raw = entries.map((e) => entryRaw(e, state)).sort().join(',');
  const bySet = new Map<number, TlbEntry[]>();
  for (const e of entries) bySet.set(e.set, [...(bySet.get(e.set) ?? []), e]);
  return {
    name,
    value,
    raw,
    evaluateName: `tlb(${name})`,
    dataId: `tlb:${domain}`,
    ...(entries.length
      ? {
          children: () =>
            [...bySet.keys()].sort((a, b) => a - b).map((set) => {
              const list = bySet.get(set)!.sort((a, b) => a.lpid - b.lpid || a.pid - b.pid || a.page.localeCompare(b.page));
              return {
                name: `set ${set}`,
                value: `${list.length} entr${list.length === 1 ? 'y' : 'ies'}`,
                raw: list.map((e) => entryRaw(e, state)).join(','),
                size: list.length,
                children: () => list.map((e) => entryNode(e, name, state, f)),
              };
            }),
        }
      : {}),
  };
}

function entryNode(e: TlbEntry, domain: string, state: MachineState, f: Format): VarNode {
  return {
    name: `${e.task}:${e.page}`,
    value: entryText(e, state, f),
    raw: entryRaw(e, state),
    // names the entry, for Add to Watch and for the provenance command of the pane's context menu
    evaluateName: `tlb(${domain}) has ${e.task}:${e.page}`,
    provenance: true,
    children: () => [
      leaf('lpid', num(e.lpid, f), String(e.lpid)),
      leaf('pid', num(e.pid, f), String(e.pid)),
      leaf('guest', e.guest),
      leaf('task', e.task),
      leaf('page', e.page),
      leaf('frame', num(e.frame, f), String(e.frame)),
      leaf('set', String(e.set)),
      leaf('filled at', `line ${e.filledLine + 1}`),
    ],
  };
}

export function cpuNode(c: number, state: MachineState, f: Format): VarNode {
  const t = state.topology;
  const cpu = state.cpus[c];
  const value = cpu.vcpu ? `${cpu.vcpu}${cpu.inGuest ? ' in guest' : ' (not in guest mode)'}` : 'idle';
  return {
    name: `cpu${c}`,
    value,
    raw: `${value}/${cpu.lpidr}/${cpu.pidr}`,
    evaluateName: `cpu${c}`,
    children: () => [
      leaf('core', `core${t.coreOf(c)}, thread ${t.threadOf(c)}`),
      leaf('tlb', t.tlbDomainName(t.tlbDomainOf(c))),
      leaf('vcpu', cpu.vcpu ?? 'none', cpu.vcpu ?? 'none', { evaluateName: `cpu${c}.vcpu` }),
      leaf('in_guest', String(cpu.inGuest), String(cpu.inGuest), { evaluateName: `cpu${c}.in_guest` }),
      leaf('LPIDR', num(cpu.lpidr, f), String(cpu.lpidr), { evaluateName: `cpu${c}.lpidr` }),
      leaf('PIDR', num(cpu.pidr, f), String(cpu.pidr), { evaluateName: `cpu${c}.pidr` }),
    ],
  };
}

// ---- Guests ------------------------------------------------------------------------

export function guestsScope(rt: Runtime, f: Format): VarNode[] {
  const state = rt.cursor.state;
  return [...state.guests.keys()].map((g) => guestNode(g, state, f));
}

export function guestNode(name: string, state: MachineState, f: Format): VarNode {
  const g = state.guests.get(name)!;
  const tasks = [...state.tasks.values()].filter((t) => t.guest === name);
  return {
    name,
    value: `lpid ${num(g.lpid, f)}, ${g.mmu}, ${g.vcpus.length} vcpu${g.vcpus.length === 1 ? '' : 's'}`,
    evaluateName: name,
    children: () => [
      leaf('lpid', num(g.lpid, f), String(g.lpid), { evaluateName: `${name}.lpid` }),
      leaf('mmu', g.mmu),
      maskNode('need_tlb_flush', 'needTlbFlush', name, g.needTlbFlush, state),
      maskNode('cpu_in_guest', 'cpuInGuest', name, g.cpuInGuest, state),
      {
        name: 'vcpus',
        value: `${g.vcpus.length}`,
        size: g.vcpus.length,
        children: () => g.vcpus.map((_, i) => vcpuNode(name, i, state, f)),
      },
      {
        name: 'tasks',
        value: `${tasks.length}`,
        size: tasks.length,
        children: () => tasks.map((t) => taskNode(t.name, state, f)),
      },
    ],
  };
}

export function maskNode(label: string, field: 'needTlbFlush' | 'cpuInGuest', guest: string, bits: readonly boolean[], state: MachineState): VarNode {
  const t = state.topology;
  const fn = label;
  return {
    name: label,
    value: mask(bits),
    raw: mask(bits),
    evaluateName: `${fn}(${guest})`,
    dataId: `${field}:${guest}:0:${t.cpuCount - 1}`,
    children: () =>
      Array.from({ length: t.cores }, (_, core) => {
        const lo = core * t.threads;
        const hi = lo + t.threads - 1;
        return {
          name: `core${core}`,
          value: mask(bits, lo, hi),
          raw: mask(bits, lo, hi),
          evaluateName: `${fn}(${guest}, core${core})`,
          dataId: `${field}:${guest}:${lo}:${hi}`,
          children: () =>
            Array.from({ length: t.threads }, (_, th) =>
              leaf(`cpu${lo + th}`, bits[lo + th] ? '1' : '0', String(bits[lo + th]), { evaluateName: `${fn}(${guest}, cpu${lo + th})`, dataId: `${field}:${guest}:${lo + th}:${lo + th}`, provenance: true }),
            ),
        };
      }),
  };
}

export function vcpuNode(guest: string, index: number, state: MachineState, f: Format): VarNode {
  const v = state.guests.get(guest)!.vcpus[index];
  const name = `${guest}.vcpu${index}`;
  const where = v.cpu >= 0 ? `on cpu${v.cpu}` : 'not running';
  const value = `${where}, prev_cpu ${v.prevCpu}${v.task ? `, task ${v.task}` : ''}`;
  return {
    name,
    value,
    evaluateName: `vcpu(${name})`,
    children: () => [
      leaf('cpu', v.cpu >= 0 ? num(v.cpu, f) : 'none (-1)', String(v.cpu), { evaluateName: `${name}.cpu` }),
      leaf('prev_cpu', v.prevCpu >= 0 ? num(v.prevCpu, f) : '-1', String(v.prevCpu), { evaluateName: `${name}.prev_cpu` }),
      leaf('task', v.task ?? 'none', v.task ?? 'none', { evaluateName: `${name}.task` }),
    ],
  };
}

export function taskNode(name: string, state: MachineState, f: Format): VarNode {
  const task = state.tasks.get(name)!;
  const vcpu = task.vcpu === undefined ? 'current nowhere' : `on ${task.guest}.vcpu${task.vcpu}`;
  const history = `{${task.vcpuHistory.map((v) => `vcpu${v}`).join(', ')}}`;
  const pages = [...task.pages];
  return {
    name,
    value: `pid ${num(task.pid, f)}, ${vcpu}`,
    evaluateName: name,
    children: () => [
      leaf('pid', num(task.pid, f), String(task.pid), { evaluateName: `${name}.pid` }),
      leaf('vcpu', task.vcpu === undefined ? 'none' : `${task.guest}.vcpu${task.vcpu}`, undefined, { evaluateName: `${name}.vcpu` }),
      leaf('vcpu history (mm_cpumask)', history),
      {
        name: 'page table',
        value: `${pages.length} page${pages.length === 1 ? '' : 's'}`,
        size: pages.length,
        children: () =>
          pages.map(([page, pte]) => {
            const how = pte.changedLine !== undefined ? ` (line ${pte.changedLine + 1}${pte.invalidation ? `: ${pte.invalidation}` : ''})` : '';
            const value = pte.frame === undefined ? `unmapped${how}` : `→ frame ${num(pte.frame, f)}${how}`;
            return leaf(page, value, `${pte.frame}${how}`, { evaluateName: `frame(${name}:${page})` });
          }),
      },
    ],
  };
}

// ---- At this access ---------------------------------------------------------------

/** The access a stop is about: the one about to run, else the one that just ran. */
export function stoppedAccess(rt: Runtime): { access: AccessRecord; next: boolean } | undefined {
  const next = rt.currentStep?.access;
  if (next) return { access: next, next: true };
  const last = rt.lastStep?.access;
  return last ? { access: last, next: false } : undefined;
}

/**
 * The scope shown first at a stop on an access (issue 11). VS Code opens the
 * first scope that is not expensive, and nothing inside it, so the access's
 * guest bits and its TLB domain's entries sit at its top level, under names
 * that say whose they are and with values short enough for a default-width
 * sidebar; the whole text is a child.
 */
export function accessScope(rt: Runtime, f: Format): VarNode[] {
  const stopped = stoppedAccess(rt);
  const state = rt.cursor.state;
  const task = stopped && state.tasks.get(stopped.access.task);
  if (!stopped || !task) return [];
  const a = stopped.access;
  const g = state.guests.get(task.guest)!;
  const domain = state.topology.tlbDomainName(a.domain);
  const nodes: VarNode[] = [
    {
      name: stopped.next ? 'next access' : 'last access',
      value: `${a.task}:${a.page} on cpu${a.cpu}: ${a.outcome.toUpperCase()}`,
      children: () => [leaf('TLB', domain), leaf('guest', `${g.name} (lpid ${num(g.lpid, f)})`), ...(a.explanation ? [leaf('why', a.explanation)] : [])],
    },
    { ...maskNode('need_tlb_flush', 'needTlbFlush', g.name, g.needTlbFlush, state), name: `${g.name} need_tlb_flush` },
    { ...maskNode('cpu_in_guest', 'cpuInGuest', g.name, g.cpuInGuest, state), name: `${g.name} cpu_in_guest` },
  ];
  const entries = [...state.tlbs[a.domain].values()].sort((x, y) => x.set - y.set || x.lpid - y.lpid || x.pid - y.pid || x.page.localeCompare(y.page));
  if (!entries.length) nodes.push(leaf(`${domain} TLB`, 'empty'));
  for (const e of entries) {
    const full = entryNode(e, domain, state, f);
    nodes.push({
      ...full,
      name: `${domain} ${e.task}:${e.page}`,
      value: `set ${e.set} → frame ${num(e.frame, f)}${isStale(e, state) ? ' STALE' : ''}`,
      children: () => [leaf('entry', full.value), ...full.children!()],
    });
  }
  return nodes;
}

// ---- Step ----------------------------------------------------------------------------

export function stepScope(rt: Runtime, f: Format): VarNode[] {
  const state = rt.cursor.state;
  const last = rt.lastStep;
  const next = rt.currentStep;
  const total = rt.run.steps.length;
  const nodes: VarNode[] = [leaf('position', `${rt.cursor.position} of ${total} micro-steps`)];
  if (last) {
    nodes.push({
      name: 'last step',
      value: last.text,
      children: () => [
        leaf('line', String(last.line + 1)),
        leaf('cpu', last.cpu >= 0 ? `cpu${last.cpu}` : 'none'),
        leaf('frames', last.frames.map((fr) => fr.name).join(' › ')),
        ...(last.access ? [leaf('access', `${last.access.task} ${last.access.page} on cpu${last.access.cpu}: ${last.access.outcome}`)] : []),
      ],
    });
    nodes.push({
      name: 'changed',
      value: last.changes.length ? `${last.changes.length} change${last.changes.length === 1 ? '' : 's'}` : 'nothing',
      size: last.changes.length,
      ...(last.changes.length ? { children: () => last.changes.map((c) => changeNode(c, state, f)) } : {}),
    });
  }
  nodes.push(leaf('next step', next ? next.text : rt.timeline.expect[rt.point] >= 0 ? 'expect (checked here, takes no step)' : 'none: end of the scenario'));
  // spec v2 §0.4: how long this schedule held a thread in its interrupts-off entry path (with blocks only)
  if (rt.scenario.program.some((item) => item.kind === 'concurrently')) {
    const stall = rt.run.stall;
    const value = stall.steps ? `${stall.steps} (cpu${stall.cpu}, line ${stall.line + 1})` : '0';
    nodes.push({ name: 'stall', value, children: () => [leaf('meaning', describeStall(stall, state.topology, null))] });
  }
  return nodes;
}

function changeNode(c: Change, state: MachineState, f: Format): VarNode {
  const t = state.topology;
  const opt = (v: string | number | undefined) => (v === undefined ? 'none' : typeof v === 'number' ? num(v, f) : v);
  switch (c.kind) {
    case 'bit':
      return leaf(`${c.mask === 'needTlbFlush' ? 'need_tlb_flush' : 'cpu_in_guest'}[${c.cpu}] of ${c.guest}`, `${Number(c.from)} → ${Number(c.to)}`);
    case 'tlb-insert':
      return leaf(`${t.tlbDomainName(c.domain)} TLB + ${c.entry.task}:${c.entry.page}`, entryText(c.entry, state, f));
    case 'tlb-remove':
      return leaf(`${t.tlbDomainName(c.domain)} TLB − ${c.entry.task}:${c.entry.page}`, `lpid ${num(c.entry.lpid, f)} pid ${num(c.entry.pid, f)} ${c.entry.page} → frame ${num(c.entry.frame, f)}`);
    case 'vcpu':
      return leaf(`${c.guest}.vcpu${c.index}.${c.field === 'prevCpu' ? 'prev_cpu' : c.field === 'lastCpu' ? 'last_cpu (simulator)' : 'cpu'}`, `${c.from} → ${c.to}`);
    case 'vcpu-task':
      return leaf(`${c.guest}.vcpu${c.index}.task`, `${opt(c.from)} → ${opt(c.to)}`);
    case 'cpu':
      return leaf(`cpu${c.cpu}.${c.field.toUpperCase()}`, `${num(c.from, f)} → ${num(c.to, f)}`);
    case 'cpu-vcpu':
      return leaf(`cpu${c.cpu}.vcpu`, `${opt(c.from)} → ${opt(c.to)}`);
    case 'cpu-mode':
      return leaf(`cpu${c.cpu}.in_guest`, `${c.from} → ${c.to}`);
    case 'cpu-irqs':
      return leaf(`cpu${c.cpu}.irqs_off`, `${c.from} → ${c.to}`);
    case 'cpu-ipi':
      return leaf(`cpu${c.cpu}.${c.field === 'ipiWait' ? 'waits_for_ipi_take_of' : 'ipis_pending'}`, `${c.from} → ${c.to}`);
    case 'pte':
      return leaf(`${c.task}:${c.page} PTE`, `${c.from.frame === undefined ? 'unmapped' : `frame ${num(c.from.frame, f)}`} → ${c.to.frame === undefined ? 'unmapped' : `frame ${num(c.to.frame, f)}`}`);
    case 'task-vcpu':
      return leaf(`${c.task}.vcpu`, `${opt(c.from)} → ${opt(c.to)}`);
    case 'history':
      return leaf(`${c.task} vcpu history`, `+ vcpu${c.vcpu}`);
    case 'frames':
      return leaf('next free frame', `${num(c.from, f)} → ${num(c.to, f)}`);
  }
}

// ---- values of expressions ---------------------------------------------------------------

/** An evaluated expression as a node: its text, and its children when it is a machine object. */
export function valueNode(name: string, v: Value, state: MachineState, f: Format): VarNode {
  switch (v.t) {
    case 'num':
      return leaf(name, num(v.v, f), String(v.v));
    case 'bool':
    case 'str':
      return leaf(name, String(v.v));
    case 'none':
      return leaf(name, 'none');
    case 'mask':
      return leaf(name, mask(v.bits));
    case 'page': {
      const pte = state.tasks.get(v.task)?.pages.get(v.page);
      return leaf(name, pte?.frame === undefined ? 'unmapped' : `→ frame ${num(pte.frame, f)}`);
    }
    case 'guest':
      return { ...guestNode(v.name, state, f), name };
    case 'task':
      return { ...taskNode(v.name, state, f), name };
    case 'vcpu':
      return { ...vcpuNode(v.guest, v.index, state, f), name };
    case 'cpu':
      return { ...cpuNode(v.id, state, f), name };
    case 'tlb':
      return { ...tlbNode(v.domain, state, f), name };
    case 'core': {
      const t = state.topology;
      const domains = t.bigcore ? [v.index * 2, v.index * 2 + 1] : [v.index];
      const cpus = t.threadsOfCore(v.index * t.threads);
      return {
        name,
        value: `core${v.index}: cpu${cpus[0]}-cpu${cpus[cpus.length - 1]}, TLB ${domains.map((d) => t.tlbDomainName(d)).join(' + ')}`,
        children: () => [...domains.map((d) => tlbNode(d, state, f)), ...cpus.map((c) => cpuNode(c, state, f))],
      };
    }
  }
}

/** Plain text of a value, for logpoints. */
export function valueText(v: Value, state: MachineState): string {
  return valueNode('', v, state, { hex: false }).value;
}
