// How far the extension runs scenarios on its own, from the settings and the
// workspace's trust, without VS Code (so it is unit-tested in node). An
// untrusted workspace (Restricted Mode) may hold any file, written to make a
// run or a search take all the time and memory there is: there, nothing runs
// as you type, and Explore stops sooner. Run and Debug stay, since each is one
// run of a file the user chose, as does the Testing view, which runs only when asked.

import type { StoppedBy } from '../../core/src/index';

/** The explorer's bounds (core's `explore` options `limit`, `maxTime` and `maxMemory`), and where each comes from. */
export interface ExploreBounds {
  maxStates: number;
  maxSeconds: number;
  /** MiB of stored states (`tlbscn.explore.maxMemory`): past it the search stops, truncated, before the explorer thread's heap runs out. */
  maxMemory: number;
  /** What set each bound, for the message of a search it cut short. */
  statesFrom: 'tlbscn.explore.maxStates' | 'Restricted Mode';
  secondsFrom: 'tlbscn.explore.maxSeconds' | 'Restricted Mode';
}

/** The settings' defaults (package.json): a minute, and the million states of a three-lane block with IPI re-entries. */
export const DEFAULT_EXPLORE = { maxStates: 1_000_000, maxSeconds: 60, maxMemory: 1024 } as const;

/**
 * Restricted Mode's ceiling: still room for every sample's race (the lost
 * update, the slowest: 48 states, and 40,000 schedules in 5 to 10 s with the
 * searches that prove its stall least).
 */
export const RESTRICTED_EXPLORE = { maxStates: 100_000, maxSeconds: 30 } as const;

/** `tlbscn.explore.maxStates`, `maxSeconds` and `maxMemory` as read: anything but a positive number is the default. */
export interface ExploreSettings {
  maxStates?: unknown;
  maxSeconds?: unknown;
  maxMemory?: unknown;
}

const positive = (v: unknown, integer: boolean): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 && (!integer || Number.isInteger(v));

export function exploreBounds(trusted: boolean, settings: ExploreSettings): ExploreBounds {
  const maxStates = positive(settings.maxStates, true) ? settings.maxStates : DEFAULT_EXPLORE.maxStates;
  const maxSeconds = positive(settings.maxSeconds, false) ? settings.maxSeconds : DEFAULT_EXPLORE.maxSeconds;
  const capStates = !trusted && maxStates > RESTRICTED_EXPLORE.maxStates;
  const capSeconds = !trusted && maxSeconds > RESTRICTED_EXPLORE.maxSeconds;
  return {
    maxStates: capStates ? RESTRICTED_EXPLORE.maxStates : maxStates,
    maxSeconds: capSeconds ? RESTRICTED_EXPLORE.maxSeconds : maxSeconds,
    maxMemory: positive(settings.maxMemory, false) ? settings.maxMemory : DEFAULT_EXPLORE.maxMemory,
    statesFrom: capStates ? 'Restricted Mode' : 'tlbscn.explore.maxStates',
    secondsFrom: capSeconds ? 'Restricted Mode' : 'tlbscn.explore.maxSeconds',
  };
}

/** Which bound stopped a truncated search, in the CLI's words ("its state bound (--max-states)"). */
export function boundReached(stoppedBy: StoppedBy | undefined, bounds: ExploreBounds): string {
  if (stoppedBy === 'memory') return `its memory bound (tlbscn.explore.maxMemory: ${bounds.maxMemory.toLocaleString('en-US')} MiB)`;
  return stoppedBy === 'time'
    ? `its time bound (${bounds.secondsFrom}: ${bounds.maxSeconds} s)`
    : `its state bound (${bounds.statesFrom}: ${bounds.maxStates.toLocaleString('en-US')} states)`;
}

/**
 * The `tlbscn` section as the language server gets it (initializationOptions,
 * then every workspace/configuration answer): in Restricted Mode with
 * `diagnostics.run` off, whatever the user set. Other sections pass unchanged.
 */
export function serverSettings(section: unknown, trusted: boolean): unknown {
  if (trusted) return section;
  const given = typeof section === 'object' && section !== null ? (section as Record<string, unknown>) : {};
  const diagnostics = typeof given.diagnostics === 'object' && given.diagnostics !== null ? given.diagnostics : {};
  return { ...given, diagnostics: { ...diagnostics, run: false } };
}

/** What the tlbscn language status item shows (next to the language name, bottom right). */
export interface RunStatus {
  text: string;
  detail: string;
  /** Restricted Mode: shown as a warning, with a link to the trust editor. */
  restricted: boolean;
  command: { title: string; command: string; arguments?: unknown[] };
}

export function runStatus(trusted: boolean, runAsYouType: boolean, bounds: ExploreBounds): RunStatus {
  const explore = `Explore stops at ${bounds.maxStates.toLocaleString('en-US')} states or ${bounds.maxSeconds} s`;
  if (!trusted) {
    return {
      text: '$(shield) Restricted Mode',
      detail: `scenarios are checked, not run, as you type; ${explore}`,
      restricted: true,
      command: { title: 'Manage Workspace Trust', command: 'workbench.trust.manage' },
    };
  }
  return {
    text: runAsYouType ? '$(play) Runs as you type' : '$(check) Checks as you type',
    detail: `${runAsYouType ? 'stale accesses and failed expects are reported as you type' : 'tlbscn.diagnostics.run is off'}; ${explore}`,
    restricted: false,
    command: { title: 'Settings', command: 'workbench.action.openSettings', arguments: ['tlbscn.'] },
  };
}
