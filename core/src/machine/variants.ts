// The kernel variants as a table of behaviours, one row per kernel version
// (spec v2 §2). The simulator asks this table, never the variant's name, so a
// new kernel version is a new row.

import type { KernelName, Mmu } from '../language/ast';
import type { Topology } from './topology';

/**
 * How a cpu is mapped to the thread whose need_tlb_flush bit stands for it:
 * its own bit (`thread`); the cpu rounded down to a multiple of 4 (`round4`,
 * a29ebeaf's `clrrdi r6,r6,2`, and v4.18's `pcpu & ~3`: on an 8-thread core
 * that is not the core's first thread); the core's first thread (`core`,
 * cpu_first_thread_sibling); or the first thread of its TLB domain
 * (`tlbDomain`, cpu_first_tlb_thread_sibling, v5.14).
 */
export type CpuGroup = 'thread' | 'round4' | 'core' | 'tlbDomain';

/** What counts as "another core" for a move, and whose threads a move marks and IPIs. */
export type Grouping = 'core' | 'tlbDomain';

export interface KernelVariant {
  name: KernelName;
  /** Kernel versions accepted as aliases on the `kernel` line. */
  aliases: readonly string[];
  commit: string;
  /** The kernel release, as the user knows it ('' for rows that are not a release). */
  release: string;
  summary: string;
  /**
   * kvmppc_prepare_radix_vcpu: the grouping by which a move is "to another
   * core", and whose threads radix_flush_cpu marks and IPIs. Absent: radix
   * vcpu movement is not tracked at all (before a29ebeaf).
   */
  grouping?: Grouping;
  /**
   * radix_flush_cpu: the bit of the old group's first thread (`first`, up to
   * v5.16), or the bit of every thread of the group (`every`, d5c0e8332d82).
   */
  setter: 'first' | 'every';
  /** The entry path: which bit it tests for cpu C. */
  entryBit: CpuGroup;
  /**
   * v5.17's check_need_tlb_flush: with its own bit set, a thread sweeps only
   * if every bit of its TLB domain is still set (it is the first to enter);
   * otherwise it only does a ptesync.
   */
  sweepOnlyIfAllSet: boolean;
  /** Whether the entry path clears the bit before or after its sweep. */
  clear: 'before-flush' | 'after-flush';
  /**
   * v5.17's do_migrate_away_vcpu: on every move (same core too) a waiting
   * cross-call to the previous cpu (tlbsync/ptesync there; no TLB effect).
   */
  migrateAwayIpi: boolean;
  /** Entry formats the entry-time sweep knows (the pre-fix asm only had the HPT tlbiel). */
  flushedMmus: readonly Mmu[];
  /** global_invalidates(): the bit of its own the host clears after a local tlbiel (having set every bit). */
  hostTlbielKeeps: CpuGroup;
}

export const VARIANTS: Record<KernelName, KernelVariant> = {
  buggy: {
    name: 'buggy',
    // no released kernel ran radix guests without a29ebeaf: this is the in-series state, no version alias
    aliases: [],
    commit: 'f4c51f841d2a "Modify guest entry/exit paths to handle radix guests" (in series, before a29ebeaf)',
    release: '',
    summary:
      "Before a29ebeaf: a radix vcpu moving to another core marks nothing; the entry path tests the cpu's own bit, clears it, then sweeps with the HPT-format tlbiel only.",
    setter: 'first',
    entryBit: 'thread',
    sweepOnlyIfAllSet: false,
    clear: 'before-flush',
    migrateAwayIpi: false,
    flushedMmus: ['hpt'],
    hostTlbielKeeps: 'thread',
  },
  'early-clear': {
    name: 'early-clear',
    aliases: [],
    commit: 'a29ebeaf with the clear and the flush swapped (synthetic, domain notes S8)',
    release: '',
    summary:
      'The a29ebeaf logic, but the entry path clears need_tlb_flush before the sweep: another thread of the core may enter while the sweep is still running.',
    grouping: 'core',
    setter: 'first',
    entryBit: 'round4',
    sweepOnlyIfAllSet: false,
    clear: 'before-flush',
    migrateAwayIpi: false,
    flushedMmus: ['hpt', 'radix'],
    hostTlbielKeeps: 'core',
  },
  fixed: {
    name: 'fixed',
    aliases: ['v4.11'],
    commit: 'a29ebeaf5575 "KVM: PPC: Book3S HV: Invalidate TLB on radix guest vcpu movement"',
    release: 'v4.11',
    summary:
      "a29ebeaf: a move to another core sets the bit of the old core's first thread and IPIs its threads in the guest; the entry path tests the bit of its cpu rounded down to a multiple of 4, flushes this LPID from its TLB, then clears the bit.",
    grouping: 'core',
    setter: 'first',
    entryBit: 'round4',
    sweepOnlyIfAllSet: false,
    clear: 'after-flush',
    migrateAwayIpi: false,
    flushedMmus: ['hpt', 'radix'],
    hostTlbielKeeps: 'core',
  },
  'v5.2': {
    name: 'v5.2',
    aliases: [],
    commit: '70ea13f6e609 "KVM: PPC: Book3S HV: Flush TLB on secondary radix threads" (kvmppc_check_need_tlb_flush)',
    release: 'v5.2',
    summary:
      "As fixed, but the entry path tests the bit of its core's first thread (cpu_first_thread_sibling), the bit the setter sets, also on 8-thread cores.",
    grouping: 'core',
    setter: 'first',
    entryBit: 'core',
    sweepOnlyIfAllSet: false,
    clear: 'after-flush',
    migrateAwayIpi: false,
    flushedMmus: ['hpt', 'radix'],
    hostTlbielKeeps: 'core',
  },
  'fixed-smt8': {
    name: 'fixed-smt8',
    aliases: ['v5.14'],
    commit: '77bbbc0cf848 "KVM: PPC: Book3S HV: Fix TLB management on SMT8 POWER9 and POWER10 processors"',
    release: 'v5.14',
    summary:
      'As v5.2, but cores are compared by TLB domain: on a big core the even and odd threads are separate TLBs, each with its own bit.',
    grouping: 'tlbDomain',
    setter: 'first',
    entryBit: 'tlbDomain',
    sweepOnlyIfAllSet: false,
    clear: 'after-flush',
    migrateAwayIpi: false,
    flushedMmus: ['hpt', 'radix'],
    hostTlbielKeeps: 'tlbDomain',
  },
  'v5.17': {
    name: 'v5.17',
    aliases: ['per-thread'],
    commit: 'd5c0e8332d82 "KVM: PPC: Book3S HV P9: Avoid tlbsync sequence on radix guest exit" + 434398ab5eed (today\'s protocol)',
    release: 'v5.17',
    summary:
      "Per-thread bits: a move away sets the bit of every thread of the old TLB domain and IPIs those running the guest, and every move IPIs the old cpu (do_migrate_away_vcpu); a thread whose own bit is set sweeps only if every bit of its TLB domain is set, else just ptesyncs, then clears its own bit.",
    grouping: 'tlbDomain',
    setter: 'every',
    entryBit: 'thread',
    sweepOnlyIfAllSet: true,
    clear: 'after-flush',
    migrateAwayIpi: true,
    flushedMmus: ['hpt', 'radix'],
    hostTlbielKeeps: 'thread',
  },
};

