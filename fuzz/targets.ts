// The targets by name, for the command line and the short run in `npm test`.

import { type FuzzOptions, type Report, type Target, fuzz } from './engine';
import { coreTarget } from './core';
import { dapTarget } from './dap';
import { lspTarget } from './lsp';

export const TARGETS = ['core', 'lsp', 'dap'] as const;
export type TargetName = (typeof TARGETS)[number];

const MAKERS: Record<TargetName, () => Promise<Target<never>>> = {
  core: async () => coreTarget() as Target<never>,
  lsp: async () => (await lspTarget()) as Target<never>,
  dap: async () => dapTarget() as Target<never>,
};

/** Starts a target (its server or adapter, for lsp and dap), fuzzes it and stops it. */
export async function fuzzTarget(name: TargetName, options: FuzzOptions): Promise<Report> {
  const target = await MAKERS[name]();
  try {
    return await fuzz(target, options);
  } finally {
    await target.close();
  }
}
