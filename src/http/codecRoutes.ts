import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { describeIssues } from '@vipps-orders/vipps/schemas';
import { PayloadDecryptionError } from '../security/payloadCodec';

export interface CodecRouteOptions {
  codec: PayloadCodec;
  /** The bearer token of CLI and program clients. */
  token: string;
  /** The key in the Temporal UI's endpoint path (`/codec/ui/<key>`), see uiCodecKey. */
  uiKey: string;
  /** Browser origins allowed to call (the Temporal UI's). */
  corsOrigins: string[];
}

const BYTES = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');

/** Temporal's `Payloads` message in proto3 JSON: bytes fields are base64 strings. */
const PayloadsJson = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), BYTES).optional(), data: BYTES.optional() }))
    .max(1000, 'at most 1000 payloads per request'),
});

const BODY_LIMIT = 8 * 1024 * 1024;
const ALLOWED_HEADERS = 'authorization, content-type, x-namespace';

/**
 * The codec server, per Temporal's remote codec protocol: POST `<endpoint>/encode` and
 * `<endpoint>/decode` take and give `{ payloads: [{ metadata, data }] }` (base64 bytes), so the
 * Temporal UI and CLI show decrypted payloads without ever holding the keys.
 *
 * Two endpoints, two ways to authenticate:
 * - `/codec` for the CLI and programs: `Authorization: Bearer <CODEC_SERVER_TOKEN>`;
 * - `/codec/ui/<key>` for the Temporal UI (which cannot send that header): the key in the path,
 *   and only from an allowed browser origin.
 * CORS answers only the allowed origins. Requests are never logged with their URL (it holds the UI key).
 */
export default function codecRoutes(app: FastifyInstance, opts: CodecRouteOptions): void {
  const tokenDigest = digest(opts.token);
  const uiKeyDigest = digest(opts.uiKey);
  const origins = new Set(opts.corsOrigins);

  const allowOrigin = (request: FastifyRequest, reply: FastifyReply): boolean => {
    const origin = request.headers.origin;
    if (!origin || !origins.has(origin)) return false;
    void reply.header('access-control-allow-origin', origin).header('access-control-allow-credentials', 'true').header('vary', 'Origin');
    return true;
  };

  const preflight = (request: FastifyRequest, reply: FastifyReply) => {
    if (!allowOrigin(request, reply)) return reply.code(403).send({ error: 'origin_not_allowed', message: 'this origin may not call the codec server (CODEC_CORS_ORIGINS)' });
    return reply
      .code(204)
      .header('access-control-allow-methods', 'POST, OPTIONS')
      .header('access-control-allow-headers', ALLOWED_HEADERS)
      .header('access-control-max-age', '600')
      .send();
  };
  app.options('/codec/:op', preflight);
  app.options('/codec/ui/:key/:op', preflight);

  app.post<{ Params: { op: string } }>('/codec/:op', { bodyLimit: BODY_LIMIT }, async (request, reply) => {
    allowOrigin(request, reply);
    const presented = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!presented || !timingSafeEqual(digest(presented), tokenDigest)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'send Authorization: Bearer <CODEC_SERVER_TOKEN>' });
    }
    return convert(request.params.op, request.body, reply);
  });

  app.post<{ Params: { key: string; op: string } }>('/codec/ui/:key/:op', { bodyLimit: BODY_LIMIT }, async (request, reply) => {
    if (!allowOrigin(request, reply)) return reply.code(403).send({ error: 'origin_not_allowed', message: 'the UI endpoint answers only the Temporal UI\'s origin (CODEC_CORS_ORIGINS)' });
    if (!timingSafeEqual(digest(request.params.key), uiKeyDigest)) return reply.code(401).send({ error: 'unauthorized', message: 'unknown codec endpoint key' });
    return convert(request.params.op, request.body, reply);
  });

  async function convert(op: string, body: unknown, reply: FastifyReply) {
    if (op !== 'encode' && op !== 'decode') return reply.code(404).send({ error: 'not_found', message: 'the codec endpoints are …/encode and …/decode' });
    const parsed = PayloadsJson.safeParse(body);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error).map((d) => ({ field: d.name, reason: d.reason }));
      return reply.code(400).send({ error: 'invalid_request', message: issues.map((i) => `${i.field}: ${i.reason}`).join('; '), issues });
    }
    const payloads = parsed.data.payloads.map(fromJson);
    try {
      const out = op === 'encode' ? await opts.codec.encode(payloads) : await opts.codec.decode(payloads);
      return reply.send({ payloads: out.map(toJson) });
    } catch (err) {
      if (err instanceof PayloadDecryptionError) return reply.code(422).send({ error: 'cannot_decode', message: err.message });
      throw err;
    }
  }
}

function digest(value: string): Buffer {
  // Equal-length inputs for timingSafeEqual, whatever was presented.
  return createHash('sha256').update(value, 'utf8').digest();
}

function fromJson(p: { metadata?: Record<string, string>; data?: string }): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(p.data ?? '', 'base64'),
  };
}

function toJson(p: Payload): { metadata: Record<string, string>; data: string } {
  return {
    metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}
