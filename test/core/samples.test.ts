// Golden tests: every sample scenario under every kernel variant, its full
// micro-step trace compared with test/golden/<sample>.<variant>.txt, and the
// outcome of its `# key access` compared with the `# outcomes:` header line.
// Regenerate the golden files with UPDATE_GOLDEN=1 and review the diff.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KERNEL_NAMES, analyze, formatRun, simulate } from '../../core/src/index';

const root = path.join(__dirname, '..', '..');
const samples = fs.readdirSync(path.join(root, 'sample-scenarios')).filter((f) => f.endsWith('.tlbscn')).sort();
const update = process.env.UPDATE_GOLDEN === '1';

test('there are sample scenarios, the seed among them', () => {
  assert.ok(samples.includes('seed-a29ebeaf.tlbscn'));
  assert.ok(samples.length >= 12);
});

for (const sample of samples) {
  const file = `sample-scenarios/${sample}`;
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const lines = text.split('\n');
  const keyLine = lines.findIndex((l) => /#\s*key access/.test(l));
  const declared = /# outcomes:(.*)$/m.exec(text)?.[1];

  test(`${sample}: no errors, a header, a key access`, () => {
    const r = analyze(text);
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.ok(lines[0].startsWith('#'), 'starts with a header comment');
    assert.ok(keyLine >= 0, 'marks its key access');
    assert.ok(declared, 'has an # outcomes: line');
  });

  test(`${sample}: its expectations hold under its own kernel`, () => {
    const run = simulate(analyze(text).scenario);
    assert.deepEqual(run.errors, []);
    assert.deepEqual(run.expectations.filter((e) => !e.passed), []);
  });

  for (const kernel of KERNEL_NAMES) {
    test(`${sample} under ${kernel}: key access and golden trace`, () => {
      const { scenario } = analyze(text);
      const run = simulate(scenario, kernel);
      const expected = new RegExp(`\\b${kernel}=(\\w+)`).exec(declared ?? '')?.[1];
      const key = run.accesses.filter((a) => a.line === keyLine);
      assert.ok(key.length > 0, 'the key access runs');
      assert.equal(key[key.length - 1].outcome, expected, `key access on line ${keyLine + 1}`);
      const trace = formatRun(file, scenario, run, { trace: true }) + '\n';
      const golden = path.join(root, 'test', 'golden', `${sample.replace(/\.tlbscn$/, '')}.${kernel}.txt`);
      if (update || !fs.existsSync(golden)) {
        if (!update) assert.fail(`missing golden file ${path.relative(root, golden)}: run with UPDATE_GOLDEN=1`);
        fs.writeFileSync(golden, trace);
      }
      assert.equal(trace, fs.readFileSync(golden, 'utf8'));
    });

    test(`${sample} under ${kernel}: an outcomes-only run finds what the recorded run finds`, () => {
      const { scenario } = analyze(text);
      const full = simulate(scenario, kernel);
      const lean = simulate(scenario, kernel, { record: false });
      const counts = { hit: 0, miss: 0, fault: 0, stale: 0 };
      for (const a of full.accesses) counts[a.outcome]++;
      assert.deepEqual(full.outcomes, counts);
      assert.deepEqual(lean.outcomes, counts);
      assert.deepEqual(lean.accesses, full.accesses.filter((a) => a.outcome === 'stale'), 'the stale accesses, explained alike');
      assert.deepEqual(lean.expectations, full.expectations);
      assert.deepEqual([lean.events, lean.microSteps], [full.events, full.microSteps]);
    });
  }
}
