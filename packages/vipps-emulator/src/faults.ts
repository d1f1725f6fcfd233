import { z } from 'zod';
import { VIPPS_ERROR_CODES, type VippsErrorCode } from '@vipps-orders/vipps';
import { type ApiResponse } from './http/apiResponse';
import { type ApiKind, OPERATION_NAMES, type OperationName } from './http/routeConfig';
import { apiProblem, epaymentProblem, gatewayError } from './problems';

/**
 * Fault switches, set through `PUT /_emulator/faults`. They make the failure modes of the real
 * platform reproducible: slow answers, random 5xx/429, a rate limiter, deterministic failures of
 * the next N calls (before the operation, or after it so the answer is lost), and unreliable
 * webhook delivery. Strict objects, so a misspelt switch is a 400 rather than silently ignored.
 */

const Rate = z.number().min(0).max(1);
const Count = z.int().min(0).max(100_000);

const knownErrorCode = z
  .int()
  .refine((code) => code in VIPPS_ERROR_CODES, { message: 'must be an ErrorCode listed in src/vipps/errorCodes.ts' });

export const FailNextRule = z.strictObject({
  operation: z.union([z.enum(OPERATION_NAMES), z.literal('*')]),
  /** Only calls about this payment reference (or Order Management orderId). */
  reference: z.string().min(1).optional(),
  count: z.int().min(1).max(100_000).default(1),
  /** Defaults to the ErrorCode's status when `errorCode` is given, else 503. */
  status: z.int().min(400).max(599).optional(),
  /** `after`: run the operation (and store its idempotent answer), then answer with the error. */
  when: z.enum(['before', 'after']).default('before'),
  retryAfterSeconds: z.int().min(0).max(3600).optional(),
  errorCode: knownErrorCode.optional(),
  /**
   * With `when: after` only: `corrupt` answers 200 with a body that is not the API's schema (the
   * operation did run); `slow` sends the real answer `delayMs` late, past a client's timeout;
   * `bare` answers `status` (e.g. 400) with a proxy's plain HTML page instead of a Vipps problem:
   * no ErrorCode, no fields, as a gateway between merchant and Vipps may answer after the call went through.
   */
  answer: z.enum(['error', 'corrupt', 'slow', 'bare']).default('error'),
  delayMs: z.int().min(1).max(120_000).optional(),
}).superRefine((rule, ctx) => {
  if (rule.answer !== 'error' && rule.when !== 'after') ctx.addIssue({ code: 'custom', path: ['answer'], message: `"${rule.answer}" needs when: "after" (the operation runs, then its answer is spoiled)` });
  if (rule.answer === 'slow' && rule.delayMs === undefined) ctx.addIssue({ code: 'custom', path: ['delayMs'], message: 'is required for answer: "slow"' });
});
export type FailNextRule = z.infer<typeof FailNextRule>;

export const WebhookFaults = z.strictObject({
  /** Probability that an event is never delivered to a registration. */
  dropRate: Rate.optional(),
  /** Probability that an event is delivered twice. */
  duplicateRate: Rate.optional(),
  /** Wait before each delivery attempt. */
  delayMs: z.int().min(0).max(600_000).optional(),
  /** Deliver events of a payment in pairs, the second first. */
  reorder: z.boolean().optional(),
  /** How long the first event of a pair waits for the second before going out alone. */
  reorderWindowMs: z.int().min(1).max(60_000).optional(),
  dropNext: Count.optional(),
  duplicateNext: Count.optional(),
  /** The next N delivery attempts fail without reaching the receiver (then the retry schedule runs). */
  failNextDeliveries: Count.optional(),
});
export type WebhookFaults = z.infer<typeof WebhookFaults>;

export const FaultConfig = z.strictObject({
  latencyMs: z.int().min(0).max(120_000).optional(),
  errorRate: Rate.optional(),
  rateLimitRate: Rate.optional(),
  /** Retry-After of rateLimitRate 429s (seconds). */
  retryAfterSeconds: z.int().min(0).max(3600).optional(),
  /** Enforce the real per-reference limits: 5/min create/capture/cancel/refund, 120/min get/events. */
  rateLimits: z.boolean().optional(),
  failNext: z.array(FailNextRule).optional(),
  webhooks: WebhookFaults.optional(),
});
export type FaultConfig = z.infer<typeof FaultConfig>;

export interface FaultHit {
  status: number;
  answer?: 'error' | 'corrupt' | 'slow' | 'bare';
  delayMs?: number;
  retryAfterSeconds?: number;
  errorCode?: VippsErrorCode;
  reason: string;
}

export const DEFAULT_REORDER_WINDOW_MS = 500;

export class FaultInjector {
  private config: FaultConfig = {};
  private rules: FailNextRule[] = [];
  private webhookCounters = { dropNext: 0, duplicateNext: 0, failNextDeliveries: 0 };

