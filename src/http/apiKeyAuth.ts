import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * `Authorization: Bearer <ORDER_API_KEY>` check for the order API. Compares SHA-256 digests so
 * the comparison takes the same time whatever the length or content of the presented key.
 */
export function apiKeyGuard(apiKey: string) {
  const expected = createHash('sha256').update(apiKey).digest();
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    const presented = createHash('sha256').update(match?.[1] ?? '').digest();
    if (!match || !timingSafeEqual(presented, expected)) {
      await reply
        .code(401)
        .header('WWW-Authenticate', 'Bearer')
        .send({ error: 'unauthorized', message: 'send Authorization: Bearer <ORDER_API_KEY>' });
    }
  };
}
