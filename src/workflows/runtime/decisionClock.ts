/**
 * The time the order decides by. It moves only on facts that every replay of the history sees the
 * same way, and it keeps up with the wall clock because each of them carries a time:
 * - the run's start;
 * - every activity's outcome: the finish time the activity reports in its result or failure
 *   (src/activities/finishTime.ts), or after a timeout the time the call was scheduled plus the
 *   timeout that fired (activityTime.ts);
 * - a webhook Signal: the time the service received it (stamped by the order client);
 * - a timer firing: at least the time it was set for;
 * - the start of an accepted Update's handler: the task's own time (its task is always the one
 *   that writes the Update to history).
 *
 * Why not `Date.now()` everywhere: in the workflow it is the start of the current workflow task,
 * and one kind of task lies about that. When a worker dies holding a task, a Query can reach
 * another worker with a history that ends in that dead task; the SDK (1.24) runs the task's events
 * at the dead task's time and keeps the result in its cache, and the worker then sends those
 * decisions with the next real task. A replay decides at the real task's time, so any decision
 * that compares the clock with a deadline can differ, and the history stops replaying (found by the
 * model test; reproduced in test/sdk/queryClockDefect.test.ts). The times above are payloads and
 * event attributes of the history itself, the same for that early task and for every replay.
 *
 * The bound (docs/workflow.md, "The decision clock"): the clock is behind the wall clock only by
 * the workflow-task latencies since the last activity outcome, webhook or Update, one per timer
 * fired in between (a timer is set from the clock, not from the wall clock; the longest such chain
 * is the deadline warning followed by the deadline). Normally well under a second each; a lost
 * workflow task adds its timeout (10 s). It is ahead only by the activity workers' clock skew.
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
