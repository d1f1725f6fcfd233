/**
 * Every error the service answers with, in one place: the code, its HTTP status and what a caller
 * does about it. The body is always `{ error, message, … }`; the README's table and the OpenAPI
 * document are checked against this list (test/http/errorCodes.test.ts).
 */
import { z } from 'zod';
import { OrderError, OrderView } from './orderView';

export const API_ERRORS = {
  invalid_command: { status: [400], meaning: 'a field of the request is wrong; `issues` names each field and reason; nothing was started or changed' },
  invalid_request: { status: [400, 408, 413, 414, 415, 431], meaning: 'the HTTP request itself is malformed: not JSON, body too large, path too long or not a valid URI, unsupported Content-Type, headers too large' },
  unauthorized: { status: [401], meaning: 'no or a wrong `Authorization: Bearer <ORDER_API_KEY>`' },
  invalid_signature: { status: [401], meaning: 'webhook: the HMAC signature, content hash or date does not verify' },
  not_found: { status: [404], meaning: 'no such route' },
  method_not_allowed: { status: [405], meaning: 'the path exists, with other methods (see the Allow header)' },
  order_not_found: { status: [404], meaning: 'no order with this id' },
  payout_not_found: { status: [404], meaning: 'no payout with this id has been recorded (yet: POST /settlements/sync reads the ledgers now)' },
  order_conflict: { status: [409], meaning: 'the order’s state does not allow the command (or the id is taken by other content); `order` is the current view' },
  vipps_rejected: { status: [422], meaning: 'Vipps refused the payment, a capture or a refund (4xx); `vipps` has its status and ErrorCode; a refused new order frees its id' },
  internal_error: { status: [500], meaning: 'a bug; see the service log' },
  payment_create_failed: { status: [502], meaning: 'Vipps did not answer the payment creation; the order id is free again, repeat the request' },
  temporal_unavailable: { status: [503], meaning: 'Temporal is not reachable; repeat the same request (Retry-After)' },
  still_processing: { status: [503], meaning: 'the order did not answer in time; repeat the same request (Retry-After)' },
  not_configured: { status: [503], meaning: 'webhook: VIPPS_WEBHOOK_SECRET is not set; Vipps retries' },
} as const satisfies Record<string, { status: readonly number[]; meaning: string }>;

export type ApiErrorCode = keyof typeof API_ERRORS;
export const API_ERROR_CODES = Object.keys(API_ERRORS) as ApiErrorCode[];

export const Issue = z.object({ field: z.string().meta({ description: 'dotted path, e.g. amount.currency or orderLines.0.id' }), reason: z.string() });

/** The error body of a response that can carry only these codes. */
export function errorBody(...codes: readonly [ApiErrorCode, ...ApiErrorCode[]]) {
  return z.object({
    error: z.enum(codes),
    message: z.string().meta({ description: 'for people; names the field when the input was at fault' }),
    issues: z.array(Issue).optional(),
    order: OrderView.optional(),
    vipps: OrderError.optional(),
  });
}

/** Every error the service sends, for the document's components. */
export const ApiError = errorBody(...(API_ERROR_CODES as [ApiErrorCode, ...ApiErrorCode[]])).meta({ id: 'ApiError', description: 'The error body of every 4xx and 5xx' });
