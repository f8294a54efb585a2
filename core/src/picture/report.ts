// A whole recorded run as pictures, for the --html report: the map at every
// step, each step stored as what changed since the one before (the cores,
// TLB domains and guests that differ, whole), so a report grows with what the
// run changed, not with the machine's size times its length.

import type { KernelName } from '../language/ast';
import type { Scenario } from '../language/checker';
import { TraceCursor } from '../machine/cursor';
import type { RunResult } from '../machine/trace';
import { type CorePicture, type DomainPicture, type GuestPicture, type Picture, pictureAt } from './picture';
import { type TimelinePicture, timelineOf } from './timeline';

/** The picture after a step, as its differences from the picture before: [index, element] pairs. */
export interface PictureDelta {
  last?: Picture['last'];
  next?: Picture['next'];
  cores?: [number, CorePicture][];
  domains?: [number, DomainPicture][];
  guests?: [number, GuestPicture][];
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
  /** deltas[i]: the picture after step i, from the one before it. */
  deltas: PictureDelta[];
  timeline: TimelinePicture;
}

function diff<T>(before: string[], now: T[]): { strings: string[]; changed: [number, T][] } {
  const strings = now.map((x) => JSON.stringify(x));
  const changed: [number, T][] = [];
  strings.forEach((s, i) => {
    if (s !== before[i]) changed.push([i, now[i]]);
  });
  return { strings, changed };
}

export function pictureReport(scenario: Scenario, run: RunResult, title: string, summary: string): PictureReport {
  const kernel = run.kernel as KernelName;
  const cursor = new TraceCursor(scenario, run.steps);
  const start = pictureAt(scenario, kernel, run.steps, cursor.state, 0);
  let cores = start.cores.map((x) => JSON.stringify(x));
  let domains = start.domains.map((x) => JSON.stringify(x));
  let guests = start.guests.map((x) => JSON.stringify(x));
  const deltas: PictureDelta[] = [];
  for (let p = 1; p <= run.steps.length; p++) {
    cursor.seek(p);
    const pic = pictureAt(scenario, kernel, run.steps, cursor.state, p);
    const c = diff(cores, pic.cores);
    const d = diff(domains, pic.domains);
    const g = diff(guests, pic.guests);
    [cores, domains, guests] = [c.strings, d.strings, g.strings];
    const delta: PictureDelta = {};
    if (pic.last) delta.last = pic.last;
    if (pic.next) delta.next = pic.next;
    if (c.changed.length) delta.cores = c.changed;
    if (d.changed.length) delta.domains = d.changed;
    if (g.changed.length) delta.guests = g.changed;
    deltas.push(delta);
  }
  return { title, kernel, lines: scenario.file.sourceLines, summary, start, deltas, timeline: timelineOf(scenario, run) };
}

/** Every picture of a report, rebuilt from its deltas: pictures[p] is the map after p steps. */
export function picturesOf(report: PictureReport): Picture[] {
  const out: Picture[] = [report.start];
  let prev = report.start;
  report.deltas.forEach((delta, i) => {
    const patch = <T>(list: T[], changed: [number, T][] | undefined): T[] => {
      if (!changed) return list;
      const copy = [...list];
      for (const [k, x] of changed) copy[k] = x;
      return copy;
    };
    const pic: Picture = {
      ...prev,
      position: i + 1,
      cores: patch(prev.cores, delta.cores),
      domains: patch(prev.domains, delta.domains),
      guests: patch(prev.guests, delta.guests),
    };
    delete pic.last;
    delete pic.next;
    if (delta.last) pic.last = delta.last;
    if (delta.next) pic.next = delta.next;
    out.push(pic);
    prev = pic;
  });
  return out;
}
