// What the targets feed the language, the server and the adapter: the sample
// scenarios, byte-level mutations of them, scenarios generated from the
// language's statements (mostly well-formed, so that many reach the simulator
// and the explorer), and edits as one types them.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { KernelName } from '../core/src/index';

const ROOT = path.resolve(__dirname, '..');

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = path.join(dir, name);
      return statSync(p).isDirectory() ? walk(p) : name.endsWith('.tlbscn') ? [p] : [];
    });
}

/** sample-scenarios/**\/*.tlbscn: paths and texts. */
export const SAMPLES = walk(path.join(ROOT, 'sample-scenarios')).map((file) => ({ file, text: readFileSync(file, 'utf8') }));

export const KERNELS: KernelName[] = ['buggy', 'early-clear', 'fixed', 'v5.2', 'fixed-smt8', 'v5.17'];

// ---- byte-level mutations ----------------------------------------------------

type Mutation = { op: 'flip' | 'insert' | 'delete' | 'duplicate' | 'splice'; at: number; length: number; byte: number };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('flip', 'insert', 'delete', 'duplicate', 'splice'),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  length: fc.nat(24),
  byte: fc.nat(255),
});

/** Applies mutations to the UTF-8 bytes of a sample (splice copies bytes of another sample, chosen by `byte`). */
function mutate(text: string, mutations: Mutation[]): string {
  let bytes = Buffer.from(text, 'utf8');
  for (const m of mutations) {
    const at = Math.floor(m.at * bytes.length);
    const span = bytes.subarray(at, at + m.length);
    switch (m.op) {
      case 'flip':
        if (at < bytes.length) bytes[at] ^= 1 << m.byte % 8;
        break;
      case 'insert':
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([m.byte]), bytes.subarray(at)]);
        break;
      case 'delete':
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
        break;
      case 'duplicate':
        bytes = Buffer.concat([bytes.subarray(0, at), span, bytes.subarray(at)]);
        break;
      case 'splice': {
        const other = Buffer.from(SAMPLES[m.byte % SAMPLES.length].text, 'utf8');
        const from = Math.floor(m.at * other.length);
        bytes = Buffer.concat([bytes.subarray(0, at), other.subarray(from, from + 4 * m.length), bytes.subarray(at)]);
        break;
      }
    }
  }
  return bytes.toString('utf8');
}

export const mutatedSample: fc.Arbitrary<string> = fc
  .tuple(fc.nat(SAMPLES.length - 1), fc.array(mutation, { minLength: 1, maxLength: 6 }))
  .map(([i, ms]) => mutate(SAMPLES[i].text, ms));

// ---- generated scenarios -----------------------------------------------------

const GUESTS = ['vm', 'g2'];
const TASKS = ['X', 'Y'];
const PAGES = ['p', 'q'];

const guest = fc.constantFrom(...GUESTS);
const vcpu = fc.tuple(guest, fc.integer({ min: 0, max: 3 })).map(([g, n]) => `${g}.vcpu${n}`);
const cpu = fc.integer({ min: 0, max: 9 }).map((n) => `cpu${n}`);
const task = fc.constantFrom(...TASKS);
const page = fc.constantFrom(...PAGES);
const form = fc.constantFrom('', ' tlbiel', ' tlbie', ' none');
const optionalPage = fc.option(page, { nil: undefined }).map((p) => (p ? ` ${p}` : ''));

/** One guest event or expectation, with names and numbers mostly in range. */
const event: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(vcpu, cpu).map(([v, c]) => `run ${v} on ${c}`) },
  { weight: 1, arbitrary: vcpu.map((v) => `stop ${v}`) },
  { weight: 3, arbitrary: fc.tuple(task, vcpu).map(([t, v]) => `schedule ${t} on ${v}`) },
  { weight: 5, arbitrary: fc.tuple(task, page).map(([t, p]) => `access ${t} ${p}`) },
  { weight: 2, arbitrary: fc.tuple(task, page, form).map(([t, p, f]) => `unmap ${t} ${p}${f}`) },
  { weight: 1, arbitrary: fc.tuple(task, page).map(([t, p]) => `map ${t} ${p}`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('tlbiel', 'tlbie'), task, optionalPage).map(([op, t, p]) => `${op} ${t}${p}`) },
  { weight: 2, arbitrary: fc.constantFrom('hit', 'miss', 'fault', 'stale').map((o) => `expect ${o}`) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('core0', 'core1', 'cpu1', 'cpu4'), fc.constantFrom('has', 'lacks'), task, page)
      .map(([where, has, t, p]) => `expect tlb ${where} ${has} ${t}:${p}`),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(guest, fc.constantFrom('core0', 'core1', 'cpu0', 'cpu4'), fc.constantFrom('set', 'clear')).map(([g, w, s]) => `expect need_tlb_flush ${g} ${w} ${s}`),
  },
);

