import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMULATOR_DEFAULT_CREDENTIALS, loadEmulatorConfig } from '@vipps-orders/vipps-emulator';
import { ConfigError, DEV_ORDER_API_KEY, DEV_PAGE_SECRET, DEV_PII_SEALING_KEY, DEV_VIPPS_CREDENTIALS, loadOrderPolicy, loadPiiSealingKey, loadServiceConfig, loadVippsConfig, loadWorkerTuning } from '../../src/config';
import { redactConfig } from '../../src/observability/redactConfig';
import { loadCodecServerConfig, PUBLISHED_CODEC_SECRETS } from '../../src/security/codecServerConfig';
import { loadFingerprintSecret, loadOrderEventsSecret, loadPayloadKeys } from '../../src/security/keyConfig';

describe('configuration', () => {
  test('defaults point the client at the local emulator with its development credentials', () => {
    const c = loadVippsConfig({});
    expect(c.baseUrl).toBe('http://localhost:4010');
    expect(c.clientId).toBe(EMULATOR_DEFAULT_CREDENTIALS.clientId);
    expect(c.msn).toBe(EMULATOR_DEFAULT_CREDENTIALS.msn);
    expect(c).toEqual(expect.objectContaining({ systemName: 'vipps-temporal-orders', systemVersion: '0.1.0', pluginName: 'order-workflow', pluginVersion: '0.1.0', timeoutMs: 10_000 }));
  });

  test('the development credentials are the ones the emulator accepts by default', () => {
    expect(DEV_VIPPS_CREDENTIALS).toEqual(EMULATOR_DEFAULT_CREDENTIALS);
    const { baseUrl, clientId, clientSecret, subscriptionKey, msn } = loadVippsConfig({});
    const emulator = loadEmulatorConfig({});
    expect(baseUrl).toBe(`http://localhost:${emulator.port}`);
    expect({ clientId, clientSecret, subscriptionKey, msn }).toEqual(emulator.credentials);
  });

  test('the client and the emulator agree on credentials from the same variables', () => {
    const env = { VIPPS_CLIENT_ID: 'id-1', VIPPS_CLIENT_SECRET: 'secret-1', VIPPS_SUBSCRIPTION_KEY: 'key-1', VIPPS_MSN: '98765' };
    const client = loadVippsConfig(env);
    const emulator = loadEmulatorConfig(env).credentials;
    expect(emulator).toEqual({ clientId: client.clientId, clientSecret: client.clientSecret, subscriptionKey: client.subscriptionKey, msn: client.msn });
  });

  test('the real Vipps APIs require explicit credentials, named in the error', () => {
    expect(() => loadVippsConfig({ VIPPS_BASE_URL: 'https://apitest.vipps.no' })).toThrow(ConfigError);
    expect(() => loadVippsConfig({ VIPPS_BASE_URL: 'https://apitest.vipps.no' })).toThrow(/VIPPS_CLIENT_ID: is required when VIPPS_BASE_URL is https:\/\/apitest.vipps.no/);
    const real = { VIPPS_BASE_URL: 'https://api.vipps.no', VIPPS_CLIENT_ID: 'a', VIPPS_CLIENT_SECRET: 'b', VIPPS_SUBSCRIPTION_KEY: 'c', VIPPS_MSN: '1234' };
    expect(loadVippsConfig(real).baseUrl).toBe('https://api.vipps.no');
    expect(() => loadServiceConfig(real)).toThrow(/ORDER_API_KEY/);
    expect(() => loadPiiSealingKey(real)).toThrow(/PII_SEALING_KEY/);
  });

  test('bad values name the variable', () => {
    expect(() => loadVippsConfig({ VIPPS_MSN: 'abc' })).toThrow(/VIPPS_MSN: must be 4 to 10 digits/);
    expect(() => loadVippsConfig({ VIPPS_MSN: 'abc', VIPPS_TIMEOUT_MS: '-1' })).toThrow(/^Invalid Vipps configuration:\n {2}VIPPS_MSN: .+\n {2}VIPPS_TIMEOUT_MS: .+$/);
    expect(() => loadOrderPolicy({ ORDER_CAPTURE_DEADLINE_POLICY: 'maybe' })).toThrow(/ORDER_CAPTURE_DEADLINE_POLICY/);
    expect(() => loadOrderPolicy({ ORDER_CAPTURE_RELEASE_MARGIN_MINUTES: '0' })).toThrow(/ORDER_CAPTURE_RELEASE_MARGIN_MINUTES/);
    expect(loadOrderPolicy({ ORDER_CAPTURE_RELEASE_MARGIN_MINUTES: '90' }).captureDeadlineReleaseMarginMs).toBe(90 * 60_000);
    expect(() => loadServiceConfig({ ORDER_API_KEY: 'short' })).toThrow(/ORDER_API_KEY: must be at least 12 characters/);
  });

  test('order events: an https URL (http only to this machine) goes into the policy; the worker needs a secret of 32+ characters', () => {
    expect(loadOrderPolicy({}).orderEventsUrl).toBeUndefined();
    expect(loadOrderPolicy({ ORDER_EVENTS_URL: 'https://shop.example/hooks/orders' }).orderEventsUrl).toBe('https://shop.example/hooks/orders');
    expect(loadOrderPolicy({ ORDER_EVENTS_URL: 'http://127.0.0.1:8080/events' }).orderEventsUrl).toBe('http://127.0.0.1:8080/events');
    expect(() => loadOrderPolicy({ ORDER_EVENTS_URL: 'http://shop.example/events' })).toThrow(/ORDER_EVENTS_URL: must be an https:\/\/ URL/);
    expect(() => loadOrderPolicy({ ORDER_EVENTS_URL: 'not a url' })).toThrow(/ORDER_EVENTS_URL/);
    expect(loadOrderEventsSecret({})).toBeUndefined();
    expect(() => loadOrderEventsSecret({ ORDER_EVENTS_SECRET: 'short' })).toThrow(/ORDER_EVENTS_SECRET: must be at least 32 characters/);
    const dir = mkdtempSync(join(tmpdir(), 'events-secret-'));
    writeFileSync(join(dir, 'secret'), 'x'.repeat(40) + '\n');
    expect(loadOrderEventsSecret({ ORDER_EVENTS_SECRET_FILE: join(dir, 'secret') })).toBe('x'.repeat(40));
  });

  test('the service has development defaults and derives its public URL from the port', () => {
    const c = loadServiceConfig({ PORT: '3100' });
    expect(c).toEqual(expect.objectContaining({ port: 3100, publicUrl: 'http://localhost:3100', orderApiKey: DEV_ORDER_API_KEY, usingDevApiKey: true, demoShop: false }));
  });

  test('redaction hides secrets and keys but keeps the rest', () => {
    const redacted = redactConfig(loadVippsConfig({ VIPPS_CLIENT_SECRET: 'top-secret', VIPPS_SUBSCRIPTION_KEY: 'sub-key' }));
    expect(JSON.stringify(redacted)).not.toContain('top-secret');
    expect(JSON.stringify(redacted)).not.toContain('sub-key');
    expect(redacted.clientSecret).toBe('[redacted]');
    expect(redacted.msn).toBe(EMULATOR_DEFAULT_CREDENTIALS.msn);
  });
});

