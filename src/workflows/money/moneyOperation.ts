/**
 * One money operation (capture, refund, release, void) and its three outcomes.
 *
 * DONE: Vipps answered 2xx with a body that parses, or its event log / a webhook shows our key.
 * REFUSED: a definite 4xx for this key, or a failed event with our key. Final for the key: only now
 *   may an operator retry with a new key (the next generation).
 * UNKNOWN: no answer we can trust (timeout, network, 5xx after retries, a 2xx that does not parse).
 *   Never treated as failed: resolved by proof, i.e. the same key again (Vipps answers a repeated
 *   key with the first answer) or our key in the payment's event log.
 *
 * Pure: no Temporal, no I/O; the workflow drives it and it is unit-tested on its own.
 */
import type { Money, OrderError } from '../messages/views';

export type MoneyOpKind = 'capture' | 'refund' | 'release' | 'void';
export type MoneyOpStatus = 'QUEUED' | 'IN_FLIGHT' | 'DONE' | 'REFUSED' | 'UNKNOWN';

export interface MoneyOp {
  /** Unique within the order, e.g. `capture:box-1`, `refund:r-1`, `release:1`, `void:1`. */
  id: string;
  kind: MoneyOpKind;
  /** The Idempotency-Key of the current generation. */
  key: string;
  generation: number;
  /** Capture and refund amounts; release and void act on whatever is left. */
  amount?: Money;
  status: MoneyOpStatus;
  /** Calls made with the current key. */
  attempts: number;
  requestedAt: string;
  settledAt?: string;
  resolvedBy?: 'answer' | 'event-log' | 'webhook';
  error?: OrderError;
  /** While UNKNOWN: when to try the same key again (epoch ms). */
  nextAttemptAt?: number;
  /** UNKNOWN for longer than the quick retries: an operator is alerted, retries continue slowly. */
  escalated?: boolean;
  /**
   * QUEUED for its next generation, but `key` is still the refused one: the payment's event log is
   * read first, and only if that key is absent there (or recorded as failed) is the new key minted.
   */
  renewKey?: boolean;
  /** Failed looks at the event log while `renewKey` is set, for their backoff. */
  lookupFailures?: number;
}

/** The payment event that proves each kind of operation. */
export const PROOF_EVENT: Record<MoneyOpKind, readonly string[]> = {
  capture: ['CAPTURED'],
  refund: ['REFUNDED'],
  release: ['CANCELLED'],
  void: ['TERMINATED', 'CANCELLED'],
};

/** After this many unresolved attempts the operation is escalated to an operator (retries go on). */
export const ESCALATE_AFTER_ATTEMPTS = 3;
const MAX_UNKNOWN_RETRY_DELAY_MS = 3_600_000;

/** Wait before the next same-key attempt: base, then six times longer each time, at most an hour. */
export function unknownRetryDelay(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 6 ** Math.max(0, attempts - 1), MAX_UNKNOWN_RETRY_DELAY_MS);
}

export function newMoneyOp(init: { id: string; kind: MoneyOpKind; key: string; amount?: Money; at: string }): MoneyOp {
  return {
    id: init.id,
    kind: init.kind,
    key: init.key,
    generation: 0,
    ...(init.amount && { amount: init.amount }),
    status: 'QUEUED',
    attempts: 0,
    requestedAt: init.at,
  };
}

export function isOpen(op: MoneyOp): boolean {
  return op.status === 'QUEUED' || op.status === 'IN_FLIGHT' || op.status === 'UNKNOWN';
}

/** Whether the operation may be sent now: queued, or unknown and its next attempt is due. */
export function isDue(op: MoneyOp, now: number): boolean {
  // A queued operation has a next attempt time only after a failed look before its next key.
  return (op.status === 'QUEUED' || op.status === 'UNKNOWN') && (op.nextAttemptAt ?? 0) <= now;
}

export function startAttempt(op: MoneyOp): void {
  if (op.status !== 'QUEUED' && op.status !== 'UNKNOWN') throw new Error(`cannot send ${op.id}: it is ${op.status}`);
  op.status = 'IN_FLIGHT';
  op.attempts++;
}

