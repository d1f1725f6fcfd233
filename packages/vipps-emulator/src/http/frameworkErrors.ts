import { type Socket } from 'node:net';
import { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { apiProblem } from '../problems';
import { sendApiResponse } from './apiResponse';
import { apiForPath } from './errorHandler';

/**
 * Errors Fastify raises before a route is found (a bad percent-escape in the path, a path
 * parameter longer than the router takes) would otherwise answer with Fastify's own body
 * (`{"code":"FST_ERR_BAD_URL",…}`). They answer in the error shape of the API the caller addressed.
 */

/** Long enough that every route's own parameter check (e.g. the reference pattern) names the field first. */
export const MAX_PARAM_LENGTH = 2048;

export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const status = tooLong ? 414 : 400;
  const detail = tooLong
    ? `A path segment is longer than ${MAX_PARAM_LENGTH} characters`
    : 'The request path is not a valid URI (check its percent-escapes)';
  void sendApiResponse(reply, apiProblem(apiForPath(request.url), { status, path: request.url, detail }));
}

/** Requests Node's HTTP parser refuses (before Fastify sees them): a plain problem body, no Fastify error. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const title = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
  const body = JSON.stringify({ type: `https://httpstatuses.io/${status}`, title, status, detail: 'The HTTP request could not be parsed' });
  socket.end(`HTTP/1.1 ${status} ${title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
