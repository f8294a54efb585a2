// Resuming an outcomes-only run from a checkpoint gives exactly what a full
// run gives, after any edit that leaves the text before the checkpoint alone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Simulation, analyze, roundRobin, simulate, variantFor, type Checkpoint, type RunResult } from '../../core/src/index';
import { generateScenario } from '../../bench/generate';

function outcomes(r: RunResult) {
  return {
    accesses: r.accesses.map((a) => [a.line, a.task, a.page, a.cpu, a.outcome, a.explanation ?? '']),
    expectations: r.expectations.map((e) => [e.line, e.passed, e.message]),
    errors: r.errors.map((e) => [e.line, e.message]),
  };
}

test('resume after an edit past the checkpoint equals a full run', () => {
  const base = generateScenario(600, 'buggy');
  const lines = base.trimEnd().split('\n');
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 599 }), fc.constantFrom('access T0 A', 'access T1 C', 'expect stale', 'unmap T0 B none'), (checkpointItem, editLine, inserted) => {
      const first = analyze(base);
      const sim = new Simulation(first.scenario, variantFor(first.scenario), { record: false });
      let cp: Checkpoint | undefined;
      first.scenario.program.forEach((item, i) => {
        if (i === checkpointItem) cp = sim.checkpoint(i);
        sim.runItem(item, roundRobin);
      });
      if (!cp) return assert.fail('no checkpoint');
      if (editLine <= cp.lastLine) return; // the edit must come after what the checkpoint has run
      const edited = [...lines.slice(0, editLine), inserted, ...lines.slice(editLine)].join('\n') + '\n';
      const second = analyze(edited);
      if (second.hasErrors) return;
      const resumed = Simulation.resume(second.scenario, cp);
      second.scenario.program.slice(cp.item).forEach((item) => resumed.runItem(item, roundRobin));
      assert.deepEqual(outcomes(resumed.result()), outcomes(simulate(second.scenario, undefined, { record: false })));
    }),
    { numRuns: 60 },
  );
});

test('a checkpoint is a copy: the run it came from goes on without changing it', () => {
  const { scenario } = analyze(generateScenario(300, 'buggy'));
  const sim = new Simulation(scenario, variantFor(scenario), { record: false });
  sim.runItem(scenario.program[0], roundRobin);
  const cp = sim.checkpoint(1);
  const frozen = JSON.stringify([...cp.state.tlbs.map((m) => [...m.keys()]), cp.state.nextFrame]);
  scenario.program.slice(1).forEach((item) => sim.runItem(item, roundRobin));
  assert.equal(JSON.stringify([...cp.state.tlbs.map((m) => [...m.keys()]), cp.state.nextFrame]), frozen);
});
