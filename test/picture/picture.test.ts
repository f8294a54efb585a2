// The core map's model: what the picture of a step shows, checked on the
// seed (buggy at the stale access, fixed during its sweep), a big core and
// every sample; and the laws that tie the report's deltas and the
// timeline's bands to the pictures they stand for.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type KernelName,
  type Picture,
  type RunResult,
  type Scenario,
  KERNEL_NAMES,
  TraceCursor,
  analyze,
  pictureAt,
  pictureReport,
  picturesOf,
  simulate,
  timelineOf,
} from '../../core/src/index';

const dir = path.join(__dirname, '..', '..', 'sample-scenarios');
const samples = [...fs.readdirSync(dir).filter((f) => f.endsWith('.tlbscn')), ...fs.readdirSync(path.join(dir, 'races')).map((f) => `races/${f}`)];

function load(name: string, kernel?: KernelName): { scenario: Scenario; run: RunResult } {
  const { scenario } = analyze(fs.readFileSync(path.join(dir, name), 'utf8'));
  return { scenario, run: simulate(scenario, kernel) };
}

function at(scenario: Scenario, run: RunResult, position: number): Picture {
  const cursor = new TraceCursor(scenario, run.steps);
  cursor.seek(position);
  return pictureAt(scenario, run.kernel as KernelName, run.steps, cursor.state, position);
}

/** A domain's entries as `task:page set N [flags]`. */
function entries(p: Picture, domain: string): string[] {
  const d = p.domains.find((x) => x.name === domain)!;
  return d.sets.flatMap((set, i) => set.map((e) => `${e.task}:${e.page} set ${i}${e.stale ? ' stale' : ''}${e.change ? ` ${e.change}` : ''}${e.read ? ` read-${e.read}` : ''}`));
}

const lit = (bits: boolean[]) => bits.flatMap((b, i) => (b ? [i] : []));

