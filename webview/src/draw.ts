// Draws a Picture (the core map) and a TimelinePicture into the page. Both
// the VS Code panel and the --html report call these: the page never
// computes machine state, it only draws what the core computed.

import type { EntryPicture, GuestPicture, MarkKind, Picture, StepPicture, ThreadPicture, TimelinePicture } from '../../core/src/picture/index';

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

/** A thing on the map whose history can be asked for (the adapter's `provenance` request). */
export type PickTarget = { kind: 'tlb'; domain: number; lpid: number; pid: number; page: string } | { kind: 'bit'; guest: string; mask: 'needTlbFlush' | 'cpuInGuest'; cpu: number };

const entryKey = (e: EntryPicture) => `${e.lpid}/${e.pid}/${e.page}`;

function threadTitle(t: ThreadPicture): string {
  return [
    `cpu${t.cpu} (thread ${t.thread}): ${MODE_WORDS[t.mode]}`,
    t.vcpu ? `${t.vcpu}${t.task ? `, task ${t.task}` : ''}` : 'no vcpu',
    `LPIDR ${t.lpidr}`,
    `its entry path tests need_tlb_flush[${t.tests}]`,
    t.ipisPending ? `${t.ipisPending} IPI${t.ipisPending > 1 ? 's' : ''} pending` : '',
    t.waitsFor !== undefined ? `waits for cpu${t.waitsFor} to take its IPI` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function entryTitle(e: EntryPicture, pickable: boolean): string {
  const what = `lpid ${e.lpid} pid ${e.pid} ${e.task}:${e.page} → frame ${e.frame}, filled at line ${e.filledLine + 1} (step ${e.filledStep})`;
  const notes = [e.stale && 'STALE: the page table no longer maps this frame', e.change === 'added' && 'added by the last step', e.change === 'removed' && 'removed by the last step', e.read === 'last' && 'read by the last step', e.read === 'next' && 'read by the next step', pickable && 'click: go to the step that last wrote it'];
  return [what, ...notes].filter(Boolean).join('\n');
}

interface ThreadView {
  el: HTMLElement;
  vcpu: HTMLElement;
  task: HTMLElement;
  mode: HTMLElement;
  tests: HTMLElement;
  badges: HTMLElement;
  sig: string;
  data?: ThreadPicture;
}

interface EntryView {
  el: HTMLElement;
  sig: string;
  data: EntryPicture;
}

interface SetView {
  el: HTMLElement;
  label: HTMLElement;
  entries: Map<string, EntryView>;
  /** The list last drawn (the report shares unchanged lists between pictures) and its signature. */
  ref?: EntryPicture[];
  sig: string;
}

interface BitRowView {
  guest: string;
  mask: 'needTlbFlush' | 'cpuInGuest';
  lamps: HTMLElement[];
  /** Per lamp: 1 lit, 2 ringed, 4 written by the last step. */
  state: Uint8Array;
}

/**
 * The core map, kept between pictures: elements are made once per machine
 * (threads by cpu, TLB sets by domain and set, entries by lpid/pid/page, lamps
 * by guest and bit) and each new picture touches only what differs from the
 * one drawn before. Long tooltips are written when the pointer or focus
 * reaches an element, not for all of them at every step.
 */
export class MapView {
  private layout = '';
  private picture: Picture | undefined;
  private testers: Map<number, number[]> | undefined;
  private readonly head: Record<'position' | 'last' | 'next', HTMLElement> = { position: h('div', { class: 'position' }), last: h('div'), next: h('div') };
  private board = h('div', { class: 'board' });
  private readonly arrows = s('svg', { class: 'arrows', 'aria-hidden': 'true' });
  private threads: ThreadView[] = [];
  private sets: SetView[][] = [];
  private bitRows: BitRowView[] = [];
  private flushed: HTMLElement | undefined;
  private readonly tips = new WeakMap<Element, () => string>();

  /** `onPick`: an entry or a lamp was clicked or activated from the keyboard. */
  constructor(
    private readonly root: HTMLElement,
    private readonly ctx: MapContext,
    private readonly onPick?: (target: PickTarget) => void,
  ) {
    const tip = (e: Event) => {
      const el = (e.target as Element | null)?.closest('[data-tip]');
      const text = el && this.tips.get(el);
      if (el && text) el.setAttribute('title', text());
    };
    root.addEventListener('mouseover', tip);
    root.addEventListener('focusin', tip);
  }

  draw(p: Picture): void {
    this.picture = p;
    this.testers = undefined;
    const layout = JSON.stringify([p.threadsPerCore, p.tlbSets, p.cores.map((c) => c.domains), p.domains.map((d) => d.name), p.guests.map((g) => [g.name, g.colour, g.needTlbFlush.length])]);
    if (layout !== this.layout) this.build(p, layout);
    this.head.position.replaceChildren(h('b', {}, `kernel ${p.kernel}`), ` · after ${p.position} of ${p.total} micro-steps`);
    this.head.last.replaceWith((this.head.last = stepLine(this.ctx, 'last', p.last, 'last')));
    this.head.next.replaceWith((this.head.next = stepLine(this.ctx, 'next', p.next, 'next')));
    for (const c of p.cores) for (const t of c.threads) this.drawThread(this.threads[t.cpu], t, p);
    for (const d of p.domains) d.sets.forEach((list, set) => this.drawSet(this.sets[d.domain][set], list, d.domain));
    const flushed = p.last?.flush ? this.sets[p.last.flush.domain]?.[p.last.flush.set]?.el : undefined;
    if (flushed !== this.flushed) {
      this.flushed?.classList.remove('flushed');
      flushed?.classList.add('flushed');
      this.flushed = flushed;
    }
    for (const row of this.bitRows) this.drawBits(row, p);
    this.drawArrows(p);
  }

  /** The cpus whose entry path tests each bit, made once per picture and only when a tooltip asks. */
  private testersOf(bit: number): number[] {
    if (!this.testers) {
      this.testers = new Map();
      for (const c of this.picture!.cores) for (const t of c.threads) this.testers.set(t.tests, [...(this.testers.get(t.tests) ?? []), t.cpu]);
    }
    return this.testers.get(bit) ?? [];
  }

  private pickable(el: HTMLElement, target: () => PickTarget): void {
    if (!this.onPick) return;
    const pick = this.onPick;
    el.tabIndex = 0;
    el.classList.add('pickable');
    el.addEventListener('click', () => pick(target()));
    el.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
      pick(target());
    });
  }

  /** A new machine (or the first picture): the skeleton of every core, TLB set and lamp. */
  private build(p: Picture, layout: string): void {
    this.layout = layout;
    this.threads = [];
    this.sets = p.domains.map(() => []);
    this.bitRows = [];
    this.flushed = undefined;
    const cores = p.cores.map((c) => {
      const halves = c.domains.map((domain) => {
        const d = p.domains[domain];
        const threads = c.threads.filter((t) => t.domain === domain).map((t) => this.threadView(t.cpu));
        const sets = d.sets.map((_, set) => {
          const label = h('span', { class: 'set-label' }, `set ${set}`);
          const view: SetView = { el: h('div', { class: 'set', 'data-set': set, role: 'list' }, label), label, entries: new Map(), sig: '\u0000' };
          this.sets[domain][set] = view;
          return view.el;
        });
        return h('div', { class: 'half', 'data-domain': d.name }, h('div', { class: 'threads' }, ...threads), h('div', { class: 'tlb', 'data-domain': d.name, role: 'group', 'aria-label': `TLB ${d.name}` }, h('div', { class: 'tlb-title' }, `TLB ${d.name}`), ...sets));
      });
      return h('section', { class: cls('core', c.domains.length > 1 && 'bigcore'), 'data-core': c.core, 'aria-label': c.name }, h('h3', {}, c.name), h('div', { class: 'halves' }, ...halves));
    });
    const guests = p.guests.map((g) =>
      h('section', { class: cls('guest', `guest-${g.colour % 6}`), 'data-guest': g.name, 'aria-label': `guest ${g.name}` }, h('h3', {}, h('span', { class: 'swatch' }), `${g.name} · lpid ${g.lpid} · ${g.mmu}`), this.bitRow(p, g, 'needTlbFlush'), this.bitRow(p, g, 'cpuInGuest')),
    );
    this.board = h('div', { class: 'board' }, h('div', { class: 'cores' }, ...cores), h('div', { class: 'guests' }, ...guests), this.arrows);
    this.root.replaceChildren(h('header', { class: 'map-head' }, this.head.position, this.head.last, this.head.next), this.board);
  }

  private threadView(cpu: number): HTMLElement {
    const part = (klass: string) => h('div', { class: klass });
    const view: ThreadView = { el: h('div', { 'data-cpu': cpu, role: 'group', 'data-tip': '' }), vcpu: part('vcpu'), task: part('task'), mode: h('span', { class: 'mode' }), tests: part('tests'), badges: h('div'), sig: '' };
    view.el.append(h('div', { class: 'thread-head' }, h('span', { class: 'cpu' }, `cpu${cpu}`), view.mode), view.vcpu, view.task, view.tests, view.badges);
    this.tips.set(view.el, () => (view.data ? threadTitle(view.data) : ''));
    this.threads[cpu] = view;
    return view.el;
  }

  private drawThread(view: ThreadView, t: ThreadPicture, p: Picture): void {
    const colour = t.guest === undefined ? undefined : p.guests.find((g) => g.name === t.guest)?.colour;
    const acting = p.last?.cpu === t.cpu;
    const sig = `${t.mode}|${t.vcpu}|${colour}|${t.task}|${t.tests}|${t.ipisPending}|${t.waitsFor}|${t.lpidr}|${acting}`;
    view.data = t;
    if (sig === view.sig) return;
    view.sig = sig;
    view.el.className = cls('thread', `mode-${t.mode}`, colour !== undefined && `guest-${colour % 6}`, acting && 'acting');
    view.el.setAttribute('aria-label', `cpu${t.cpu}: ${t.mode}, ${t.vcpu ?? 'no vcpu'}${t.task ? `, task ${t.task}` : ''}, tests bit ${t.tests}`);
    view.el.removeAttribute('title');
    view.mode.textContent = t.mode;
    view.vcpu.textContent = t.vcpu ?? '—';
    view.task.textContent = t.task ? `task ${t.task}` : '\u00a0';
    view.tests.textContent = `tests bit ${t.tests}`;
    view.badges.replaceChildren(...(t.ipisPending ? [h('div', { class: 'ipi-badge' }, `IPI ×${t.ipisPending}`)] : []), ...(t.waitsFor !== undefined ? [h('div', { class: 'wait-badge' }, `waits cpu${t.waitsFor}`)] : []));
  }

  private drawSet(view: SetView, list: EntryPicture[], domain: number): void {
    if (list === view.ref) return;
    view.ref = list;
    const sigs = list.map((e) => `${entryKey(e)}|${e.task}|${e.frame}|${e.stale}|${e.change}|${e.read}|${e.filledStep}`);
    const sig = sigs.join(';');
    if (sig === view.sig) return;
    view.sig = sig;
    view.el.setAttribute('aria-label', `${view.label.textContent}: ${list.length} entr${list.length === 1 ? 'y' : 'ies'}`);
    const entries = new Map<string, EntryView>();
    list.forEach((e, i) => {
      const key = entryKey(e);
      const had = view.entries.get(key);
      const entry = had ?? this.entryView(domain, e);
      entry.data = e;
      if (entry.sig !== sigs[i]) {
        entry.sig = sigs[i];
        drawEntry(entry.el, e);
      }
      entries.set(key, entry);
    });
    for (const [key, old] of view.entries) if (!entries.has(key)) old.el.remove();
    view.entries = entries;
    // in key order after the label; moves only when the order is not already that
    let at: ChildNode | null = view.label.nextSibling;
    for (const entry of entries.values()) {
      if (at === entry.el) at = at.nextSibling;
      else view.el.insertBefore(entry.el, at);
    }
  }

  private entryView(domain: number, data: EntryPicture): EntryView {
    const view: EntryView = { el: h('span', { role: 'listitem', 'data-tip': '' }), sig: '', data };
    this.tips.set(view.el, () => entryTitle(view.data, !!this.onPick));
    this.pickable(view.el, () => ({ kind: 'tlb', domain, lpid: view.data.lpid, pid: view.data.pid, page: view.data.page }));
    return view;
  }

  private bitRow(p: Picture, g: GuestPicture, mask: 'needTlbFlush' | 'cpuInGuest'): HTMLElement {
    const name = mask === 'needTlbFlush' ? 'need_tlb_flush' : 'cpu_in_guest';
    const row: BitRowView = { guest: g.name, mask, lamps: [], state: new Uint8Array(g[mask].length).fill(255) };
    const groups: HTMLElement[] = [];
    for (let first = 0; first < g[mask].length; first += p.threadsPerCore) {
      const lamps: HTMLElement[] = [];
      for (let cpu = first; cpu < Math.min(g[mask].length, first + p.threadsPerCore); cpu++) {
        const lamp = h('span', { 'data-cpu': cpu, role: 'img', 'data-tip': '' }, String(cpu));
        this.tips.set(lamp, () => this.bitTitle(g.name, mask, cpu));
        this.pickable(lamp, () => ({ kind: 'bit', guest: g.name, mask, cpu }));
        row.lamps.push(lamp);
        lamps.push(lamp);
      }
      groups.push(h('span', { class: 'bit-group', 'data-core': first / p.threadsPerCore }, ...lamps));
    }
    this.bitRows.push(row);
    return h('div', { class: 'bits', 'data-guest': g.name, 'data-mask': mask }, h('span', { class: 'bits-name' }, name), ...groups);
  }

  private bitTitle(guest: string, mask: 'needTlbFlush' | 'cpuInGuest', cpu: number): string {
    const g = this.picture!.guests.find((x) => x.name === guest)!;
    const ringed = mask === 'needTlbFlush' && this.picture!.ringed[cpu];
    const changed = g.changed.some((c) => c.mask === mask && c.cpu === cpu);
    const name = mask === 'needTlbFlush' ? 'need_tlb_flush' : 'cpu_in_guest';
    return [
      `${name}[${cpu}] of ${guest}: ${g[mask][cpu] ? 'set' : 'clear'}${changed ? ' (written by the last step)' : ''}`,
      ringed ? `tested by the entry path of ${this.testersOf(cpu).map((c) => `cpu${c}`).join(', ')}` : '',
      this.onPick ? 'click: go to the step that last wrote it' : '',
    ]
      .filter(Boolean)
      .join('\n');
  }

  private drawBits(row: BitRowView, p: Picture): void {
    const g = p.guests.find((x) => x.name === row.guest)!;
    const bits = g[row.mask];
    const changed = new Set(g.changed.filter((c) => c.mask === row.mask).map((c) => c.cpu));
    const name = row.mask === 'needTlbFlush' ? 'need_tlb_flush' : 'cpu_in_guest';
    for (let cpu = 0; cpu < row.lamps.length; cpu++) {
      const ringed = row.mask === 'needTlbFlush' && p.ringed[cpu];
      const state = (bits[cpu] ? 1 : 0) | (ringed ? 2 : 0) | (changed.has(cpu) ? 4 : 0);
      if (state === row.state[cpu]) continue;
      row.state[cpu] = state;
      const lamp = row.lamps[cpu];
      lamp.className = cls('bit', bits[cpu] && 'lit', ringed && 'ringed', changed.has(cpu) && 'changed', this.onPick && 'pickable');
      lamp.setAttribute('aria-label', `${name}[${cpu}] of ${row.guest}: ${bits[cpu] ? 'set' : 'clear'}${ringed ? ', tested by an entry path' : ''}${changed.has(cpu) ? ', written by the last step' : ''}`);
      lamp.removeAttribute('title');
    }
  }

  /** The last step's move, IPI, flush and access as arrows over the board (measured after the update). */
  private drawArrows(p: Picture): void {
    const last = p.last;
    const board = this.board;
    const thread = (cpu: number) => this.threads[cpu]?.el;
    const arrows: { from: Element | undefined; to: Element | undefined; kind: string }[] = [];
    if (last?.move) arrows.push({ from: thread(last.move.from), to: thread(last.move.to), kind: 'move' });
    if (last?.ipi) arrows.push({ from: thread(last.ipi.from), to: thread(last.ipi.to), kind: 'ipi' });
    if (last?.flush) arrows.push({ from: thread(last.cpu), to: this.sets[last.flush.domain]?.[last.flush.set]?.el, kind: 'flush' });
    if (last?.access) {
      const a = last.access;
      const entry = [...(this.sets[a.domain] ?? [])].flatMap((set) => [...set.entries.values()]).find((e) => e.data.task === a.task && e.data.page === a.page);
      arrows.push({ from: thread(a.cpu), to: entry?.el, kind: `access-${a.outcome}` });
    }
    const drawn = arrows.filter((a): a is { from: Element; to: Element; kind: string } => !!a.from && !!a.to && a.from !== a.to);
    if (!drawn.length) {
      this.arrows.replaceChildren();
      this.arrows.setAttribute('display', 'none');
      return;
    }
    this.arrows.removeAttribute('display');
    const box = board.getBoundingClientRect();
    set(this.arrows, { width: board.scrollWidth, height: board.scrollHeight });
    const paths = drawn.map((a) => {
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
      return s('path', { d, class: cls('arrow', `arrow-${a.kind}`), 'marker-end': `url(#head-${a.kind})` });
    });
    const heads = [...new Set(drawn.map((a) => a.kind))].map((k) => s('marker', { id: `head-${k}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 5, markerHeight: 5, orient: 'auto-start-reverse' }, s('path', { d: 'M0,0 L10,5 L0,10 z', class: `head head-${k}` })));
    this.arrows.replaceChildren(s('defs', {}, ...heads), ...paths);
  }
}

function drawEntry(el: HTMLElement, e: EntryPicture): void {
  el.className = cls('entry', e.stale && 'stale', e.change, e.read && `read-${e.read}`, el.tabIndex === 0 && 'pickable');
  el.setAttribute('data-key', `${e.task}:${e.page}`);
  el.setAttribute('data-set', String(e.set));
  el.setAttribute('aria-label', `${e.task}:${e.page} → frame ${e.frame}${e.stale ? ', STALE' : ''}${e.change ? `, ${e.change} by the last step` : ''}`);
  el.removeAttribute('title');
  el.replaceChildren(`${e.task}:${e.page}→${e.frame}`, ...(e.stale ? [h('span', { class: 'flag' }, 'STALE')] : []));
}

function stepLine(ctx: MapContext, label: string, step: StepPicture | undefined, klass: string): HTMLElement {
  if (!step) return h('div', { class: cls('step-line', klass) }, h('b', {}, label), ' —');
  const outcome = step.access ? h('span', { class: cls('outcome', `outcome-${step.access.outcome}`) }, step.access.outcome.toUpperCase()) : '';
  return h('div', { class: cls('step-line', klass), 'data-step': step.index }, h('b', {}, `${label} (step ${step.index})`), ' ', describeStep(ctx, step), ' ', outcome, h('div', { class: 'step-text' }, step.text));
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
  // marks are in step order: a move of the cursor changes only the marks it passes over
  let shown = -1;
  return (position: number) => {
    const x = xOf(position);
    set(cursor, { x1: x, x2: x });
    const [lo, hi] = shown < 0 ? [0, tl.steps] : [Math.min(shown, position), Math.max(shown, position)];
    for (let i = firstMarkAt(tl, lo); i < marks.length && tl.marks[i].step <= hi; i++) marks[i].classList.toggle('future', tl.marks[i].step >= position);
    shown = position;
    const scroller = root.firstElementChild as HTMLElement;
    if (x < scroller.scrollLeft + LEFT || x > scroller.scrollLeft + scroller.clientWidth - STEP_W) scroller.scrollLeft = Math.max(0, x - scroller.clientWidth / 2);
  };
}

/** The first mark at or after a step (binary search over the marks, in step order). */
function firstMarkAt(tl: TimelinePicture, step: number): number {
  let lo = 0;
  let hi = tl.marks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tl.marks[mid].step < step) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function legend(): HTMLElement {
  return h(
    'div',
    { class: 'legend', 'aria-label': 'legend' },
    ...(Object.keys(GLYPH) as MarkKind[]).map((k) => h('span', { class: cls('legend-item', `kind-${k}`) }, h('span', { class: 'glyph' }, GLYPH[k]), MARK_WORDS[k])),
    ...(['host', 'entry', 'guest'] as const).map((m) => h('span', { class: 'legend-item' }, h('span', { class: `swatch band-${m}` }), MODE_WORDS[m])),
  );
}
