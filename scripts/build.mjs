// Bundles every program with esbuild (the vscode-eslint pattern: several
// entry points, `vscode` external only for the extension client).
//   node scripts/build.mjs               development: source maps
//   node scripts/build.mjs --production  minified, for the .vsix
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  // the walkthrough's sample scenarios, bundled into the extension as text (client/src/walkthrough.ts)
  loader: { '.tlbscn': 'text' },
};

const programs = [
  // the `tlbscn` command (bin/tlbscn.js requires it)
  { entryPoints: ['cli/src/main.ts'], outfile: 'dist/cli.js' },
  // the language server: `tlbscn lsp --stdio`, or node IPC from the client
  { entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' },
  // the debug adapter: `tlbscn dap`, or this file run directly
  { entryPoints: ['adapter/src/main.ts'], outfile: 'dist/adapter.js' },
  // the VS Code extension
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // its explorer thread
  { entryPoints: ['client/src/exploreWorker.ts'], outfile: 'dist/exploreWorker.js' },
  // a thread of a parallel search (explore --jobs N, and the explorer thread's)
  { entryPoints: ['client/src/searchWorker.ts'], outfile: 'dist/searchWorker.js' },
  // the extension's own mocha suite, run in the extension host by e2e/ (not packaged; mocha bundled in)
  // (mocha's parallel mode, never used here, require.resolve()s two files esbuild cannot bundle)
  {
    entryPoints: ['client/src/test/index.ts'],
    outfile: 'dist/test/index.js',
    external: ['vscode'],
    logOverride: { 'require-resolve-not-external': 'silent' },
  },
];

// the core map's pages (issue 11): scripts for a browser page, no Node; the
// report's script and style are inlined into each `--html` report by the CLI
const page = { bundle: true, platform: 'browser', format: 'iife', target: 'es2022', minify: production, logLevel: 'warning' };
const pages = [
  // the --html report's page script
  { entryPoints: ['webview/src/report.ts'], outfile: 'dist/webview/report.js' },
  // the VS Code panel's page script
  { entryPoints: ['webview/src/panel.ts'], outfile: 'dist/webview/panel.js' },
  // the style both share
  { entryPoints: ['webview/src/style.css'], outfile: 'dist/webview/style.css' },
];

await Promise.all([...programs.map((p) => esbuild.build({ ...common, ...p })), ...pages.map((p) => esbuild.build({ ...page, ...p }))]);
