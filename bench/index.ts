// `npm run bench`: prints every speed figure the issues ask for. Targets are
// printed beside the figures, never asserted (shared machines vary).

import { benchAdapter } from './adapter';
import { benchCore } from './core';
import { benchServer } from './server';
import { report } from './report';

async function main(): Promise<void> {
  console.log('tlbscn benchmarks', new Date().toISOString(), `node ${process.version}`);
  console.log('— core');
  await benchCore(report);
  console.log('— language server');
  await benchServer(report);
  console.log('— debug adapter');
  await benchAdapter(report);
  report('peak memory of the benchmark process (maxRSS)', process.resourceUsage().maxRSS / 1024, 'MB');
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