describe('service secrets and URLs', () => {
  test('the webhook secret can come from a file, and the webhook URL from its own variable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'secret');
    writeFileSync(file, 'from-a-file\n');
    const c = loadServiceConfig({ VIPPS_WEBHOOK_SECRET_FILE: file, PUBLIC_URL: 'http://localhost:3000', VIPPS_WEBHOOK_URL: 'http://service:3000/webhooks/vipps' });
    expect(c.webhookSecret).toBe('from-a-file');
    expect(c.webhookUrl).toBe('http://service:3000/webhooks/vipps');
    expect(loadServiceConfig({ PUBLIC_URL: 'https://shop.example.com' }).webhookUrl).toBe('https://shop.example.com/webhooks/vipps');
  });

  test('a missing or empty secret file is a config error naming the variable', () => {
    expect(() => loadServiceConfig({ VIPPS_WEBHOOK_SECRET_FILE: '/nonexistent/secret' })).toThrow(/VIPPS_WEBHOOK_SECRET_FILE: cannot read \/nonexistent\/secret \(ENOENT\)/);
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'empty'), '  \n');
    expect(() => loadServiceConfig({ VIPPS_WEBHOOK_SECRET_FILE: join(dir, 'empty') })).toThrow(/is empty/);
  });
});

test('empty variables count as unset', () => {
  expect(loadVippsConfig({ VIPPS_CLIENT_ID: '', VIPPS_MSN: '' }).clientId).toBe(EMULATOR_DEFAULT_CREDENTIALS.clientId);
  expect(loadServiceConfig({ ORDER_API_KEY: '' }).usingDevApiKey).toBe(true);
});

test('WORKER_MAX_CACHED_WORKFLOWS: 0 turns the cache off, 1 is refused by name (the SDK needs 0 or at least 2)', () => {
  expect(loadWorkerTuning({}).maxCachedWorkflows).toBe(100);
  expect(loadWorkerTuning({ WORKER_MAX_CACHED_WORKFLOWS: '0' }).maxCachedWorkflows).toBe(0);
  expect(() => loadWorkerTuning({ WORKER_MAX_CACHED_WORKFLOWS: '1' })).toThrow(ConfigError);
  expect(() => loadWorkerTuning({ WORKER_MAX_CACHED_WORKFLOWS: '1' })).toThrow('WORKER_MAX_CACHED_WORKFLOWS: must be 0 (no cache) or at least 2');
});

