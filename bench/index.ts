// `npm run bench`: prints every speed figure the issues ask for. Targets are
// printed beside the figures, never asserted (shared machines vary).
// It runs bundled by esbuild, like the programs it measures (bench/out/, so
// that paths relative to the repository still hold); under a TypeScript
// loader the same code runs several times slower.

import { benchAdapter } from './adapter';
import { benchBounds } from './bounds';
import { benchCore } from './core';
import { benchExplorer } from './explorer';
import { benchServer } from './server';
import { benchWebview } from './webview';
import { report } from './report';

let finished = false;
// a benchmark whose promise never settles would otherwise end the run quietly, with status 0
process.on('exit', (code) => {
  if (!finished && code === 0) {
    console.error('bench: stopped before every benchmark finished');
    process.exitCode = 1;
  }
});

async function main(): Promise<void> {
  console.log('tlbscn benchmarks', new Date().toISOString(), `node ${process.version}`);
  console.log('— core');
  await benchCore(report);
  console.log('— explorer (issue 10): generated races of the lost-update shape');
  benchExplorer(report);
  console.log('— worst cases of issue 13 (each in a process of its own)');
  await benchBounds(report);
  console.log('— language server');
  await benchServer(report);
  console.log('— debug adapter');
  await benchAdapter(report);
  console.log('— core map (issue 11): redraw in Chromium, --html size');
  await benchWebview(report);
  report('peak memory of the benchmark process (maxRSS)', process.resourceUsage().maxRSS / 1024, 'MB');
  finished = true;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
