import { type FastifyInstance } from 'fastify';

function httpError(statusCode: number, message: string): Error & { statusCode: number } {
  return Object.assign(new Error(message), { statusCode });
}

/**
 * Body parsing tuned to what Vipps clients send: an empty body with `Content-Type:
 * application/json` is no body (cancel without options, the access-token call), not an error;
 * broken JSON is a 400 in the API's own error shape; landing-page forms are urlencoded.
 */
export function registerContentParsers(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(['application/json', 'application/problem+json'], { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(httpError(400, `The request body is not valid JSON: ${(err as Error).message}`), undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    if (String(body).trim() === '') return done(null, undefined);
    done(httpError(415, `Unsupported Content-Type ${req.headers['content-type'] ?? '(none)'}; send application/json`), undefined);
  });
}
