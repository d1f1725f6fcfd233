import net from 'node:net';
import { freePort } from '../../scripts/local-stack';
import { loadMetricsConfig } from '../../src/observability/metricsConfig';
import { tracingExporters } from '../../src/observability/tracing';
import { RecentWebhookEvents, webhookEventKey } from '../../src/http/webhooks/webhookDuplicates';
import { loadCodecServerConfig, uiCodecKey } from '../../src/security/codecServerConfig';
import { startWorkerProcess } from '../support/workerProcess';

describe('metrics configuration', () => {
  test('defaults: service 9464, worker 9465, on loopback, counts every 30 s', () => {
    expect(loadMetricsConfig({})).toEqual({ host: '127.0.0.1', servicePort: 9464, workerPort: 9465, visibilityRefreshMs: 30_000 });
  });

  test('off switches an endpoint off; anything else that is no port names the variable', () => {
    const config = loadMetricsConfig({ SERVICE_METRICS_PORT: 'off', WORKER_METRICS_PORT: '9999' });
    expect(config.servicePort).toBeUndefined();
    expect(config.workerPort).toBe(9999);
    expect(() => loadMetricsConfig({ WORKER_METRICS_PORT: 'metrics' })).toThrow('WORKER_METRICS_PORT: must be a port (1-65535) or off');
    expect(() => loadMetricsConfig({ SERVICE_METRICS_PORT: '70000' })).toThrow('SERVICE_METRICS_PORT');
    expect(() => loadMetricsConfig({ VISIBILITY_METRICS_INTERVAL_SECONDS: '0' })).toThrow('VISIBILITY_METRICS_INTERVAL_SECONDS');
  });

  test('a worker whose metrics port is taken stops with a message naming WORKER_METRICS_PORT', async () => {
    const port = await freePort();
    const taken = net.createServer().listen(port, '127.0.0.1');
    try {
      await expect(startWorkerProcess({ WORKER_METRICS_PORT: String(port), TEMPORAL_ADDRESS: '127.0.0.1:1' }, 60_000)).rejects.toThrow(`WORKER_METRICS_PORT: 127.0.0.1:${port} is in use`);
    } finally {
      taken.close();
    }
  }, 90_000);
});

describe('OpenTelemetry configuration', () => {
  test('off unless an exporter or an OTLP endpoint is configured', () => {
    expect(tracingExporters({})).toEqual([]);
    expect(tracingExporters({ OTEL_TRACES_EXPORTER: 'none' })).toEqual([]);
    expect(tracingExporters({ OTEL_TRACES_EXPORTER: 'otlp,console' })).toEqual(['otlp', 'console']);
    expect(tracingExporters({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual(['otlp']);
    expect(tracingExporters({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toEqual([]);
  });

  test('what it cannot do is an error naming the variable', () => {
    expect(() => tracingExporters({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow('OTEL_TRACES_EXPORTER.0: each must be one of otlp, console, none');
    expect(() => tracingExporters({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow('OTEL_EXPORTER_OTLP_PROTOCOL: only http/protobuf is supported');
    expect(() => tracingExporters({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' })).toThrow('OTEL_EXPORTER_OTLP_ENDPOINT');
  });
});

describe('codec server configuration', () => {
  const token = 'a-codec-server-token-of-enough-length';

  test('needs a long token; the UI key is derived from it (or set), never equal to it', () => {
    expect(() => loadCodecServerConfig({})).toThrow('CODEC_SERVER_TOKEN: is required');
    expect(() => loadCodecServerConfig({ CODEC_SERVER_TOKEN: 'short' })).toThrow('CODEC_SERVER_TOKEN: must be at least 32 characters');
    const config = loadCodecServerConfig({ CODEC_SERVER_TOKEN: token });
    expect(config).toEqual({ token, uiKey: uiCodecKey(token), port: 8234, host: '127.0.0.1', corsOrigins: ['http://localhost:8233'] });
    expect(config.uiKey).not.toContain(token);
    expect(uiCodecKey(`${token}-rotated`)).not.toBe(config.uiKey);
    expect(loadCodecServerConfig({ CODEC_SERVER_TOKEN: token, CODEC_UI_KEY: 'an-explicit-ui-key-0123456789' }).uiKey).toBe('an-explicit-ui-key-0123456789');
    expect(() => loadCodecServerConfig({ CODEC_SERVER_TOKEN: token, CODEC_UI_KEY: 'short' })).toThrow('CODEC_UI_KEY');
  });

  test("CORS origins: the UI's, or a list of origins (no paths)", () => {
    expect(loadCodecServerConfig({ CODEC_SERVER_TOKEN: token, TEMPORAL_UI_URL: 'https://temporal.example.com/ui' }).corsOrigins).toEqual(['https://temporal.example.com']);
    expect(loadCodecServerConfig({ CODEC_SERVER_TOKEN: token, CODEC_CORS_ORIGINS: 'https://a.example.com, http://localhost:8233/' }).corsOrigins).toEqual(['https://a.example.com', 'http://localhost:8233']);
    expect(() => loadCodecServerConfig({ CODEC_SERVER_TOKEN: token, CODEC_CORS_ORIGINS: 'https://a.example.com/path' })).toThrow('CODEC_CORS_ORIGINS.0: each must be an origin');
  });
});

describe('recent webhook events', () => {
  const event = { reference: 'shop-1', name: 'AUTHORIZED', pspReference: '123', timestamp: '2026-11-28T10:00:00Z' };

  test('remembers an event for its time to live, by reference, name, pspReference and timestamp', () => {
    const recent = new RecentWebhookEvents(1_000);
    recent.remember(webhookEventKey(event), 0);
    expect(recent.has(webhookEventKey(event), 999)).toBe(true);
    expect(recent.has(webhookEventKey({ ...event, pspReference: '124' }), 10)).toBe(false);
    expect(recent.has(webhookEventKey({ ...event, timestamp: '2026-11-28T10:00:01Z' }), 10)).toBe(false);
    expect(recent.has(webhookEventKey(event), 1_001)).toBe(false);
  });

  test('forgets the oldest beyond its capacity', () => {
    const recent = new RecentWebhookEvents(60_000, 2);
    for (const k of ['a', 'b', 'c']) recent.remember(k, 0);
    expect(['a', 'b', 'c'].map((k) => recent.has(k, 1))).toEqual([false, true, true]);
  });
});
