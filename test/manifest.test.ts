// What the VS Code manifest (package.json `contributes` & co.) promises that
// only a running VS Code would otherwise reveal: every file it names exists
// after the build and goes into the .vsix, every required launch attribute is
// filled, the grammar's scope is the language's, every command it shows is
// registered by the client, the settings match the language server's, and
// Restricted Mode is declared as the client applies it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const contributes = pkg.contributes;

/** Every file the manifest names (relative to the package root). */
function namedFiles(): string[] {
  const files = [pkg.main, pkg.icon];
  for (const l of contributes.languages) {
    files.push(l.configuration);
    if (l.icon) files.push(l.icon.light, l.icon.dark);
  }
  for (const g of contributes.grammars) files.push(g.path);
  for (const d of contributes.debuggers) files.push(d.program);
  return [...new Set(files.filter((f): f is string => typeof f === 'string').map((f) => path.posix.normalize(f)))];
}

/** The client's sources, where commands are registered. */
function clientSources(): string {
  const dir = path.join(root, 'client', 'src');
  const all: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = path.join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.ts')) all.push(readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return all.join('\n');
}

test('every file the manifest names exists after the build', () => {
  const missing = namedFiles().filter((f) => !existsSync(path.join(root, f)));
  assert.deepEqual(missing, [], 'run `npm run build` first; these are named but missing');
});

test('every file the manifest names goes into the .vsix, and no source, test or map does', async () => {
  // vsce's own file list (what `vsce ls` prints), from .vscodeignore.
  const { listFiles } = require('@vscode/vsce/out/package.js');
  const packaged: string[] = await listFiles({ cwd: root, dependencies: false });
  // and the explorer's worker and a parallel search's thread, which the extension starts from beside itself
  const notPackaged = [...namedFiles(), 'dist/exploreWorker.js', 'dist/searchWorker.js'].filter((f) => !packaged.includes(f));
  assert.deepEqual(notPackaged, []);
  const unwanted = packaged.filter((f) => /\.(ts|map|tlbscn)$|^(client|core|server|adapter|cli|test|e2e|node_modules|dist\/test)\//.test(f));
  assert.deepEqual(unwanted, []);
});

test('the language, its grammar and its configuration agree', () => {
  const [language] = contributes.languages;
  assert.equal(language.id, 'tlbscn');
  assert.deepEqual(language.extensions, ['.tlbscn']);
  const [grammar] = contributes.grammars;
  assert.equal(grammar.language, language.id);
  assert.equal(grammar.scopeName, `source.${language.id}`);
  const tm = JSON.parse(readFileSync(path.join(root, grammar.path), 'utf8'));
  assert.equal(tm.scopeName, grammar.scopeName, 'the grammar file declares the scope the manifest names');
  const config = JSON.parse(readFileSync(path.join(root, language.configuration), 'utf8'));
  assert.deepEqual(config.brackets, [['{', '}']]);
  assert.ok(contributes.breakpoints.some((b: { language: string }) => b.language === language.id));
});

test('every required launch attribute has a default, and every shipped configuration sets it', () => {
  const [debug] = contributes.debuggers;
  assert.equal(debug.type, 'tlbscn');
  const launch = debug.configurationAttributes.launch;
  assert.ok(launch.required.length > 0);
  for (const attr of launch.required) {
    assert.ok(launch.properties[attr], `${attr} is described`);
    assert.notEqual(launch.properties[attr].default, undefined, `${attr} has a default`);
  }
  // F5 with no launch.json sends an empty configuration; client/src/debugConfig.ts fills `program`.
  assert.match(clientSources(), /config\.program = active\.fsPath/);
  const shipped = [...debug.initialConfigurations, ...debug.configurationSnippets.map((s: { body: object }) => s.body)];
  for (const c of shipped) for (const attr of launch.required) assert.ok(attr in c, `${JSON.stringify(c)} sets ${attr}`);
  for (const attr of ['program', 'kernel', 'stopOnEntry', 'trace']) {
    assert.notEqual(launch.properties[attr]?.default, undefined, `${attr} has a default`);
  }
  // the variant table's rows, in its order (core/src/machine/variants.ts)
  assert.deepEqual(launch.properties.kernel.enum, ['buggy', 'early-clear', 'fixed', 'v5.2', 'fixed-smt8', 'v5.17']);
  assert.deepEqual(contributes.configuration.properties['tlbscn.kernel'].enum, launch.properties.kernel.enum);
  assert.equal(launch.properties.kernel.enumDescriptions.length, launch.properties.kernel.enum.length);
});

test('every contributed command is registered by the client, and every menu names a contributed command', () => {
  const sources = clientSources();
  const ids = contributes.commands.map((c: { command: string }) => c.command);
  for (const id of ids) assert.match(sources, new RegExp(`'${id.replace('.', '\\.')}'`), `${id} is registered in client/src`);
  for (const [menu, items] of Object.entries(contributes.menus) as [string, { command: string }[]][]) {
    for (const item of items) assert.ok(ids.includes(item.command), `${menu} names ${item.command}`);
  }
  assert.ok(contributes.menus['debug/variables/context'].some((m: { command: string }) => m.command === 'tlbscn.toggleFormatting'));
});

test('the walkthrough: each step\'s page is packaged, and each command it links is contributed or one of the workbench\'s', async () => {
  const { listFiles } = require('@vscode/vsce/out/package.js');
  const packaged: string[] = await listFiles({ cwd: root, dependencies: false });
  const ids = contributes.commands.map((c: { command: string }) => c.command);
  const workbench = ['workbench.action.debug.start', 'workbench.action.debug.stepBack'];
  const [walkthrough] = contributes.walkthroughs;
  assert.deepEqual(
    walkthrough.steps.map((s: { id: string }) => s.id),
    ['openSeed', 'staleStop', 'coreMap', 'stepBack', 'earlyClear'],
  );
  for (const step of walkthrough.steps as { id: string; description: string; media: { markdown: string }; completionEvents: string[] }[]) {
    assert.ok(packaged.includes(step.media.markdown), `${step.id}: ${step.media.markdown} goes into the .vsix`);
    const links = [...step.description.matchAll(/\(command:([\w.]+)(?:\?([^)]*))?\)/g)];
    assert.ok(links.length > 0, `${step.id} links a command`);
    for (const [, id, args] of links) {
      assert.ok(ids.includes(id) || workbench.includes(id), `${step.id} links ${id}`);
      // the sample it opens is one the command knows (client/src/walkthrough.ts)
      if (args) assert.match(readFileSync(path.join(root, 'client', 'src', 'walkthrough.ts'), 'utf8'), new RegExp(`'${JSON.parse(decodeURIComponent(args))[0].replace('.', '\\.')}'`));
    }
    for (const e of step.completionEvents.filter((x) => x.startsWith('onCommand:tlbscn.'))) assert.ok(ids.includes(e.slice('onCommand:'.length)), `${step.id} completes on ${e}`);
  }
});

