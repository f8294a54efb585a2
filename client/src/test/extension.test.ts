// The extension tested through the real `vscode` API, in the extension host of
// a real VS Code (e2e/e2e.sh runs it in code-server). The workspace is a copy
// of sample-scenarios/; each test that needs a broken file writes its own.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ExploreResult, RunResult } from '../../../core/src/index';
import type { VariantRow } from '../../../core/src/index';
import type { TlbscnApi } from '../extension';

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function sample(name: string): Promise<vscode.Uri> {
  const [uri] = await vscode.workspace.findFiles(`**/${name}`, '**/node_modules/**', 1);
  assert.ok(uri, `${name} is not in the workspace`);
  return uri;
}

/** Writes a scenario into the workspace, opens it, and deletes it when the test ends. */
async function scratch(name: string, text: string, cleanups: (() => Thenable<void>)[]): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, name);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  cleanups.push(() => vscode.workspace.fs.delete(uri));
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  return doc;
}

/**
 * F5 on a scenario: opens it, starts a session as F5 without a launch.json does (the provider
 * fills the configuration in) and returns it at its first stop; stopped when the test ends.
 */
async function f5(uri: vscode.Uri, cleanups: (() => Thenable<void>)[]): Promise<{ session: vscode.DebugSession; stopped: DebugProtocol.StoppedEvent }> {
  await vscode.window.showTextDocument(uri);
  const seen: DebugProtocol.ProtocolMessage[] = [];
  const tracker = vscode.debug.registerDebugAdapterTrackerFactory('tlbscn', {
    createDebugAdapterTracker: () => ({ onDidSendMessage: (m: DebugProtocol.ProtocolMessage) => void seen.push(m) }),
  });
  cleanups.push(async () => tracker.dispose());
  assert.ok(await vscode.debug.startDebugging(undefined, { type: 'tlbscn', request: '', name: '' }), 'startDebugging');
  const session = vscode.debug.activeDebugSession!;
  cleanups.push(() => vscode.debug.stopDebugging(session));
  const stopped = await waitFor('stopped event', () => seen.find((m): m is DebugProtocol.StoppedEvent => m.type === 'event' && (m as DebugProtocol.Event).event === 'stopped'));
  return { session, stopped };
}

const SEED_HEAD = 'machine cores 2 threads 4\nkernel buggy\nguest vm radix vcpus 2\ntask X in vm pages p\n';

