/**
 * The typed Vipps client against the emulator over real HTTP: every operation, every error class.
 * A small recording server covers what the emulator cannot show: the exact headers sent, malformed
 * answers, and a token refused mid-life.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EMULATOR_DEFAULT_CREDENTIALS, loadEmulatorConfig, type RunningEmulator, startEmulator } from '@vipps-orders/vipps-emulator';
import { AccessTokenCache } from '../src/accessToken';
import { VippsClient } from '../src/client';
import { type VippsClientConfig } from '../src/config';
import { emulatorClient, emulatorClientConfig } from './support/emulatorClient';
import { VippsApiError } from '../src/errors';
import { operationKey } from '../src/operationKeys';
import { AccessTokenResponse } from '../src/schemas/accessToken';
import type { CreatePaymentRequest } from '../src/schemas/epayment';

let emu: RunningEmulator;
let vipps: VippsClient;
let config: VippsClientConfig;

beforeAll(async () => {
  // An empty environment, so a developer's own VIPPS_* / EMULATOR_* variables cannot leak in;
  // short webhook retries, so nothing waits for long.
  const defaults = loadEmulatorConfig({}, { port: 0 });
  emu = await startEmulator({ ...defaults, host: '127.0.0.1', logLevel: 'silent', webhookRetryScheduleMs: [50, 100, 200], webhookTimeoutMs: 1_000, webhookMaxAgeMs: 30_000 });
  config = emulatorClientConfig(emu);
  vipps = emulatorClient(config);
});

let counter = 0;

/** A payment reference unique to this run (the emulator lives as long as the test file). */
function newOrderId(prefix = 'test'): string {
  counter++;
  return `${prefix}-${counter}-${randomUUID().slice(0, 8)}`;
}

afterAll(async () => {
  await emu?.close();
});

afterEach(async () => {
  await fetch(`${emu.url}/_emulator/faults`, { method: 'DELETE' });
});

function payment(reference = newOrderId('client'), overrides: Partial<CreatePaymentRequest> = {}): CreatePaymentRequest {
  return {
    reference,
    amount: { value: 10_000, currency: 'NOK' },
    paymentMethod: { type: 'WALLET' },
    userFlow: 'WEB_REDIRECT',
    returnUrl: 'https://shop.example.com/return',
    paymentDescription: 'Client test',
    ...overrides,
  };
}

