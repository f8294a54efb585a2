// Laws of the formatter (a language-service function, tested in process):
// formatting keeps what the file means, is stable, and undoes any spacing
// noise on lines without comments.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parse, printFile } from '../../core/src/index';
import { Analysis } from '../../server/src/service/analysis';
import { formatDocument } from '../../server/src/service/formatting';
import { ROOT } from './lspClient';

function format(text: string): string {
  const lines = text.split('\n');
  for (const e of formatDocument(new Analysis(text, 1))) {
    const l = lines[e.range.start.line];
    lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
  }
  return lines.join('\n');
}

const dir = path.join(ROOT, 'sample-scenarios');
const samples = readdirSync(dir)
  .filter((f) => f.endsWith('.tlbscn'))
  .map((f) => readFileSync(path.join(dir, f), 'utf8'));

/** Adds spaces and tabs where white space may go: around `:`, `;`, `{`, `}` and between words. */
function noisy(text: string, noise: number[]): string {
  let k = 0;
  const pad = () => ' \t '.slice(0, noise[k++ % noise.length]);
  return text
    .split('\n')
    .map((line) => (line.trimStart().startsWith('#') || line.trim() === '' ? line : pad() + line.replace(/ (?=[^#]*$)|([:;{}])(?=[^#]*$)/g, (m) => (m === ' ' ? ` ${pad()}` : `${pad()}${m}${pad()}`))))
    .join('\n');
}

test('the sample scenarios are already formatted', () => {
  for (const s of samples) assert.equal(format(s), s);
});

test('formatting keeps the meaning, is stable, and removes spacing noise', () => {
  fc.assert(
    fc.property(fc.constantFrom(...samples), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 }), (sample, noise) => {
      const messy = noisy(sample, noise);
      const once = format(messy);
      assert.equal(printFile(parse(once).file), printFile(parse(sample).file));
      assert.equal(format(once), once);
      const plain = (t: string) => t.split('\n').filter((l) => !l.includes('#'));
      assert.deepEqual(plain(once), plain(sample));
    }),
    { numRuns: 60 },
  );
});
