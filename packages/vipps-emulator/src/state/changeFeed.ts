/**
 * Tells whoever keeps the state file that data worth saving changed. The stores call `notify` on
 * every write; without a listener (no EMULATOR_STATE_FILE) it costs one property read.
 */
export class ChangeFeed {
  private listener: (() => void) | undefined;

  /** One listener is enough: the state file writer. */
  listen(listener: (() => void) | undefined): void {
    this.listener = listener;
  }

  notify(): void {
    this.listener?.();
  }
}

/** What the stores get: a function to call after each change. */
export type OnChange = () => void;
