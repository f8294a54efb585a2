// The page script of `tlbscn run|explore --html`: one static page that holds
// a whole run as pictures (JSON in the page) and scrubs through it with a
// slider, the keyboard, a click on a timeline mark, or `#step=N` in the URL.

import { type PictureReport, picturesOf } from '../../core/src/picture/report';
import { MapView, drawTimeline } from './draw';

const report = JSON.parse(document.getElementById('tlbscn-data')!.textContent!) as PictureReport;
const pictures = picturesOf(report);
const total = pictures.length - 1;
const ctx = { lines: report.lines };
const map = new MapView(document.getElementById('map')!, ctx);
const scrub = document.getElementById('scrub') as HTMLInputElement;
const where = document.getElementById('where')!;
scrub.max = String(total);

/** Positions just after each marked event, for PageUp/PageDown. */
const eventEnds = [...new Set(report.timeline.marks.map((m) => m.step + 1))].sort((a, b) => a - b);

let position = 0;
const moveCursor = drawTimeline(document.getElementById('timeline')!, report.timeline, ctx, (step) => show(step + 1));

function show(to: number): void {
  position = Math.max(0, Math.min(total, to));
  scrub.value = String(position);
  where.textContent = `after ${position} of ${total} micro-steps`;
  map.draw(pictures[position]);
  moveCursor(position);
  history.replaceState(null, '', `#step=${position}`);
}

scrub.addEventListener('input', () => show(Number(scrub.value)));
document.getElementById('back')!.addEventListener('click', () => show(position - 1));
document.getElementById('forward')!.addEventListener('click', () => show(position + 1));
document.addEventListener('keydown', (e) => {
  if (e.target === scrub || e.altKey || e.ctrlKey || e.metaKey) return;
  const moves: Record<string, () => number> = {
    ArrowLeft: () => position - 1,
    ArrowRight: () => position + 1,
    Home: () => 0,
    End: () => total,
    PageUp: () => [...eventEnds].reverse().find((p) => p < position) ?? 0,
    PageDown: () => eventEnds.find((p) => p > position) ?? total,
  };
  const move = moves[e.key];
  if (!move) return;
  e.preventDefault();
  show(move());
});

// open at the step the URL names, else just after the first stale access, else at the end
const asked = /^#step=(\d+)$/.exec(location.hash);
const stale = report.timeline.marks.find((m) => m.kind === 'stale');
show(asked ? Number(asked[1]) : stale ? stale.step + 1 : total);
