import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex } from '@noble/hashes/utils';
import { IDEMPOTENCY_KEY_MAX, REFERENCE_PATTERN } from './schemas/constants';

/**
 * Idempotency-Keys for the money operations of one payment.
 *
 * A key names (reference, operation, kind of id, id, generation):
 * - operation: what is done to the payment;
 * - kind of id: where the id comes from, so a caller-chosen shipment id can never equal a refund
 *   id or one of our own sequence numbers (`s` shipment, `r` refund, `n` our own sequence);
 * - generation: 0 for the first key of that operation; a new generation only after Vipps proved
 *   the earlier key refused (a 4xx stays a 4xx for its key), never after an unknown outcome.
 *
 * The readable form `<reference>.<operation>.<kind>.<id>[.<generation>]` is used when it fits
 * in 50 characters; otherwise `h.<operation>.<sha-256 of all parts, hex>` cut to 50 (at least 160 bits). No part
 * can contain `.`, and a reference is at least 8 characters, so the readable forms decode
 * unambiguously and can never start with `h.`: distinct inputs give distinct keys.
 *
 * Pure JavaScript (no node:crypto), so workflows derive the keys themselves and can match them
 * against webhooks and the payment's event log.
 */
export const OPERATIONS = ['create', 'capture', 'refund', 'release', 'void'] as const;
export type Operation = (typeof OPERATIONS)[number];

export const ID_KINDS = { shipment: 's', refund: 'r', sequence: 'n' } as const;
export type IdKind = keyof typeof ID_KINDS;

/** Shipment ids, refund ids and our own sequence ids: the same alphabet as references, 1 to 64 characters. */
export const OPERATION_ID_PATTERN = /^[a-zA-Z0-9-]{1,64}$/;

export interface OperationKeyParts {
  reference: string;
  operation: Operation;
  idKind: IdKind;
  id: string;
  /** 0 for the first key; the operator's retry after a refusal uses the next one. */
  generation?: number;
}

export class OperationKeyError extends Error {
  override readonly name = 'OperationKeyError';
}

const HASH_PREFIX = 'h.';

export function operationKey(parts: OperationKeyParts): string {
  const { reference, operation, idKind, id } = parts;
  const generation = parts.generation ?? 0;
  if (!REFERENCE_PATTERN.test(reference)) throw new OperationKeyError(`reference must match ${REFERENCE_PATTERN.source}`);
  if (!OPERATIONS.includes(operation)) throw new OperationKeyError(`unknown operation "${String(operation)}"`);
  if (!(idKind in ID_KINDS)) throw new OperationKeyError(`unknown kind of id "${String(idKind)}"`);
  if (!OPERATION_ID_PATTERN.test(id)) throw new OperationKeyError(`id must match ${OPERATION_ID_PATTERN.source}`);
  if (!Number.isSafeInteger(generation) || generation < 0) throw new OperationKeyError('generation must be a whole number ≥ 0');

  const fields = [reference, operation, ID_KINDS[idKind], id, ...(generation > 0 ? [String(generation)] : [])];
  const readable = fields.join('.');
  if (readable.length <= IDEMPOTENCY_KEY_MAX) return readable;
  const digest = bytesToHex(sha256(new TextEncoder().encode([reference, operation, ID_KINDS[idKind], id, String(generation)].join('\n'))));
  return `${HASH_PREFIX}${operation}.${digest}`.slice(0, IDEMPOTENCY_KEY_MAX);
}

/**
 * Whether a key seen in a webhook or the event log has the shape of our keys for this payment.
 * A hashed key cannot be attributed to a reference, so it counts as ours: the workflow then
 * matches it exactly against the keys it used, and treats anything else as an outside change.
 */
export function looksLikeOurKey(reference: string, key: string | null | undefined): boolean {
  return typeof key === 'string' && (key.startsWith(`${reference}.`) || key.startsWith(HASH_PREFIX));
}
