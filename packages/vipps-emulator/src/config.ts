import { formatIssues } from '@vipps-orders/vipps/schemas';
import { z } from 'zod';
import { percentToBasisPoints } from './settlement/fees';
import { isTimeZone, parseCutoff } from './settlement/ledgerCalendar';
import { unitsFromFile, type EmulatorUnit } from './salesUnits';

/**
 * The emulator's settings, read from environment variables and parsed by zod. A bad value stops
 * it with a message that names the variable. The credentials it accepts come from the same
 * VIPPS_* variables a client sends, so one set of values makes a client and the emulator agree.
 */

type Env = Record<string, string | undefined>;

/** Development credentials the emulator accepts when no VIPPS_* variable says otherwise. They work nowhere else. */
export const EMULATOR_DEFAULT_CREDENTIALS = {
  clientId: 'e8b1c5f0-0000-4000-8000-00000000c11e',
  clientSecret: 'emulator-client-secret',
  subscriptionKey: 'emulator-subscription-key',
  msn: '123456',
} as const;

export const DEFAULT_EMULATOR_PORT = 4010;

export class EmulatorConfigError extends Error {
  override readonly name = 'EmulatorConfigError';
}

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const url = z.url().transform((u) => u.replace(/\/+$/, ''));

function parse<T extends z.ZodType>(schema: T, env: Env, section: string): z.output<T> {
  // An empty variable counts as unset (compose files pass `${X:-}` through as "").
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    throw new EmulatorConfigError(`Invalid ${section} configuration:\n  ${formatIssues(result.error, { root: '(env)', separator: '\n  ' })}`);
  }
  return result.data;
}

const EmulatorEnv = z.object({
  EMULATOR_PORT: port.default(DEFAULT_EMULATOR_PORT),
  EMULATOR_HOST: z.string().min(1).default('127.0.0.1'),
  EMULATOR_PUBLIC_URL: url.optional(),
  EMULATOR_MERCHANT_NAME: z.string().min(1).max(100).default('Demo Shop'),
  EMULATOR_CURRENCY: z.enum(['NOK', 'DKK', 'EUR']).default('NOK'),
  EMULATOR_PAYMENT_EXPIRY_SECONDS: positiveInt.default(600),
  EMULATOR_CAPTURE_GUARANTEE_DAYS: positiveInt.default(7),
  EMULATOR_TOKEN_TTL_SECONDS: positiveInt.default(3600),
  EMULATOR_WEBHOOK_TIMEOUT_MS: positiveInt.default(10_000),
  EMULATOR_WEBHOOK_RETRY_SCHEDULE_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of milliseconds')
    .default('2000,2000,2000,2000,60000,120000,3600000')
    .transform((s) => s.split(',').map(Number)),
  EMULATOR_WEBHOOK_MAX_AGE_HOURS: positiveInt.default(7 * 24),
  EMULATOR_WEBHOOK_HTTP_HOSTS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((h) => h.trim()).filter(Boolean)),
  EMULATOR_FEE_FIXED_MINOR: z.coerce.number().int().min(0).max(100_000).default(100),
  EMULATOR_FEE_PERCENT: z.string().regex(/^\d{1,2}(\.\d{1,2})?$/, 'must be a percentage such as 1.75').default('1.75').transform(percentToBasisPoints),
  EMULATOR_LEDGER_TIMEZONE: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Oslo').default('Europe/Oslo'),
  EMULATOR_LEDGER_CUTOFF: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 hours)').default('00:00').transform(parseCutoff),
  EMULATOR_LEDGER_AUTO_CLOSE: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  EMULATOR_REPORT_PAGE_SIZE: z.coerce.number().int().min(1).max(1000).default(1000),
  EMULATOR_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  EMULATOR_STATE_FILE: z.string().min(1).optional(),
});

const CredentialsEnv = z.object({
  VIPPS_CLIENT_ID: z.string().min(1).default(EMULATOR_DEFAULT_CREDENTIALS.clientId),
  VIPPS_CLIENT_SECRET: z.string().min(1).default(EMULATOR_DEFAULT_CREDENTIALS.clientSecret),
  VIPPS_SUBSCRIPTION_KEY: z.string().min(1).default(EMULATOR_DEFAULT_CREDENTIALS.subscriptionKey),
  VIPPS_MSN: z.string().regex(/^[0-9]{4,10}$/, 'must be 4 to 10 digits').default(EMULATOR_DEFAULT_CREDENTIALS.msn),
});

/** Credentials the emulator accepts: the same VIPPS_* variables the client sends. */
export interface EmulatorCredentials {
  clientId: string;
  clientSecret: string;
  subscriptionKey: string;
  msn: string;
}

