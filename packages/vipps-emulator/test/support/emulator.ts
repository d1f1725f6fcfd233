import { type EmulatorConfig, loadEmulatorConfig } from '../../src/config';
import { type Emulator } from '../../src/app';
import { type EmulatorOptions } from '../../src/options';
import { startEmulator } from '../../src/server';

/**
 * Starts a real emulator on 127.0.0.1 with an OS-chosen port and speaks raw HTTP to it, so tests
 * see exactly the status codes, content types and bodies a client would. Timings are short by
 * default (webhook retries in tens of milliseconds) so nothing needs to sleep for long.
 */

export const TEST_CONFIG_DEFAULTS: Partial<EmulatorConfig> = {
  host: '127.0.0.1',
  logLevel: 'silent',
  webhookRetryScheduleMs: [50, 100, 200],
  webhookTimeoutMs: 1_000,
  webhookMaxAgeMs: 30_000,
};

export interface TestEmulator {
  url: string;
  config: EmulatorConfig;
  emulator: Emulator;
  close(): Promise<void>;
}

export async function startTestEmulator(overrides: Partial<EmulatorConfig> = {}, options: EmulatorOptions = {}): Promise<TestEmulator> {
  // An empty environment: the developer's own VIPPS_* / EMULATOR_* variables must not leak into tests.
  const base = loadEmulatorConfig({}, { port: 0 });
  const config: EmulatorConfig = { ...base, ...TEST_CONFIG_DEFAULTS, ...overrides };
  const running = await startEmulator(config, options);
  return { url: running.url, config, emulator: running.emulator, close: () => running.close() };
}

export interface HttpResult {
  status: number;
  headers: Headers;
  /** The media type without parameters, e.g. `application/problem+json`; '' when absent. */
  mediaType: string;
  text: string;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  body: unknown;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is, without JSON encoding (for malformed-body tests and forms). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export async function httpRequest(url: string, method: string, path: string, options: RequestOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${url}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return { status: response.status, headers: response.headers, mediaType, text, body: parsed };
}

export function credentialHeaders(config: EmulatorConfig): Record<string, string> {
  return {
    client_id: config.credentials.clientId,
    client_secret: config.credentials.clientSecret,
    'Ocp-Apim-Subscription-Key': config.credentials.subscriptionKey,
  };
}

export async function fetchAccessToken(emu: Pick<TestEmulator, 'url' | 'config'>): Promise<string> {
  const result = await httpRequest(emu.url, 'POST', '/accesstoken/get', { headers: credentialHeaders(emu.config) });
  if (result.status !== 200) throw new Error(`access token: HTTP ${result.status} ${result.text}`);
  return (result.body as { access_token: string }).access_token;
}

export interface ApiCallOptions extends RequestOptions {
  idempotencyKey?: string;
  /** MSN header; null leaves it out. Defaults to the configured MSN. */
  msn?: string | null;
}

/** Authenticated calls to the Vipps APIs of one emulator, with the headers a real client sends. */
export class VippsTestClient {
  private constructor(
    readonly url: string,
    readonly config: EmulatorConfig,
    readonly token: string,
  ) {}

  static async connect(emu: Pick<TestEmulator, 'url' | 'config'>): Promise<VippsTestClient> {
    return new VippsTestClient(emu.url, emu.config, await fetchAccessToken(emu));
  }

  headers(options: ApiCallOptions = {}): Record<string, string> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.token}`,
      'Ocp-Apim-Subscription-Key': this.config.credentials.subscriptionKey,
      'Vipps-System-Name': 'emulator-tests',
      ...options.headers,
    };
    const msn = options.msn === undefined ? this.config.credentials.msn : options.msn;
    if (msn !== null) headers['Merchant-Serial-Number'] = msn;
    if (options.idempotencyKey !== undefined) headers['Idempotency-Key'] = options.idempotencyKey;
    return headers;
  }

  call(method: string, path: string, options: ApiCallOptions = {}): Promise<HttpResult> {
    return httpRequest(this.url, method, path, { ...options, headers: this.headers(options) });
  }

  createPayment(overrides: Record<string, unknown> = {}, options: ApiCallOptions = {}): Promise<HttpResult> {
    const body = paymentRequest(overrides);
    return this.call('POST', '/epayment/v1/payments', { idempotencyKey: `create-${String(body.reference)}`, ...options, body });
  }

  getPayment(reference: string, options: ApiCallOptions = {}): Promise<HttpResult> {
    return this.call('GET', `/epayment/v1/payments/${reference}`, options);
  }

  events(reference: string, options: ApiCallOptions = {}): Promise<HttpResult> {
    return this.call('GET', `/epayment/v1/payments/${reference}/events`, options);
  }

  capture(reference: string, value: number, key: string, options: ApiCallOptions = {}): Promise<HttpResult> {
    return this.call('POST', `/epayment/v1/payments/${reference}/capture`, {
      idempotencyKey: key,
      body: { modificationAmount: { currency: 'NOK', value } },
      ...options,
    });
  }

  refund(reference: string, value: number, key: string, options: ApiCallOptions = {}): Promise<HttpResult> {
    return this.call('POST', `/epayment/v1/payments/${reference}/refund`, {
      idempotencyKey: key,
      body: { modificationAmount: { currency: 'NOK', value } },
      ...options,
    });
  }

  cancel(reference: string, body?: Record<string, unknown>, options: ApiCallOptions = {}): Promise<HttpResult> {
    return this.call('POST', `/epayment/v1/payments/${reference}/cancel`, { body, ...options });
  }

  forceApprove(reference: string, body: Record<string, unknown> = {}, options: ApiCallOptions = {}): Promise<HttpResult> {
    return this.call('POST', `/epayment/v1/test/payments/${reference}/approve`, { body, ...options });
  }

  /** Creates a payment and approves it; returns its reference. */
  async authorizedPayment(value = 10_000, overrides: Record<string, unknown> = {}): Promise<string> {
    const created = await this.createPayment({ amount: { currency: 'NOK', value }, ...overrides });
    if (created.status !== 201) throw new Error(`create: HTTP ${created.status} ${created.text}`);
    const reference = (created.body as { reference: string }).reference;
    const approved = await this.forceApprove(reference);
    if (approved.status !== 200) throw new Error(`approve: HTTP ${approved.status} ${approved.text}`);
    return reference;
  }
}

let counter = 0;

/** A reference that is unique within the test run and valid for ^[a-zA-Z0-9-]{8,64}$. */
export function uniqueReference(prefix = 'order'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

export function paymentRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    amount: { currency: 'NOK', value: 49_900 },
    paymentMethod: { type: 'WALLET' },
    reference: uniqueReference(),
    userFlow: 'WEB_REDIRECT',
    returnUrl: 'https://shop.example/return?order=1',
    paymentDescription: 'Two pairs of socks',
    ...overrides,
  };
}

/** Calls the emulator's own control API. */
export function control(emu: Pick<TestEmulator, 'url'>, method: string, path: string, body?: unknown): Promise<HttpResult> {
  return httpRequest(emu.url, method, `/_emulator${path}`, { body });
}

/** ErrorCode from a Vipps problem body, if any. */
export function errorCodeOf(result: HttpResult): string | undefined {
  const details = (result.body as { extraDetails?: { name: string; reason: string }[] } | undefined)?.extraDetails;
  return details?.find((d) => d.name === 'ErrorCode')?.reason;
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 5_000, intervalMs = 10): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
