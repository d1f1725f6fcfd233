import { type Clock } from '../options';

const WINDOW_MS = 60_000;

/**
 * Sliding one-minute windows per key (the real limits are "N per minute per reference"). Each key
 * keeps at most `limit` timestamps, so the cost per request is bounded by the limit.
 */
export class RateLimiter {
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly clock: Clock) {}

  /** Counts the request; returns the seconds to wait when it is over the limit, else undefined. */
  hit(key: string, limit: number): number | undefined {
    const now = this.clock.now();
    const stamps = (this.windows.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
    if (stamps.length >= limit) {
      this.windows.set(key, stamps);
      const oldest = stamps[0] ?? now;
      return Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
    }
    stamps.push(now);
    this.windows.set(key, stamps);
    return undefined;
  }

  clear(): void {
    this.windows.clear();
  }
}
