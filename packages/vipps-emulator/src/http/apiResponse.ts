import { type FastifyReply } from 'fastify';

/**
 * A finished HTTP answer with its body already serialized. Operations produce these instead of
 * writing to the reply directly, so that an idempotent replay can send exactly the same bytes and
 * fault injection can swap the answer after the operation ran.
 */
export interface ApiResponse {
  status: number;
  contentType?: string;
  /** Serialized body; undefined means no body at all (e.g. 204, forceApprove 200). */
  body?: string;
  headers?: Record<string, string>;
}

export function jsonResponse(status: number, value: unknown, contentType = 'application/json'): ApiResponse {
  return { status, contentType, body: JSON.stringify(value) };
}

export function emptyResponse(status: number): ApiResponse {
  return { status };
}

/** Thrown from guards and handlers; the error handler sends `response` as it is. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(readonly response: ApiResponse) {
    super(`HTTP ${response.status}`);
  }
}

export function sendApiResponse(reply: FastifyReply, response: ApiResponse): FastifyReply {
  reply.code(response.status);
  for (const [name, value] of Object.entries(response.headers ?? {})) reply.header(name, value);
  if (response.body === undefined) return reply.send();
  reply.header('content-type', response.contentType ?? 'application/json');
  return reply.send(response.body);
}