test('seed under buggy, after the stale access: core0 holds X:p stale, read by cpu1; no bit was ever set', () => {
  const { scenario, run } = load('seed-a29ebeaf.tlbscn', 'buggy');
  const stale = run.steps.find((s) => s.access?.outcome === 'stale')!;
  const p = at(scenario, run, stale.index + 1);
  assert.deepEqual(entries(p, 'core0'), ['X:p set 0 stale read-last']);
  assert.deepEqual(entries(p, 'core1'), []);
  const vm = p.guests[0];
  assert.deepEqual(lit(vm.needTlbFlush), []);
  assert.deepEqual(lit(vm.cpuInGuest), [1, 4]);
  // buggy's entry path tests each thread's own bit
  assert.deepEqual(lit(p.ringed), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(p.last?.access?.outcome, 'stale');
  const cpu1 = p.cores[0].threads[1];
  assert.deepEqual([cpu1.mode, cpu1.vcpu, cpu1.task, cpu1.tests], ['guest', 'vm.vcpu1', 'X', 1]);
  assert.deepEqual([p.cores[1].threads[0].mode, p.cores[1].threads[0].vcpu], ['guest', 'vm.vcpu0']);
  assert.deepEqual(p.cores[0].threads[0].mode, 'idle');
});

test('seed under buggy, at the stale stop (the access about to run): the entry it will read is marked', () => {
  const { scenario, run } = load('seed-a29ebeaf.tlbscn', 'buggy');
  const stale = run.steps.find((s) => s.access?.outcome === 'stale')!;
  const p = at(scenario, run, stale.index);
  assert.deepEqual(entries(p, 'core0'), ['X:p set 0 stale read-next']);
  assert.equal(p.next?.access?.outcome, 'stale');
});

test('seed under fixed: the fill is marked added; the move sets bit 0 (ringed, with bit 4); the sweep removes X:p from core0', () => {
  const { scenario, run } = load('seed-a29ebeaf.tlbscn', 'fixed');
  const fill = run.steps.find((s) => s.access?.outcome === 'miss')!;
  assert.deepEqual(entries(at(scenario, run, fill.index + 1), 'core0'), ['X:p set 0 added']);
  const set = run.steps.find((s) => s.frames.at(-1)?.name === 'radix_flush_cpu')!;
  const marked = at(scenario, run, set.index + 1);
  assert.deepEqual(lit(marked.guests[0].needTlbFlush), [0]);
  assert.deepEqual(marked.guests[0].changed, [{ mask: 'needTlbFlush', cpu: 0, to: true }]);
  assert.deepEqual(lit(marked.ringed), [0, 4]);
  assert.deepEqual(marked.cores.flatMap((c) => c.threads.map((t) => t.tests)), [0, 0, 0, 0, 4, 4, 4, 4]);
  const flush = run.steps.find((s) => s.flush?.set === 0)!;
  const swept = at(scenario, run, flush.index + 1);
  assert.deepEqual(entries(swept, 'core0'), ['X:p set 0 removed']);
  assert.deepEqual(swept.last?.flush, { domain: 0, set: 0, removed: 1 });
  // cpu1 re-enters after the IPI: in its interrupts-off entry path during the sweep
  assert.equal(swept.cores[0].threads[1].mode, 'entry');
  assert.deepEqual(entries(at(scenario, run, flush.index + 2), 'core0'), []);
});

test('a big core shows its even and odd TLB halves; the bit each thread tests follows the variant', () => {
  const { scenario, run } = load('smt8-bigcore.tlbscn', 'fixed');
  const p = at(scenario, run, 0);
  assert.deepEqual(p.cores[0].domains, [0, 1]);
  assert.deepEqual(p.domains.slice(0, 2).map((d) => [d.name, d.cpus]), [['core0.even', [0, 2, 4, 6]], ['core0.odd', [1, 3, 5, 7]]]);
  // fixed rounds down to a multiple of 4 (clrrdi r6,r6,2): bits 0 and 4 on an 8-thread core
  assert.deepEqual(lit(p.ringed).filter((b) => b < 8), [0, 4]);
  const smt8 = load('smt8-bigcore.tlbscn', 'fixed-smt8');
  assert.deepEqual(lit(at(smt8.scenario, smt8.run, 0).ringed).filter((b) => b < 8), [0, 1]);
});

test('seed under fixed: the timeline has one mark per event, flows from the IPI send to its take and from the bit to the test that read it', () => {
  const { scenario, run } = load('seed-a29ebeaf.tlbscn', 'fixed');
  const tl = timelineOf(scenario, run);
  assert.deepEqual(tl.lanes, [0, 1, 4]);
  const kinds = tl.marks.map((m) => `${m.step}:cpu${m.cpu}:${m.kind}`);
  for (const k of ['9:cpu0:fill', '11:cpu4:move', '12:cpu4:set-bit', '13:cpu4:ipi-send', '14:cpu1:ipi-take', '17:cpu1:entry-test', '18:cpu1:flush', '21:cpu1:flush', '22:cpu1:clear', '28:cpu4:unmap', '30:cpu1:fault']) {
    assert.ok(kinds.includes(k), `${k} in ${kinds.join(' ')}`);
  }
  const flows = tl.flows.map((f) => `${tl.marks[f.from].kind}@${tl.marks[f.from].step} → ${tl.marks[f.to].kind}@${tl.marks[f.to].step}`);
  assert.deepEqual(flows.sort(), ['ipi-send@13 → ipi-take@14', 'set-bit@12 → entry-test@17']);
  assert.match(tl.marks.find((m) => m.kind === 'unmap')!.label, /tlbiel on core1 only/);
  const buggy = load('seed-a29ebeaf.tlbscn', 'buggy');
  const stale = timelineOf(buggy.scenario, buggy.run).marks.filter((m) => m.kind === 'stale');
  assert.deepEqual(stale.map((m) => [m.cpu, m.line + 1]), [[1, 36]]);
});

for (const name of samples) {
  test(`${name}: the report's deltas rebuild every picture; the timeline's bands are the pictures' thread modes`, () => {
    const { scenario, run } = load(name);
    const report = pictureReport(scenario, run, name, '');
    const rebuilt = picturesOf(JSON.parse(JSON.stringify(report)));
    const cursor = new TraceCursor(scenario, run.steps);
    const tl = report.timeline;
    for (let p = 0; p <= run.steps.length; p++) {
      cursor.seek(p);
      const pic = pictureAt(scenario, run.kernel as KernelName, run.steps, cursor.state, p);
      assert.deepEqual(rebuilt[p], JSON.parse(JSON.stringify(pic)), `picture after ${p} steps`);
      for (const th of pic.cores.flatMap((c) => c.threads)) {
        const band = tl.bands.find((b) => b.cpu === th.cpu && b.from <= p && p < b.to);
        assert.equal(band?.mode ?? 'idle', th.mode, `cpu${th.cpu} after ${p} steps`);
        if (band && th.vcpu) assert.equal(band.vcpu, th.vcpu);
      }
    }
  });
}

test('every kernel variant draws the seed', () => {
  for (const kernel of KERNEL_NAMES) {
    const { scenario, run } = load('seed-a29ebeaf.tlbscn', kernel);
    const p = at(scenario, run, run.steps.length);
    assert.equal(p.kernel, kernel);
    assert.equal(p.position, run.steps.length);
    assert.equal(p.next, undefined);
  }
});
