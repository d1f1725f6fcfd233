import { createHash } from 'node:crypto';
import { type AxiosInstance } from 'axios';
import { AccessTokenResponse } from './schemas/accessToken';
import { sendRequest } from './transport';

export interface TokenCredentials {
  clientId: string;
  clientSecret: string;
  subscriptionKey: string;
  msn: string;
}

interface CachedToken {
  token: string;
  /** Epoch ms after which we fetch a new one (some time before the real expiry). */
  refreshAt: number;
  expiresAt: number;
}

/** Refresh this long before expiry, but never more than half of the token's lifetime. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * Access tokens for `POST /accesstoken/get`, cached per credentials (keyed by a hash, so the cache
 * never holds secrets in its keys) and refreshed before they expire. Concurrent callers share one
 * in-flight request, so a burst of activities after a restart asks Vipps for one token, not fifty.
 */
export class AccessTokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<CachedToken>>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(http: AxiosInstance, credentials: TokenCredentials, headers: Record<string, string>): Promise<string> {
    const key = fingerprint(http.defaults.baseURL ?? '', credentials);
    const cached = this.tokens.get(key);
    if (cached && this.now() < cached.refreshAt) return cached.token;

    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.fetch(http, credentials, headers).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    try {
      const fresh = await pending;
      this.tokens.set(key, fresh);
      return fresh.token;
    } catch (err) {
      // A refresh that fails before the old token expired keeps the old token usable.
      if (cached && this.now() < cached.expiresAt) return cached.token;
      throw err;
    }
  }

  /** Forget a token the API refused (401), so the next call fetches a new one. */
  invalidate(http: AxiosInstance, credentials: TokenCredentials, token: string): void {
    const key = fingerprint(http.defaults.baseURL ?? '', credentials);
    if (this.tokens.get(key)?.token === token) this.tokens.delete(key);
  }

  private async fetch(http: AxiosInstance, credentials: TokenCredentials, headers: Record<string, string>): Promise<CachedToken> {
    const requestedAt = this.now();
    const body = await sendRequest(http, {
      operation: 'accessToken',
      method: 'POST',
      url: '/accesstoken/get',
      headers: {
        ...headers,
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        'Ocp-Apim-Subscription-Key': credentials.subscriptionKey,
        'Merchant-Serial-Number': credentials.msn,
      },
      responseSchema: AccessTokenResponse,
    });
    const lifetimeMs = body.expires_in * 1000;
    const margin = Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2);
    return { token: body.access_token, expiresAt: requestedAt + lifetimeMs, refreshAt: requestedAt + lifetimeMs - margin };
  }
}

function fingerprint(baseUrl: string, c: TokenCredentials): string {
  return createHash('sha256')
    .update([baseUrl, c.clientId, c.clientSecret, c.subscriptionKey, c.msn].join('\n'))
    .digest('base64url');
}

/** One process-wide cache, so every client built from the same credentials shares its token. */
export const sharedAccessTokenCache = new AccessTokenCache();
