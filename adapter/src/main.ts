// The debug adapter as a program: DAP over stdio (`tlbscn dap`, or
// `node dist/adapter.js`), or, with `--server=PORT`, one session per TCP
// connection in this one process (the library's runDebugAdapter).

import { DebugSession } from '@vscode/debugadapter';
import { TlbscnDebugSession } from './session';

DebugSession.run(TlbscnDebugSession);
