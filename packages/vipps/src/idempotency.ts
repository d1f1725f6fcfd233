import { createHash } from 'node:crypto';
import { IDEMPOTENCY_KEY_MAX, REFERENCE_PATTERN } from './schemas/common';

const PART_PATTERN = /^[a-zA-Z0-9-]{1,64}$/;

/**
 * Derives the Idempotency-Key for one money operation of one payment: the same inputs always give
 * the same key (so a retried activity or a restarted worker repeats the key, and Vipps deduplicates),
 * and different inputs never collide. Vipps scopes keys per MSN across references, so the
 * reference is part of the key.
 *
 * The readable form `<reference>.<operation>.<sequence>` is used when it fits in 50 characters;
 * otherwise `h.<operation>.<base64url sha-256 of all three>`, truncated to 50. `.` cannot occur in
 * any part, so the two forms never collide with each other.
 */
export function deriveIdempotencyKey(reference: string, operation: string, sequence: string | number): string {
  if (!REFERENCE_PATTERN.test(reference)) throw new Error(`idempotency key: invalid reference "${reference}"`);
  if (!/^[a-z][a-z-]{0,19}$/.test(operation)) throw new Error(`idempotency key: invalid operation "${operation}"`);
  const seq = String(sequence);
  if (!PART_PATTERN.test(seq)) throw new Error(`idempotency key: sequence must match ${PART_PATTERN.source}`);

  const readable = `${reference}.${operation}.${seq}`;
  if (readable.length <= IDEMPOTENCY_KEY_MAX) return readable;
  const digest = createHash('sha256').update(`${reference}\n${operation}\n${seq}`).digest('base64url');
  return `h.${operation}.${digest}`.slice(0, IDEMPOTENCY_KEY_MAX);
}
