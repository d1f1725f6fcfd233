import { RETRYABLE_ERROR_CODES } from './errorCodes';

export type VippsErrorKind = 'http' | 'network' | 'timeout' | 'invalid-response' | 'invalid-request';

export interface VippsErrorDetails {
  kind: VippsErrorKind;
  /** Client operation name, e.g. `capturePayment`. */
  operation: string;
  status?: number;
  /** Vipps ErrorCode from `extraDetails[name=ErrorCode]`, when the API sent one. */
  errorCode?: number;
  title?: string;
  detail?: string;
  traceId?: string;
  /** `extraDetails` other than the ErrorCode: usually `field → reason` for schema errors. */
  fieldErrors?: { name: string; reason: string }[];
  retryAfterMs?: number;
  cause?: unknown;
}

/** 408: the request timed out on its way; the same key again is safe and may succeed. */
const RETRYABLE_STATUSES = new Set([408, 423, 429]);

/**
 * Statuses that say the request was not processed even without an ErrorCode: 401 and 403 come
 * from the API gateway's credential check, before the request reaches the payment API (the docs:
 * "429/401/403 may come from the Azure APIM layer"), so nothing can have been applied.
 */
const NOT_PROCESSED_STATUSES = new Set([401, 403]);

/**
 * The one error type of the Vipps client. `retryable` says whether sending the same request again,
 * with the same Idempotency-Key, can succeed: 5xx, 423, 429, network errors, timeouts and the
 * "try later" codes. Everything else is final for that key.
 */
export class VippsApiError extends Error {
  override readonly name = 'VippsApiError';
  readonly kind: VippsErrorKind;
  readonly operation: string;
  readonly status?: number;
  readonly errorCode?: number;
  readonly title?: string;
  readonly detail?: string;
  readonly traceId?: string;
  readonly fieldErrors: { name: string; reason: string }[];
  readonly retryAfterMs?: number;
  readonly retryable: boolean;
  /**
   * Vipps said, in a way we can trust, that this request was not carried out (and will not be for
   * this key). False for everything else, including a final 4xx that carries no Vipps ErrorCode:
   * a proxy or gateway may answer that after the request reached Vipps, so its outcome is unknown.
   */
  readonly definite: boolean;

  constructor(details: VippsErrorDetails) {
    super(VippsApiError.describe(details), { cause: details.cause });
    this.kind = details.kind;
    this.operation = details.operation;
    this.status = details.status;
    this.errorCode = details.errorCode;
    this.title = details.title;
    this.detail = details.detail;
    this.traceId = details.traceId;
    this.fieldErrors = details.fieldErrors ?? [];
    this.retryAfterMs = details.retryAfterMs;
    this.retryable = VippsApiError.isRetryable(details);
    this.definite = VippsApiError.isDefiniteRefusal(details);
  }

  static isRetryable(d: Pick<VippsErrorDetails, 'kind' | 'status' | 'errorCode'>): boolean {
    if (d.kind === 'network' || d.kind === 'timeout') return true;
    if (d.kind !== 'http' || d.status === undefined) return false;
    if (d.errorCode !== undefined && RETRYABLE_ERROR_CODES.has(d.errorCode)) return true;
    return d.status >= 500 || RETRYABLE_STATUSES.has(d.status);
  }

  /**
   * A definite refusal: a request our client refused to send; a Vipps problem answer with its
   * ErrorCode (not a "try later" one); a 400 problem naming the fields Vipps' schema check refused
   * (documented: schema errors carry field names and no ErrorCode); or 401/403 (see
   * NOT_PROCESSED_STATUSES). A bare 4xx (no code, no fields), 404 without 5090, 408, 409 or 422
   * without a code are not: the request may have reached Vipps and been applied.
   */
  static isDefiniteRefusal(d: Pick<VippsErrorDetails, 'kind' | 'status' | 'errorCode' | 'fieldErrors'>): boolean {
    if (d.kind === 'invalid-request') return true;
    if (d.kind !== 'http' || d.status === undefined || d.status < 400 || d.status >= 500) return false;
    if (VippsApiError.isRetryable(d)) return false;
    if (d.errorCode !== undefined) return true;
    if (NOT_PROCESSED_STATUSES.has(d.status)) return true;
    return d.status === 400 && (d.fieldErrors?.length ?? 0) > 0;
  }

  private static describe(d: VippsErrorDetails): string {
    const parts = [`Vipps ${d.operation} failed`];
    if (d.status !== undefined) parts.push(`HTTP ${d.status}`);
    if (d.errorCode !== undefined) parts.push(`ErrorCode ${d.errorCode}`);
    if (d.kind !== 'http') parts.push(`(${d.kind})`);
    let message = parts.join(' ');
    const text = [d.title, d.detail].filter(Boolean).join(': ');
    if (text) message += `: ${text}`;
    if (d.fieldErrors?.length) message += ` [${d.fieldErrors.map((f) => `${f.name}: ${f.reason}`).join('; ')}]`;
    if (d.traceId) message += ` (traceId ${d.traceId})`;
    return message;
  }

  /** A plain, log-safe object (no request bodies, no headers). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      kind: this.kind,
      operation: this.operation,
      status: this.status,
      errorCode: this.errorCode,
      traceId: this.traceId,
      retryable: this.retryable,
      definite: this.definite,
      retryAfterMs: this.retryAfterMs,
      fieldErrors: this.fieldErrors,
    };
  }
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds from now. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
