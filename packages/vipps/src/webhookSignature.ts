import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures as the Webhooks API v1 specifies them:
 *   content hash   = base64(SHA-256(raw body))                       → header x-ms-content-sha256
 *   string to sign = "POST\n" + pathAndQuery + "\n" + date + ";" + host + ";" + content hash
 *   signature      = base64(HMAC-SHA256(key = UTF-8 bytes of the secret, string to sign))
 *   Authorization  = "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=" + signature
 */

export const DEFAULT_CLOCK_SKEW_MS = 5 * 60 * 1000;
const AUTH_PREFIX = 'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=';

export interface SignatureInput {
  secret: string;
  /** Path plus `?query` of the registered URL, e.g. `/webhooks/vipps?x=1`. */
  pathAndQuery: string;
  /** Host of the registered URL, with `:port` when the port is not the scheme's default. */
  host: string;
  body: string | Buffer;
  method?: string;
}

export interface SignedHeaders {
  'x-ms-date': string;
  'x-ms-content-sha256': string;
  authorization: string;
}

export function contentHash(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('base64');
}

function signature(input: Pick<SignatureInput, 'secret' | 'pathAndQuery' | 'host' | 'method'>, date: string, hash: string): string {
  const method = (input.method ?? 'POST').toUpperCase();
  const toSign = `${method}\n${input.pathAndQuery}\n${date};${input.host};${hash}`;
  return createHmac('sha256', Buffer.from(input.secret, 'utf8')).update(toSign, 'utf8').digest('base64');
}

export function signWebhook(input: SignatureInput, now: Date = new Date()): SignedHeaders {
  const date = now.toUTCString();
  const hash = contentHash(input.body);
  return {
    'x-ms-date': date,
    'x-ms-content-sha256': hash,
    authorization: AUTH_PREFIX + signature(input, date, hash),
  };
}

/** `host` and `pathAndQuery` of a URL as the signature uses them (default ports left out, as URL does). */
export function signingTarget(url: string): { host: string; pathAndQuery: string } {
  const u = new URL(url);
  return { host: u.host, pathAndQuery: `${u.pathname}${u.search}` };
}

export type VerifyFailure =
  | 'missing-headers'
  | 'bad-date'
  | 'stale-date'
  | 'content-hash-mismatch'
  | 'malformed-authorization'
  | 'signature-mismatch';

export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailure };

export interface VerifyInput {
  secret: string;
  pathAndQuery: string;
  host: string;
  rawBody: string | Buffer;
  headers: Record<string, string | string[] | undefined>;
  method?: string;
  now?: Date;
  clockSkewMs?: number;
}

function header(headers: VerifyInput['headers'], name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  // timingSafeEqual needs equal lengths; compare against itself to spend the same time when they differ.
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

/**
 * Verifies a webhook request on its raw body. Checks the date window first (replays of old
 * deliveries fail), then the body hash, then the HMAC, all with constant-time comparisons.
 */
export function verifyWebhook(input: VerifyInput): VerifyResult {
  const date = header(input.headers, 'x-ms-date');
  const claimedHash = header(input.headers, 'x-ms-content-sha256');
  // Some hosts strip Authorization; the Vipps plugins also read X-Vipps-Authorization.
  const authorization = header(input.headers, 'authorization') ?? header(input.headers, 'x-vipps-authorization');
  if (!date || !claimedHash || !authorization) return { ok: false, reason: 'missing-headers' };

  const at = Date.parse(date);
  if (Number.isNaN(at)) return { ok: false, reason: 'bad-date' };
  const now = (input.now ?? new Date()).getTime();
  if (Math.abs(now - at) > (input.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS)) return { ok: false, reason: 'stale-date' };

  const actualHash = contentHash(input.rawBody);
  if (!safeEqual(actualHash, claimedHash)) return { ok: false, reason: 'content-hash-mismatch' };

  if (!authorization.startsWith(AUTH_PREFIX)) return { ok: false, reason: 'malformed-authorization' };
  const expected = AUTH_PREFIX + signature(input, date, actualHash);
  return safeEqual(expected, authorization) ? { ok: true } : { ok: false, reason: 'signature-mismatch' };
}
