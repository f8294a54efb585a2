// Tests of the TextMate grammar (syntaxes/tlbscn.tmLanguage.json) and of the
// editor language configuration (language-configuration.json).
//
// 1. The unit tests in test/grammar/*.test.tlbscn (assertion comments in the
//    vscode-tmgrammar-test format) must pass.
// 2. The runner must really fail on a wrong assertion (guards against a test
//    run that silently checks nothing).
// 3. Every statement keyword of every sample-scenarios/*.tlbscn gets a
//    statement-keyword scope, and no token is scoped invalid.illegal.
// 4. The wordPattern keeps vcpu references, kernel variants and tlb-sets whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vsctm from 'vscode-textmate';
import * as oniguruma from 'vscode-oniguruma';

const root = path.resolve(__dirname, '..');
const grammarPath = path.join(root, 'syntaxes', 'tlbscn.tmLanguage.json');

/** Runs vscode-tmgrammar-test (its bin script, with this node) from the repository root. */
function runGrammarTest(pattern: string) {
  const pkgDir = path.join(root, 'node_modules', 'vscode-tmgrammar-test');
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin['vscode-tmgrammar-test'];
  return spawnSync(
    process.execPath,
    [path.join(pkgDir, bin), '-g', path.relative(root, grammarPath), pattern],
    { cwd: root, encoding: 'utf8', timeout: 120_000 },
  );
}

test('grammar unit tests (test/grammar/*.test.tlbscn) pass', () => {
  const r = runGrammarTest('test/grammar/*.test.tlbscn');
  assert.equal(r.error, undefined, String(r.error));
  assert.equal(r.status, 0, `vscode-tmgrammar-test failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /seed\.test\.tlbscn/);
});

test('grammar test runner fails on a wrong assertion', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tlbscn-grammar-'));
  try {
    const file = path.join(dir, 'wrong.test.tlbscn');
    writeFileSync(
      file,
      [
        '# SYNTAX TEST "source.tlbscn" "deliberately wrong"',
        'access X A',
        '# <------ constant.language.outcome.stale.tlbscn',
        '',
      ].join('\n'),
    );
    const r = runGrammarTest(file.split(path.sep).join('/'));
    assert.notEqual(r.status, 0, `a wrong assertion passed:\n${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout + r.stderr, /constant\.language\.outcome\.stale\.tlbscn/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const STATEMENT_KEYWORDS = new Set([
  'machine', 'kernel', 'guest', 'task',
  'run', 'stop', 'schedule', 'access', 'unmap', 'map', 'tlbiel', 'tlbie', 'expect', 'concurrently',
]);
const STATEMENT_SCOPE = /^(keyword\.control\.|keyword\.other\.declaration\.)/;

async function loadGrammar(): Promise<vsctm.IGrammar> {
  const wasm = readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) =>
      scopeName === 'source.tlbscn'
        ? vsctm.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath)
        : null,
  });
  const grammar = await registry.loadGrammar('source.tlbscn');
  assert.ok(grammar, 'grammar source.tlbscn did not load');
  return grammar;
}

/** Offsets of statement heads: line start, after a lane label `cpuN:`, after `;` or `{`. */
function statementHeads(line: string): { offset: number; word: string }[] {
  const code = line.replace(/#.*$/, '');
  const heads: { offset: number; word: string }[] = [];
  let start = 0;
  for (const segment of code.split(';')) {
    const m = /^(\s*(?:cpu\d+\s*:)?\s*[{}]?\s*)([A-Za-z_][A-Za-z0-9_-]*)/.exec(segment);
    if (m) heads.push({ offset: start + m[1].length, word: m[2] });
    start += segment.length + 1;
  }
  return heads;
}

test('sample scenarios: statement keywords are highlighted, nothing is invalid', async (t) => {
  const dir = path.join(root, 'sample-scenarios');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.tlbscn')).sort() : [];
  if (files.length === 0) {
    t.skip('no sample-scenarios/*.tlbscn yet');
    return;
  }
  const grammar = await loadGrammar();
  const problems: string[] = [];
  for (const f of files) {
    let state = vsctm.INITIAL;
    readFileSync(path.join(dir, f), 'utf8').split(/\r?\n/).forEach((line, i) => {
      const where = `sample-scenarios/${f}:${i + 1}`;
      const r = grammar.tokenizeLine(line, state);
      state = r.ruleStack;
      for (const tok of r.tokens) {
        const bad = tok.scopes.find((s) => s.startsWith('invalid.illegal'));
        if (bad) problems.push(`${where}:${tok.startIndex + 1}: ${JSON.stringify(line.slice(tok.startIndex, tok.endIndex))} is ${bad}`);
      }
      for (const h of statementHeads(line)) {
        if (!STATEMENT_KEYWORDS.has(h.word)) continue;
        const tok = r.tokens.find((x) => x.startIndex <= h.offset && h.offset < x.endIndex);
        if (!tok || !tok.scopes.some((s) => STATEMENT_SCOPE.test(s))) {
          problems.push(`${where}:${h.offset + 1}: keyword ${h.word} has scopes ${tok?.scopes.join(' ')}`);
        }
      }
    });
  }
  assert.deepEqual(problems, []);
});

test('language-configuration.json wordPattern keeps tlbscn words whole', () => {
  const config = JSON.parse(readFileSync(path.join(root, 'language-configuration.json'), 'utf8'));
  assert.equal(config.comments.lineComment, '#');
  const words = (s: string) => s.match(new RegExp(config.wordPattern, 'g'));
  assert.deepEqual(words('run web.vcpu0 on cpu4'), ['run', 'web.vcpu0', 'on', 'cpu4']);
  assert.deepEqual(words('kernel early-clear'), ['kernel', 'early-clear']);
  assert.deepEqual(words('kernel fixed-smt8'), ['kernel', 'fixed-smt8']);
  assert.deepEqual(words('kernel v4.10'), ['kernel', 'v4.10']);
  assert.deepEqual(words('machine cores 2 threads 8 tlb-sets 4'), ['machine', 'cores', '2', 'threads', '8', 'tlb-sets', '4']);
  assert.deepEqual(words('expect tlb core0 has X:D'), ['expect', 'tlb', 'core0', 'has', 'X', 'D']);
  assert.deepEqual(words('  cpu1: access X D ; expect stale'), ['cpu1', 'access', 'X', 'D', 'expect', 'stale']);
  const increase = new RegExp(config.indentationRules.increaseIndentPattern);
  const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
  assert.ok(increase.test('concurrently {'));
  assert.ok(increase.test('concurrently {   # lanes'));
  assert.ok(!increase.test('  cpu1: access X D'));
  assert.ok(decrease.test('  }'));
});
