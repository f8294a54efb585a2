// `npm start`: the main job on the sample scenarios. The seed scenario of
// a29ebeaf under `buggy` (the stale access) and under `fixed` (its absence,
// with the IPI and the flush that prevent it), every sample under every
// kernel variant, then the explorer on the two races.
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
// explore exits 1 when it finds a stale schedule: here that is the point
const explore = (file, kernel, ...more) => {
  rule(`tlbscn explore ${file} --kernel ${kernel} ${more.join(' ')}`);
  spawnSync(process.execPath, ['bin/tlbscn.js', 'explore', file, '--kernel', kernel, ...more], { stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' })
    .stdout.split('\n').filter((l) => /: kernel .*(schedule|truncated)|^stall |^race: |^schedule \(|→ STALE/.test(l)).forEach((l) => console.log(l));
};
explore('sample-scenarios/early-clear-race.tlbscn', 'early-clear');
explore('sample-scenarios/early-clear-race.tlbscn', 'fixed');
// a model-level race: it needs cpu0 held with interrupts off as long as a whole sweep
explore('sample-scenarios/races/lost-update.tlbscn', 'fixed');
explore('sample-scenarios/races/lost-update.tlbscn', 'fixed', '--max-stall', '3');
// today's protocol, explored with a plausible stall bound: a model result to check against the code
explore('sample-scenarios/races/v5.17-lost-request.tlbscn', 'v5.17', '--max-stall', '2');
console.log('\nNext: `npx tlbscn run FILE --trace` for every micro-step, `npx tlbscn explore FILE --json` to replay a schedule in the debugger.');
process.exitCode = status;