export function settleDone(op: MoneyOp, at: string, by: NonNullable<MoneyOp['resolvedBy']>): void {
  op.status = 'DONE';
  op.settledAt = at;
  op.resolvedBy = by;
  delete op.nextAttemptAt;
  delete op.escalated;
  delete op.error;
  delete op.renewKey;
  delete op.lookupFailures;
}

export function settleRefused(op: MoneyOp, error: OrderError, at: string, by: NonNullable<MoneyOp['resolvedBy']> = 'answer'): void {
  op.status = 'REFUSED';
  op.settledAt = at;
  op.resolvedBy = by;
  op.error = error;
  delete op.nextAttemptAt;
  delete op.escalated;
  delete op.renewKey;
  delete op.lookupFailures;
}

/** The answer was lost or cannot be trusted: the outcome is unknown until proven. */
export function markUnknown(op: MoneyOp, error: OrderError): void {
  op.status = 'UNKNOWN';
  op.error = error;
}

/** Still unknown after looking for proof: the same key again later; an operator is alerted when it drags on. */
export function scheduleRetry(op: MoneyOp, now: number, retryBaseMs: number): void {
  if (op.status !== 'UNKNOWN') return;
  op.nextAttemptAt = now + unknownRetryDelay(op.attempts, retryBaseMs);
  if (op.attempts >= ESCALATE_AFTER_ATTEMPTS) op.escalated = true;
}

/** An operator asks to resolve now: the same key, at once. */
export function resolveNow(op: MoneyOp, now: number): void {
  if (op.status === 'UNKNOWN') op.nextAttemptAt = now;
}

/** A queued operation whose look in the event log (before a new key) failed, waiting for the next try. */
export function waitsForLookup(op: MoneyOp, now: number): boolean {
  return op.status === 'QUEUED' && op.renewKey === true && op.nextAttemptAt !== undefined && op.nextAttemptAt > now;
}

export interface PaymentEventEvidence {
  name: string;
  success: boolean;
  idempotencyKey?: string | null | undefined;
}

/**
 * What the payment's event log or a webhook proves about the operation's current key: only
 * events of the right kind with exactly our key count. Undefined when they prove nothing.
 */
export function proofIn(op: MoneyOp, events: readonly PaymentEventEvidence[]): 'done' | 'refused' | undefined {
  if (op.status === 'DONE' || op.status === 'REFUSED') return undefined;
  const ours = events.filter((e) => e.idempotencyKey === op.key && PROOF_EVENT[op.kind].includes(e.name));
  if (ours.some((e) => e.success)) return 'done';
  return ours.length > 0 ? 'refused' : undefined;
}

/**
 * A new key is allowed only after the earlier one was proven refused: then the next generation
 * is queued. Anything else (done, unknown, in flight) keeps its key.
 */
export function nextGeneration(op: MoneyOp, keyFor: (generation: number) => string, at: string): boolean {
  if (op.status !== 'REFUSED') return false;
  op.status = 'QUEUED';
  op.requestedAt = at;
  renewKey(op, keyFor);
  delete op.settledAt;
  delete op.resolvedBy;
  return true;
}

/**
 * Asks for the next generation of a refused operation, as an operator's retry or the void's next
 * try does: queued with its old key and `renewKey`, so the event log is looked at before the new
 * key exists (a "refusal" may have been applied after all). False for anything but REFUSED.
 */
export function requestNextGeneration(op: MoneyOp, at: string): boolean {
  if (op.status !== 'REFUSED') return false;
  op.status = 'QUEUED';
  op.renewKey = true;
  op.attempts = 0;
  op.requestedAt = at;
  op.lookupFailures = 0;
  delete op.nextAttemptAt;
  delete op.settledAt;
  delete op.resolvedBy;
  return true;
}

/** The old key is absent from the event log (or failed there): the next generation gets its key. */
export function renewKey(op: MoneyOp, keyFor: (generation: number) => string): void {
  op.generation++;
  op.key = keyFor(op.generation);
  op.attempts = 0;
  delete op.renewKey;
  delete op.lookupFailures;
  delete op.nextAttemptAt;
}