describe('against a Vipps host, demo settings and published development secrets are refused by name', () => {
  const real = { VIPPS_BASE_URL: 'https://apitest.vipps.no', VIPPS_CLIENT_ID: 'a', VIPPS_CLIENT_SECRET: 'b', VIPPS_SUBSCRIPTION_KEY: 'c', VIPPS_MSN: '1234' };
  const service = { ...real, ORDER_API_KEY: 'a-real-order-api-key-0001', PAGE_SECRET: 'a-real-page-secret-of-32-characters-0001' };
  const realPayloadKey = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
  const devPayloadKey = `dev-1:${loadPayloadKeys({})[0]!.key.toString('base64')}`;

  test('a real configuration loads', () => {
    expect(loadServiceConfig(service).pageSecret).toBe(service.PAGE_SECRET);
    expect(loadPayloadKeys({ ...real, PAYLOAD_ENCRYPTION_KEYS: realPayloadKey })).toHaveLength(1);
    expect(loadCodecServerConfig({ ...real, CODEC_SERVER_TOKEN: 'x'.repeat(40) }).token).toBe('x'.repeat(40));
  });

  test.each([
    ['DEMO_SHOP=true', () => loadServiceConfig({ ...service, DEMO_SHOP: 'true' }), /DEMO_SHOP: must be false when VIPPS_BASE_URL is a Vipps host/],
    ['the development API key', () => loadServiceConfig({ ...service, ORDER_API_KEY: DEV_ORDER_API_KEY }), /ORDER_API_KEY: is a development value/],
    ['no page secret', () => loadServiceConfig({ ...service, PAGE_SECRET: '' }), /PAGE_SECRET: is required when VIPPS_BASE_URL is a Vipps host/],
    ['the development page secret', () => loadServiceConfig({ ...service, PAGE_SECRET: DEV_PAGE_SECRET }), /PAGE_SECRET: is a development value/],
    ['the development PII sealing key', () => loadPiiSealingKey({ ...real, PII_SEALING_KEY: DEV_PII_SEALING_KEY }), /PII_SEALING_KEY: is a development value/],
    ['the development fingerprint secret', () => loadFingerprintSecret({ ...real, REQUEST_FINGERPRINT_SECRET: 'dev-request-fingerprint-secret' }), /REQUEST_FINGERPRINT_SECRET: is a development value/],
    ['no fingerprint secret', () => loadFingerprintSecret(real), /REQUEST_FINGERPRINT_SECRET: is required/],
    ['the development payload key among others', () => loadPayloadKeys({ ...real, PAYLOAD_ENCRYPTION_KEYS: `${realPayloadKey},${devPayloadKey.replace('dev-1', 'old')}` }), /PAYLOAD_ENCRYPTION_KEYS: holds the public development key/],
    ['no payload key', () => loadPayloadKeys(real), /PAYLOAD_ENCRYPTION_KEYS: is required/],
    ['the codec token docker-compose.yml once defaulted to', () => loadCodecServerConfig({ ...real, CODEC_SERVER_TOKEN: PUBLISHED_CODEC_SECRETS[0] }), /CODEC_SERVER_TOKEN: is a development value/],
    ['the codec UI key docker-compose.yml once defaulted to', () => loadCodecServerConfig({ ...real, CODEC_SERVER_TOKEN: 'x'.repeat(40), CODEC_UI_KEY: PUBLISHED_CODEC_SECRETS[1] }), /CODEC_UI_KEY: is a development value/],
  ])('%s', (_name, load, message) => {
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });

  test('the same values are fine with the emulator', () => {
    expect(loadServiceConfig({ DEMO_SHOP: 'true', ORDER_API_KEY: DEV_ORDER_API_KEY }).demoShop).toBe(true);
    expect(loadPiiSealingKey({ PII_SEALING_KEY: DEV_PII_SEALING_KEY })).toBe(DEV_PII_SEALING_KEY);
    expect(loadPayloadKeys({ PAYLOAD_ENCRYPTION_KEYS: devPayloadKey })).toHaveLength(1);
    expect(loadCodecServerConfig({ CODEC_SERVER_TOKEN: PUBLISHED_CODEC_SECRETS[0] }).token).toBe(PUBLISHED_CODEC_SECRETS[0]);
  });
});

test('WORKER_SHUTDOWN_GRACE_SECONDS: running activities get 25 s to finish after SIGTERM unless set, and a bad value is refused by name', () => {
  expect(loadWorkerTuning({}).shutdownGraceMs).toBe(25_000);
  expect(loadWorkerTuning({ WORKER_SHUTDOWN_GRACE_SECONDS: '5' }).shutdownGraceMs).toBe(5_000);
  expect(() => loadWorkerTuning({ WORKER_SHUTDOWN_GRACE_SECONDS: '-1' })).toThrow('WORKER_SHUTDOWN_GRACE_SECONDS');
});