  constructor(private readonly random: () => number = Math.random) {}

  replace(config: FaultConfig): void {
    this.config = config;
    this.rules = (config.failNext ?? []).map((r) => ({ ...r }));
    const w = config.webhooks ?? {};
    this.webhookCounters = {
      dropNext: w.dropNext ?? 0,
      duplicateNext: w.duplicateNext ?? 0,
      failNextDeliveries: w.failNextDeliveries ?? 0,
    };
  }

  clear(): void {
    this.replace({});
  }

  /** The current switches, with the remaining counts of the one-shot ones. */
  snapshot(): FaultConfig {
    const snapshot: FaultConfig = { ...this.config };
    if (this.config.failNext) snapshot.failNext = this.rules.map((r) => ({ ...r }));
    if (this.config.webhooks) snapshot.webhooks = { ...this.config.webhooks, ...this.webhookCounters };
    return snapshot;
  }

  latencyMs(): number {
    return this.config.latencyMs ?? 0;
  }

  get rateLimitsEnforced(): boolean {
    return this.config.rateLimits === true;
  }

  /** A fault that replaces the operation entirely (nothing is executed or stored). */
  before(operation: OperationName, reference: string | undefined): FaultHit | undefined {
    const rule = this.takeRule('before', operation, reference);
    if (rule) return rule;
    if (this.config.errorRate && this.random() < this.config.errorRate) {
      return { status: 503, reason: 'errorRate' };
    }
    if (this.config.rateLimitRate && this.random() < this.config.rateLimitRate) {
      return { status: 429, retryAfterSeconds: this.config.retryAfterSeconds ?? 1, reason: 'rateLimitRate' };
    }
    return undefined;
  }

  /** A fault that hides the answer of an operation that did run. */
  after(operation: OperationName, reference: string | undefined): FaultHit | undefined {
    return this.takeRule('after', operation, reference);
  }

  private takeRule(when: 'before' | 'after', operation: OperationName, reference: string | undefined): FaultHit | undefined {
    const index = this.rules.findIndex(
      (r) =>
        r.when === when &&
        (r.operation === '*' || r.operation === operation) &&
        (r.reference === undefined || r.reference === reference),
    );
    const rule = this.rules[index];
    if (!rule) return undefined;
    rule.count -= 1;
    if (rule.count <= 0) this.rules.splice(index, 1);
    const code = rule.errorCode as VippsErrorCode | undefined;
    const status = rule.status ?? (code !== undefined ? VIPPS_ERROR_CODES[code].status : 503);
    return { status, retryAfterSeconds: rule.retryAfterSeconds, errorCode: code, reason: `failNext(${when})`, answer: rule.answer, ...(rule.delayMs !== undefined && { delayMs: rule.delayMs }) };
  }

  // Webhook faults. Each `should…` call consumes a one-shot count when one is left.

  shouldDropWebhook(): boolean {
    return this.consume('dropNext') || this.chance(this.config.webhooks?.dropRate);
  }

  shouldDuplicateWebhook(): boolean {
    return this.consume('duplicateNext') || this.chance(this.config.webhooks?.duplicateRate);
  }

  shouldFailDeliveryAttempt(): boolean {
    return this.consume('failNextDeliveries');
  }

  webhookDelayMs(): number {
    return this.config.webhooks?.delayMs ?? 0;
  }

  get reorderWebhooks(): boolean {
    return this.config.webhooks?.reorder === true;
  }

  get reorderWindowMs(): number {
    return this.config.webhooks?.reorderWindowMs ?? DEFAULT_REORDER_WINDOW_MS;
  }

  private consume(counter: keyof FaultInjector['webhookCounters']): boolean {
    if (this.webhookCounters[counter] <= 0) return false;
    this.webhookCounters[counter] -= 1;
    return true;
  }

  private chance(rate: number | undefined): boolean {
    return rate !== undefined && rate > 0 && this.random() < rate;
  }
}

/** The HTTP answer for a fault, in the error shape of the API that was called. */
export function faultResponse(api: ApiKind, hit: FaultHit, path: string): ApiResponse {
  const headers: Record<string, string> = {};
  if (hit.retryAfterSeconds !== undefined) headers['retry-after'] = String(hit.retryAfterSeconds);
  if (hit.status === 429 && hit.errorCode === undefined) {
    headers['retry-after'] ??= '1';
    return gatewayError(429, `Rate limit is exceeded. Try again in ${headers['retry-after']} seconds.`, headers);
  }
  const detail = `Injected fault (${hit.reason})`;
  if (api === 'epayment' && hit.errorCode !== undefined) {
    const title = VIPPS_ERROR_CODES[hit.errorCode].title;
    return epaymentProblem({ status: hit.status, title, path, detail, errorCode: hit.errorCode, headers });
  }
  return apiProblem(api, { status: hit.status, path, detail, errorCode: hit.errorCode, headers });
}
