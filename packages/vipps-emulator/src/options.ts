/** Knobs of `buildEmulator` that are not environment configuration: they exist for tests and embedding. */

export interface Clock {
  /** Milliseconds since the epoch, like `Date.now()`. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface EmulatorOptions {
  /**
   * Time source for payment deadlines, token lifetimes and event timestamps. Tests pass a clock they
   * can move forward to reach deadlines measured in days (refund window, capture deadline) without
   * waiting. Webhook signatures always use the real date, because receivers check it against theirs.
   */
  clock?: Clock;
  /** Source of randomness for the probabilistic fault switches; tests can make it deterministic. */
  random?: () => number;
  /**
   * Further MSNs the configured credentials may act for, the way a partner key covers several sales
   * units. Every MSN has its own payments, idempotency keys and webhook registrations.
   */
  additionalMsns?: string[];
  /** Overrides config.publicUrl, e.g. once the real port of a port-0 server is known. */
  publicUrl?: string;
  /** Where log lines go instead of stdout (tests read them to prove no secret is logged). */
  logStream?: { write(line: string): void };
  /**
   * With config.stateFile: how long after a change the file is written (default 1000 ms). Tests
   * shorten it to see the background save without waiting.
   */
  stateSaveDelayMs?: number;
}