export const KERNEL_NAMES = Object.keys(VARIANTS) as KernelName[];
export const DEFAULT_KERNEL: KernelName = 'fixed';

/** A variant name or one of its kernel-version aliases. */
export function resolveKernel(text: string): KernelVariant | undefined {
  return Object.values(VARIANTS).find((v) => v.name === text || v.aliases.includes(text));
}

export function kernelWords(): string[] {
  return Object.values(VARIANTS).flatMap((v) => [v.name, ...v.aliases]);
}

/** "fixed (v4.11), v5.2, …": the variants as a user lists them. */
export function kernelList(): string {
  return Object.values(VARIANTS)
    .map((v) => (v.aliases.length ? `${v.name} (${v.aliases.join(', ')})` : v.name))
    .join(', ');
}

/** The thread whose bit represents `cpu` under a grouping. */
export function representative(topology: Topology, cpu: number, group: CpuGroup): number {
  switch (group) {
    case 'thread':
      return cpu;
    case 'round4':
      // clrrdi r6,r6,2; with fewer than 4 threads a core, rounding stops at the core's first thread (spec v2: min(4, threads))
      return cpu - (cpu % Math.min(4, topology.threads));
    case 'core':
      return topology.firstThreadOfCore(cpu);
    case 'tlbDomain':
      return topology.firstThreadOfTlbDomain(cpu);
  }
}

/** The threads of the group `cpu` belongs to (radix_flush_cpu's loops). */
export function groupMembers(topology: Topology, cpu: number, group: Grouping): readonly number[] {
  return group === 'core' ? topology.threadsOfCore(cpu) : topology.cpusOfTlbDomain(topology.tlbDomainOf(cpu));
}

/** The need_tlb_flush bits radix_flush_cpu sets for a move away from `prevCpu`. */
export function markedBits(topology: Topology, variant: KernelVariant, prevCpu: number): readonly number[] {
  const group = variant.grouping!;
  return variant.setter === 'every' ? groupMembers(topology, prevCpu, group) : [representative(topology, prevCpu, group)];
}

/** A row of the variant table in words, column by column (hover, docs, `tlbscn compare`). */
export function variantColumns(v: KernelVariant): [column: string, value: string][] {
  const bit: Record<CpuGroup, string> = {
    thread: "the cpu's own bit",
    round4: 'the bit of the cpu rounded down to a multiple of 4 (clrrdi r6,r6,2)',
    core: "the bit of the core's first thread (cpu_first_thread_sibling)",
    tlbDomain: "the bit of the TLB domain's first thread (cpu_first_tlb_thread_sibling)",
  };
  const group = v.grouping === 'tlbDomain' ? 'TLB domain' : 'core';
  return [
    ['grouping', v.grouping ? `${group} (what a move "to another core" means; whose threads are IPI'd)` : 'no radix movement tracking (no prev_cpu)'],
    ['setter', !v.grouping ? '—' : v.setter === 'every' ? `every thread of the old ${group}` : `the first thread of the old ${group}`],
    ['checker', bit[v.entryBit] + (v.sweepOnlyIfAllSet ? `: clear → nothing; set and every bit of the ${group} set → sweep; set but not all → ptesync only` : '; set → sweep')],
    ['clear', v.clear === 'before-flush' ? 'before the sweep' : `after the sweep${v.entryBit === 'thread' && v.sweepOnlyIfAllSet ? ' (own bit only)' : ''}`],
    ['sweep', v.flushedMmus.includes('radix') ? 'radix and HPT entries of the LPID' : 'HPT-format tlbiel only: radix entries survive'],
    ['migrate-away IPI', v.migrateAwayIpi ? 'on every move, a waiting cross-call to prev_cpu (do_migrate_away_vcpu)' : 'no'],
  ];
}