export interface EmulatorConfig {
  port: number;
  host: string;
  /** Base of the landing-page URLs handed out as `redirectUrl`. */
  publicUrl: string;
  merchantName: string;
  /** The sales unit's market currency; other currencies get ErrorCode 5040. */
  currency: 'NOK' | 'DKK' | 'EUR';
  paymentExpiryMs: number;
  captureGuaranteeMs: number;
  tokenTtlSeconds: number;
  webhookTimeoutMs: number;
  /** Delay before each retry of a failed webhook delivery; the last entry repeats. */
  webhookRetryScheduleMs: number[];
  webhookMaxAgeMs: number;
  /** Hosts besides loopback that may receive webhooks over plain http (e.g. a compose service name). */
  webhookHttpHosts: string[];
  logLevel: string;
  credentials: EmulatorCredentials;
  /** Several sales units (SALES_UNITS_FILE): their MSNs, keys, currencies and capture rules; `credentials` is then the first unit's. */
  units?: EmulatorUnit[];
  /** Report API: the fee of a capture is feeFixedMinor + feePercentBasisPoints/100 % of it (per sales unit, changeable at run time). */
  feeFixedMinor: number;
  feePercentBasisPoints: number;
  /** A ledger date runs from the cutoff (minutes after local midnight in this time zone) to the next day's. */
  ledgerTimeZone: string;
  ledgerCutoffMinutes: number;
  /** Close a ledger date (and schedule its payout) by itself once the clock passes its cutoff. */
  ledgerAutoClose: boolean;
  /** Entries per page of the Report API (at most 1000, as the real one). */
  reportPageSize: number;
  /**
   * JSON file that keeps payments, idempotency keys, webhooks, receipts, the ledger and the token
   * signing key across restarts (loaded at start, written shortly after changes and on close).
   * Unset: everything lives in memory only, which is what tests want.
   */
  stateFile?: string;
}

export function loadEmulatorConfig(env: Env = process.env, overrides: { port?: number } = {}): EmulatorConfig {
  const e = parse(EmulatorEnv, env, 'emulator');
  const credentials = parse(CredentialsEnv, env, 'emulator credentials');
  const listenPort = overrides.port ?? e.EMULATOR_PORT;
  let units: EmulatorUnit[] | undefined;
  try {
    units = env.SALES_UNITS_FILE ? unitsFromFile(env.SALES_UNITS_FILE, env) : undefined;
  } catch (err) {
    throw new EmulatorConfigError((err as Error).message);
  }
  return {
    port: listenPort,
    host: e.EMULATOR_HOST,
    publicUrl: e.EMULATOR_PUBLIC_URL ?? `http://localhost:${listenPort}`,
    merchantName: e.EMULATOR_MERCHANT_NAME,
    currency: e.EMULATOR_CURRENCY,
    paymentExpiryMs: e.EMULATOR_PAYMENT_EXPIRY_SECONDS * 1000,
    captureGuaranteeMs: e.EMULATOR_CAPTURE_GUARANTEE_DAYS * 24 * 3600 * 1000,
    tokenTtlSeconds: e.EMULATOR_TOKEN_TTL_SECONDS,
    webhookTimeoutMs: e.EMULATOR_WEBHOOK_TIMEOUT_MS,
    webhookRetryScheduleMs: e.EMULATOR_WEBHOOK_RETRY_SCHEDULE_MS,
    webhookMaxAgeMs: e.EMULATOR_WEBHOOK_MAX_AGE_HOURS * 3600 * 1000,
    webhookHttpHosts: e.EMULATOR_WEBHOOK_HTTP_HOSTS,
    logLevel: e.EMULATOR_LOG_LEVEL,
    feeFixedMinor: e.EMULATOR_FEE_FIXED_MINOR,
    feePercentBasisPoints: e.EMULATOR_FEE_PERCENT,
    ledgerTimeZone: e.EMULATOR_LEDGER_TIMEZONE,
    ledgerCutoffMinutes: e.EMULATOR_LEDGER_CUTOFF,
    ledgerAutoClose: e.EMULATOR_LEDGER_AUTO_CLOSE,
    reportPageSize: e.EMULATOR_REPORT_PAGE_SIZE,
    credentials: units ? { ...units[0]!.credentials, msn: units[0]!.msn } : {
      clientId: credentials.VIPPS_CLIENT_ID,
      clientSecret: credentials.VIPPS_CLIENT_SECRET,
      subscriptionKey: credentials.VIPPS_SUBSCRIPTION_KEY,
      msn: credentials.VIPPS_MSN,
    },
    ...(units && { units, currency: units[0]!.currency }),
    ...(e.EMULATOR_STATE_FILE && { stateFile: e.EMULATOR_STATE_FILE }),
  };
}
