import { type FastifyRequest } from 'fastify';
import { type z } from 'zod';
import { describeIssues, IDEMPOTENCY_KEY_MAX } from '@vipps-orders/vipps/schemas';
import { apiProblem } from '../problems';
import { ApiError } from './apiResponse';
import { type ApiKind } from './routeConfig';

/** One header value (repeated headers arrive joined or as arrays; the first counts). */
export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function badRequest(api: ApiKind, request: FastifyRequest, name: string, reason: string): ApiError {
  return new ApiError(
    apiProblem(api, {
      status: 400,
      title: 'Bad Request',
      path: request.url,
      detail: `${name} ${reason}`,
      fields: [{ name, reason }],
    }),
  );
}

/** Parses with a shared wire schema; a failure is a 400 naming each field, without an ErrorCode. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown, api: ApiKind, request: FastifyRequest): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ApiError(
    apiProblem(api, {
      status: 400,
      title: 'Bad Request',
      path: request.url,
      detail: 'One or more validation errors occurred.',
      fields: describeIssues(result.error),
    }),
  );
}

export function idempotencyKey(request: FastifyRequest, api: ApiKind, required: true): string;
export function idempotencyKey(request: FastifyRequest, api: ApiKind, required: false): string | undefined;
export function idempotencyKey(request: FastifyRequest, api: ApiKind, required: boolean): string | undefined {
  const key = headerValue(request, 'Idempotency-Key');
  if (key === undefined || key === '') {
    if (required) throw badRequest(api, request, 'Idempotency-Key', 'header is required');
    return undefined;
  }
  if (key.length > IDEMPOTENCY_KEY_MAX) {
    throw badRequest(api, request, 'Idempotency-Key', `must be at most ${IDEMPOTENCY_KEY_MAX} characters`);
  }
  return key;
}

/** The payment reference (or Order Management orderId) a request is about, if any. */
export function referenceOf(request: FastifyRequest): string | undefined {
  const params = request.params as Record<string, string | undefined> | undefined;
  if (params?.reference) return params.reference;
  if (params?.orderId) return params.orderId;
  const body = request.body as { reference?: unknown } | undefined;
  return body && typeof body === 'object' && typeof body.reference === 'string' ? body.reference : undefined;
}
