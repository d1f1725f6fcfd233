/**
 * The time the order decides by. It moves only on facts that every replay of the history sees the
 * same way: the run's start, a timer firing (to the time it was set for), and the start of an
 * accepted Update's handler (whose task is always the one that writes it to history).
 *
 * Why not `Date.now()` everywhere: in the workflow it is the start of the current workflow task,
 * and one kind of task lies about that. When a worker dies holding a task, a Query can reach
 * another worker with a history that ends in that dead task; the SDK (1.24) runs the task's events
 * at the dead task's time and keeps the result in its cache, and the worker then sends those
 * decisions with the next real task. A replay decides at the real task's time, so any decision
 * that compares the clock with a deadline can differ, and the history stops replaying (found by the
 * model test; reproduced in test/sdk/queryClockDefect.test.ts).
 *
 * The price: between those facts the clock stands still, so a deadline is acted on when its timer
 * fires, up to the duration of the calls since the last Update or timer later than by the wall clock.
 */
export class DecisionClock {
  private at: number;

  constructor(start: number) {
    this.at = start;
  }

  /** Epoch milliseconds. */
  now(): number {
    return this.at;
  }

  /** Moves the clock forward to `at` (never back). */
  reach(at: number): void {
    if (at > this.at) this.at = at;
  }

  /**
   * Catches up with the task's own time. Only at the synchronous start of an accepted Update's
   * handler: never in a validator (a refused Update leaves no trace for a replay to repeat), a
   * Signal handler or after an await (both can run in the task described above).
   */
  syncWithUpdateTask(): void {
    this.reach(Date.now());
  }
}
