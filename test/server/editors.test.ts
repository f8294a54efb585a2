// Headless Neovim as a real LSP client: runs the Lua snippet that
// docs/editors.md gives, against `tlbscn lsp --stdio`, and checks that the
// buffer gets the server's diagnostic. Skipped where nvim is not installed.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, ensureBuilt } from './lspClient';

function hasNvim(): boolean {
  try {
    execFileSync('nvim', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** What the test does once the snippet has attached the client: wait for diagnostics, print them. */
const CHECK = `
local ok = vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 10)
local out = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(out, string.format('%d:%d %s', d.lnum, d.col, d.message))
end
io.stdout:write((ok and 'OK\\n' or 'TIMEOUT\\n') .. table.concat(out, '\\n') .. '\\n')
vim.cmd('qa!')
`;

test('Neovim (docs/editors.md snippet) gets diagnostics from `tlbscn lsp --stdio`', (t) => {
  if (!hasNvim()) {
    t.skip('nvim is not installed (apt-get install -y neovim)');
    return;
  }
  ensureBuilt();
  const snippet = /```lua\n([\s\S]*?)```/.exec(readFileSync(path.join(ROOT, 'docs', 'editors.md'), 'utf8'))?.[1];
  assert.ok(snippet, 'docs/editors.md has a lua snippet');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tlbscn-nvim-'));
  try {
    // `tlbscn` on PATH, as an installed package would put it
    const bin = path.join(dir, 'tlbscn');
    writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, 'bin', 'tlbscn.js')}" "$@"\n`);
    chmodSync(bin, 0o755);
    writeFileSync(path.join(dir, 'init.lua'), snippet);
    writeFileSync(path.join(dir, 'check.lua'), CHECK);
    const file = path.join(dir, 'bad.tlbscn');
    writeFileSync(file, 'machine cores 1 threads 1\nacess X p\n');
    const r = spawnSync('nvim', ['--headless', '-u', path.join(dir, 'init.lua'), '-i', 'NONE', '-c', `luafile ${path.join(dir, 'check.lua')}`, file], {
      cwd: dir,
      env: { ...process.env, PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}` },
      encoding: 'utf8',
      timeout: 60000,
    });
    assert.match(r.stdout, /^OK\n/, `nvim said: ${r.stdout} ${r.stderr}`);
    assert.match(r.stdout, /1:0 unknown keyword 'acess'; did you mean 'access'\?/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
