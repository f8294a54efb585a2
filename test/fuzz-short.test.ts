// A few seconds of `npm run fuzz` (fuzz/, issue 13) inside `npm test`: each
// target, a fixed seed, a few hundred inputs, no failure. The long run is
// `npm run fuzz` (docs/fuzzing.md).

import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { formatReport } from '../fuzz/engine';
import { TARGETS, fuzzTarget } from '../fuzz/targets';
import { ensureBuilt } from './server/lspClient';

before(() => ensureBuilt());

const RUNS = { core: 300, lsp: 300, dap: 200 };

for (const target of TARGETS) {
  test(`fuzz ${target}: ${RUNS[target]} inputs, no crash, hang or disagreement`, async () => {
    const report = await fuzzTarget(target, { runs: RUNS[target], seed: 13, shrinkMs: 10_000 });
    assert.ok(report.inputs >= RUNS[target], formatReport(report));
    assert.deepEqual(report.failures, [], formatReport(report));
  });
}
