import { STATUS_CODES } from 'node:http';
import { type ExtraDetail } from '@vipps-orders/vipps/schemas';
import { VIPPS_ERROR_CODES, type VippsErrorCode } from '@vipps-orders/vipps';
import { type ApiResponse, jsonResponse } from './http/apiResponse';
import { type ApiKind } from './http/routeConfig';
import { newTraceId, newUuid } from './ids';

/**
 * Every error body the emulator sends is built here, so each API keeps the one shape its real
 * counterpart uses:
 * - ePayment: RFC 7807 `Problem` (application/problem+json) with an ErrorCode in `extraDetails`
 *   for domain errors and field names in `extraDetails` for schema errors;
 * - Webhooks: `ProblemDetails`, which forbids any property beyond its seven;
 * - Order Management: `ErrorResponse` with `invalidParams` (application/json);
 * - Report: `Problem` (application/problem+json), and `{ errorCode, errorMessage, contextId }` for a 500;
 * - the API gateway (401, 429): `{ statusCode, message }`;
 * - the access-token endpoint: an Azure AD style error.
 */

export const PROBLEM_JSON = 'application/problem+json';

export function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

export interface ProblemInput {
  status: number;
  /** Path the client called, with the API prefix (e.g. `/epayment/v1/payments/x`). */
  path: string;
  title?: string;
  detail: string;
  /** Field-level reasons (schema errors). */
  fields?: ExtraDetail[];
  errorCode?: number;
  headers?: Record<string, string>;
}

/** The real problems carry the path below the API's base URL, e.g. `/v1/payments/<ref>/capture`. */
function instanceOf(path: string, prefix: string): string {
  const withoutQuery = path.split('?')[0] ?? path;
  return withoutQuery.startsWith(prefix) ? withoutQuery.slice(prefix.length) || '/' : withoutQuery;
}

function extraDetailsOf(input: ProblemInput): ExtraDetail[] {
  const details = [...(input.fields ?? [])];
  if (input.errorCode !== undefined) details.push({ name: 'ErrorCode', reason: String(input.errorCode) });
  return details;
}

export function epaymentProblem(input: ProblemInput): ApiResponse {
  const body = {
    type: `https://httpstatuses.io/${input.status}`,
    title: input.title ?? statusTitle(input.status),
    status: input.status,
    detail: input.detail,
    traceId: newTraceId(),
    instance: instanceOf(input.path, '/epayment'),
    extraDetails: extraDetailsOf(input),
  };
  return { ...jsonResponse(input.status, body, PROBLEM_JSON), headers: input.headers };
}

/** A domain error: status and title come from the shared ErrorCode table. */
export function epaymentDomainProblem(path: string, code: VippsErrorCode, detail: string): ApiResponse {
  const entry = VIPPS_ERROR_CODES[code];
  return epaymentProblem({ status: entry.status, title: entry.title, path, detail, errorCode: code });
}

export function webhooksProblem(input: ProblemInput): ApiResponse {
  // ProblemDetails has additionalProperties: false, so nothing beyond these seven keys.
  const body = {
    type: `https://httpstatuses.io/${input.status}`,
    title: input.title ?? statusTitle(input.status),
    status: input.status,
    detail: input.detail,
    instance: instanceOf(input.path, '/webhooks'),
    traceId: newTraceId(),
    extraDetails: extraDetailsOf(input),
  };
  return { ...jsonResponse(input.status, body, PROBLEM_JSON), headers: input.headers };
}

export function orderManagementError(input: ProblemInput): ApiResponse {
  const invalidParams = extraDetailsOf(input).map((d) => ({ name: d.name || '(body)', reason: d.reason || 'invalid' }));
  const body = {
    type: `https://httpstatuses.io/${input.status}`,
    title: input.title ?? statusTitle(input.status),
    detail: input.detail,
    instance: instanceOf(input.path, '/order-management'),
    invalidParams,
  };
  return { ...jsonResponse(input.status, body), headers: input.headers };
}

export function reportProblem(input: ProblemInput): ApiResponse {
  if (input.status === 500) {
    const body = { errorCode: 10001, errorMessage: input.detail, contextId: newUuid() };
    return { ...jsonResponse(500, body), headers: input.headers };
  }
  const body = {
    type: `https://httpstatuses.io/${input.status}`,
    title: input.title ?? statusTitle(input.status),
    status: input.status,
    detail: input.detail,
    instance: input.path.split('?')[0] ?? input.path,
    extraDetails: extraDetailsOf(input),
  };
  return { ...jsonResponse(input.status, body, PROBLEM_JSON), headers: input.headers };
}

/** The body the API gateway sends before a request reaches an API (bad token, rate limit). */
export function gatewayError(status: number, message: string, headers?: Record<string, string>): ApiResponse {
  return { ...jsonResponse(status, { statusCode: status, message }), headers };
}

/** Credential errors of `POST /accesstoken/get`, in the Azure AD shape the real endpoint uses. */
export function accessTokenError(status: number, error: string, description: string, code: number, now: Date): ApiResponse {
  const body = {
    error,
    error_description: description,
    error_codes: [code],
    timestamp: now.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
    trace_id: newUuid(),
    correlation_id: newUuid(),
  };
  return jsonResponse(status, body, 'application/json;charset=UTF-8');
}

export function controlError(status: number, message: string, fields: ExtraDetail[] = []): ApiResponse {
  return jsonResponse(status, { error: statusTitle(status), message, fields });
}

/** The right error shape for whichever API a request was addressed to. */
export function apiProblem(api: ApiKind, input: ProblemInput): ApiResponse {
  switch (api) {
    case 'epayment':
      return epaymentProblem(input);
    case 'webhooks':
      return webhooksProblem(input);
    case 'orderManagement':
      return orderManagementError(input);
    case 'report':
      return reportProblem(input);
    case 'accessToken':
      return accessTokenError(input.status, 'invalid_request', input.detail, 900_000 + input.status, new Date());
    case 'landing':
    case 'control':
      return { ...controlError(input.status, input.detail, extraDetailsOf(input)), headers: input.headers };
  }
}
