// What VS Code passes to a command run from the Call Stack view, read without
// `vscode` (so that it is tested on its own). A thread's context menu calls
// the command with the thread id as a plain number first (what VS Code gives
// contributed actions), then its own context object, `{sessionId, threadId}`;
// a stack frame's gives the frame's source URI first, then
// `{sessionId, threadId, frameId}`; the debug toolbar and the command palette
// give nothing, or a URI.

/** The thread a Call Stack command was run on, if the arguments name one. */
export function threadIdIn(args: readonly unknown[]): number | undefined {
  for (const a of args) {
    if (typeof a === 'number' && Number.isSafeInteger(a)) return a;
    if (a && typeof a === 'object' && 'threadId' in a) {
      const id = (a as { threadId: unknown }).threadId;
      if (typeof id === 'number' && Number.isSafeInteger(id)) return id;
    }
  }
  return undefined;
}
