import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';
import type { DecisionClock } from './decisionClock';

/**
 * One durable timer for the order's next timed event, kept across wake-ups: a command that wakes
 * the loop does not restart the timer when the next event is still the same one. Every timer
 * started is a billed Action, so this matters for orders that get several commands.
 *
 * The timer runs on the decision clock: it waits `at - now` and, when it fires, moves the clock to
 * `at`, so the decision it wakes sees the same time live and in every replay.
 */
export class Alarm {
  private at: number | undefined;
  private scope: CancellationScope | undefined;
  private rang = false;

  constructor(private readonly clock: DecisionClock) {}

  /** Arms the timer for `at` (epoch ms), or disarms it with undefined. Same `at`: nothing changes. */
  set(at: number | undefined, summary: string): void {
    if (at === this.at) return;
    this.scope?.cancel();
    this.scope = undefined;
    this.at = at;
    this.rang = false;
    if (at === undefined) return;
    const scope = new CancellationScope();
    this.scope = scope;
    void scope
      .run(() => sleep(Math.max(1, at - this.clock.now()), { summary }))
      .then(
        () => {
          if (this.scope !== scope) return;
          this.clock.reach(at);
          this.rang = true;
        },
        (err: unknown) => {
          if (!isCancellation(err)) throw err;
        },
      );
  }

  /** True once the armed time has come; re-arming clears it. */
  get ringing(): boolean {
    return this.rang;
  }
}
