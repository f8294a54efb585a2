#!/usr/bin/env node
// The `tlbscn` command: the bundled CLI (built by `npm run build`).
require('../dist/cli.js');
