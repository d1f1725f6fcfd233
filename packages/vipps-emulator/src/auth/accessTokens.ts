import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Clock } from '../options';
import { newUuid } from '../ids';

/**
 * JWT-shaped access tokens (HS256) signed with a key made per process: tokens from an earlier run
 * are rejected like tokens from another environment would be. With a state file the key is saved
 * and handed back here at start, so tokens issued before a restart stay valid until they expire,
 * as they would against the real (never restarting) Vipps. The payload carries a fingerprint
 * of the subscription key the token was issued for (never the key itself, since anyone holding a
 * token can read its payload), so API calls can check that the two belong together.
 */

export interface TokenClaims {
  iss: string;
  sub: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
  /** Fingerprint of the subscription key the token belongs to. */
  skh: string;
  msn?: string;
}

export type VerifyTokenResult = { ok: true; claims: TokenClaims } | { ok: false; reason: string };

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

export function subscriptionKeyFingerprint(subscriptionKey: string): string {
  return createHash('sha256').update(subscriptionKey, 'utf8').digest('base64url').slice(0, 32);
}

/** Length of the HS256 signing key in bytes. */
export const TOKEN_KEY_BYTES = 32;

export class AccessTokenIssuer {
  constructor(
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
    private readonly key: Buffer = randomBytes(TOKEN_KEY_BYTES),
  ) {
    if (key.length !== TOKEN_KEY_BYTES) throw new Error(`the token signing key must be ${TOKEN_KEY_BYTES} bytes`);
  }

  /** The signing key, for the state file only (it is as secret as the client secret). */
  exportKey(): Buffer {
    return Buffer.from(this.key);
  }

  issue(input: { clientId: string; subscriptionKey: string; msn?: string }): { token: string; claims: TokenClaims } {
    const now = Math.floor(this.clock.now() / 1000);
    const claims: TokenClaims = {
      iss: 'https://vipps-mobilepay-emulator.local/',
      sub: input.clientId,
      iat: now,
      nbf: now,
      exp: now + this.ttlSeconds,
      jti: newUuid(),
      skh: subscriptionKeyFingerprint(input.subscriptionKey),
    };
    if (input.msn) claims.msn = input.msn;
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { token: `${HEADER}.${payload}.${this.sign(`${HEADER}.${payload}`)}`, claims };
  }

  verify(token: string): VerifyTokenResult {
    const [header, payload, signature, ...rest] = token.split('.');
    if (!header || !payload || !signature || rest.length > 0) return { ok: false, reason: 'malformed token' };
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'invalid signature' };
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return { ok: false, reason: 'malformed token' };
    }
    const now = this.clock.now() / 1000;
    if (typeof claims.exp !== 'number' || now >= claims.exp) return { ok: false, reason: 'token expired' };
    if (typeof claims.nbf === 'number' && now + 300 < claims.nbf) return { ok: false, reason: 'token not yet valid' };
    return { ok: true, claims };
  }

  private sign(input: string): string {
    return createHmac('sha256', this.key).update(input).digest('base64url');
  }
}
