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

const RETRYABLE_STATUSES = new Set([423, 429]);

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
  }

  static isRetryable(d: Pick<VippsErrorDetails, 'kind' | 'status' | 'errorCode'>): boolean {
    if (d.kind === 'network' || d.kind === 'timeout') return true;
    if (d.kind !== 'http' || d.status === undefined) return false;
    if (d.errorCode !== undefined && RETRYABLE_ERROR_CODES.has(d.errorCode)) return true;
    return d.status >= 500 || RETRYABLE_STATUSES.has(d.status);
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
