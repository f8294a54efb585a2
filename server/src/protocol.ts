// What the language server and the VS Code client agree on: the settings
// (names, shape, defaults) and the `source` every published diagnostic carries.

import type { KernelName } from '../../core/src/index';

export const DIAGNOSTIC_SOURCE = 'tlbscn';

/** The `tlbscn` configuration section, as workspace/configuration returns it. */
export interface TlbscnSettings {
  /** `tlbscn.kernel`: the variant a file without a `kernel` line runs under. */
  kernel: KernelName;
  diagnostics: {
    /** `tlbscn.diagnostics.run`: simulate the file and report stale accesses, failed expects, runtime errors. */
    run: boolean;
  };
}

export const DEFAULT_SETTINGS: TlbscnSettings = { kernel: 'fixed', diagnostics: { run: true } };

/**
 * Settings as a client may send them (initializationOptions, or the
 * `tlbscn` section): every field optional, the kernel possibly an alias
 * (v4.11) or a typo, which the server ignores.
 */
export interface SettingsInput {
  kernel?: string;
  diagnostics?: { run?: boolean };
}
