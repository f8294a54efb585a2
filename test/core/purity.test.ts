// The pure core may not import an editor library or Node: its tsconfig
// turns such an import into a compile error. Prove the guard bites.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');

for (const [name, line] of [
  ['vscode', "import * as vscode from 'vscode';\nexport const x = vscode;"],
  ['vscode-languageserver', "import { TextDocuments } from 'vscode-languageserver';\nexport const x = TextDocuments;"],
  ['node fs', "import * as fs from 'fs';\nexport const x = fs;"],
] as const) {
  test(`core/tsconfig.json rejects an import of ${name}`, () => {
    const probe = path.join(root, 'core', 'src', `__purity_probe_${name.replace(/\W/g, '_')}.ts`);
    fs.writeFileSync(probe, line + '\n');
    try {
      const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'core', 'tsconfig.json')], { encoding: 'utf8' });
      assert.notEqual(r.status, 0, 'the compile must fail');
      assert.match(r.stdout, /__purity_probe_.*Cannot find module|must not import vscode or editor libraries/);
    } finally {
      fs.rmSync(probe);
    }
  });
}
