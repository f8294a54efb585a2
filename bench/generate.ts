// Generated scenarios for the benchmarks: valid, sequential, of any length,
// exercising moves across cores (flushes, IPIs), accesses, unmaps and maps.

export function generateScenario(eventLines: number, kernel = 'fixed'): string {
  const out = [
    '# generated benchmark scenario',
    'machine cores 4 threads 4',
    `kernel ${kernel}`,
    'guest vm radix vcpus 8',
    'task T0 in vm pages A B C D',
    'task T1 in vm pages A B C D',
  ];
  // vcpu v starts on cpu 2v; tasks T0, T1 on vcpu0, vcpu1
  for (let v = 0; v < 8; v++) out.push(`run vm.vcpu${v} on cpu${2 * v}`);
  out.push('schedule T0 on vm.vcpu0', 'schedule T1 on vm.vcpu1');
  const where = Array.from({ length: 8 }, (_, v) => 2 * v); // vcpu → cpu
  const pages = ['A', 'B', 'C', 'D'];
  const mapped = new Map<string, boolean>();
  let i = 0;
  while (out.length < eventLines) {
    const task = `T${i % 2}`;
    const page = pages[(i >> 1) % 4];
    const key = `${task}:${page}`;
    switch (i % 5) {
      case 0: {
        // move the task's vcpu to a free cpu on another core
        const v = i % 2;
        const free = Array.from({ length: 16 }, (_, c) => c).filter((c) => !where.includes(c));
        const to = free[(i >> 2) % free.length];
        where[v] = to;
        out.push(`run vm.vcpu${v} on cpu${to}`);
        break;
      }
      case 1:
      case 3:
      case 4:
        out.push(`access ${task} ${page}`);
        break;
      case 2:
        if (mapped.get(key) === false) {
          out.push(`map ${task} ${page}`);
          mapped.set(key, true);
        } else {
          out.push(`unmap ${task} ${page}`);
          mapped.set(key, false);
        }
        break;
    }
    i++;
  }
  return out.join('\n') + '\n';
}

/**
 * Issue 13's worst case for the machine state's size: the largest machine
 * (1,024 cores of 8 threads) declaring 4,000 guests of 1,024 vcpus, and no
 * event (89 KB). The state was made for every thread of every guest (1.6 GB).
 */
export function manyGuestsScenario(guests = 4000): string {
  const out = ['machine cores 1024 threads 8'];
  for (let g = 0; g < guests; g++) out.push(`guest g${g} vcpus 1024`);
  return out.join('\n') + '\n';
}

/**
 * Issue 13's worst case for a recorded run: one vcpu moved between two cores
 * `moves` times (63 KB for 3,000). Each move marks the old core, so every
 * entry from the third on sweeps all 4,096 TLB sets: ~12 M micro-steps.
 */
export function sweepingMovesScenario(moves = 3000): string {
  const out = ['machine cores 2 threads 1 tlb-sets 4096', 'guest vm vcpus 1'];
  for (let i = 0; i < moves; i++) out.push(`run vm.vcpu0 on cpu${i % 2}`);
  return out.join('\n') + '\n';
}
