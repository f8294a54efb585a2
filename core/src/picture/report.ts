// A whole recorded run as pictures, for the --html report: the map before the
// first step, every step's picture once, and each position stored as what
// changed since the one before, at the grain the map changes at (a thread, a
// TLB set, a bit), so a report grows with what the run changed, not with the
// machine's size times its length.

import type { KernelName } from '../language/ast';
import type { Scenario } from '../language/checker';
import { TraceCursor } from '../machine/cursor';
import type { RunResult } from '../machine/trace';
import { type EntryPicture, type GuestPicture, type Picture, type StepPicture, type ThreadPicture, pictureAt, stepPicture } from './picture';
import { type TimelinePicture, timelineOf } from './timeline';

/** The picture after a step, as its differences from the picture before. */
export interface PictureDelta {
  /** Threads that differ, whole (each names its cpu). */
  threads?: ThreadPicture[];
  /** TLB sets that differ: [domain, set, its entries]. */
  sets?: [number, number, EntryPicture[]][];
  /** Bits that differ: [guest index, 0 need_tlb_flush | 1 cpu_in_guest, cpu, 0 | 1]. */
  bits?: [number, 0 | 1, number, 0 | 1][];
  /** Guests whose bits written by the last step differ: [guest index, those bits]. */
  changed?: [number, GuestPicture['changed']][];
}

export interface PictureReport {
  /** The scenario's name, as the report's title shows it. */
  title: string;
  kernel: KernelName;
  /** The scenario's text, line by line, to show the line of each step. */
  lines: string[];
  /** One line on the run: accesses, stale accesses, expectations. */
  summary: string;
  /** The picture before the first step. */
  start: Picture;
  /** Every micro-step as the map labels it: the picture after p steps has last steps[p - 1] and next steps[p]. */
  steps: StepPicture[];
  /** deltas[i]: the picture after step i, from the one before it. */
  deltas: PictureDelta[];
  timeline: TimelinePicture;
}

const MASKS = ['needTlbFlush', 'cpuInGuest'] as const;

export function pictureReport(scenario: Scenario, run: RunResult, title: string, summary: string): PictureReport {
  const kernel = run.kernel as KernelName;
  const cursor = new TraceCursor(scenario, run.steps);
  const start = pictureAt(scenario, kernel, run.steps, cursor.state, 0);
  const threads = new Map(start.cores.flatMap((c) => c.threads.map((t) => [t.cpu, JSON.stringify(t)] as const)));
  const sets = start.domains.map((d) => d.sets.map((s) => JSON.stringify(s)));
  let guests = start.guests;
  const deltas: PictureDelta[] = [];
  for (let p = 1; p <= run.steps.length; p++) {
    cursor.seek(p);
    const pic = pictureAt(scenario, kernel, run.steps, cursor.state, p);
    const delta: PictureDelta = {};
    for (const c of pic.cores) {
      for (const t of c.threads) {
        const text = JSON.stringify(t);
        if (text === threads.get(t.cpu)) continue;
        threads.set(t.cpu, text);
        (delta.threads ??= []).push(t);
      }
    }
    for (const d of pic.domains) {
      d.sets.forEach((entries, set) => {
        const text = JSON.stringify(entries);
        if (text === sets[d.domain][set]) return;
        sets[d.domain][set] = text;
        (delta.sets ??= []).push([d.domain, set, entries]);
      });
    }
    pic.guests.forEach((g, i) => {
      const before = guests[i];
      MASKS.forEach((mask, m) => {
        g[mask].forEach((bit, cpu) => {
          if (bit !== before[mask][cpu]) (delta.bits ??= []).push([i, m as 0 | 1, cpu, bit ? 1 : 0]);
        });
      });
      if (JSON.stringify(g.changed) !== JSON.stringify(before.changed)) (delta.changed ??= []).push([i, g.changed]);
    });
    guests = pic.guests;
    deltas.push(delta);
  }
  return { title, kernel, lines: scenario.file.sourceLines, summary, start, steps: run.steps.map(stepPicture), deltas, timeline: timelineOf(scenario, run) };
}

/** Every picture of a report, rebuilt from its deltas: pictures[p] is the map after p steps (unchanged parts shared). */
export function picturesOf(report: PictureReport): Picture[] {
  const withSteps = (pic: Picture, p: number): Picture => {
    const out: Picture = { ...pic, position: p };
    delete out.last;
    delete out.next;
    if (p > 0) out.last = report.steps[p - 1];
    if (p < report.steps.length) out.next = report.steps[p];
    return out;
  };
  const out: Picture[] = [withSteps(report.start, 0)];
  let prev = out[0];
  report.deltas.forEach((delta, i) => {
    let { cores, domains, guests } = prev;
    if (delta.threads) {
      cores = [...cores];
      for (const t of delta.threads) {
        const k = cores.findIndex((c) => c.threads.some((x) => x.cpu === t.cpu));
        cores[k] = { ...cores[k], threads: cores[k].threads.map((x) => (x.cpu === t.cpu ? t : x)) };
      }
    }
    if (delta.sets) {
      domains = [...domains];
      for (const [d, set, entries] of delta.sets) {
        if (domains[d] === prev.domains[d]) domains[d] = { ...domains[d], sets: [...domains[d].sets] };
        domains[d].sets[set] = entries;
      }
    }
    if (delta.bits || delta.changed) {
      guests = [...guests];
      const own = (g: number) => {
        if (guests[g] === prev.guests[g]) guests[g] = { ...guests[g], needTlbFlush: [...guests[g].needTlbFlush], cpuInGuest: [...guests[g].cpuInGuest] };
        return guests[g];
      };
      for (const [g, m, cpu, bit] of delta.bits ?? []) own(g)[MASKS[m]][cpu] = bit === 1;
      for (const [g, changed] of delta.changed ?? []) own(g).changed = changed;
    }
    prev = withSteps({ ...prev, cores, domains, guests }, i + 1);
    out.push(prev);
  });
  return out;
}
