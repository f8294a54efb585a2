// `tlbscn export --promela`: Spin's verdict on the exported model equals the
// explorer's, for every sample race and every kernel row, and for scenarios
// that reach the model's other corners (hpt guests, a big core, two blocks,
// a deadlock). Skipped where Spin or a C compiler is missing (.ci/run
// installs Debian's `spin`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { KERNEL_NAMES, type KernelName, type Scenario, analyze, explore, exportPromela } from '../../core/src/index';

const run = promisify(execFile);
const root = path.join(__dirname, '..', '..');
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const missing = !has('spin') ? 'spin is not installed (apt-get install spin)' : !has('cc') ? 'no C compiler (cc) for pan.c' : undefined;

const SAMPLES = ['early-clear-race', 'ipi-race', 'migrate-away', 'races/lost-update', 'races/v5.17-lost-request'];

/** Scenarios for what the samples' blocks do not reach. */
const CORNERS: Record<string, string> = {
  'a big core (TLB halves), two sweep sets': `
machine cores 2 threads 8 bigcore tlb-sets 2
guest vm radix vcpus 3
task X in vm pages p q
run vm.vcpu0 on cpu0
run vm.vcpu1 on cpu2
schedule X on vm.vcpu0
access X p
access X q
concurrently {
  cpu1: run vm.vcpu0 on cpu1 ; access X p ; unmap X p
  cpu2: access X q
  cpu4: run vm.vcpu2 on cpu4
}
schedule X on vm.vcpu1
access X p
`,
  'an hpt guest beside a radix one': `
machine cores 2 threads 2 tlb-sets 2
guest h hpt vcpus 1
guest r radix vcpus 2
task X in h pages p
task Y in r pages a b
run h.vcpu0 on cpu0
schedule X on h.vcpu0
access X p
run r.vcpu0 on cpu1
schedule Y on r.vcpu0
access Y a
concurrently {
  cpu2: run h.vcpu0 on cpu2 ; access X p ; unmap X p
  cpu0: run r.vcpu1 on cpu0
  cpu3: run r.vcpu0 on cpu3 ; access Y b
}
run h.vcpu0 on cpu1
access X p
schedule Y on r.vcpu1
access Y a
`,
  'two blocks, map, stop and tlbie': `
machine cores 2 threads 2 tlb-sets 2
guest vm radix vcpus 3
task X in vm pages A B
run vm.vcpu0 on cpu0
schedule X on vm.vcpu0
access X B
concurrently {
  cpu2: run vm.vcpu0 on cpu2 ; map X A
  cpu1: run vm.vcpu1 on cpu1
}
access X B
unmap X B
concurrently {
  cpu0: run vm.vcpu2 on cpu0 ; stop vm.vcpu2
  cpu3: run vm.vcpu1 on cpu3 ; tlbie X
}
schedule X on vm.vcpu1
access X B
access X A
`,
  'a deadlock in every schedule': `
machine cores 1 threads 2
guest vm radix vcpus 2
task X in vm pages p
concurrently {
  cpu0: access X p
  cpu1: run vm.vcpu0 on cpu1
}
`,
};

interface SpinResult {
  stale: boolean;
  states: number;
  ms: number;
}

/** spin -a, cc, pan -E (invalid end states, the runtime errors, left out): whether an assertion (a stale access) fails. */
async function spin(model: string): Promise<SpinResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tlbscn-spin-'));
  try {
    fs.writeFileSync(path.join(dir, 'model.pml'), model);
    await run('spin', ['-a', 'model.pml'], { cwd: dir });
    // -O0: these models are small, and pan.c compiles 3-5 times faster than at -O2
    await run('cc', ['-w', '-O0', '-DSAFETY', '-o', 'pan', 'pan.c'], { cwd: dir });
    const start = Date.now();
    const { stdout } = await run('./pan', ['-E', '-m100000', '-w20'], { cwd: dir, maxBuffer: 16 << 20 });
    const ms = Date.now() - start;
    assert.doesNotMatch(stdout, /max search depth too small/, 'the search must be exhaustive');
    const errors = Number(/errors: (\d+)/.exec(stdout)?.[1]);
    assert.ok(Number.isInteger(errors), stdout);
    // pan stops at its first error: it must be the property, not an index out of range
    if (errors > 0) assert.match(stdout, /assertion violated/, stdout);
    return { stale: errors > 0, states: Number(/(\d+) states, stored/.exec(stdout)?.[1]), ms };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function checked(text: string): Scenario {
  const a = analyze(text);
  assert.deepEqual(
    a.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  return a.scenario;
}

/** Every kernel row: the explorer's verdict and Spin's, side by side (reported as the test's diagnostics). */
async function agree(name: string, scenario: Scenario, report: (line: string) => void): Promise<void> {
  await Promise.all(
    KERNEL_NAMES.map(async (kernel: KernelName) => {
      const explored = explore(scenario, kernel);
      assert.equal(explored.truncated, false);
      const result = await spin(exportPromela(scenario, kernel));
      const verdict = (stale: boolean) => (stale ? 'stale' : 'none');
      report(`${name} × ${kernel}: explorer ${verdict(!!explored.counterexample)} (${explored.states} states), spin ${verdict(result.stale)} (${result.states} states, ${result.ms} ms)`);
      assert.equal(result.stale, explored.counterexample !== undefined, `${name} under ${kernel}`);
    }),
  );
}

for (const sample of SAMPLES) {
  test(`Spin agrees with the explorer on ${sample} under every kernel`, { skip: missing }, async (t) => {
    const text = fs.readFileSync(path.join(root, 'sample-scenarios', `${sample}.tlbscn`), 'utf8');
    await agree(sample, checked(text), (line) => t.diagnostic(line));
  });
}

for (const [name, text] of Object.entries(CORNERS)) {
  test(`Spin agrees with the explorer on ${name} under every kernel`, { skip: missing }, async (t) => {
    await agree(name, checked(text), (line) => t.diagnostic(line));
  });
}

test('a setup that is already stale exports a model whose first step fails the assertion', () => {
  const model = exportPromela(
    checked(`
machine cores 1 threads 1
guest vm vcpus 1
task X in vm pages p
run vm.vcpu0 on cpu0
schedule X on vm.vcpu0
access X p
map X p
access X p
concurrently {
  cpu0: access X p
}
`),
  );
  assert.match(model, /init \{\n {2}assert\(false\)\n\}/);
});

test('tlbscn export --promela prints the model; without --promela it is a usage error', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'cli', 'src', 'main.ts'), ...args], { cwd: root, encoding: 'utf8' });
  const ok = cli('export', '--promela', 'sample-scenarios/ipi-race.tlbscn', '--kernel', 'v4.11');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^\/\* tlbscn export --promela: kernel fixed;/);
  assert.match(ok.stdout, /proctype lane\(byte x\)/);
  const bad = cli('export', 'sample-scenarios/ipi-race.tlbscn');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /'export' needs a format: --promela/);
});
