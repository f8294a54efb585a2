// Debian's Chromium through playwright-core, headless, with a throwaway profile
// (passed as launchPersistentContext's first argument, the only way it accepts one).

import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export async function withBrowser<T>(fn: (context: BrowserContext) => Promise<T>): Promise<T> {
  const profile = mkdtempSync(path.join(tmpdir(), 'tlbscn-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    return await fn(context);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

export function stopwatch(): (...args: unknown[]) => void {
  const t0 = Date.now();
  return (...args) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...args);
}

/** Runs a command from the palette by its title. */
export async function command(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ timeout: 15_000 });
  // the row of this command, not the first row: a fuzzy match or a recently used command may come first
  await row.click();
}

/** The Variables row of a scope (`Machine`) or of a variable named `name` (`core0`). */
export function variableRow(page: Page, name: string) {
  const label = new RegExp(`^\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( =)?\\s*$`);
  return page.locator('.debug-variables .monaco-list-row').filter({ has: page.locator('.name, .scope', { hasText: label }) }).first();
}

/** Expands a Variables row and waits until it is open. */
export async function expand(page: Page, name: string): Promise<void> {
  const row = variableRow(page, name);
  await row.waitFor({ timeout: 15_000 });
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
  await row.and(page.locator('[aria-expanded="true"]')).waitFor({ timeout: 15_000 });
}

/** Opens or closes a section of the Run and Debug view (Variables, Watch, Call Stack, Breakpoints). */
export async function section(page: Page, title: string, open: boolean): Promise<void> {
  const header = page.locator('.pane-header', { hasText: new RegExp(`^\\s*${title}`, 'i') }).first();
  if ((await header.getAttribute('aria-expanded')) !== String(open)) await header.click();
}

/** The editor's cursor position in the status bar, which VS Code moves to the top stack frame on every stop. */
export const cursor = (page: Page) => page.locator('#status\\.editor\\.selection');

export async function cursorLine(page: Page): Promise<number> {
  return Number(/Ln (\d+)/.exec(await cursor(page).innerText())?.[1]);
}

/** Opens a workspace file with Quick Open and waits for its tab. */
export async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(name);
  // Quick Open searches the workspace: wait for the row of this file, not any first row
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tab.active[aria-label*="${name}"]`, { timeout: 15_000 });
}

/** Picks the row of the open quick pick whose text matches. */
export async function pick(page: Page, row: RegExp): Promise<void> {
  const item = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.monaco-highlighted-label, .label-name', { hasText: row }) });
  await item.first().click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
}

/**
 * The workbench on `folder`, with the scenario `name` open once the extension is up (its
 * CodeLens, `lens`, is drawn: the first start of the extension host takes a while).
 */
export async function openScenario(page: Page, baseUrl: string, folder: string, name: string, lens: string): Promise<void> {
  await page.goto(`${baseUrl}/?folder=${encodeURIComponent(folder)}`);
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 60_000 });
  await openFile(page, name);
  await page.locator('.contentWidgets .codelens-decoration', { hasText: lens }).first().waitFor({ timeout: 60_000 });
}
