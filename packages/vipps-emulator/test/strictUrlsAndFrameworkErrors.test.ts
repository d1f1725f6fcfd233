/**
 * One strict URL rule and one error shape: URLs the specs type `format: uri` are refused unless
 * they are absolute RFC 3986 URIs (so they are never echoed otherwise), and errors Fastify raises
 * before a route runs answer in the addressed API's own error shape, never Fastify's.
 */
import net from 'node:net';
import { startTestEmulator, type TestEmulator, VippsTestClient } from './support/emulator';

let emu: TestEmulator;
let vipps: VippsTestClient;
beforeAll(async () => {
  emu = await startTestEmulator();
  vipps = await VippsTestClient.connect(emu);
});
afterAll(() => emu.close());

const NOT_URIS = ['https://shop.example/a b', 'https://shop.example/%zz', 'https://shop.example/<x>', 'shop.example/orders', 'https://sh op.example/'];

interface Fields {
  extraDetails?: { name: string; reason: string }[];
  invalidParams?: { name: string; reason: string }[];
}

describe('URLs must be absolute URIs', () => {
  it.each(NOT_URIS)('a receipt category with orderDetailsUrl %j is a 400 naming the field, and nothing is stored', async (url) => {
    const put = await vipps.call('PUT', '/order-management/v2/ECOM/categories/order-uri-1', { body: { category: 'GENERAL', orderDetailsUrl: url } });
    expect(put.status).toBe(400);
    expect((put.body as Fields).invalidParams?.map((p) => p.name)).toEqual(['orderDetailsUrl']);
    expect((await vipps.call('GET', '/order-management/v2/ECOM/order-uri-1')).status).toBe(404);
  });

  it.each(NOT_URIS)('a webhook registration with url %j is a 400 naming the field, and is not listed', async (url) => {
    const res = await vipps.call('POST', '/webhooks/v1/webhooks', { body: { url, events: ['epayments.payment.captured.v1'] } });
    expect(res.status).toBe(400);
    expect((res.body as Fields).extraDetails?.map((p) => p.name)).toContain('url');
    const list = (await vipps.call('GET', '/webhooks/v1/webhooks')).body as { webhooks: { url: string }[] };
    expect(list.webhooks.map((w) => w.url)).not.toContain(url);
  });

  it('a returnUrl that is not a URI is refused with ErrorCode 4090', async () => {
    const res = await vipps.createPayment({ returnUrl: 'https://shop.example/return?o=<1>' });
    expect(res.status).toBe(400);
    expect((res.body as Fields).extraDetails).toContainEqual({ name: 'ErrorCode', reason: '4090' });
  });

  it('proper URIs, percent-encoded, are accepted and echoed unchanged', async () => {
    const url = 'https://shop.example/orders/a%20b?x=1&y=%C3%A6#top';
    expect((await vipps.call('PUT', '/order-management/v2/ECOM/categories/order-uri-2', { body: { category: 'GENERAL', orderDetailsUrl: url } })).status).toBe(200);
    const order = (await vipps.call('GET', '/order-management/v2/ECOM/order-uri-2')).body as { category: { orderDetailsUrl: string } };
    expect(order.category.orderDetailsUrl).toBe(url);
  });
});

describe('errors before a route runs use the API error shape', () => {
  const PROBLEM_KEYS = ['type', 'title', 'status', 'detail'];

  it('a bad percent-escape in the path is a 400 ePayment problem, not FST_ERR_BAD_URL', async () => {
    const res = await vipps.call('GET', '/epayment/v1/payments/abc%zzdefgh');
    expect(res.status).toBe(400);
    expect(res.mediaType).toBe('application/problem+json');
    expect(Object.keys(res.body as object)).toEqual(expect.arrayContaining([...PROBLEM_KEYS, 'traceId']));
    expect(res.text).not.toContain('FST_ERR');
  });

  it('a reference over 100 characters is a 400 naming the reference (the route checks it, not the router)', async () => {
    const res = await vipps.call('GET', `/epayment/v1/payments/${'a'.repeat(300)}`);
    expect(res.status).toBe(400);
    expect((res.body as Fields).extraDetails?.map((d) => d.name)).toEqual(['reference']);
  });

  it('a path segment over the router limit is a 414 problem in the shape of the API addressed', async () => {
    const epayment = await vipps.call('GET', `/epayment/v1/payments/${'a'.repeat(3000)}`);
    expect(epayment.status).toBe(414);
    expect(epayment.mediaType).toBe('application/problem+json');
    expect(epayment.text).not.toContain('FST_ERR');
    const om = await vipps.call('GET', `/order-management/v2/ECOM/${'a'.repeat(3000)}`);
    expect(om.status).toBe(414);
    expect(Object.keys(om.body as object)).toEqual(expect.arrayContaining(['type', 'title', 'detail', 'instance', 'invalidParams']));
  });

  it('a request the HTTP parser refuses gets a problem body', async () => {
    const { port, hostname } = new URL(emu.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => socket.write('GET /epayment/v1/payments HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'));
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toContain('application/problem+json');
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toEqual(expect.objectContaining({ status: 400, title: 'Bad Request' }));
  });
});
