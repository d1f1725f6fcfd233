import { z } from 'zod';

/**
 * All configuration comes from environment variables, parsed here by zod. A bad value stops the
 * process with a message that names the variable. Secrets are held here but never printed:
 * use `redactConfig` for anything that goes to a log.
 *
 * The client and the emulator read the same VIPPS_* variables, so one set of values makes them agree.
 */

type Env = Record<string, string | undefined>;

/** Development credentials that the emulator accepts by default. They work nowhere else. */
export const EMULATOR_DEFAULT_CREDENTIALS = {
  clientId: 'e8b1c5f0-0000-4000-8000-00000000c11e',
  clientSecret: 'emulator-client-secret',
  subscriptionKey: 'emulator-subscription-key',
  msn: '123456',
} as const;

export const DEFAULT_EMULATOR_PORT = 4010;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const url = z.url().transform((u) => u.replace(/\/+$/, ''));

function parse<T extends z.ZodType>(schema: T, env: Env, section: string): z.output<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid ${section} configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

const VippsEnv = z
  .object({
    VIPPS_BASE_URL: url.default(`http://localhost:${DEFAULT_EMULATOR_PORT}`),
    VIPPS_CLIENT_ID: z.string().min(1).optional(),
    VIPPS_CLIENT_SECRET: z.string().min(1).optional(),
    VIPPS_SUBSCRIPTION_KEY: z.string().min(1).optional(),
    VIPPS_MSN: z.string().regex(/^[0-9]{4,10}$/, 'must be 4 to 10 digits').optional(),
    VIPPS_SYSTEM_NAME: z.string().min(1).max(30).default('vipps-temporal-orders'),
    VIPPS_SYSTEM_VERSION: z.string().min(1).max(30).default('0.1.0'),
    VIPPS_SYSTEM_PLUGIN_NAME: z.string().min(1).max(30).default('order-workflow'),
    VIPPS_SYSTEM_PLUGIN_VERSION: z.string().min(1).max(30).default('0.1.0'),
    VIPPS_TIMEOUT_MS: positiveInt.default(10_000),
  })
  .superRefine((env, ctx) => {
    // Emulator defaults must never be sent to the real Vipps APIs: require explicit credentials there.
    if (!isVippsHost(env.VIPPS_BASE_URL)) return;
    for (const key of ['VIPPS_CLIENT_ID', 'VIPPS_CLIENT_SECRET', 'VIPPS_SUBSCRIPTION_KEY', 'VIPPS_MSN'] as const) {
      if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: `is required when VIPPS_BASE_URL is ${env.VIPPS_BASE_URL}` });
    }
  });

function isVippsHost(baseUrl: string): boolean {
  return /(^|\.)vipps\.no$/i.test(new URL(baseUrl).hostname);
}

export interface VippsConfig {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  subscriptionKey: string;
  msn: string;
  systemName: string;
  systemVersion: string;
  pluginName: string;
  pluginVersion: string;
  timeoutMs: number;
}

export function loadVippsConfig(env: Env = process.env): VippsConfig {
  const e = parse(VippsEnv, env, 'Vipps');
  return {
    baseUrl: e.VIPPS_BASE_URL,
    clientId: e.VIPPS_CLIENT_ID ?? EMULATOR_DEFAULT_CREDENTIALS.clientId,
    clientSecret: e.VIPPS_CLIENT_SECRET ?? EMULATOR_DEFAULT_CREDENTIALS.clientSecret,
    subscriptionKey: e.VIPPS_SUBSCRIPTION_KEY ?? EMULATOR_DEFAULT_CREDENTIALS.subscriptionKey,
    msn: e.VIPPS_MSN ?? EMULATOR_DEFAULT_CREDENTIALS.msn,
    systemName: e.VIPPS_SYSTEM_NAME,
    systemVersion: e.VIPPS_SYSTEM_VERSION,
    pluginName: e.VIPPS_SYSTEM_PLUGIN_NAME,
    pluginVersion: e.VIPPS_SYSTEM_PLUGIN_VERSION,
    timeoutMs: e.VIPPS_TIMEOUT_MS,
  };
}

const SECRET_KEYS = /secret|key|token|password|apikey/i;

/** A copy of a config object that is safe to log: secret-looking fields are replaced. */
export function redactConfig<T extends object>(config: T): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => {
      if (SECRET_KEYS.test(k) && typeof v === 'string') return [k, v ? '[redacted]' : ''];
      if (v && typeof v === 'object' && !Array.isArray(v)) return [k, redactConfig(v as object)];
      return [k, v];
    }),
  );
}

export { parse as parseEnv, port as portSchema, positiveInt as positiveIntSchema, url as urlSchema };
