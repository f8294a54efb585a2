// The core map and its timeline as data (issue 11): computed from a recorded
// run by the core, drawn by the webview panel and the --html report.

export * from './picture';
export * from './timeline';
export * from './report';
export * from './html';
export * from './provenance';