test('settings: the nine the language server and client read, with their defaults', async () => {
  const props = contributes.configuration.properties;
  assert.deepEqual(Object.keys(props).sort(), [
    'tlbscn.coreMap.openOnDebug',
    'tlbscn.diagnostics.run',
    'tlbscn.explore.maxMemory',
    'tlbscn.explore.maxSeconds',
    'tlbscn.explore.maxStall',
    'tlbscn.explore.maxStates',
    'tlbscn.explore.threads',
    'tlbscn.kernel',
    'tlbscn.trace.server',
  ]);
  for (const read of ['explore.maxStall', 'explore.maxStates', 'explore.maxSeconds', 'explore.maxMemory', 'explore.threads']) assert.match(clientSources(), new RegExp(`'${read.replace('.', '\\.')}'`), `the client reads ${read}`);
  // the core map opens with a debug session unless the setting says no: the client's fallback is the manifest's default
  assert.equal(props['tlbscn.coreMap.openOnDebug'].default, true);
  assert.match(clientSources(), /OPEN_ON_DEBUG = 'coreMap\.openOnDebug'/);
  assert.match(clientSources(), /get<boolean>\(OPEN_ON_DEBUG, true\)/);
  assert.deepEqual(props['tlbscn.trace.server'].enum, ['off', 'messages', 'verbose']);
  const protocol = path.join(root, 'server', 'src', 'protocol.ts');
  if (existsSync(protocol)) {
    const { DEFAULT_SETTINGS } = await import(protocol);
    assert.equal(props['tlbscn.kernel'].default, DEFAULT_SETTINGS.kernel);
    assert.equal(props['tlbscn.diagnostics.run'].default, DEFAULT_SETTINGS.diagnostics.run);
  }
  // one thread unless set: the client's fallback is the manifest's default
  assert.equal(props['tlbscn.explore.threads'].default, 1);
  const { DEFAULT_EXPLORE } = await import(path.join(root, 'client', 'src', 'bounds.ts'));
  assert.equal(props['tlbscn.explore.maxStates'].default, DEFAULT_EXPLORE.maxStates);
  assert.equal(props['tlbscn.explore.maxMemory'].default, DEFAULT_EXPLORE.maxMemory);
  assert.equal(props['tlbscn.explore.maxStates'].type, 'integer');
  assert.equal(props['tlbscn.explore.maxSeconds'].default, DEFAULT_EXPLORE.maxSeconds);
});

