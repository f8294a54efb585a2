// Canonical text of statements: single spaces between words, lanes indented
// two spaces with their labels padded to one width. Used by formatting and
// by the parse → print → parse law.

import { type ConcurrentlyBlock, type ScenarioFile, type SimpleEvent, type Statement, vcpuName } from './ast';

export function printEvent(e: SimpleEvent): string {
  switch (e.kind) {
    case 'run':
      return `run ${vcpuName(e.vcpu)} on cpu${e.cpu.index}`;
    case 'stop':
      return `stop ${vcpuName(e.vcpu)}`;
    case 'schedule':
      return `schedule ${e.task.text} on ${vcpuName(e.vcpu)}`;
    case 'access':
    case 'map':
      return `${e.kind} ${e.task.text} ${e.page.text}`;
    case 'unmap':
      return `unmap ${e.task.text} ${e.page.text}${e.form ? ` ${e.form.value}` : ''}`;
    case 'tlbiel':
    case 'tlbie':
      return `${e.kind} ${e.task.text}${e.page ? ` ${e.page.text}` : ''}`;
    case 'expect-outcome':
      return `expect ${e.outcome.value}`;
    case 'expect-tlb':
      return `expect tlb ${e.where.kind}${e.where.index} ${e.has ? 'has' : 'lacks'} ${e.task.text}:${e.page.text}`;
    case 'expect-flush':
      return `expect need_tlb_flush ${e.guest.text} ${e.where.kind}${e.where.index} ${e.set ? 'set' : 'clear'}`;
  }
}

/** The lines of a block, lane labels padded so that the events line up. */
export function printBlock(b: ConcurrentlyBlock): string[] {
  const labels = b.lanes.map((l) => `cpu${l.cpu.index}:`);
  const width = Math.max(0, ...labels.map((l) => l.length));
  return [
    'concurrently {',
    ...b.lanes.map((l, i) => `  ${labels[i].padEnd(width)} ${l.events.map(printEvent).join(' ; ')}`.trimEnd()),
    '}',
  ];
}

export function printStatement(s: Statement): string[] {
  switch (s.kind) {
    case 'machine':
      return [
        `machine cores ${s.cores.value} threads ${s.threads.value}${s.bigcore ? ' bigcore' : ''}${s.tlbSets ? ` tlb-sets ${s.tlbSets.value}` : ''}`,
      ];
    case 'kernel':
      return [`kernel ${s.variant.text}`];
    case 'guest':
      return [`guest ${s.name.text}${s.mmuWord ? ` ${s.mmu}` : ''} vcpus ${s.vcpus.value}${s.lpid ? ` lpid ${s.lpid.value}` : ''}`];
    case 'task':
      return [`task ${s.name.text} in ${s.guest.text} pages ${s.pages.map((p) => p.text).join(' ')}`];
    case 'concurrently':
      return printBlock(s);
    default:
      return [printEvent(s)];
  }
}

/** The whole file without comments, one statement a line. */
export function printFile(file: ScenarioFile): string {
  return file.statements.flatMap(printStatement).join('\n') + '\n';
}
