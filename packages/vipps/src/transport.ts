import { AxiosError, type AxiosInstance, type AxiosResponse, type Method } from 'axios';
import { type z } from 'zod';
import { VippsApiError, parseRetryAfter } from './errors';
import { describeIssues } from './schemas/zodIssues';

export interface VippsRequest<T extends z.ZodType> {
  operation: string;
  method: Method;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  /** `null` means the operation answers without a body we care about (204, forceApprove). */
  responseSchema: T | null;
}

/**
 * Sends one request and returns the parsed body. Never retries: a POST whose outcome is unknown is
 * for the caller (a Temporal activity) to repeat with the same Idempotency-Key.
 */
export async function sendRequest<T extends z.ZodType>(http: AxiosInstance, req: VippsRequest<T>): Promise<z.output<T>> {
  let response: AxiosResponse<unknown>;
  try {
    response = await http.request<unknown>({
      method: req.method,
      url: req.url,
      headers: req.headers,
      data: req.body === undefined ? undefined : JSON.stringify(req.body),
      // We classify every status ourselves.
      validateStatus: () => true,
    });
  } catch (err) {
    throw transportError(req.operation, err);
  }

  if (response.status >= 400) throw httpError(req.operation, response);
  if (req.responseSchema === null) return undefined as z.output<T>;

  const parsed = req.responseSchema.safeParse(response.data);
  if (!parsed.success) {
    throw new VippsApiError({
      kind: 'invalid-response',
      operation: req.operation,
      status: response.status,
      title: 'Response does not match the API schema',
      fieldErrors: describeIssues(parsed.error),
      traceId: headerValue(response, 'x-trace-id'),
    });
  }
  return parsed.data;
}

function transportError(operation: string, err: unknown): VippsApiError {
  if (err instanceof AxiosError) {
    const timedOut = err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT' || err.code === AxiosError.ERR_CANCELED;
    return new VippsApiError({
      kind: timedOut ? 'timeout' : 'network',
      operation,
      detail: err.code ? `${err.code}: ${err.message}` : err.message,
      cause: err,
    });
  }
  return new VippsApiError({ kind: 'network', operation, detail: String(err), cause: err });
}

function headerValue(response: AxiosResponse, name: string): string | undefined {
  const v: unknown = response.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Reads the error body in every shape Vipps uses: RFC 7807 problems (ePayment, Webhooks), the
 * Order Management `invalidParams` variant, Azure-AD token errors and APIM gateway errors.
 */
function httpError(operation: string, response: AxiosResponse<unknown>): VippsApiError {
  const body = (typeof response.data === 'object' && response.data !== null ? response.data : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const pairs = [body.extraDetails, body.invalidParams]
    .filter(Array.isArray)
    .flat()
    .filter((d): d is { name: string; reason: string } => typeof d === 'object' && d !== null && 'name' in d && 'reason' in d)
    .map((d) => ({ name: String(d.name), reason: String(d.reason) }));
  const codeEntry = pairs.find((p) => p.name === 'ErrorCode');
  const errorCode = codeEntry && /^\d+$/.test(codeEntry.reason) ? Number(codeEntry.reason) : undefined;

  return new VippsApiError({
    kind: 'http',
    operation,
    status: response.status,
    errorCode,
    title: str(body.title) ?? str(body.error) ?? (typeof response.data === 'string' ? undefined : str(body.message)),
    detail: str(body.detail) ?? str(body.error_description) ?? (str(body.title) ? undefined : str(body.message)),
    traceId: str(body.traceId) ?? str(body.trace_id) ?? headerValue(response, 'x-trace-id'),
    fieldErrors: pairs.filter((p) => p !== codeEntry),
    retryAfterMs: parseRetryAfter(headerValue(response, 'retry-after')),
  });
}
