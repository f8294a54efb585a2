// Runs the extension's own mocha suite (dist/test/index.js) in code-server's
// extension host, as @vscode/test-web does for the web one: the workbench URL
// carries extensionDevelopmentPath + extensionTestsPath, and when run()
// settles the workbench calls window.codeAutomationExit(code).
//   node --import tsx e2e/run-ext-tests.ts BASE_URL WORKSPACE EXTENSION_DIR TESTS_JS SHOTS_DIR [TIMEOUT_S]

import * as path from 'node:path';
import { stopwatch, withBrowser } from './browser';

const [baseUrl, folder, extensionDir, testsPath, shots, timeoutS = '240'] = process.argv.slice(2);
const log = stopwatch();

void withBrowser(async (context) => {
  const remote = (p: string) => `vscode-remote://${new URL(baseUrl).host}${p}`;
  const payload = [['extensionDevelopmentPath', remote(extensionDir)], ['extensionTestsPath', remote(testsPath)]];
  const page = context.pages()[0] ?? (await context.newPage());
  // The extension host's console is mirrored into the page in extension-development mode.
  page.on('console', (m) => {
    const t = m.text().replace(/%c|color: #[0-9a-f]+ ?/g, '');
    if (/passing|failing|pending|✔|^\s*\d+\) |Error|AssertionError|expected|actual/.test(t) && !/connection token/.test(t)) {
      console.log('  |', t.slice(0, 600));
    }
  });
  let exitCode: number | undefined;
  const exited = new Promise<void>((resolve) => {
    void page.exposeFunction('codeAutomationExit', (code: number) => {
      exitCode = code;
      resolve();
    });
  });
  await page.goto(`${baseUrl}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  await Promise.race([exited, new Promise((r) => setTimeout(r, Number(timeoutS) * 1000))]);
  await page.screenshot({ path: path.join(shots, '90-extension-tests.png') }).catch(() => undefined);
  return exitCode;
}).then((code) => {
  if (code === undefined) {
    log('TIMEOUT: the extension tests never finished');
    process.exit(2);
  }
  log(`extension tests exited with code ${code}`);
  process.exit(code);
});
