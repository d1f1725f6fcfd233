import { randomBytes, randomInt, randomUUID } from 'node:crypto';

/**
 * pspReferences are numeric strings in the real API (e.g. "3343121302"). A per-process counter
 * starting at a random ten-digit number keeps them unique and increasing, which makes event logs
 * easy to read, while two emulator runs rarely hand out the same values. After a restart from a
 * state file the counter continues at `start` (one past the highest stored), so it stays unique.
 */
export function createPspReferenceSequence(start?: number): () => string {
  let next = start ?? 1_000_000_000 + randomInt(0, 2_000_000_000);
  return () => String(next++);
}

/** Trace ids in the W3C traceparent style the real problems carry. */
export function newTraceId(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-00`;
}

/** Opaque token of a landing-page URL; also what forceApprove accepts as `token`. */
export function newLandingToken(): string {
  return randomBytes(24).toString('base64url');
}

export function newUuid(): string {
  return randomUUID();
}
