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

/**
 * Issue 11's redraw case: 16 cores of 8 threads, 4 guests of 32 vcpus (every
 * thread holds one), a task per core touching 63 pages (1,008 TLB entries),
 * then vcpus swapping threads within their core (no sweep: the map keeps its
 * ~1,000 entries), unmaps, remaps and refills: each step changes a little of
 * a big picture, as stepping in the debugger does.
 */
export function bigMapScenario(): string {
  const out = ['# generated: 16 cores x 8 threads, ~1,000 TLB entries', 'machine cores 16 threads 8 tlb-sets 16', 'kernel fixed'];
  for (let g = 0; g < 4; g++) out.push(`guest g${g} radix vcpus 32`);
  const pages = Array.from({ length: 63 }, (_, i) => `p${i}`);
  // cpu n holds vcpu n%32 of guest n/32; task t<c> runs on the first thread of core c
  for (let c = 0; c < 16; c++) out.push(`task t${c} in g${c >> 2} pages ${pages.join(' ')}`);
  for (let cpu = 0; cpu < 128; cpu++) out.push(`run g${cpu >> 5}.vcpu${cpu % 32} on cpu${cpu}`);
  for (let c = 0; c < 16; c++) out.push(`schedule t${c} on g${c >> 2}.vcpu${(c % 4) * 8}`);
  for (let c = 0; c < 16; c++) for (const p of pages) out.push(`access t${c} ${p}`);
  for (let round = 0; round < 3; round++) {
    for (let c = 0; c < 16; c++) {
      const [a, b] = [c * 8 + 1 + round * 2, c * 8 + 2 + round * 2];
      const va = `g${a >> 5}.vcpu${a % 32}`;
      const vb = `g${b >> 5}.vcpu${b % 32}`;
      out.push(`stop ${va}`, `stop ${vb}`, `run ${va} on cpu${b}`, `run ${vb} on cpu${a}`);
      out.push(`unmap t${c} p${round}`, `map t${c} p${round}`, `access t${c} p${round}`, `access t${c} p${round + 8}`);
    }
  }
  return out.join('\n') + '\n';
}

/**
 * Issue 13's slow checker: 4,000 declared tasks and 4,000 uses of tasks
 * nobody declared (each an error with a did-you-mean), about 170 KB.
 */
export function undeclaredTasksScenario(tasks = 4000): string {
  const lines = ['machine cores 1 threads 1', 'guest vm vcpus 1', 'run vm.vcpu0 on cpu0'];
  for (let i = 0; i < tasks; i++) lines.splice(2 + i, 0, `task t${i} in vm pages p`);
  for (let i = 0; i < tasks; i++) lines.push(`access u${i} p`);
  return lines.join('\n') + '\n';
}

/** The lost-update race (domain.md S15) with `lanes` lanes (3: the sample's; each more: one more thread of core0 entering). */
export function lostUpdateShape(lanes: number, sets = 4): string {
  // the threads left: core0's cpu1 and cpu2, then core1's cpu5 and cpu7 (cpu6 holds vcpu4), with vcpus
  // named nowhere else (vcpu3 runs after the block)
  const extra = [
    [1, 1],
    [2, 2],
    [5, 6],
    [7, 7],
  ]
    .slice(0, lanes - 3)
    .map(([cpu, vcpu]) => `  cpu${cpu}: run vm.vcpu${vcpu} on cpu${cpu}`);
  return [
    `machine cores 2 threads 4 tlb-sets ${sets}`,
    `guest vm radix vcpus ${lanes > 5 ? 8 : 6}`,
    'task X in vm pages A B C D',
    'run vm.vcpu4 on cpu2',
    'run vm.vcpu4 on cpu6',
    'schedule X on vm.vcpu5',
    'concurrently {',
    '  cpu0: run vm.vcpu0 on cpu0',
    '  cpu3: run vm.vcpu5 on cpu3 ; access X D',
    '  cpu4: run vm.vcpu5 on cpu4',
    ...extra,
    '}',
    'unmap X D',
    'run vm.vcpu3 on cpu1',
    'schedule X on vm.vcpu3',
    'access X D',
    '',
  ].join('\n');
}

/**
 * The clear-before-flush race (domain.md S8, sample early-clear-race) with
 * `lanes` lanes: cpu1 enters and touches the page, and `lanes - 1` other
 * threads of core0 enter the guest (8-thread cores from 5 lanes on).
 */
export function earlyClearShape(lanes: number, sets = 4): string {
  const threads = lanes <= 4 ? 4 : 8;
  const entering = Array.from({ length: lanes - 1 }, (_, i) => `  cpu${i + 2}: run vm.vcpu${i + 2} on cpu${i + 2}`);
  return [
    `machine cores 2 threads ${threads} tlb-sets ${sets}`,
    `guest vm radix vcpus ${lanes + 1}`,
    'task X in vm pages A B C D',
    'run vm.vcpu0 on cpu0',
    'schedule X on vm.vcpu0',
    'access X D',
    `run vm.vcpu0 on cpu${threads}`,
    'access X D',
    'unmap X D',
    'schedule X on vm.vcpu1',
    'concurrently {',
    ...entering,
    '  cpu1: run vm.vcpu1 on cpu1 ; access X D',
    '}',
    '',
  ].join('\n');
}
