// Starts the adapter as other editors do, `tlbscn dap`: DebugClient cannot
// pass arguments to the program it spawns, so this file adds the command.
process.argv.splice(2, 0, 'dap');
require('../../bin/tlbscn.js');
