// The --html report as one self-contained page: the page script and its CSS
// inline, the run's pictures as JSON inline, nothing fetched from anywhere
// (a bug report or a CI artifact opens offline, years later).

import type { PictureReport } from './report';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page of a report; `script` and `css` are the bundled page script (webview/src/report.ts) and style. */
export function reportHtml(report: PictureReport, page: { script: string; css: string }): string {
  // in a <script> element only `</script` (and `<!--`) can end or confuse it: no `<` survives as such
  const data = JSON.stringify(report).replace(/</g, '\\u003c');
  const script = page.script.replace(/<\/(script)/gi, '<\\/$1');
  const title = `${report.title} — kernel ${report.kernel}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
${page.css.replace(/<\/(style)/gi, '<\\/$1')}
</style>
</head>
<body>
<main>
<header class="report-head">
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(report.summary)}</p>
<div class="controls">
<button id="back" type="button" aria-label="one micro-step back">◀</button>
<input id="scrub" type="range" min="0" value="0" aria-label="micro-step">
<button id="forward" type="button" aria-label="one micro-step forward">▶</button>
<output id="where" for="scrub"></output>
</div>
<div class="keys">← → one micro-step · PgUp PgDn previous / next event · Home End · click a mark of the timeline</div>
</header>
<div id="map"></div>
<div id="timeline"></div>
</main>
<script id="tlbscn-data" type="application/json">${data}</script>
<script>
${script}
</script>
</body>
</html>
`;
}
