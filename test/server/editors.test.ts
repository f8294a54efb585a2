// Other editors as real clients, headless: Neovim's built-in LSP client, and
// Emacs with eglot, lsp-mode and dap-mode, each configured by the snippet
// that docs/editors.md gives, against `tlbscn lsp --stdio` and `tlbscn dap`.
// Each is skipped where its editor or package is not installed (CI installs
// them: apt-get install -y neovim emacs-nox elpa-eglot elpa-lsp-mode elpa-dap-mode).

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, ensureBuilt } from './lspClient';

function has(command: string): boolean {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Debian installs Emacs packages under site-lisp/elpa/NAME-VERSION. */
function hasElpa(name: string): boolean {
  try {
    return readdirSync('/usr/share/emacs/site-lisp/elpa').some((d) => d.startsWith(`${name}-`));
  } catch {
    return false;
  }
}

const EDITORS_MD = () => readFileSync(path.join(ROOT, 'docs', 'editors.md'), 'utf8');

/** A scratch folder with `tlbscn` on its PATH, as an installed package would put it. */
function withTlbscnOnPath<T>(prefix: string, f: (dir: string, env: NodeJS.ProcessEnv) => T): T {
  ensureBuilt();
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    const bin = path.join(dir, 'tlbscn');
    writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, 'bin', 'tlbscn.js')}" "$@"\n`);
    chmodSync(bin, 0o755);
    return f(dir, { ...process.env, PATH: `${dir}${path.delimiter}${process.env.PATH ?? ''}`, HOME: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
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
  if (!has('nvim')) {
    t.skip('nvim is not installed (apt-get install -y neovim)');
    return;
  }
  const snippet = /```lua\n([\s\S]*?)```/.exec(EDITORS_MD())?.[1];
  assert.ok(snippet, 'docs/editors.md has a lua snippet');
  withTlbscnOnPath('tlbscn-nvim-', (dir, env) => {
    writeFileSync(path.join(dir, 'init.lua'), snippet);
    writeFileSync(path.join(dir, 'check.lua'), CHECK);
    const file = path.join(dir, 'bad.tlbscn');
    writeFileSync(file, 'machine cores 1 threads 1\nacess X p\n');
    const r = spawnSync('nvim', ['--headless', '-u', path.join(dir, 'init.lua'), '-i', 'NONE', '-c', `luafile ${path.join(dir, 'check.lua')}`, file], {
      cwd: dir,
      env,
      encoding: 'utf8',
      timeout: 60000,
    });
    assert.match(r.stdout, /^OK\n/, `nvim said: ${r.stdout} ${r.stderr}`);
    assert.match(r.stdout, /1:0 unknown keyword 'acess'; did you mean 'access'\?/);
  });
});

