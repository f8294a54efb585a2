// The core map panel (issue 11): a webview beside the debugger, opened with
// each tlbscn debug session (tlbscn.coreMap.openOnDebug) or by Show Core Map,
// that draws the debug adapter's `picture` of the machine at every stop of a
// tlbscn debug session, step back included, and moves the debugger (`gotoStep`) when a
// timeline mark is picked; a clicked TLB entry or lamp asks the adapter its
// provenance (provenance.ts). The adapter is the one source of truth: this file
// only carries its answers to the page (webview/src/panel.ts).

import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import type { ProvenanceTarget } from '../../core/src/index';
import { gotoLastWrite } from './provenance';

export const SHOW_CORE_MAP = 'tlbscn.showCoreMap';
/** The setting (under `tlbscn.`) that opens the map when a tlbscn debug session starts; true by default. */
export const OPEN_ON_DEBUG = 'coreMap.openOnDebug';

/** What the page sends (webview/src/panel.ts). */
type FromPage = { type: 'ready' } | { type: 'gotoStep'; step: number } | { type: 'provenance'; target: ProvenanceTarget };

class CoreMap {
  private panel: vscode.WebviewPanel | undefined;
  /** The session whose timeline the page holds. */
  private shown: vscode.DebugSession | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {}

  /**
   * Opens the panel beside the editor, or reveals the one already open where it
   * stands (Beside from a focused panel would move it a column further); the
   * editor keeps the focus either way.
   */
  show(): void {
    if (this.panel) {
      this.panel.reveal(this.panel.viewColumn ?? vscode.ViewColumn.Beside, true);
      return;
    }
    const root = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    const panel = vscode.window.createWebviewPanel('tlbscn.coreMap', 'tlbscn: Core Map', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      // the page loads its own script and style, nothing else
      localResourceRoots: [root],
    });
    panel.webview.html = pageHtml(panel.webview, root);
    panel.webview.onDidReceiveMessage((m: FromPage) => this.fromPage(m));
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.shown = undefined;
    });
    this.panel = panel;
  }

  /** The page's timeline of `session` is out of date: the next refresh sends a new one. */
  forget(session: vscode.DebugSession): void {
    if (this.shown === session) this.shown = undefined;
  }

  /** Redraws for a session: with its timeline when the page does not hold it yet. */
  async refresh(session: vscode.DebugSession | undefined = tlbscnSession()): Promise<void> {
    const panel = this.panel;
    if (!panel) return;
    if (!session) {
      this.shown = undefined;
      await panel.webview.postMessage({ type: 'ended', message: 'No tlbscn debug session: start one (F5 on a scenario) and the map follows it.' });
      return;
    }
    const first = this.shown !== session;
    let body: { picture: unknown; timeline?: unknown; lines?: string[]; title?: string };
    try {
      body = await session.customRequest('picture', { timeline: first });
    } catch {
      // the session moved on (a motion began) or ended: its next stop or its end redraws
      return;
    }
    if (first) {
      this.shown = session;
      await panel.webview.postMessage({ type: 'session', timeline: body.timeline, lines: body.lines, title: body.title });
    }
    await panel.webview.postMessage({ type: 'picture', picture: body.picture });
  }

  private fromPage(m: FromPage): void {
    if (m.type === 'ready') {
      // a new page holds no timeline
      this.shown = undefined;
      void this.refresh();
    } else if (m.type === 'gotoStep') {
      const session = tlbscnSession();
      // the stop it makes redraws the map, as any stop does
      if (session && Number.isSafeInteger(m.step)) void Promise.resolve(session.customRequest('gotoStep', { step: m.step })).catch((e: unknown) => vscode.window.showWarningMessage(`tlbscn: ${e instanceof Error ? e.message : String(e)}`));
    } else if (m.type === 'provenance') {
      // an entry or a lamp was clicked: the adapter checks the target, the pick moves the debugger
      const session = tlbscnSession();
      if (session) void gotoLastWrite(session, { target: m.target });
    }
  }

  sessionEnded(session: vscode.DebugSession): void {
    if (this.shown === session) void this.refresh(tlbscnSession());
  }
}

function tlbscnSession(): vscode.DebugSession | undefined {
  const s = vscode.debug.activeDebugSession;
  return s?.type === 'tlbscn' ? s : undefined;
}

function pageHtml(webview: vscode.Webview, root: vscode.Uri): string {
  const nonce = randomBytes(16).toString('hex');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'panel.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(root, 'style.css'));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${style}">
<title>tlbscn: Core Map</title>
</head>
<body>
<h1 id="title">Waiting for a tlbscn debug session…</h1>
<div id="map"></div>
<div id="timeline"></div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

/** The panel, its command, and the debug tracker that redraws it at every stop. */
export function registerCoreMap(context: vscode.ExtensionContext): void {
  const map = new CoreMap(context.extensionUri);
  context.subscriptions.push(
    vscode.commands.registerCommand(SHOW_CORE_MAP, async () => {
      map.show();
      await map.refresh();
    }),
    vscode.debug.registerDebugAdapterTrackerFactory('tlbscn', {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (m: { type?: string; event?: string }) => {
          if (m.type !== 'event') return;
          // a new schedule (a lane chosen to move next) is a new run: its timeline is fetched again
          if (m.event === 'scheduleChanged') map.forget(session);
          if (m.event === 'stopped') void map.refresh(session);
        },
      }),
    }),
    // a tlbscn session opens the map by itself (tlbscn.coreMap.openOnDebug), not a run without debugging
    // (it never stops); the session's first stop draws it, as every stop does
    vscode.debug.onDidStartDebugSession((session) => {
      if (session.type !== 'tlbscn' || session.configuration.noDebug === true) return;
      if (vscode.workspace.getConfiguration('tlbscn').get<boolean>(OPEN_ON_DEBUG, true)) map.show();
    }),
    vscode.debug.onDidChangeActiveDebugSession(() => void map.refresh()),
    vscode.debug.onDidTerminateDebugSession((s) => map.sessionEnded(s)),
  );
}
