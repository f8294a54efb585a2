// Language server figures, measured from the client side over stdio against
// the bundled server: didChange → publishDiagnostics on a 10k-line scenario
// (run-derived diagnostics included), completion latency on that file, and
// the server's memory after opening a 100k-line file.

import { readFileSync } from 'node:fs';
import type { CompletionItem } from 'vscode-languageserver-protocol';
import { LspClient } from '../test/server/lspClient';
import { generateScenario } from './generate';
import { type Report, median, rssMiB } from './report';

const EDITS = 30;
const COMPLETIONS = 200;

/** CPU time (user + system) a process has used, in ms, from /proc (Linux); undefined elsewhere. */
function cpuMs(pid: number): number | undefined {
  try {
    // fields 14 and 15 after the command name, in clock ticks (100 per second on Linux)
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

export async function benchServer(report: Report): Promise<void> {
  const client = await LspClient.start();
  try {
    const uri = 'file:///bench/10k.tlbscn';
    const text = generateScenario(10_000);
    const lastLine = text.split('\n').length - 1; // the empty line after the final newline
    const diagnostics = await client.open(uri, `${text}access T0 `);
    if (diagnostics.some((d) => d.severity === 1 && d.code !== 'wrong-arguments')) throw new Error('the generated scenario has errors');

    // each edit changes the page of the last `access` line: a full re-check and re-run
    const times: number[] = [];
    const cpuBefore = cpuMs(client.process.pid!);
    for (let i = 0; i < EDITS; i++) {
      const start = performance.now();
      await client.edit(uri, [{ range: { start: { line: lastLine, character: 10 }, end: { line: lastLine, character: 11 } }, text: 'ABCD'[i % 4] }]);
      times.push(performance.now() - start);
    }
    report('lsp: didChange → publishDiagnostics, 10k lines, edit on the last line (median)', median(times), 'ms', '< 30 ms');
    const cpuAfter = cpuMs(client.process.pid!);
    // wall time suffers on a loaded machine; the server's own CPU time per edit less so
    if (cpuBefore !== undefined && cpuAfter !== undefined) report('lsp: server CPU time per edit, 10k lines (mean)', (cpuAfter - cpuBefore) / EDITS, 'ms');

    // an edit in the middle re-parses and re-runs the second half (checkpoints cover the first)
    const middle: number[] = [];
    const mid = Math.floor(lastLine / 2);
    const midText = text.split('\n')[mid];
    const at = { line: mid, character: midText.length };
    for (let i = 0; i < EDITS; i++) {
      // measured: a trailing space typed on the middle line; then (not measured) deleted again
      const start = performance.now();
      await client.edit(uri, [{ range: { start: at, end: at }, text: ' ' }]);
      middle.push(performance.now() - start);
      await client.edit(uri, [{ range: { start: at, end: { line: mid, character: midText.length + 1 } }, text: '' }]);
    }
    report('lsp: didChange → publishDiagnostics, 10k lines, edit in the middle (median)', median(middle), 'ms', '< 30 ms');

    const completionTimes: number[] = [];
    const position = { line: lastLine, character: 10 };
    for (let i = 0; i < COMPLETIONS; i++) {
      const start = performance.now();
      const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position });
      completionTimes.push(performance.now() - start);
      if (items.length !== 4) throw new Error(`expected the 4 pages of T0, got ${items.length} items`);
    }
    report('lsp: completion, 10k lines (median)', median(completionTimes), 'ms', '< 5 ms');

    await client.open('file:///bench/100k.tlbscn', generateScenario(100_000));
    const rss = rssMiB(client.process.pid!);
    if (rss !== undefined) report('lsp: server memory (RSS) after opening a 100k-line file', rss, 'MiB');
  } finally {
    await client.stop();
  }
}
