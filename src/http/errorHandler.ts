import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { OrderCommandError } from '../orders/errors';

/** Fastify's messages for the input errors a caller can make, in words that say what to send. */
function plainMessage(err: FastifyError): string {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'the body must be JSON: send Content-Type: application/json';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'the body is not valid JSON';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the body is empty although Content-Type says JSON: send a JSON object, or no Content-Type';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'the body is too large';
    default:
      return err.message;
  }
}

/**
 * Errors in one place. The JSON body is `{ error, message, ...details }`: `error` is a stable code
 * for programs, `message` is for people and names the field when the input was at fault.
 */
function errorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | OrderCommandError | Error, request, reply) => {
    if (err instanceof OrderCommandError) {
      const level = err.httpStatus >= 500 ? 'warn' : 'info';
      request.log[level]({ code: err.code }, err.message);
      const body: Record<string, unknown> = { error: err.code, message: err.message };
      if (err.extra.issues) body.issues = err.extra.issues;
      if (err.extra.vipps) body.vipps = err.extra.vipps;
      if (err.extra.order) body.order = err.extra.order;
      if (err.httpStatus === 503) void reply.header('Retry-After', '2');
      return reply.code(err.httpStatus).send(body);
    }
    const fastifyError = err as FastifyError;
    if (fastifyError.statusCode && fastifyError.statusCode < 500) {
      // Malformed JSON, wrong content type, body too large, ...: Fastify's own 4xx, said plainly.
      return reply.code(fastifyError.statusCode).send({ error: 'invalid_request', message: plainMessage(fastifyError) });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.code(500).send({ error: 'internal_error', message: 'unexpected error; see the service log' });
  });

  // A path that exists with other methods is a 405 naming them (Allow), not a 404.
  const routes: { pattern: RegExp; method: string }[] = [];
  app.addHook('onRoute', (route) => {
    const pattern = new RegExp(`^${route.url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+').replace(/\*/g, '.*')}$`);
    for (const method of [route.method].flat()) routes.push({ pattern, method });
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))];
    if (allowed.length > 0) {
      return reply.code(405).header('Allow', allowed.join(', ')).send({ error: 'method_not_allowed', message: `${request.method} is not allowed on ${path}; use ${allowed.join(' or ')}` });
    }
    return reply.code(404).send({ error: 'not_found', message: `no route for ${request.method} ${path}` });
  });
}

export default fp(errorHandler, { name: 'error-handler' });
