// Draws a Picture (the core map) and a TimelinePicture into the page. Both
// the VS Code panel and the --html report call these: the page never
// computes machine state, it only draws what the core computed.

import type { CorePicture, DomainPicture, EntryPicture, GuestPicture, MarkKind, Picture, StepPicture, ThreadPicture, TimelinePicture } from '../../core/src/picture/index';

type Attrs = Record<string, string | number | boolean | undefined>;

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  set(el, attrs);
  el.append(...children);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';

function s(tag: string, attrs: Attrs = {}, ...children: (Node | string)[]): SVGElement {
  const el = document.createElementNS(SVG, tag);
  set(el, attrs);
  el.append(...children);
  return el;
}

function set(el: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
}

const cls = (...names: (string | false | undefined)[]) => names.filter(Boolean).join(' ');

const MODE_WORDS: Record<ThreadPicture['mode'], string> = {
  idle: 'idle',
  host: 'host (out of guest mode)',
  entry: 'entry path, interrupts off',
  guest: 'guest mode',
};

/** What a page shows beside the map: the scenario's lines, to quote the line of a step. */
export interface MapContext {
  lines: readonly string[];
}

function lineText(ctx: MapContext, line: number): string {
  return (ctx.lines[line] ?? '').replace(/#.*$/, '').trim();
}

function describeStep(ctx: MapContext, step: StepPicture): string {
  return `line ${step.line + 1}${step.cpu >= 0 ? `, cpu${step.cpu}` : ''}: ${lineText(ctx, step.line)} › ${step.routine}`;
}

function threadBox(t: ThreadPicture, guests: readonly GuestPicture[], last?: StepPicture): HTMLElement {
  const guest = guests.find((g) => g.name === t.guest);
  const acting = last?.cpu === t.cpu;
  const title = [
    `cpu${t.cpu} (thread ${t.thread}): ${MODE_WORDS[t.mode]}`,
    t.vcpu ? `${t.vcpu}${t.task ? `, task ${t.task}` : ''}` : 'no vcpu',
    `LPIDR ${t.lpidr}`,
    `its entry path tests need_tlb_flush[${t.tests}]`,
    t.ipisPending ? `${t.ipisPending} IPI${t.ipisPending > 1 ? 's' : ''} pending` : '',
    t.waitsFor !== undefined ? `waits for cpu${t.waitsFor} to take its IPI` : '',
  ].filter(Boolean);
  return h(
    'div',
    { class: cls('thread', `mode-${t.mode}`, guest && `guest-${guest.colour % 6}`, acting && 'acting'), 'data-cpu': t.cpu, title: title.join('\n'), role: 'group', 'aria-label': title.join('; ') },
    h('div', { class: 'thread-head' }, h('span', { class: 'cpu' }, `cpu${t.cpu}`), h('span', { class: 'mode' }, t.mode)),
    h('div', { class: 'vcpu' }, t.vcpu ?? '—'),
    h('div', { class: 'task' }, t.task ? `task ${t.task}` : '\u00a0'),
    h('div', { class: 'tests' }, `tests bit ${t.tests}`),
    ...(t.ipisPending ? [h('div', { class: 'ipi-badge' }, `IPI ×${t.ipisPending}`)] : []),
    ...(t.waitsFor !== undefined ? [h('div', { class: 'wait-badge' }, `waits cpu${t.waitsFor}`)] : []),
  );
}

function entryChip(e: EntryPicture): HTMLElement {
  const what = `lpid ${e.lpid} pid ${e.pid} ${e.task}:${e.page} → frame ${e.frame}, filled at line ${e.filledLine + 1} (step ${e.filledStep})`;
  const notes = [e.stale && 'STALE: the page table no longer maps this frame', e.change === 'added' && 'added by the last step', e.change === 'removed' && 'removed by the last step', e.read === 'last' && 'read by the last step', e.read === 'next' && 'read by the next step'].filter(Boolean);
  return h(
    'span',
    { class: cls('entry', e.stale && 'stale', e.change, e.read && `read-${e.read}`), 'data-key': `${e.task}:${e.page}`, 'data-set': e.set, title: [what, ...notes].join('\n'), role: 'listitem', 'aria-label': [what, ...notes].join('; ') },
    `${e.task}:${e.page}→${e.frame}`,
    ...(e.stale ? [h('span', { class: 'flag' }, 'STALE')] : []),
  );
}

function tlbTable(d: DomainPicture, last?: StepPicture): HTMLElement {
  return h(
    'div',
    { class: 'tlb', 'data-domain': d.name, role: 'group', 'aria-label': `TLB ${d.name}` },
    h('div', { class: 'tlb-title' }, `TLB ${d.name}`),
    ...d.sets.map((entries, set) =>
      h(
        'div',
        { class: cls('set', last?.flush?.domain === d.domain && last.flush.set === set && 'flushed'), 'data-set': set, role: 'list', 'aria-label': `set ${set}: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}` },
        h('span', { class: 'set-label' }, `set ${set}`),
        ...entries.map(entryChip),
      ),
    ),
  );
}

function coreBox(c: CorePicture, p: Picture): HTMLElement {
  const halves = c.domains.map((domain) => {
    const d = p.domains[domain];
    const threads = c.threads.filter((t) => t.domain === domain);
    return h('div', { class: 'half', 'data-domain': d.name }, h('div', { class: 'threads' }, ...threads.map((t) => threadBox(t, p.guests, p.last))), tlbTable(d, p.last));
  });
  return h('section', { class: cls('core', c.domains.length > 1 && 'bigcore'), 'data-core': c.core, 'aria-label': c.name }, h('h3', {}, c.name), h('div', { class: 'halves' }, ...halves));
}

function bitRow(p: Picture, g: GuestPicture, mask: 'needTlbFlush' | 'cpuInGuest'): HTMLElement {
  const bits = g[mask];
  const name = mask === 'needTlbFlush' ? 'need_tlb_flush' : 'cpu_in_guest';
  const groups: HTMLElement[] = [];
  for (let first = 0; first < bits.length; first += p.threadsPerCore) {
    const lamps: HTMLElement[] = [];
    for (let cpu = first; cpu < Math.min(bits.length, first + p.threadsPerCore); cpu++) {
      const ringed = mask === 'needTlbFlush' && p.ringed[cpu];
      const changed = g.changed.some((c) => c.mask === mask && c.cpu === cpu);
      const testers = p.cores.flatMap((c) => c.threads.filter((t) => t.tests === cpu).map((t) => `cpu${t.cpu}`));
      const title = `${name}[${cpu}] of ${g.name}: ${bits[cpu] ? 'set' : 'clear'}${changed ? ' (written by the last step)' : ''}${ringed ? `\ntested by the entry path of ${testers.join(', ')}` : ''}`;
      lamps.push(h('span', { class: cls('bit', bits[cpu] && 'lit', ringed && 'ringed', changed && 'changed'), 'data-cpu': cpu, title, role: 'img', 'aria-label': title.replace('\n', '; ') }, String(cpu)));
    }
    groups.push(h('span', { class: 'bit-group', 'data-core': first / p.threadsPerCore }, ...lamps));
  }
  return h('div', { class: 'bits', 'data-guest': g.name, 'data-mask': mask }, h('span', { class: 'bits-name' }, name), ...groups);
}

function guestBox(p: Picture, g: GuestPicture): HTMLElement {
  return h(
    'section',
    { class: cls('guest', `guest-${g.colour % 6}`), 'data-guest': g.name, 'aria-label': `guest ${g.name}` },
    h('h3', {}, h('span', { class: 'swatch' }), `${g.name} · lpid ${g.lpid} · ${g.mmu}`),
    bitRow(p, g, 'needTlbFlush'),
    bitRow(p, g, 'cpuInGuest'),
  );
}

function stepLine(ctx: MapContext, label: string, step: StepPicture | undefined, klass: string): HTMLElement {
  if (!step) return h('div', { class: cls('step-line', klass) }, h('b', {}, label), ' —');
  const outcome = step.access ? h('span', { class: cls('outcome', `outcome-${step.access.outcome}`) }, step.access.outcome.toUpperCase()) : '';
  return h('div', { class: cls('step-line', klass), 'data-step': step.index }, h('b', {}, `${label} (step ${step.index})`), ' ', describeStep(ctx, step), ' ', outcome, h('div', { class: 'step-text' }, step.text));
}

/** The map of one picture: header, cores (threads and TLBs), guests' bits, and arrows for the last step. */
export function drawMap(root: HTMLElement, p: Picture, ctx: MapContext): void {
  const header = h(
    'header',
    { class: 'map-head' },
    h('div', { class: 'position' }, h('b', {}, `kernel ${p.kernel}`), ` · after ${p.position} of ${p.total} micro-steps`),
    stepLine(ctx, 'last', p.last, 'last'),
    stepLine(ctx, 'next', p.next, 'next'),
  );
  const cores = h('div', { class: 'cores' }, ...p.cores.map((c) => coreBox(c, p)));
  const guests = h('div', { class: 'guests' }, ...p.guests.map((g) => guestBox(p, g)));
  const board = h('div', { class: 'board' }, cores, guests);
  root.replaceChildren(header, board);
  drawArrows(board, p);
}

/** The last step's move, IPI, flush and access as arrows over the board (laid out first, then measured). */
function drawArrows(board: HTMLElement, p: Picture): void {
  const last = p.last;
  if (!last) return;
  const at = (sel: string) => board.querySelector<HTMLElement>(sel);
  const thread = (cpu: number) => at(`.thread[data-cpu="${cpu}"]`);
  const arrows: { from: HTMLElement | null; to: HTMLElement | null; kind: string }[] = [];
  if (last.move) arrows.push({ from: thread(last.move.from), to: thread(last.move.to), kind: 'move' });
  if (last.ipi) arrows.push({ from: thread(last.ipi.from), to: thread(last.ipi.to), kind: 'ipi' });
  if (last.flush) arrows.push({ from: thread(last.cpu), to: at(`.tlb[data-domain="${p.domains[last.flush.domain].name}"] .set[data-set="${last.flush.set}"]`), kind: 'flush' });
  if (last.access) arrows.push({ from: thread(last.access.cpu), to: at(`.tlb[data-domain="${p.domains[last.access.domain].name}"] .entry[data-key="${last.access.task}:${last.access.page}"]`), kind: `access-${last.access.outcome}` });
  const drawn = arrows.filter((a): a is { from: HTMLElement; to: HTMLElement; kind: string } => !!a.from && !!a.to && a.from !== a.to);
  if (!drawn.length) return;
  const box = board.getBoundingClientRect();
  const svg = s('svg', { class: 'arrows', width: board.scrollWidth, height: board.scrollHeight, 'aria-hidden': 'true' });
  svg.append(
    s('defs', {}, ...[...new Set(drawn.map((a) => a.kind))].map((k) => s('marker', { id: `head-${k}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 5, markerHeight: 5, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: `head head-${k}` })))),
  );
  for (const a of drawn) {
    const f = a.from.getBoundingClientRect();
    const t = a.to.getBoundingClientRect();
    // down to a row below: bottom edge to top edge; along a row: over the top
    const below = t.top >= f.bottom;
    const x1 = f.left + f.width / 2 - box.left;
    const y1 = (below ? f.bottom : f.top) - box.top;
    const x2 = t.left + t.width / 2 - box.left;
    const y2 = t.top - box.top - 1;
    const bend = below ? (y2 - y1) / 2 : -Math.max(24, Math.abs(x2 - x1) / 5);
    const d = below ? `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}` : `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 + bend} ${x2},${y2}`;
    svg.append(s('path', { d, class: cls('arrow', `arrow-${a.kind}`), 'marker-end': `url(#head-${a.kind})` }));
  }
  board.append(svg);
}

// ---- timeline ---------------------------------------------------------------------------------

const GLYPH: Record<MarkKind, string> = {
  move: 'M',
  'set-bit': 'S',
  'ipi-send': '↗',
  'ipi-take': '↘',
  'entry-test': 'T',
  flush: 'F',
  clear: 'C',
  fill: '+',
  hit: 'h',
  fault: 'x',
  stale: '!',
  unmap: 'U',
  map: 'm',
  invalidate: 'I',
};

export const MARK_WORDS: Record<MarkKind, string> = {
  move: 'vcpu move',
  'set-bit': 'need_tlb_flush bit set',
  'ipi-send': 'IPI sent',
  'ipi-take': 'IPI taken',
  'entry-test': 'entry test',
  flush: 'flushed set',
  clear: 'bit cleared',
  fill: 'TLB fill',
  hit: 'hit',
  fault: 'fault',
  stale: 'stale access',
  unmap: 'unmap',
  map: 'map',
  invalidate: 'tlbiel/tlbie',
};

const STEP_W = 22;
const LANE_H = 26;
const LEFT = 56;
const TOP = 18;

const xOf = (position: number) => LEFT + position * STEP_W;

/**
 * The timeline: a lane per cpu, mode bands, a mark per event (a button:
 * `onPick(step)` when clicked or activated from the keyboard), flow arrows,
 * and the cursor at `position`. Returns a function that moves the cursor.
 */
export function drawTimeline(root: HTMLElement, tl: TimelinePicture, ctx: MapContext, onPick: (step: number) => void): (position: number) => void {
  const lanes = new Map(tl.lanes.map((cpu, i) => [cpu, i]));
  const width = xOf(tl.steps) + STEP_W;
  const height = TOP + tl.lanes.length * LANE_H + 4;
  const laneY = (cpu: number) => TOP + (lanes.get(cpu) ?? 0) * LANE_H;
  const svg = s('svg', { class: 'timeline', width, height, role: 'group', 'aria-label': `timeline: ${tl.steps} micro-steps, ${tl.marks.length} events` });
  for (const [cpu, i] of lanes) {
    svg.append(s('rect', { class: cls('lane', i % 2 === 1 && 'odd'), x: 0, y: laneY(cpu), width, height: LANE_H }));
    svg.append(s('text', { class: 'lane-name', x: 6, y: laneY(cpu) + LANE_H / 2 + 4 }, `cpu${cpu}`));
  }
  for (let step = 0; step <= tl.steps; step += 5) svg.append(s('text', { class: 'tick', x: xOf(step), y: 12, 'text-anchor': 'middle' }, String(step)));
  for (const b of tl.bands) {
    if (!lanes.has(b.cpu)) continue;
    const x = xOf(b.from);
    const w = xOf(Math.min(b.to, tl.steps + 0.5)) - x;
    svg.append(s('rect', { class: cls('band', `band-${b.mode}`), x, y: laneY(b.cpu) + 3, width: w, height: LANE_H - 6, rx: 3 }, s('title', {}, `cpu${b.cpu}: ${MODE_WORDS[b.mode]}${b.vcpu ? `, ${b.vcpu}` : ''} (after steps ${b.from}–${b.to - 1})`)));
  }
  // marks of one step on one lane cascade, each a little lower and to the right
  const slot = new Map<string, number>();
  const centre: { x: number; y: number }[] = [];
  const marks: SVGElement[] = [];
  tl.marks.forEach((m, i) => {
    const key = `${m.step}/${m.cpu}`;
    const k = slot.get(key) ?? 0;
    slot.set(key, k + 1);
    const x = xOf(m.step) + STEP_W / 2 + k * 4;
    const y = laneY(m.cpu) + LANE_H / 2 + k * 3;
    centre[i] = { x, y };
    const label = `step ${m.step}, cpu${m.cpu}, line ${m.line + 1}: ${MARK_WORDS[m.kind]}: ${m.label}`;
    const g = s(
      'g',
      { class: cls('mark', `kind-${m.kind}`), 'data-step': m.step, 'data-cpu': m.cpu, 'data-kind': m.kind, tabindex: 0, role: 'button', 'aria-label': label, transform: `translate(${x},${y})` },
      s('title', {}, `${label}\n${lineText(ctx, m.line)}`),
      s('rect', { x: -7, y: -8, width: 14, height: 16, rx: 3 }),
      s('text', { 'text-anchor': 'middle', y: 4 }, GLYPH[m.kind]),
    );
    g.addEventListener('click', () => onPick(m.step));
    g.addEventListener('keydown', (e) => {
      const key = (e as KeyboardEvent).key;
      if (key === 'Enter' || key === ' ') {
        e.preventDefault();
        onPick(m.step);
      } else if (key === 'ArrowRight' || key === 'ArrowLeft') {
        // move focus along the marks, in time order
        e.preventDefault();
        e.stopPropagation();
        (marks[i + (key === 'ArrowRight' ? 1 : -1)] as unknown as HTMLElement | undefined)?.focus();
      }
    });
    marks.push(g);
  });
  for (const f of tl.flows) {
    const a = centre[f.from];
    const b = centre[f.to];
    const mid = (a.x + b.x) / 2;
    svg.append(s('path', { class: cls('flow', `flow-${f.kind}`), d: `M${a.x},${a.y} C${mid},${a.y} ${mid},${b.y} ${b.x},${b.y}` }));
  }
  svg.append(...marks);
  const cursor = s('line', { class: 'cursor', x1: 0, x2: 0, y1: TOP - 4, y2: height });
  svg.append(cursor);
  root.replaceChildren(h('div', { class: 'timeline-scroll' }, svg), legend());
  return (position: number) => {
    const x = xOf(position);
    set(cursor, { x1: x, x2: x });
    for (const m of marks) m.classList.toggle('future', Number(m.getAttribute('data-step')) >= position);
    const scroller = root.firstElementChild as HTMLElement;
    if (x < scroller.scrollLeft + LEFT || x > scroller.scrollLeft + scroller.clientWidth - STEP_W) scroller.scrollLeft = Math.max(0, x - scroller.clientWidth / 2);
  };
}

function legend(): HTMLElement {
  return h(
    'div',
    { class: 'legend', 'aria-label': 'legend' },
    ...(Object.keys(GLYPH) as MarkKind[]).map((k) => h('span', { class: cls('legend-item', `kind-${k}`) }, h('span', { class: 'glyph' }, GLYPH[k]), MARK_WORDS[k])),
    ...(['host', 'entry', 'guest'] as const).map((m) => h('span', { class: 'legend-item' }, h('span', { class: `swatch band-${m}` }), MODE_WORDS[m])),
  );
}
