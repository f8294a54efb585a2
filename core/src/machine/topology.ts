// The host: cores × threads hardware threads, and the TLB domains they share.
// On a POWER9 SMT4 core the four threads share one TLB; on a `bigcore`
// (SMT8, two fused small cores) even and odd threads have separate TLBs
// (the grouping the kernel's cpu_first_tlb_thread_sibling() uses since
// 77bbbc0cf848, v5.14).

export class Topology {
  readonly cpuCount: number;
  readonly domainCount: number;

  constructor(
    readonly cores: number,
    readonly threads: number,
    readonly bigcore: boolean,
    readonly tlbSets: number,
  ) {
    this.cpuCount = cores * threads;
    this.domainCount = bigcore ? cores * 2 : cores;
  }

  coreOf(cpu: number): number {
    return Math.floor(cpu / this.threads);
  }

  threadOf(cpu: number): number {
    return cpu % this.threads;
  }

  /** cpu_first_thread_sibling(): the thread whose bit stands for the core. */
  firstThreadOfCore(cpu: number): number {
    return cpu - this.threadOf(cpu);
  }

  /** The threads of `cpu`'s core (a shared array: do not change it). */
  threadsOfCore(cpu: number): readonly number[] {
    const core = this.coreOf(cpu);
    return (this.coreThreads[core] ??= Array.from({ length: this.threads }, (_, t) => core * this.threads + t));
  }

  private readonly coreThreads: number[][] = [];

  /** Index of the TLB that `cpu` uses. */
  tlbDomainOf(cpu: number): number {
    const core = this.coreOf(cpu);
    return this.bigcore ? core * 2 + (cpu & 1) : core;
  }

  /** cpu_first_tlb_thread_sibling(): on a big core, cpu & ~6. */
  firstThreadOfTlbDomain(cpu: number): number {
    return this.bigcore ? this.firstThreadOfCore(cpu) + (cpu & 1) : this.firstThreadOfCore(cpu);
  }

  cpusOfTlbDomain(domain: number): readonly number[] {
    if (!this.bigcore) return this.threadsOfCore(domain * this.threads);
    const first = (domain >> 1) * this.threads + (domain & 1);
    return Array.from({ length: this.threads / 2 }, (_, i) => first + 2 * i);
  }

  tlbDomainName(domain: number): string {
    return this.bigcore ? `core${domain >> 1}.${domain & 1 ? 'odd' : 'even'}` : `core${domain}`;
  }

  /** The TLB set an entry for the page at `position` in its task's `pages` list lands in. */
  setOfPage(position: number): number {
    return position % this.tlbSets;
  }

  describeCpu(cpu: number): string {
    return `cpu${cpu}: core ${this.coreOf(cpu)}, thread ${this.threadOf(cpu)}, TLB ${this.tlbDomainName(this.tlbDomainOf(cpu))}`;
  }
}
