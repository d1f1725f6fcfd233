import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Errors Fastify and Node raise before a route is found would otherwise answer with their own
 * bodies (`{"code":"FST_ERR_BAD_URL",…}`, `{"code":"FST_ERR_MAX_PARAM_LENGTH",…}`); they answer in
 * the service's one error shape instead, as `invalid_request`.
 */

/** Longer than any id the API takes, so a too-long id reaches its route and is named there (400). */
export const MAX_PARAM_LENGTH = 2048;

export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  const message = tooLong ? `a path segment is longer than ${MAX_PARAM_LENGTH} characters` : 'the request path is not a valid URI (check its percent-escapes)';
  request.log.info({ code: error.code }, message);
  void reply.code(tooLong ? 414 : 400).send({ error: 'invalid_request', message });
}

/** Requests Node's HTTP parser refuses never reach Fastify; answer them in the same shape. */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, text] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large'] : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout'] : [400, 'Bad Request'];
  const body = JSON.stringify({ error: 'invalid_request', message: 'the HTTP request could not be parsed' });
  socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