test('Restricted Mode: limited support, described with the limits the client applies', async () => {
  const untrusted = pkg.capabilities.untrustedWorkspaces;
  assert.equal(untrusted.supported, 'limited');
  const { RESTRICTED_EXPLORE } = await import(path.join(root, 'client', 'src', 'bounds.ts'));
  const states = RESTRICTED_EXPLORE.maxStates.toLocaleString('en-US');
  assert.match(untrusted.description, new RegExp(`${states} states or ${RESTRICTED_EXPLORE.maxSeconds} s`));
  assert.match(untrusted.description, /not run, as you type/);
  // a workspace's own .vscode/settings.json must not raise what Restricted Mode bounds
  assert.deepEqual([...untrusted.restrictedConfigurations].sort(), ['tlbscn.diagnostics.run', 'tlbscn.explore.maxSeconds', 'tlbscn.explore.maxStates']);
  const props = contributes.configuration.properties;
  for (const key of untrusted.restrictedConfigurations) assert.match(props[key].markdownDescription, /Restricted Mode/, `${key} says what Restricted Mode does to it`);
  assert.match(props['tlbscn.explore.maxStates'].markdownDescription, new RegExp(`At most ${states} in Restricted Mode`));
  assert.match(props['tlbscn.explore.maxSeconds'].markdownDescription, new RegExp(`At most ${RESTRICTED_EXPLORE.maxSeconds} in Restricted Mode`));
  // the client turns run-as-you-type off and says so, and turns it back on when trust is granted
  const sources = clientSources();
  assert.match(sources, /createLanguageStatusItem\(/);
  assert.match(sources, /onDidGrantWorkspaceTrust/);
});

test('the launch attribute cwd is described and filled by the client with the workspace folder', () => {
  const launch = contributes.debuggers[0].configurationAttributes.launch;
  assert.equal(launch.properties.cwd.type, 'string');
  assert.match(clientSources(), /config\.cwd = base/);
});

test('engines.vscode accepts VS Code 1.100 and is no older than the API the client is typed against', () => {
  const range: string = pkg.engines.vscode;
  const m = /^\^(\d+)\.(\d+)\.\d+$/.exec(range);
  assert.ok(m, `engines.vscode ${range} is a caret range`);
  assert.equal(m[1], '1');
  assert.ok(Number(m[2]) <= 100, 'accepts 1.100 (code-server 4.100.3 in e2e)');
  const types = JSON.parse(readFileSync(path.join(root, 'node_modules', '@types', 'vscode', 'package.json'), 'utf8')).version;
  assert.ok(Number(m[2]) >= Number(types.split('.')[1]), `@types/vscode ${types} is not newer than engines.vscode ${range}`);
  const client = JSON.parse(readFileSync(path.join(root, 'node_modules', 'vscode-languageclient', 'package.json'), 'utf8'));
  assert.equal(client.version.split('.')[0], '9');
  assert.ok(Number(m[2]) >= Number(/\^1\.(\d+)/.exec(client.engines.vscode)![1]), `vscode-languageclient needs ${client.engines.vscode}`);
});

test('activation covers the language, the debugger and the Testing view', () => {
  // onLanguage:tlbscn and onCommand:* are implied by contributes since VS Code 1.74.
  for (const e of ['onDebugResolve:tlbscn', 'onDebugDynamicConfigurations:tlbscn', 'workspaceContains:**/*.tlbscn']) {
    assert.ok(pkg.activationEvents.includes(e), e);
  }
});