async function faults(body: unknown): Promise<void> {
  const res = await fetch(`${emu.url}/_emulator/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
}

async function failure(p: Promise<unknown>): Promise<VippsApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof VippsApiError) return err;
    throw err;
  }
  throw new Error('expected a VippsApiError');
}

async function authorized(amount = 10_000): Promise<string> {
  const reference = newOrderId('client');
  const created = await vipps.createPayment(payment(reference, { amount: { value: amount, currency: 'NOK' } }), { idempotencyKey: operationKey({ reference: reference, operation: 'create', idKind: 'sequence', id: String(1) }) });
  const token = new URL(created.redirectUrl!).searchParams.get('token')!;
  await vipps.forceApprove(reference, { token });
  return reference;
}

describe('ePayment operations', () => {
  test('create, get and the event log', async () => {
    const reference = newOrderId('client');
    const created = await vipps.createPayment(payment(reference), { idempotencyKey: `${reference}.create.1` });
    expect(created.reference).toBe(reference);
    expect(created.redirectUrl).toMatch(/\/landing\?token=/);
    const got = await vipps.getPayment(reference);
    expect(got).toEqual(expect.objectContaining({ reference, state: 'CREATED', amount: { value: 10_000, currency: 'NOK' } }));
    expect(got.aggregate.authorizedAmount.value).toBe(0);
    const events = await vipps.getPaymentEventLog(reference);
    expect(events.map((e) => [e.name, e.success, e.idempotencyKey])).toEqual([['CREATED', true, `${reference}.create.1`]]);
  });

  test('forceApprove authorizes and sets captureGuaranteedUntil', async () => {
    const reference = await authorized();
    const got = await vipps.getPayment(reference);
    expect(got.state).toBe('AUTHORIZED');
    expect(got.aggregate.authorizedAmount.value).toBe(10_000);
    expect(Date.parse(got.captureGuaranteedUntil!)).toBeGreaterThan(Date.now());
  });

  test('capture, refund and cancel move the aggregate; a repeated key repeats the answer', async () => {
    const reference = await authorized();
    const key = operationKey({ reference: reference, operation: 'capture', idKind: 'sequence', id: String('ship-1') });
    const captured = await vipps.capturePayment(reference, { modificationAmount: { value: 4_000, currency: 'NOK' } }, { idempotencyKey: key });
    expect(captured.aggregate.capturedAmount.value).toBe(4_000);
    const again = await vipps.capturePayment(reference, { modificationAmount: { value: 4_000, currency: 'NOK' } }, { idempotencyKey: key });
    expect(again).toEqual(captured);
    const refunded = await vipps.refundPayment(reference, { modificationAmount: { value: 1_000, currency: 'NOK' } }, { idempotencyKey: operationKey({ reference: reference, operation: 'refund', idKind: 'sequence', id: String('r1') }) });
    expect(refunded.aggregate.refundedAmount.value).toBe(1_000);
    const cancelled = await vipps.cancelPayment(reference, { cancelTransactionOnly: false }, { idempotencyKey: operationKey({ reference: reference, operation: 'release', idKind: 'sequence', id: String(1) }) });
    expect(cancelled.aggregate).toEqual({
      authorizedAmount: { value: 10_000, currency: 'NOK' },
      capturedAmount: { value: 4_000, currency: 'NOK' },
      cancelledAmount: { value: 6_000, currency: 'NOK' },
      refundedAmount: { value: 1_000, currency: 'NOK' },
    });
  });

  test('cancelTransactionOnly terminates a pending payment and refuses an authorized one with 6060', async () => {
    const pending = newOrderId('client');
    await vipps.createPayment(payment(pending), { idempotencyKey: `${pending}.create.1` });
    expect((await vipps.cancelPayment(pending, { cancelTransactionOnly: true })).state).toBe('TERMINATED');
    const reference = await authorized();
    const err = await failure(vipps.cancelPayment(reference, { cancelTransactionOnly: true }));
    expect([err.status, err.errorCode, err.retryable]).toEqual([400, 6060, false]);
  });

  test('forceApprove is refused against production without sending anything', async () => {
    const prod = new VippsClient({ ...config, baseUrl: 'https://api.vipps.no' });
    const err = await failure(prod.forceApprove(newOrderId()));
    expect(err.kind).toBe('invalid-request');
  });
});

describe('Webhooks and Order Management', () => {
  test('register, list and delete a webhook', async () => {
    const url = `http://127.0.0.1:9/hooks/${newOrderId()}`;
    const registered = await vipps.registerWebhook({ url, events: ['epayments.payment.authorized.v1'] });
    expect(registered.secret.length).toBeGreaterThan(10);
    expect((await vipps.listWebhooks()).webhooks).toContainEqual({ id: registered.id, url, events: ['epayments.payment.authorized.v1'] });
    await vipps.deleteWebhook(registered.id);
    expect((await vipps.listWebhooks()).webhooks.map((w) => w.id)).not.toContain(registered.id);
  });

  test('a receipt is attached once (409 the second time), read back, and a category set', async () => {
    const orderId = newOrderId('om');
    const receipt = {
      orderLines: [{ id: 'l1', name: 'Socks', totalAmount: 10_000, totalAmountExcludingTax: 8_000, totalTaxAmount: 2_000, taxRate: 2500 }],
      bottomLine: { currency: 'NOK' as const, receiptNumber: orderId },
    };
    expect(typeof (await vipps.addReceipt(orderId, receipt))).toBe('string');
    const conflict = await failure(vipps.addReceipt(orderId, receipt));
    expect([conflict.status, conflict.retryable]).toEqual([409, false]);
    expect(typeof (await vipps.putCategory(orderId, { category: 'ORDER_CONFIRMATION', orderDetailsUrl: 'https://shop.example.com/o/1' }))).toBe('string');
    const order = await vipps.getOrder(orderId);
    expect(order.receipt?.orderLines[0]?.name).toBe('Socks');
    expect(order.category?.category).toBe('ORDER_CONFIRMATION');
  });
});

