import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, isVippsHost, parseEnv, portSchema, realSecretProblem } from '../config';

type Env = Record<string, string | undefined>;

const origin = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === v.replace(/\/$/, '');
    } catch {
      return false;
    }
  }, 'each must be an origin such as https://temporal.example.com (scheme, host and port; no path)')
  .transform((v) => v.replace(/\/$/, ''));

const CodecEnv = z.object({
  CODEC_SERVER_TOKEN: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)').optional(),
  CODEC_UI_KEY: z.string().regex(/^[A-Za-z0-9_-]{24,128}$/, 'must be 24 to 128 letters, digits, - or _').optional(),
  CODEC_SERVER_PORT: portSchema.default(8234),
  CODEC_SERVER_HOST: z.string().min(1).default('127.0.0.1'),
  CODEC_CORS_ORIGINS: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(origin).min(1, 'names no origin'))
    .optional(),
  TEMPORAL_UI_URL: z.url().optional(),
});

/** The token and UI key docker-compose.yml once defaulted to: public, so never for real payments. */
export const PUBLISHED_CODEC_SECRETS = ['local-trial-codec-token-change-me-0000', 'local-trial-ui-codec-key-change-me'] as const;

export interface CodecServerConfig {
  /** Clients (the CLI, scripts) send `Authorization: Bearer <token>`. */
  token: string;
  /** The key in the Temporal UI's endpoint path: CODEC_UI_KEY, or derived from the token. */
  uiKey: string;
  port: number;
  host: string;
  /** Browser origins allowed to call it: the Temporal UI's. */
  corsOrigins: string[];
}

/** `npm run codec-server` and the local stack; the token is required (the local stack makes one up). */
export function loadCodecServerConfig(env: Env = process.env, fallbackToken?: string): CodecServerConfig {
  const e = parseEnv(CodecEnv, env, 'codec server');
  const token = e.CODEC_SERVER_TOKEN ?? fallbackToken;
  if (!token) throw new ConfigError('Invalid codec server configuration:\n  CODEC_SERVER_TOKEN: is required (a random string of 32+ characters; clients send it as Authorization: Bearer <token>)');
  const base = env.VIPPS_BASE_URL;
  if (base && URL.canParse(base) && isVippsHost(base)) {
    const problems = [
      realSecretProblem('CODEC_SERVER_TOKEN', token, PUBLISHED_CODEC_SECRETS),
      e.CODEC_UI_KEY ? realSecretProblem('CODEC_UI_KEY', e.CODEC_UI_KEY, PUBLISHED_CODEC_SECRETS) : undefined,
    ].filter((p) => p !== undefined);
    if (problems.length > 0) throw new ConfigError(`Invalid codec server configuration:\n  ${problems.join('\n  ')}`);
  }
  const uiOrigin = e.TEMPORAL_UI_URL ? new URL(e.TEMPORAL_UI_URL).origin : 'http://localhost:8233';
  return { token, uiKey: e.CODEC_UI_KEY ?? uiCodecKey(token), port: e.CODEC_SERVER_PORT, host: e.CODEC_SERVER_HOST, corsOrigins: e.CODEC_CORS_ORIGINS ?? [uiOrigin] };
}

/**
 * The Temporal UI cannot add an Authorization header to its codec calls (it only forwards its own
 * login token, over https, when UI auth is on). It gets a key in the endpoint path instead, by
 * default derived from the token: whoever can load the UI's settings learns it (they can already
 * see what the UI decodes), but it never works as the bearer token, and rotating the token changes
 * it. Set CODEC_UI_KEY where the UI's configuration cannot compute it (docker-compose).
 */
export function uiCodecKey(token: string): string {
  return createHmac('sha256', token).update('temporal-ui codec endpoint').digest('base64url').slice(0, 32);
}