export function registerSuite(): void {
  suite('tlbscn extension (in the extension host)', () => {
    const cleanups: (() => Thenable<void>)[] = [];
    let api: TlbscnApi;

    suiteSetup(async () => {
      const ext = vscode.extensions.all.find((e) => e.packageJSON.name === 'tlbscn');
      assert.ok(ext, 'the tlbscn extension is loaded');
      api = (await ext.activate()) as TlbscnApi;
    });

    teardown(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      while (cleanups.length) await cleanups.pop()!();
    });

    test('a .tlbscn file gets the tlbscn language', async () => {
      const doc = await vscode.workspace.openTextDocument(await sample('seed-a29ebeaf.tlbscn'));
      assert.equal(doc.languageId, 'tlbscn');
    });

    test('the language server reports a typo as an error on its line', async () => {
      const doc = await scratch('typo.tlbscn', `${SEED_HEAD}run vm.vcpu0 on cpu0\nacess X p\n`, cleanups);
      const diags = await waitFor('diagnostics', () => {
        const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => x.severity === vscode.DiagnosticSeverity.Error);
        return d.length ? d : undefined;
      });
      assert.equal(diags[0].range.start.line, 5);
    });

    test('completion after `run ` offers the declared vcpus', async () => {
      const doc = await scratch('complete.tlbscn', `${SEED_HEAD}run `, cleanups);
      const end = doc.lineAt(doc.lineCount - 1).range.end;
      const labels = await waitFor('vcpu completions', async () => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, end);
        const l = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
        return l.includes('vm.vcpu0') ? l : undefined;
      });
      assert.ok(labels.includes('vm.vcpu1'), labels.join(' '));
    });

    test('Run prints the trace and returns the stale access', async () => {
      const run = await vscode.commands.executeCommand<RunResult>('tlbscn.run', await sample('seed-a29ebeaf.tlbscn'));
      assert.equal(run.kernel, 'buggy');
      assert.equal(run.stale, 1);
      assert.deepEqual(run.expectations.filter((e) => !e.passed), []);
    });

    test('Run under every kernel variant gives one row per variant', async () => {
      const rows = await vscode.commands.executeCommand<VariantRow[]>('tlbscn.runAllKernels', await sample('seed-a29ebeaf.tlbscn'));
      assert.deepEqual(rows.map((r) => r.kernel), ['buggy', 'early-clear', 'fixed', 'v5.2', 'fixed-smt8', 'v5.17']);
      assert.equal(rows[0].stale, 1);
      assert.equal(rows[0].staleLines[0], 36);
    });

    test('Explore interleavings finds the early-clear race', async () => {
      const result = await vscode.commands.executeCommand<ExploreResult>('tlbscn.explore', await sample('early-clear-race.tlbscn'));
      assert.ok(result.counterexample, 'a stale schedule');
      assert.ok(result.counterexample.run.stale > 0);
      assert.equal(result.counterexample.run.stall.steps, 1, 'S8 needs cpu2 held one micro-step');
      assert.match(result.counterexample.race?.summary ?? '', /^stale iff cpu1's access X D \(line 34\) runs before cpu2's flush of set 3/);
    });

    test('Explore stops at tlbscn.explore.maxStates: truncated, no verdict', async () => {
      const config = vscode.workspace.getConfiguration('tlbscn');
      await config.update('explore.maxStates', 3, vscode.ConfigurationTarget.Global);
      cleanups.push(() => config.update('explore.maxStates', undefined, vscode.ConfigurationTarget.Global));
      const result = await vscode.commands.executeCommand<ExploreResult>('tlbscn.explore', await sample('migrate-away.tlbscn'));
      assert.equal(result.truncated, true);
      assert.equal(result.stoppedBy, 'states');
      assert.equal(result.states, 3);
      assert.equal(result.counterexample, undefined);
    });

    test('a relative program in a launch configuration starts at its workspace folder', async () => {
      const seen: DebugProtocol.ProtocolMessage[] = [];
      const tracker = vscode.debug.registerDebugAdapterTrackerFactory('tlbscn', {
        createDebugAdapterTracker: () => ({ onDidSendMessage: (m: DebugProtocol.ProtocolMessage) => void seen.push(m) }),
      });
      cleanups.push(async () => tracker.dispose());
      const folder = vscode.workspace.workspaceFolders![0];
      assert.ok(await vscode.debug.startDebugging(folder, { type: 'tlbscn', request: 'launch', name: 'relative', program: 'seed-a29ebeaf.tlbscn' }), 'startDebugging');
      const session = vscode.debug.activeDebugSession!;
      cleanups.push(() => vscode.debug.stopDebugging(session));
      assert.equal(session.configuration.cwd, folder.uri.fsPath);
      const stopped = await waitFor('stopped event', () =>
        seen.find((m): m is DebugProtocol.StoppedEvent => m.type === 'event' && (m as DebugProtocol.Event).event === 'stopped'),
      );
      assert.equal(stopped.body.reason, 'exception', 'the seed under buggy stops at its stale access');
    });

    test('F5 on the seed stops at the stale access, with need_tlb_flush and the TLBs in Variables', async () => {
      // Without a launch.json, F5 sends a configuration with no request: the provider fills it in.
      const { session, stopped } = await f5(await sample('seed-a29ebeaf.tlbscn'), cleanups);
      assert.equal(stopped.body.reason, 'exception');
      const { stackFrames } = await session.customRequest('stackTrace', { threadId: stopped.body.threadId ?? 1 });
      assert.equal(stackFrames[0].line, 36, 'stopped on the key access');
      const { scopes } = await session.customRequest('scopes', { frameId: stackFrames[0].id });
      const names: string[] = [];
      const walk = async (ref: number, depth: number): Promise<void> => {
        const { variables } = await session.customRequest('variables', { variablesReference: ref });
        for (const v of variables as DebugProtocol.Variable[]) {
          names.push(`${v.name} = ${v.value}`);
          if (v.variablesReference && depth < 2) await walk(v.variablesReference, depth + 1);
        }
      };
      for (const s of scopes as DebugProtocol.Scope[]) {
        names.push(s.name);
        await walk(s.variablesReference, 0);
      }
      const all = names.join('\n');
      assert.match(all, /need_tlb_flush/);
      assert.match(all, /core0/i);
      assert.match(all, /^lpid = 1$/m);
      // The Variables pane's context menu command: the adapter formats numbers in hex from now on.
      await vscode.commands.executeCommand('tlbscn.toggleFormatting');
      names.length = 0;
      for (const s of scopes as DebugProtocol.Scope[]) await walk(s.variablesReference, 0);
      assert.match(names.join('\n'), /^lpid = 0x1$/m);
    });

    test('in the early-clear race, stepping on cpu1\'s thread moves cpu1; Save Schedule writes what the debugger replays', async () => {
      const uri = await sample('early-clear-race.tlbscn');
      const seen: DebugProtocol.ProtocolMessage[] = [];
      const tracker = vscode.debug.registerDebugAdapterTrackerFactory('tlbscn', {
        createDebugAdapterTracker: () => ({ onDidSendMessage: (m: DebugProtocol.ProtocolMessage) => void seen.push(m) }),
      });
      cleanups.push(async () => tracker.dispose());
      const stops = () => seen.filter((m): m is DebugProtocol.StoppedEvent => m.type === 'event' && (m as DebugProtocol.Event).event === 'stopped');
      const breakpoint = new vscode.SourceBreakpoint(new vscode.Location(uri, new vscode.Position(32, 0)));
      vscode.debug.addBreakpoints([breakpoint]);
      cleanups.push(async () => vscode.debug.removeBreakpoints([breakpoint]));
      assert.ok(await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(uri), { type: 'tlbscn', request: 'launch', name: 'race', program: uri.fsPath }), 'startDebugging');
      const session = vscode.debug.activeDebugSession!;
      cleanups.push(() => vscode.debug.stopDebugging(session));
      const first = await waitFor('the stop at the block', () => stops()[0]);
      assert.equal(first.body.threadId, 4, 'cpu2 moves first in the default schedule');
      vscode.debug.removeBreakpoints([breakpoint]);
      // step over on cpu1's thread (thread 3): cpu1 runs its entry while cpu2 waits, and reads no stale entry
      await session.customRequest('next', { threadId: 3 });
      const after = await waitFor('the stop after the step', () => stops()[1]);
      assert.equal(after.body.threadId, 3);
      const target = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'race-cpu1-first.schedule.json');
      cleanups.push(() => vscode.workspace.fs.delete(target));
      assert.equal((await vscode.commands.executeCommand<vscode.Uri>('tlbscn.saveSchedule', target))?.fsPath, target.fsPath);
      const saved = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(target)));
      assert.equal(saved.kernel, 'early-clear');
      assert.equal(saved.stale, 0);
      assert.equal(saved.schedule[0], 1);
      assert.equal(saved.file, 'early-clear-race.tlbscn');
    });

    test('a debug session opens the core map beside the editor, which keeps the focus; Show Core Map reveals that one; run lines get inline values', async () => {
      const uri = await sample('seed-a29ebeaf.tlbscn');
      assert.equal(coreMapTabs().length, 0, 'no core map before the session');
      const { session, stopped } = await f5(uri, cleanups);
      const [tab] = await waitFor('the core map tab', () => (coreMapTabs().length ? coreMapTabs() : undefined));
      assert.notEqual(tab.group.viewColumn, vscode.window.activeTextEditor?.viewColumn, 'beside the editor');
      assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, uri.fsPath, 'the editor keeps the focus');
      await vscode.commands.executeCommand('tlbscn.showCoreMap');
      assert.equal(coreMapTabs().length, 1, 'Show Core Map reveals the open panel, not a second one');
      // the provider's expressions, one per run line; VS Code evaluates them in the session
      const { stackFrames } = await session.customRequest('stackTrace', { threadId: stopped.body.threadId ?? 1 });
      const values = await vscode.commands.executeCommand<vscode.InlineValue[]>('vscode.executeInlineValueProvider', uri, new vscode.Range(0, 0, 40, 0), {
        frameId: stackFrames[0].id,
        stoppedLocation: new vscode.Range(35, 0, 35, 10),
      });
      const expressions = values.map((v) => [v.range.start.line + 1, (v as vscode.InlineValueEvaluatableExpression).expression]);
      assert.deepEqual(expressions, [
        [16, 'need_tlb_flush(vm, cpu0.entry_bit)'],
        [18, 'need_tlb_flush(vm, cpu1.entry_bit)'],
        [24, 'need_tlb_flush(vm, cpu4.entry_bit)'],
      ]);
      const { result } = await session.customRequest('evaluate', { expression: expressions[1][1], context: 'watch', frameId: stackFrames[0].id });
      assert.match(result, /^(true|false)$/);
    });

    test('with tlbscn.coreMap.openOnDebug off, a debug session opens no core map', async () => {
      const config = vscode.workspace.getConfiguration('tlbscn');
      await config.update('coreMap.openOnDebug', false, vscode.ConfigurationTarget.Global);
      cleanups.push(() => config.update('coreMap.openOnDebug', undefined, vscode.ConfigurationTarget.Global));
      await f5(await sample('seed-a29ebeaf.tlbscn'), cleanups);
      // the panel would open at the session's start, before its first stop
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(coreMapTabs().length, 0);
    });

    test('F5 refuses a scenario with errors', async () => {
      await scratch('broken.tlbscn', `${SEED_HEAD}run vm.vcpu9 on cpu0\n`, cleanups);
      assert.equal(await vscode.debug.startDebugging(undefined, { type: 'tlbscn', request: '', name: '' }), false);
    });

    test('the Testing view lists the samples, one test per kernel variant they name', async () => {
      await api.tests.discover();
      const files = itemsOf(api.tests.controller.items);
      const seed = files.find((i) => i.label.endsWith('seed-a29ebeaf.tlbscn'));
      assert.ok(seed, files.map((f) => f.label).join(' '));
      // the seed's `# outcomes:` line names every variant (test/client/scenarioTests.test.ts plans the same six)
      assert.deepEqual(
        itemsOf(seed.children).map((c) => c.label),
        ['under buggy', 'under early-clear', 'under fixed', 'under v5.2', 'under fixed-smt8', 'under v5.17'],
      );
      // a race sample without expect lines is an explore test under its own variant
      const lost = files.find((i) => i.label.endsWith('lost-update.tlbscn'));
      assert.deepEqual(lost && itemsOf(lost.children).map((c) => c.label), ['explore under fixed']);
    });
  });
}

/** The core map panel's tabs (client/src/coreMap.ts: view type tlbscn.coreMap). */
function coreMapTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('tlbscn.coreMap'));
}

function itemsOf(items: vscode.TestItemCollection): vscode.TestItem[] {
  const all: vscode.TestItem[] = [];
  items.forEach((i) => void all.push(i));
  return all;
}