describe('error classes', () => {
  test('a schema error names the field and carries no ErrorCode', async () => {
    const reference = newOrderId('client');
    const res = await fetch(`${emu.url}/accesstoken/get`, { method: 'POST', headers: { client_id: EMULATOR_DEFAULT_CREDENTIALS.clientId, client_secret: EMULATOR_DEFAULT_CREDENTIALS.clientSecret, 'Ocp-Apim-Subscription-Key': EMULATOR_DEFAULT_CREDENTIALS.subscriptionKey } });
    const { access_token } = AccessTokenResponse.parse(await res.json());
    // The client would refuse this body itself, so send it raw to see the API's answer.
    const raw = await fetch(`${emu.url}/epayment/v1/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, 'Ocp-Apim-Subscription-Key': config.subscriptionKey, 'Merchant-Serial-Number': config.msn, 'Idempotency-Key': 'k1', 'content-type': 'application/json' },
      body: JSON.stringify({ ...payment(reference), amount: { value: 'ten', currency: 'NOK' } }),
    });
    expect(raw.status).toBe(400);
    const err = await failure(vipps.getPayment('does-not-exist-1'));
    expect([err.status, err.errorCode]).toEqual([404, 5090]);
  });

  test('a request the client knows is invalid is refused before sending, naming the field', async () => {
    const err = await failure(vipps.createPayment(payment('bad ref'), { idempotencyKey: 'k' }));
    expect(err.kind).toBe('invalid-request');
    expect(err.fieldErrors.map((f) => f.name)).toEqual(['reference']);
    const longKey = await failure(vipps.capturePayment(newOrderId(), { modificationAmount: { value: 1, currency: 'NOK' } }, { idempotencyKey: 'x'.repeat(51) }));
    expect(longKey.kind).toBe('invalid-request');
  });

  test('a domain refusal carries status and ErrorCode and is final', async () => {
    const reference = newOrderId('client');
    await vipps.createPayment(payment(reference), { idempotencyKey: `${reference}.create.1` });
    const err = await failure(vipps.capturePayment(reference, { modificationAmount: { value: 100, currency: 'NOK' } }, { idempotencyKey: `${reference}.capture.1` }));
    expect([err.kind, err.status, err.errorCode, err.retryable]).toEqual(['http', 400, 6080, false]);
    expect(err.traceId).toBeTruthy();
  });

  test('the same key with another body is a 409 conflict', async () => {
    const reference = await authorized();
    const key = `${reference}.capture.1`;
    await vipps.capturePayment(reference, { modificationAmount: { value: 100, currency: 'NOK' } }, { idempotencyKey: key });
    const err = await failure(vipps.capturePayment(reference, { modificationAmount: { value: 200, currency: 'NOK' } }, { idempotencyKey: key }));
    expect([err.status, err.errorCode, err.retryable]).toEqual([409, 4010, false]);
  });

  test('429 is retryable and carries Retry-After; 5xx is retryable; 6280 is retryable', async () => {
    const reference = newOrderId('client');
    await faults({ failNext: [{ operation: 'getPayment', status: 429, retryAfterSeconds: 7, count: 1 }, { operation: 'getPayment', status: 503, count: 1 }, { operation: 'capturePayment', errorCode: 6280, count: 1 }] });
    const limited = await failure(vipps.getPayment(reference));
    expect([limited.status, limited.retryable, limited.retryAfterMs]).toEqual([429, true, 7000]);
    const unavailable = await failure(vipps.getPayment(reference));
    expect([unavailable.status, unavailable.retryable]).toEqual([503, true]);
    const later = await failure(vipps.capturePayment(reference, { modificationAmount: { value: 1, currency: 'NOK' } }, { idempotencyKey: 'k-6280' }));
    expect([later.errorCode, later.retryable]).toEqual([6280, true]);
  });

  test('a timeout and a refused connection are retryable transport errors', async () => {
    await faults({ latencyMs: 3_000 });
    const slow = await failure(vipps.getPayment(newOrderId()));
    expect([slow.kind, slow.retryable]).toEqual(['timeout', true]);
    await faults({});
    const nowhere = new VippsClient({ ...config, baseUrl: 'http://127.0.0.1:1' }, { tokenCache: new AccessTokenCache() });
    const refused = await failure(nowhere.getPayment(newOrderId()));
    expect([refused.kind, refused.retryable]).toEqual(['network', true]);
  });

  test('wrong credentials are a 401 from the token endpoint, not retryable', async () => {
    const wrong = new VippsClient({ ...config, clientSecret: 'nope' }, { tokenCache: new AccessTokenCache() });
    const err = await failure(wrong.getPayment(newOrderId()));
    expect([err.operation, err.status, err.retryable]).toEqual(['accessToken', 401, false]);
  });
});

describe('access tokens', () => {
  test('are cached, fetched once under concurrency, and refreshed before they expire', async () => {
    let now = Date.now();
    const cache = new AccessTokenCache(() => now);
    const client = new VippsClient(config, { tokenCache: cache });
    const http0 = (client as unknown as { http: Parameters<AccessTokenCache['get']>[0] }).http;
    const tokens = await Promise.all(Array.from({ length: 10 }, () => cache.get(http0, config, {})));
    expect(new Set(tokens).size).toBe(1);
    expect(await cache.get(http0, config, {})).toBe(tokens[0]);
    now += 56 * 60 * 1000; // the emulator's tokens live 1 h; refresh starts 5 min before
    const refreshed = await cache.get(http0, config, {});
    expect(refreshed).not.toBe(tokens[0]);
  });

  test('the token response is read with numbers as strings or as numbers', () => {
    const base = { token_type: 'Bearer', access_token: 'x', ext_expires_in: '3600', expires_on: '1547823408', not_before: '1547819508', resource: 'r' };
    expect(AccessTokenResponse.parse({ ...base, expires_in: '3600' }).expires_in).toBe(3600);
    expect(AccessTokenResponse.parse({ ...base, expires_in: 86398 }).expires_in).toBe(86398);
    expect(AccessTokenResponse.safeParse({ ...base, expires_in: 'soon' }).success).toBe(false);
  });
});

describe('against a recording server', () => {
  const seen: { method: string; url: string; headers: http.IncomingHttpHeaders }[] = [];
  let server: http.Server;
  let url: string;
  let refuseNextApiCall = false;
  let tokenCount = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers });
      res.setHeader('content-type', 'application/json');
      if (req.url === '/accesstoken/get') {
        tokenCount++;
        return res.end(JSON.stringify({ token_type: 'Bearer', expires_in: '3600', access_token: `token-${tokenCount}` }));
      }
      if (refuseNextApiCall) {
        refuseNextApiCall = false;
        res.statusCode = 401;
        return res.end(JSON.stringify({ statusCode: 401, message: 'Access denied due to invalid token' }));
      }
      if (req.url?.endsWith('/events')) return res.end(JSON.stringify([{ reference: 'abcdefgh', name: 'NOT-A-STATE' }]));
      return res.end(JSON.stringify({ reference: 'abcdefgh1', redirectUrl: 'https://landing.example/?token=t' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test('every call carries the token, keys, MSN, the four Vipps-System headers and the Idempotency-Key', async () => {
    const client = new VippsClient({ ...config, baseUrl: url }, { tokenCache: new AccessTokenCache() });
    await client.createPayment(payment('abcdefgh1'), { idempotencyKey: 'abcdefgh1.create.1' });
    const tokenCall = seen.find((s) => s.url === '/accesstoken/get')!;
    expect(tokenCall.headers).toEqual(expect.objectContaining({ client_id: config.clientId, client_secret: config.clientSecret, 'ocp-apim-subscription-key': config.subscriptionKey }));
    const call = seen.find((s) => s.url === '/epayment/v1/payments')!;
    expect(call.headers).toEqual(
      expect.objectContaining({
        authorization: 'Bearer token-1',
        'ocp-apim-subscription-key': config.subscriptionKey,
        'merchant-serial-number': config.msn,
        'idempotency-key': 'abcdefgh1.create.1',
        'vipps-system-name': config.systemName,
        'vipps-system-version': config.systemVersion,
        'vipps-system-plugin-name': config.pluginName,
        'vipps-system-plugin-version': config.pluginVersion,
        'content-type': 'application/json',
      }),
    );
  });

  test('a response that does not match the schema is an error naming the field', async () => {
    const client = new VippsClient({ ...config, baseUrl: url }, { tokenCache: new AccessTokenCache() });
    const err = await failure(client.getPaymentEventLog('abcdefgh1'));
    expect(err.kind).toBe('invalid-response');
    expect(err.fieldErrors.map((f) => f.name)).toEqual(expect.arrayContaining(['0.name', '0.pspReference', '0.amount']));
  });

  test('a token refused mid-life (401) is replaced once and the call goes through', async () => {
    const client = new VippsClient({ ...config, baseUrl: url }, { tokenCache: new AccessTokenCache() });
    await client.getPayment('abcdefgh1').catch(() => undefined); // warm the cache
    const before = tokenCount;
    refuseNextApiCall = true;
    await client.createPayment(payment('abcdefgh1'), { idempotencyKey: 'abcdefgh1.create.1' });
    expect(tokenCount).toBe(before + 1);
  });
});
