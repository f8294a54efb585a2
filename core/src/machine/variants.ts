// The four kernel variants as a table of behaviours. The simulator asks this
// table, never the variant's name, so a new variant is a new row.

import type { KernelName, Mmu } from '../language/ast';
import type { Topology } from './topology';

/**
 * How a cpu is mapped to the thread whose need_tlb_flush bit stands for it:
 * its own bit (`thread`), the core's first thread (`core`,
 * cpu_first_thread_sibling), or the first thread of its TLB domain
 * (`tlbDomain`, cpu_first_tlb_thread_sibling, v5.14).
 */
export type CpuGroup = 'thread' | 'core' | 'tlbDomain';

export interface KernelVariant {
  name: KernelName;
  /** Kernel versions accepted as aliases on the `kernel` line. */
  aliases: readonly string[];
  commit: string;
  summary: string;
  /**
   * kvmppc_prepare_radix_vcpu: the grouping by which a move is "to another
   * core" (and whose first thread's bit is set, and whose threads are IPI'd).
   * Absent: radix vcpu movement is not tracked at all (before a29ebeaf).
   */
  movementGroup?: Exclude<CpuGroup, 'thread'>;
  /** kvmppc_hv_entry: which bit the entry path tests for cpu C. */
  entryBit: CpuGroup;
  /** Whether the entry path clears the bit before or after its sweep. */
  clear: 'before-flush' | 'after-flush';
  /** Entry formats the entry-time sweep knows (the pre-fix asm only had the HPT tlbiel). */
  flushedMmus: readonly Mmu[];
  /** global_invalidates(): the bit of its own core the host clears after a local tlbiel. */
  hostTlbielKeeps: Exclude<CpuGroup, 'thread'>;
}

export const VARIANTS: Record<KernelName, KernelVariant> = {
  buggy: {
    name: 'buggy',
    aliases: ['v4.10'],
    commit: 'f4c51f841d2a (before a29ebeaf, ≤ v4.10)',
    summary:
      'Before a29ebeaf: a radix vcpu moving to another core marks nothing; the entry path tests the cpu\'s own bit, clears it, then sweeps with the HPT-format tlbiel only.',
    entryBit: 'thread',
    clear: 'before-flush',
    flushedMmus: ['hpt'],
    hostTlbielKeeps: 'core',
  },
  'early-clear': {
    name: 'early-clear',
    aliases: [],
    commit: 'a29ebeaf with the clear and the flush swapped (synthetic)',
    summary:
      'The a29ebeaf logic, but the entry path clears need_tlb_flush before the sweep: another thread of the core may enter while the sweep is still running.',
    movementGroup: 'core',
    entryBit: 'core',
    clear: 'before-flush',
    flushedMmus: ['hpt', 'radix'],
    hostTlbielKeeps: 'core',
  },
  fixed: {
    name: 'fixed',
    aliases: ['v4.11'],
    commit: 'a29ebeaf5575 "KVM: PPC: Book3S HV: Invalidate TLB on radix guest vcpu movement" (v4.11)',
    summary:
      'a29ebeaf: a move to another core sets the old core\'s bit and IPIs its threads in the guest; entry flushes this LPID from the core TLB, then clears the bit.',
    movementGroup: 'core',
    entryBit: 'core',
    clear: 'after-flush',
    flushedMmus: ['hpt', 'radix'],
    hostTlbielKeeps: 'core',
  },
  'fixed-smt8': {
    name: 'fixed-smt8',
    aliases: ['v5.14'],
    commit: '77bbbc0cf848 "KVM: PPC: Book3S HV: Fix TLB management on SMT8 POWER9 and POWER10 processors" (v5.14)',
    summary:
      'As fixed, but cores are compared by TLB domain: on a big core the even and odd threads are separate TLBs, each with its own bit.',
    movementGroup: 'tlbDomain',
    entryBit: 'tlbDomain',
    clear: 'after-flush',
    flushedMmus: ['hpt', 'radix'],
    hostTlbielKeeps: 'tlbDomain',
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

/** The thread whose bit represents `cpu` under a grouping. */
export function representative(topology: Topology, cpu: number, group: CpuGroup): number {
  switch (group) {
    case 'thread':
      return cpu;
    case 'core':
      return topology.firstThreadOfCore(cpu);
    case 'tlbDomain':
      return topology.firstThreadOfTlbDomain(cpu);
  }
}

/** The threads of the group `cpu` belongs to (radix_flush_cpu's IPI loop). */
export function groupMembers(topology: Topology, cpu: number, group: Exclude<CpuGroup, 'thread'>): readonly number[] {
  return group === 'core' ? topology.threadsOfCore(cpu) : topology.cpusOfTlbDomain(topology.tlbDomainOf(cpu));
}
