// Re-parsing after an edit gives exactly what a fresh parse gives.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type ParseResult, analyze, parse, reanalyze, reparse } from '../../core/src/index';
import * as fs from 'node:fs';
import * as path from 'node:path';

const samples = fs
  .readdirSync(path.join(__dirname, '..', '..', 'sample-scenarios'))
  .filter((f) => f.endsWith('.tlbscn'))
  .map((f) => fs.readFileSync(path.join(__dirname, '..', '..', 'sample-scenarios', f), 'utf8'));

/** What a parse says (its file as the ScenarioFile interface describes it), without what it caches. */
function said(r: ParseResult) {
  return { statements: r.file.statements, comments: r.file.comments, sourceLines: r.file.sourceLines, diagnostics: r.diagnostics };
}

const fragments = ['', 'concurrently {', 'concurrently', '}', '  cpu1: access X p ; expect hit', 'run vm.vcpu0 on cpu4', 'rnu', 'guest g2 vcpus 1', '# note', 'expect stale'];

test('reparse after any line edit equals a fresh parse', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...samples),
      fc.nat(60),
      fc.nat(3),
      fc.array(fc.constantFrom(...fragments), { maxLength: 3 }),
      (text, at, removed, inserted) => {
        const lines = text.split('\n');
        const i = Math.min(at, lines.length);
        const edited = [...lines.slice(0, i), ...inserted, ...lines.slice(i + removed)].join('\n');
        const incremental = reparse(parse(text), edited);
        const fresh = parse(edited);
        assert.deepEqual(said(incremental), said(fresh));
        assert.deepEqual(reanalyze(analyze(text), edited).diagnostics, analyze(edited).diagnostics);
      },
    ),
    { numRuns: 300 },
  );
});

test('reparse after an edit within one line (the tail is kept) equals a fresh parse', () => {
  fc.assert(
    fc.property(fc.constantFrom(...samples), fc.nat(60), fc.constantFrom(...fragments), (text, at, replacement) => {
      const lines = text.split('\n');
      const i = Math.min(at, lines.length - 1);
      const edited = [...lines.slice(0, i), replacement, ...lines.slice(i + 1)].join('\n');
      assert.deepEqual(said(reparse(parse(text), edited)), said(parse(edited)));
    }),
    { numRuns: 300 },
  );
});

test('an unchanged text is not parsed again', () => {
  const first = analyze(samples[0]);
  assert.equal(reanalyze(first, samples[0]), first);
});
