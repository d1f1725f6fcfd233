import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { formatIssues, type IssueFormat, type VippsClientConfig } from '@vipps-orders/vipps';
import type { OrderPolicy } from './workflows/messages';

/**
 * All configuration comes from environment variables, parsed here by zod. A bad value stops the
 * process with a message that names the variable. Secrets are held here but never printed:
 * use `redactConfig` for anything that goes to a log.
 *
 * The emulator (packages/vipps-emulator) reads the same VIPPS_* variables for the credentials it
 * accepts, so one set of values makes the client and the emulator agree.
 */

type Env = Record<string, string | undefined>;

/**
 * Without VIPPS_* variables the client talks to the local emulator with the development
 * credentials it accepts by default (test/config checks that the two agree). The client refuses
 * them for any vipps.no URL.
 */
export const DEV_VIPPS_CREDENTIALS = {
  clientId: 'e8b1c5f0-0000-4000-8000-00000000c11e',
  clientSecret: 'emulator-client-secret',
  subscriptionKey: 'emulator-subscription-key',
  msn: '123456',
} as const;

/** Where `npm run emulator` listens unless told otherwise. */
const DEV_VIPPS_BASE_URL = 'http://localhost:4010';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const url = z.url().transform((u) => u.replace(/\/+$/, ''));

/** One variable per line, as in the other messages of this module. */
const ENV_ISSUES: IssueFormat = { root: '(env)', separator: '\n  ' };

function parse<T extends z.ZodType>(schema: T, env: Env, section: string): z.output<T> {
  // An empty variable counts as unset (compose files pass `${X:-}` through as "").
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(`Invalid ${section} configuration:\n  ${formatIssues(result.error, ENV_ISSUES)}`);
  }
  return result.data;
}

