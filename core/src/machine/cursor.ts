// Time travel over a recorded run: one machine state moved forward and back
// along the trace by applying or reverting each micro-step's changes. Going
// from any step to any other costs the changes in between, nothing more.

import type { Scenario } from '../language/checker';
import { type MachineState, applyChanges, initialState, revertChanges } from './state';
import type { MicroStep } from './trace';

export class TraceCursor {
  readonly state: MachineState;
  /** How many steps have been applied: 0 is the initial state, steps.length the end. */
  private applied = 0;

  constructor(
    scenario: Scenario,
    readonly steps: readonly MicroStep[],
  ) {
    this.state = initialState(scenario);
  }

  get position(): number {
    return this.applied;
  }

  /** Moves to the state after `count` steps. */
  seek(count: number): void {
    const target = Math.max(0, Math.min(this.steps.length, count));
    while (this.applied < target) applyChanges(this.state, this.steps[this.applied++].changes);
    while (this.applied > target) revertChanges(this.state, this.steps[--this.applied].changes);
  }
}
