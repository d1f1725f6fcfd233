/** The HTTP service's configuration for tests on a real Temporal server: no env, just the values a test names. */
import type { ServiceConfig } from '../../src/config';

export function testServiceConfig(overrides: Partial<ServiceConfig> & Pick<ServiceConfig, 'orderApiKey' | 'pageSecret'>): ServiceConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    publicUrl: 'https://shop.example.com',
    webhookUrl: 'https://shop.example.com/webhooks/vipps',
    usingDevApiKey: false,
    webhookClockSkewMs: 300_000,
    returnPageWaitMs: 1_500,
    orderStartTimeoutMs: 10_000,
    demoShop: false,
    currency: 'NOK',
    merchantName: 'Test Shop',
    logLevel: 'silent',
    ...overrides,
  };
}
