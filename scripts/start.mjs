// `npm start`: the main job on the sample scenarios. The seed scenario of
// a29ebeaf under `buggy` (the stale access) and under `fixed` (its absence,
// with the IPI and the flush that prevent it), then every sample under every
// kernel variant.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const cli = (...args) => spawnSync(process.execPath, ['bin/tlbscn.js', ...args], { stdio: 'inherit' }).status;
const seed = 'sample-scenarios/seed-a29ebeaf.tlbscn';
const rule = (title) => console.log(`\n━━ ${title} ${'━'.repeat(Math.max(0, 74 - title.length))}`);

rule('the seed scenario under buggy (before a29ebeaf)');
cli('run', seed, '--kernel', 'buggy');
rule('the same scenario under fixed (a29ebeaf); its `expect stale` now fails, as it should');
cli('run', seed, '--kernel', 'fixed');
rule('every sample under every kernel variant');
const samples = readdirSync('sample-scenarios').filter((f) => f.endsWith('.tlbscn')).sort().map((f) => `sample-scenarios/${f}`);
const status = cli('compare', ...samples);
console.log('\nNext: `npx tlbscn run FILE --trace`, `npx tlbscn explore sample-scenarios/early-clear-race.tlbscn --kernel early-clear`.');
process.exitCode = status;
