import { existsSync, readFileSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { secretLines, type WebhookSecretRef } from '@vipps-orders/vipps/sales-units';

/** How often a receiver looks whether its secret files changed (one stat per file). */
export const SECRET_CHECK_INTERVAL_MS = 1000;
/** How long a delivery no secret matched waits for a rotation under way to write its new secret. */
export const ROTATION_WAIT_MS = 3000;

/** The file a rotation keeps beside a secret file while the new secret may not be written yet. */
export function rotationMarker(secretFile: string): string {
  return `${secretFile}.rotating`;
}

/**
 * The secrets one webhook receiver accepts, the newest first. Files are looked at again at most
 * once a second while deliveries come in (and at once after a signature no secret matched), and
 * re-read when they changed: a rotation that rewrites the file is accepted at the
 * next delivery signed with the new secret, without a restart, and the old secret stops
 * counting as soon as the file no longer holds it. A file that cannot be read keeps its last
 * secrets, so a botched write does not turn every delivery away.
 */
export class WebhookSecrets {
  private values: string[][];
  private readonly stamps: (string | undefined)[];
  private checkedAt: number;

  constructor(
    private readonly refs: readonly WebhookSecretRef[],
    private readonly clock: () => number = Date.now,
    private readonly intervalMs = SECRET_CHECK_INTERVAL_MS,
  ) {
    this.stamps = refs.map(() => undefined);
    this.values = refs.map(() => []);
    this.checkedAt = clock();
    this.refs.forEach((_ref, i) => this.load(i));
  }

  static of(values: readonly string[]): WebhookSecrets {
    return new WebhookSecrets(values.map((value) => ({ value })));
  }

  /** The accepted secrets now (empty: none configured). */
  current(): string[] {
    const now = this.clock();
    if (now - this.checkedAt >= this.intervalMs) {
      this.checkedAt = now;
      this.refs.forEach((_ref, i) => this.load(i));
    }
    return this.values.flat();
  }

  /**
   * After a signature none of `current()` matched: looks at the files again now and answers the
   * secrets if they changed. While a rotation is under way (its marker file beside the secret
   * file), it waits up to `maxWaitMs` for the new secret to be written: the rotation registers
   * the new webhook before it can know its secret, and Vipps may deliver in between.
   */
  async recheck(maxWaitMs = ROTATION_WAIT_MS): Promise<string[] | undefined> {
    const files = this.files;
    if (files.length === 0) return undefined;
    const deadline = this.clock() + maxWaitMs;
    for (;;) {
      const before = this.values.flat().join('\n');
      this.refs.forEach((_ref, i) => this.load(i));
      const after = this.values.flat();
      if (after.join('\n') !== before) return after;
      if (!files.some((f) => existsSync(rotationMarker(f))) || this.clock() >= deadline) return undefined;
      await sleep(25);
    }
  }

  /** The files this receiver reads, for messages. */
  get files(): string[] {
    return this.refs.flatMap((r) => ('file' in r ? [r.file] : []));
  }

  private load(i: number): void {
    const ref = this.refs[i]!;
    if ('value' in ref) {
      this.values[i] = ref.value ? [ref.value] : [];
      return;
    }
    try {
      const stat = statSync(ref.file);
      const stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
      if (stamp === this.stamps[i]) return;
      const values = secretLines(readFileSync(ref.file, 'utf8'));
      this.stamps[i] = stamp;
      if (values.length > 0) this.values[i] = values;
    } catch {
      // Keep what was read last: a missing or unreadable file is the operator's to fix, not a reason to refuse all.
    }
  }
}