const VippsEnv = z
  .object({
    VIPPS_BASE_URL: url.default(DEV_VIPPS_BASE_URL),
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

export function loadVippsConfig(env: Env = process.env): VippsClientConfig {
  const e = parse(VippsEnv, env, 'Vipps');
  return {
    baseUrl: e.VIPPS_BASE_URL,
    clientId: e.VIPPS_CLIENT_ID ?? DEV_VIPPS_CREDENTIALS.clientId,
    clientSecret: e.VIPPS_CLIENT_SECRET ?? DEV_VIPPS_CREDENTIALS.clientSecret,
    subscriptionKey: e.VIPPS_SUBSCRIPTION_KEY ?? DEV_VIPPS_CREDENTIALS.subscriptionKey,
    msn: e.VIPPS_MSN ?? DEV_VIPPS_CREDENTIALS.msn,
    systemName: e.VIPPS_SYSTEM_NAME,
    systemVersion: e.VIPPS_SYSTEM_VERSION,
    pluginName: e.VIPPS_SYSTEM_PLUGIN_NAME,
    pluginVersion: e.VIPPS_SYSTEM_PLUGIN_VERSION,
    timeoutMs: e.VIPPS_TIMEOUT_MS,
  };
}

// ---- orders: the workflow's policy, the service, the worker ------------------------------------

/** Development defaults: fine on a laptop with the emulator, refused against the real Vipps APIs. */
export const DEV_ORDER_API_KEY = 'dev-order-api-key';
export const DEV_PII_SEALING_KEY = 'dev-pii-sealing-key-change-me';
/** Keys the customer's return links and the merchant pages' session cookies (development only). */
export const DEV_PAGE_SECRET = 'dev-page-secret-for-return-links-and-sessions';

const OrderPolicyEnv = z.object({
  ORDER_PAYMENT_EXPIRY_MINUTES: positiveInt.default(10),
  ORDER_POLL_INITIAL_SECONDS: positiveInt.default(5),
  ORDER_POLL_MAX_SECONDS: positiveInt.default(60),
  ORDER_CAPTURE_DEADLINE_DAYS: positiveInt.default(7),
  ORDER_CAPTURE_WARNING_HOURS: positiveInt.default(48),
  ORDER_CAPTURE_DEADLINE_POLICY: z.enum(['hold', 'cancel']).default('hold'),
  // Longer than a release can take to be answered (the call retry window and a few unknown-outcome retries).
  ORDER_CAPTURE_RELEASE_MARGIN_MINUTES: positiveInt.max(24 * 60).default(30),
  ORDER_CONTINUE_AS_NEW_EVENTS: positiveInt.min(100).max(40_000).default(2_000),
  ORDER_CALL_RETRY_WINDOW_SECONDS: positiveInt.max(3_600).default(120),
  // The shop's endpoint for signed order events; plain http only to this machine (it carries order amounts).
  ORDER_EVENTS_URL: url
    .refine((u) => { const { protocol, hostname } = new URL(u); return protocol === 'https:' || (protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(hostname)); }, 'must be an https:// URL (http:// only to localhost)')
    .optional(),
});


export function loadOrderPolicy(env: Env = process.env): OrderPolicy {
  const e = parse(OrderPolicyEnv, env, 'order policy');
  const day = 24 * 3600 * 1000;
  return {
    paymentExpiryMs: e.ORDER_PAYMENT_EXPIRY_MINUTES * 60_000,
    expiryGraceMs: 2 * 60_000,
    pollInitialMs: e.ORDER_POLL_INITIAL_SECONDS * 1000,
    pollMaxMs: e.ORDER_POLL_MAX_SECONDS * 1000,
    captureDeadlineFallbackMs: e.ORDER_CAPTURE_DEADLINE_DAYS * day,
    captureDeadlineWarningMs: e.ORDER_CAPTURE_WARNING_HOURS * 3600 * 1000,
    captureDeadlinePolicy: e.ORDER_CAPTURE_DEADLINE_POLICY,
    captureDeadlineReleaseMarginMs: e.ORDER_CAPTURE_RELEASE_MARGIN_MINUTES * 60_000,
    continueAsNewAfterEvents: e.ORDER_CONTINUE_AS_NEW_EVENTS,
    callRetryWindowMs: e.ORDER_CALL_RETRY_WINDOW_SECONDS * 1000,
    unknownRetryBaseMs: 5_000,
    ...(e.ORDER_EVENTS_URL && { orderEventsUrl: e.ORDER_EVENTS_URL }),
  };
}


const WorkerEnv = z.object({
  // 0 turns the cache off (the SDK allows 0 or at least 2).
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).refine((n) => n !== 1, 'must be 0 (no cache) or at least 2').default(100),
  WORKER_STICKY_QUEUE_TIMEOUT_SECONDS: positiveInt.max(600).default(10),
  // Longer than an activity attempt may run (startToCloseTimeout 20 s), shorter than the container's stop timeout.
  WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(600).default(25),
});

export interface WorkerTuning {
  /** Workflows kept in memory between tasks; an evicted one is rebuilt from its history when it next has work. */
  maxCachedWorkflows: number;
  /** How long a task waits for this worker's sticky queue before any worker may take it (after a crash). */
  stickyQueueScheduleToStartTimeoutMs: number;
  /** After SIGTERM, how long running activities may take to finish before the SDK cancels them. */
  shutdownGraceMs: number;
}

export function loadWorkerTuning(env: Env = process.env): WorkerTuning {
  const e = parse(WorkerEnv, env, 'worker');
  return { maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS, stickyQueueScheduleToStartTimeoutMs: e.WORKER_STICKY_QUEUE_TIMEOUT_SECONDS * 1000, shutdownGraceMs: e.WORKER_SHUTDOWN_GRACE_SECONDS * 1000 };
}

const TemporalEnv = z.object({
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('vipps-orders'),
});

export function loadTaskQueue(env: Env = process.env): string {
  return parse(TemporalEnv, env, 'Temporal').TEMPORAL_TASK_QUEUE;
}

const PiiEnv = z.object({ PII_SEALING_KEY: z.string().min(16, 'must be at least 16 characters').optional() });

/** The key that seals customer phone numbers; both the service and the worker need the same one. */
export function loadPiiSealingKey(env: Env = process.env, vipps: VippsClientConfig = loadVippsConfig(env)): string {
  const e = parse(PiiEnv, env, 'PII');
  if (isVippsHost(vipps.baseUrl)) {
    const problem = realSecretProblem('PII_SEALING_KEY', e.PII_SEALING_KEY, [DEV_PII_SEALING_KEY]);
    if (problem) throw new ConfigError(`Invalid PII configuration:\n  ${problem}`);
  }
  return e.PII_SEALING_KEY ?? DEV_PII_SEALING_KEY;
}

const ServiceEnv = z.object({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: url.optional(),
  ORDER_API_KEY: z.string().min(12, 'must be at least 12 characters').optional(),
  PAGE_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)').optional(),
  VIPPS_WEBHOOK_SECRET: z.string().min(1).optional(),
  VIPPS_WEBHOOK_SECRET_FILE: z.string().min(1).optional(),
  VIPPS_WEBHOOK_URL: url.optional(),
  WEBHOOK_CLOCK_SKEW_SECONDS: positiveInt.default(300),
  RETURN_PAGE_WAIT_MS: z.coerce.number().int().min(0).max(30_000).default(5000),
  ORDER_START_TIMEOUT_MS: positiveInt.default(15_000),
  DEMO_SHOP: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  VIPPS_CURRENCY: z.enum(['NOK', 'DKK', 'EUR']).default('NOK'),
  MERCHANT_NAME: z.string().min(1).max(100).default('The Knitting Shop'),
  SHOP_URL: url.optional(),
  TEMPORAL_UI_URL: url.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface ServiceConfig {
  port: number;
  host: string;
  /** Where Vipps and browsers reach this service; the webhook URL and return URLs derive from it. */
  publicUrl: string;
  orderApiKey: string;
  usingDevApiKey: boolean;
  /** Keys the return pages' link tokens and the merchant login's cookies; the same on every replica. */
  pageSecret: string;
  /** The URL registered with Vipps (its host and path are what the signature covers). */
  webhookUrl: string;
  /** Secret of the webhook registration; without it the receiver refuses every delivery (503). */
  webhookSecret?: string;
  /** VIPPS_WEBHOOK_SECRET_FILE: read again while the service runs, so a rotation needs no restart. */
  webhookSecretFile?: string;
  webhookClockSkewMs: number;
  returnPageWaitMs: number;
  orderStartTimeoutMs: number;
  demoShop: boolean;
  /** The sales unit's currency: orders in any other are refused before they start (Vipps would refuse them with 5040). */
  currency: 'NOK' | 'DKK' | 'EUR';
  /** The shop's name on its pages (and, under npm start, on the emulator's landing page). */
  merchantName: string;
  /** The shop's front page: the return page's way back when an order has no returnUrl of its own. */
  shopUrl?: string;
  /** Where operators open the Temporal UI; the demo merchant page links orders there. */
  temporalUiUrl?: string;
  logLevel: string;
}

export function loadServiceConfig(env: Env = process.env, vipps: VippsClientConfig = loadVippsConfig(env)): ServiceConfig {
  const e = parse(ServiceEnv, env, 'service');
  const publicUrl = e.PUBLIC_URL ?? `http://localhost:${e.PORT}`;
  // A secret file may hold two lines during a rotation (the newest first); the receiver re-reads it.
  const webhookSecret = e.VIPPS_WEBHOOK_SECRET ?? (e.VIPPS_WEBHOOK_SECRET_FILE ? readSecretFile('VIPPS_WEBHOOK_SECRET_FILE', e.VIPPS_WEBHOOK_SECRET_FILE).split(/\r?\n/)[0]!.trim() : undefined);
  if (isVippsHost(vipps.baseUrl)) {
    const problems = [
      realSecretProblem('ORDER_API_KEY', e.ORDER_API_KEY, [DEV_ORDER_API_KEY]),
      realSecretProblem('PAGE_SECRET', e.PAGE_SECRET, [DEV_PAGE_SECRET]),
      // The demo shop sells made-up products and its pages are a trial of the flow, not a shop.
      e.DEMO_SHOP ? `DEMO_SHOP: must be false when VIPPS_BASE_URL is a Vipps host (${vipps.baseUrl}); the demo shop is for the emulator` : undefined,
    ].filter((p) => p !== undefined);
    if (problems.length > 0) throw new ConfigError(`Invalid service configuration:\n  ${problems.join('\n  ')}`);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    webhookUrl: e.VIPPS_WEBHOOK_URL ?? `${publicUrl}/webhooks/vipps`,
    orderApiKey: e.ORDER_API_KEY ?? DEV_ORDER_API_KEY,
    usingDevApiKey: !e.ORDER_API_KEY,
    pageSecret: e.PAGE_SECRET ?? DEV_PAGE_SECRET,
    ...(webhookSecret && { webhookSecret }),
    ...(!e.VIPPS_WEBHOOK_SECRET && e.VIPPS_WEBHOOK_SECRET_FILE && { webhookSecretFile: e.VIPPS_WEBHOOK_SECRET_FILE }),
    webhookClockSkewMs: e.WEBHOOK_CLOCK_SKEW_SECONDS * 1000,
    returnPageWaitMs: e.RETURN_PAGE_WAIT_MS,
    orderStartTimeoutMs: e.ORDER_START_TIMEOUT_MS,
    demoShop: e.DEMO_SHOP,
    currency: e.VIPPS_CURRENCY,
    merchantName: e.MERCHANT_NAME,
    ...((e.SHOP_URL ?? (e.DEMO_SHOP ? `${publicUrl}/` : undefined)) && { shopUrl: e.SHOP_URL ?? `${publicUrl}/` }),
    ...(e.TEMPORAL_UI_URL && { temporalUiUrl: e.TEMPORAL_UI_URL }),
    logLevel: e.LOG_LEVEL,
  };
}

/**
 * Why a secret may not be used against the real Vipps APIs: unset, or a value published in this
 * repository (a development default, or one the README or an old compose file showed).
 */
export function realSecretProblem(variable: string, value: string | undefined, published: readonly string[]): string | undefined {
  if (!value) return `${variable}: is required when VIPPS_BASE_URL is a Vipps host`;
  if (published.includes(value)) return `${variable}: is a development value published in this repository, refused when VIPPS_BASE_URL is a Vipps host`;
  return undefined;
}

/** Secrets mounted as files (Docker/Kubernetes secrets); an empty or missing file is a config error. */
export function readSecretFile(variable: string, file: string, section = 'service'): string {
  let content: string;
  try {
    content = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new ConfigError(`Invalid ${section} configuration:\n  ${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!content) throw new ConfigError(`Invalid ${section} configuration:\n  ${variable}: ${file} is empty`);
  return content;
}

export { isVippsHost, parse as parseEnv, port as portSchema, positiveInt as positiveIntSchema, url as urlSchema };
