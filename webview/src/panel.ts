// The page script of the core map panel in VS Code: it draws the picture the
// extension posts at every stop of a tlbscn debug session, and asks the
// extension to move the debugger when a timeline mark is picked. State comes
// only from those messages: the debug adapter is the one source of truth.

import type { Picture, TimelinePicture } from '../../core/src/picture/index';
import { MapView, drawTimeline } from './draw';

/** What the extension posts (client/src/coreMap.ts sends the same shapes). */
type ToPage =
  | { type: 'session'; timeline: TimelinePicture; lines: string[]; title: string }
  | { type: 'picture'; picture: Picture }
  | { type: 'ended'; message: string };

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };

const vscode = acquireVsCodeApi();
const title = document.getElementById('title')!;
const timeline = document.getElementById('timeline')!;
const ctx = { lines: [] as readonly string[] };
// a picked entry or lamp: the adapter answers the step that last wrote it and the debugger goes there
const map = new MapView(document.getElementById('map')!, ctx, (target) => vscode.postMessage({ type: 'provenance', target }));
let moveCursor: ((position: number) => void) | undefined;

window.addEventListener('message', (event: MessageEvent<ToPage>) => {
  const m = event.data;
  if (m.type === 'session') {
    ctx.lines = m.lines;
    title.textContent = m.title;
    // a mark stands for its step: go to just after it, where the map shows what it did
    moveCursor = drawTimeline(timeline, m.timeline, ctx, (step) => vscode.postMessage({ type: 'gotoStep', step: step + 1 }));
  } else if (m.type === 'picture') {
    map.draw(m.picture);
    moveCursor?.(m.picture.position);
  } else {
    title.textContent = m.message;
  }
});

vscode.postMessage({ type: 'ready' });
