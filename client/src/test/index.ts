// Entry for extensionTestsPath: the extension host require()s this file and
// calls run(); its promise settles the host's exit code. Mocha is bundled in
// by scripts/build.mjs, so nothing is resolved at run time.

import Mocha from 'mocha';
import { format } from 'node:util';
import { registerSuite } from './extension.test';

export function run(): Promise<void> {
  // The extension host mirrors console output to the workbench without applying printf formats.
  const log = console.log.bind(console);
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => log(format(...args));
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec' });
  mocha.suite.emit('pre-require', globalThis, 'tlbscn-suite', mocha);
  registerSuite();
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} extension test(s) failed`)) : resolve()));
  });
}