/** The elisp blocks of docs/editors.md: the major mode, then eglot, lsp-mode and dap-mode. */
function elispSnippets(): { mode: string; eglot: string; lspMode: string; dapMode: string } {
  const blocks = [...EDITORS_MD().matchAll(/```elisp\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.equal(blocks.length, 4, 'docs/editors.md has four elisp blocks');
  const [mode, eglot, lspMode, dapMode] = blocks;
  return { mode, eglot, lspMode, dapMode };
}

/** Waiting in batch Emacs: timers and process output only run while it waits for input. */
const ELISP_WAIT = `
(defun tlbscn-test-wait (pred limit)
  (let ((t0 (float-time)) ok)
    (while (and (not (setq ok (funcall pred))) (< (- (float-time) t0) limit))
      (accept-process-output nil 0.01))
    ok))
`;

/** Runs batch Emacs on `init` (the snippets) then `check`, visiting `file`; returns what it printed. */
function runEmacs(dir: string, env: NodeJS.ProcessEnv, init: string, check: string, file: string): string {
  // as an interactive start would: activate the installed packages' autoloads (batch Emacs skips it)
  writeFileSync(path.join(dir, 'init.el'), `(package-activate-all)\n${init}`);
  writeFileSync(path.join(dir, 'check.el'), ELISP_WAIT + check);
  // no -Q: Debian's elpa packages are activated from site-start
  const r = spawnSync('emacs', ['--batch', '-l', path.join(dir, 'init.el'), '--visit', file, '-l', path.join(dir, 'check.el')], {
    cwd: dir,
    env,
    encoding: 'utf8',
    timeout: 90000,
  });
  return `${r.stdout}\n${r.stderr}`;
}

const BAD = 'machine cores 1 threads 1\nacess X p\n';

test('Emacs eglot (docs/editors.md snippets) gets diagnostics from `tlbscn lsp --stdio`', (t) => {
  if (!has('emacs') || !hasElpa('eglot')) {
    t.skip('emacs or eglot is not installed (apt-get install -y emacs-nox elpa-eglot)');
    return;
  }
  const { mode, eglot } = elispSnippets();
  withTlbscnOnPath('tlbscn-eglot-', (dir, env) => {
    const file = path.join(dir, 'bad.tlbscn');
    writeFileSync(file, BAD);
    const out = runEmacs(dir, env, `${mode}\n${eglot}`, `
(require 'eglot)
(require 'flymake)
(with-current-buffer (get-file-buffer ${JSON.stringify(file)})
  ;; the mode hook's eglot-ensure connects from the command loop's post-command-hook, which batch Emacs never runs
  (run-hooks 'post-command-hook)
  (princ (format "mode %s connected %s\n" major-mode (and (tlbscn-test-wait #'eglot-current-server 30) t)))
  ;; and flymake starts checking once a window shows the buffer, which never happens in batch
  (flymake-start)
  (tlbscn-test-wait #'flymake-diagnostics 30)
  (dolist (d (flymake-diagnostics))
    (princ (format "DIAG %d: %s\n" (line-number-at-pos (flymake-diagnostic-beg d)) (flymake-diagnostic-text d))))
  (when (eglot-current-server) (eglot-shutdown (eglot-current-server))))
`, file);
    assert.match(out, /mode tlbscn-mode connected t/, out);
    assert.match(out, /DIAG 2: .*unknown keyword 'acess'; did you mean 'access'\?/, out);
  });
});

test('Emacs lsp-mode (docs/editors.md snippets) gets diagnostics from `tlbscn lsp --stdio`', (t) => {
  if (!has('emacs') || !hasElpa('lsp-mode')) {
    t.skip('emacs or lsp-mode is not installed (apt-get install -y emacs-nox elpa-lsp-mode)');
    return;
  }
  const { mode, lspMode } = elispSnippets();
  withTlbscnOnPath('tlbscn-lspmode-', (dir, env) => {
    const file = path.join(dir, 'bad.tlbscn');
    writeFileSync(file, BAD);
    // settings a batch session needs (no session file in $HOME, no prompts for a project root)
    const quiet = `(setq lsp-session-file (expand-file-name "lsp-session" ${JSON.stringify(dir)}) lsp-auto-guess-root t
      lsp-enable-file-watchers nil lsp-restart 'ignore lsp-modeline-diagnostics-enable nil lsp-headerline-breadcrumb-enable nil)\n`;
    const out = runEmacs(dir, env, `${quiet}${mode}\n${lspMode}`, `
(require 'lsp-mode)
(with-current-buffer (get-file-buffer ${JSON.stringify(file)})
  ;; lsp-deferred starts from an idle timer once the buffer is shown; batch Emacs has neither
  (lsp)
  (tlbscn-test-wait (lambda () (gethash (lsp--fix-path-casing (buffer-file-name)) (lsp-diagnostics t))) 30)
  (princ (format "mode %s workspaces %d\n" major-mode (length (lsp-workspaces))))
  (dolist (d (gethash (lsp--fix-path-casing (buffer-file-name)) (lsp-diagnostics t)))
    (let ((start (gethash "start" (gethash "range" d))))
      (princ (format "DIAG %d:%d %s\n" (gethash "line" start) (gethash "character" start) (gethash "message" d)))))
  (lsp-workspace-shutdown (car (lsp-workspaces))))
`, file);
    assert.match(out, /mode tlbscn-mode workspaces 1/, out);
    assert.match(out, /DIAG 1:0 unknown keyword 'acess'; did you mean 'access'\?/, out);
  });
});

test('Emacs dap-mode (docs/editors.md snippets) steps a scenario with `tlbscn dap`', (t) => {
  if (!has('emacs') || !hasElpa('dap-mode')) {
    t.skip('emacs or dap-mode is not installed (apt-get install -y emacs-nox elpa-dap-mode)');
    return;
  }
  const { mode, dapMode } = elispSnippets();
  withTlbscnOnPath('tlbscn-dapmode-', (dir, env) => {
    const file = path.join(dir, 'seed.tlbscn');
    writeFileSync(file, readFileSync(path.join(ROOT, 'sample-scenarios', 'seed-a29ebeaf.tlbscn'), 'utf8'));
    const out = runEmacs(dir, env, `(setq dap-auto-configure-features nil)\n${mode}\n${dapMode}`, `
(require 'dap-mode)
(defvar tlbscn-stops 0)
(add-hook 'dap-stopped-hook (lambda (_session) (setq tlbscn-stops (1+ tlbscn-stops))))
(defun tlbscn-frame ()
  (let ((f (dap--debug-session-active-frame (dap--cur-session))))
    (and f (format "%s @ line %s" (gethash "name" f) (gethash "line" f)))))
(with-current-buffer (get-file-buffer ${JSON.stringify(file)})
  (dap-debug (cdr (assoc "tlbscn: this scenario" dap-debug-template-configurations)))
  (princ (format "STOP %s %s\n" (tlbscn-test-wait (lambda () (> tlbscn-stops 0)) 30) (tlbscn-test-wait #'tlbscn-frame 10)))
  (dotimes (i 3)
    (let ((want (1+ tlbscn-stops)))
      (dap-next (dap--cur-session))
      (tlbscn-test-wait (lambda () (>= tlbscn-stops want)) 10)
      (accept-process-output nil 0.2)
      (princ (format "NEXT %s\n" (tlbscn-frame)))))
  (dap-disconnect (dap--cur-session)))
`, file);
    // stopOnEntry: on the first event; each `next` goes on by one scenario event
    const frames = [...out.matchAll(/(?:STOP t|NEXT) (.*) @ line (\d+)/g)].map((m) => Number(m[2]));
    assert.ok(frames.length >= 4, out);
    assert.ok(frames.every((l, i) => i === 0 || l > frames[i - 1]), `lines go forward: ${frames.join(', ')}\n${out}`);
  });
});
