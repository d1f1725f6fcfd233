import { type CreatePaymentRequest, type Currency, MIN_AMOUNT_MINOR } from '@vipps-orders/vipps/schemas';
import { type VippsErrorCode } from '@vipps-orders/vipps';
import { returnUrlProblem } from '../urlRules';

/**
 * The business rules of createPayment that come after the schema: each failure is one ErrorCode.
 * Kept apart from HTTP so the order of the checks is visible in one place.
 */

const MINUTE = 60_000;
export const EXPIRES_AT_MIN_AHEAD_MS = 10 * MINUTE;
export const EXPIRES_AT_MAX_AHEAD_MS = 60 * 24 * 60 * MINUTE;
const METADATA_MAX_PAIRS = 5;
const METADATA_KEY_MAX = 100;
const METADATA_VALUE_MAX = 500;
/** Currencies that only card-passthrough payments may use. */
const PASSTHROUGH_ONLY: ReadonlySet<Currency> = new Set(['SEK', 'USD', 'GBP']);
const REDIRECT_FLOWS = new Set(['WEB_REDIRECT', 'NATIVE_REDIRECT']);

export interface CreateRuleEnvironment {
  /** The sales unit's currency. */
  currency: Currency;
  now: number;
  webhookHttpHosts: readonly string[];
  /** Default lifetime of a payment when no `expiresAt` is given. */
  paymentExpiryMs: number;
}

export type CreateRuleResult = { ok: true; expiresAt: number } | { ok: false; code: VippsErrorCode; detail: string };

function fail(code: VippsErrorCode, detail: string): CreateRuleResult {
  return { ok: false, code, detail };
}

export function checkCreatePayment(req: CreatePaymentRequest, env: CreateRuleEnvironment): CreateRuleResult {
  const { currency, value } = req.amount;
  const passthrough = req.paymentMethod.type === 'CARD_PASSTHROUGH';
  if (PASSTHROUGH_ONLY.has(currency) && !passthrough) {
    return fail(5040, `${currency} is only supported for CARD_PASSTHROUGH payments`);
  }
  if (currency !== env.currency && !(passthrough && PASSTHROUGH_ONLY.has(currency))) {
    return fail(5040, `This sales unit accepts ${env.currency}, not ${currency}`);
  }
  if (value < MIN_AMOUNT_MINOR[currency]) {
    return fail(6010, `The minimum amount for ${currency} is ${MIN_AMOUNT_MINOR[currency]} minor units`);
  }
  if (req.paymentMethod.type === 'CARD' && req.userFlow !== 'WEB_REDIRECT') {
    return fail(4160, 'paymentMethod.type CARD requires userFlow WEB_REDIRECT');
  }
  if (REDIRECT_FLOWS.has(req.userFlow) && !req.returnUrl) {
    return fail(4140, `Missing required parameter returnUrl: it is required when userFlow is ${req.userFlow}`);
  }
  if (req.returnUrl) {
    const problem = returnUrlProblem(req.returnUrl, env.webhookHttpHosts);
    if (problem) return fail(4090, `Invalid returnUrl: ${problem}`);
  }
  if (req.receiptUrl) {
    const problem = returnUrlProblem(req.receiptUrl, env.webhookHttpHosts);
    if (problem) return fail(4090, `Invalid receiptUrl: ${problem}`);
  }
  if (req.userFlow === 'PUSH_MESSAGE' && !req.customer) {
    return fail(4140, 'Missing required parameter customer: it is required when userFlow is PUSH_MESSAGE');
  }
  const metadataResult = checkMetadata(req.metadata);
  if (metadataResult) return metadataResult;
  return checkExpiresAt(req, env);
}

function checkMetadata(metadata: CreatePaymentRequest['metadata']): CreateRuleResult | undefined {
  if (!metadata) return undefined;
  const entries = Object.entries(metadata);
  if (entries.length > METADATA_MAX_PAIRS) {
    return fail(4100, `metadata holds ${entries.length} pairs; at most ${METADATA_MAX_PAIRS} are allowed`);
  }
  for (const [key, value] of entries) {
    if (key.length > METADATA_KEY_MAX) return fail(4120, `metadata key "${key.slice(0, 20)}…" is longer than ${METADATA_KEY_MAX} characters`);
    if (value.length > METADATA_VALUE_MAX) return fail(4130, `metadata value of "${key}" is longer than ${METADATA_VALUE_MAX} characters`);
  }
  return undefined;
}

function checkExpiresAt(req: CreatePaymentRequest, env: CreateRuleEnvironment): CreateRuleResult {
  if (!req.expiresAt) return { ok: true, expiresAt: env.now + env.paymentExpiryMs };
  const at = Date.parse(req.expiresAt);
  if (!req.receipt) return fail(6130, 'A payment with expiresAt (long-living payment) must include a receipt');
  if (at < env.now + EXPIRES_AT_MIN_AHEAD_MS) return fail(6120, 'expiresAt must be at least 10 minutes in the future');
  if (at > env.now + EXPIRES_AT_MAX_AHEAD_MS) return fail(6110, 'expiresAt must be less than 60 days in the future');
  return { ok: true, expiresAt: at };
}