/** A `concurrently` block: 1 to 3 lanes of 1 or 2 events, a lane's runs on its own cpu. */
const block: fc.Arbitrary<string[]> = fc
  .uniqueArray(
    fc.record({ cpu: fc.integer({ min: 0, max: 7 }), events: fc.array(fc.oneof(event, vcpu.map((v) => `run ${v} on cpu`)), { minLength: 1, maxLength: 2 }) }),
    { minLength: 1, maxLength: 3, selector: (l) => l.cpu },
  )
  .map((lanes) => ['concurrently {', ...lanes.map((l) => `  cpu${l.cpu}: ${l.events.map((e) => (e.endsWith(' on cpu') ? `${e}${l.cpu}` : e)).join(' ; ')}`), '}']);

/** A whole scenario: declarations, a setup that makes the tasks current, then events and blocks. */
export const generatedScenario: fc.Arbitrary<string> = fc
  .record({
    cores: fc.integer({ min: 1, max: 3 }),
    threads: fc.constantFrom(1, 2, 4, 8),
    bigcore: fc.boolean(),
    sets: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    kernel: fc.option(fc.constantFrom(...KERNELS, 'v4.11', 'per-thread'), { nil: undefined }),
    guests: fc.array(fc.record({ hpt: fc.boolean(), vcpus: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 2 }),
    setup: fc.boolean(),
    body: fc.array(fc.oneof({ weight: 4, arbitrary: event.map((e) => [e]) }, { weight: 1, arbitrary: block }), { maxLength: 10 }),
  })
  .map((s) => {
    const lines = [`machine cores ${s.cores} threads ${s.threads}${s.bigcore && s.threads === 8 ? ' bigcore' : ''}${s.sets ? ` tlb-sets ${s.sets}` : ''}`];
    if (s.kernel) lines.push(`kernel ${s.kernel}`);
    s.guests.forEach((g, i) => lines.push(`guest ${GUESTS[i]} ${g.hpt ? 'hpt' : 'radix'} vcpus ${g.vcpus}`));
    TASKS.forEach((t, i) => lines.push(`task ${t} in ${GUESTS[i % s.guests.length]} pages ${PAGES.join(' ')}`));
    if (s.setup) {
      TASKS.forEach((t, i) => {
        const g = GUESTS[i % s.guests.length];
        lines.push(`run ${g}.vcpu${i} on cpu${i}`, `schedule ${t} on ${g}.vcpu${i}`);
      });
    }
    return [...lines, ...s.body.flat()].join('\n') + '\n';
  });

/** A sample, a mutated sample or a generated scenario. */
export const scenarioText: fc.Arbitrary<string> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...SAMPLES.map((s) => s.text)) },
  { weight: 2, arbitrary: mutatedSample },
  { weight: 3, arbitrary: generatedScenario },
);

// ---- edits ---------------------------------------------------------------------

/** What an edit inserts: block structure, whole statements, noise and every kind of line end. */
const FRAGMENTS = ['', ' ', 'x', '\n', '\r\n', '\r', '{', '}', ';', ':', '#', '} concurrently {', 'concurrently {\n', '\n}\n', 'cpu1: access X p', 'run vm.vcpu0 on cpu1', 'expect stale', '\uFEFF', '\u0000', 'é'];

export interface Edit {
  /** Where, as a fraction of the text (so that an edit shrinks independently of the text). */
  at: number;
  removed: number;
  inserted: string;
}

export const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  removed: fc.nat(20),
  inserted: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 8 }), event.map((e) => `${e}\n`)),
});

/** The edit as an LSP change of `text` (positions as the client counts them), and the text after it. */
export function applyEdit(text: string, e: Edit): { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string; after: string } {
  const doc = TextDocument.create('file:///edit', 'tlbscn', 1, text);
  const at = Math.floor(e.at * text.length);
  const range = { start: doc.positionAt(at), end: doc.positionAt(at + e.removed) };
  const after = TextDocument.applyEdits(doc, [{ range, newText: e.inserted }]);
  return { range, text: e.inserted, after };
}

export function showEdits(edits: Edit[]): string {
  return edits.map((e) => `  at ${e.at.toFixed(4)} remove ${e.removed} insert ${JSON.stringify(e.inserted)}`).join('\n');
}
