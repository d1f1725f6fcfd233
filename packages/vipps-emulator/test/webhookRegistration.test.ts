import { PAYMENT_WEBHOOK_EVENTS } from '@vipps-orders/vipps/schemas';
import { startTestEmulator, type TestEmulator, VippsTestClient } from './support/emulator';

const OTHER_MSN = '654321';
let emu: TestEmulator;
let vipps: VippsTestClient;
beforeAll(async () => {
  emu = await startTestEmulator({ webhookHttpHosts: ['shop'] }, { additionalMsns: [OTHER_MSN] });
  vipps = await VippsTestClient.connect(emu);
});
afterAll(() => emu.close());
beforeEach(async () => {
  await fetch(`${emu.url}/_emulator/reset`, { method: 'POST' });
});

function register(url: string, events: string[] = ['epayments.payment.captured.v1'], msn?: string | null) {
  return vipps.call('POST', '/webhooks/v1/webhooks', { body: { url, events }, ...(msn === undefined ? {} : { msn }) });
}

interface Problem {
  extraDetails: { name: string; reason: string }[];
}
const PROBLEM_DETAILS_KEYS = ['detail', 'extraDetails', 'instance', 'status', 'title', 'traceId', 'type'];

describe('registering webhooks', () => {
  it('answers 201 with a uuid id and a secret', async () => {
    const res = await register('https://shop.example/hooks');
    expect(res.status).toBe(201);
    expect(res.mediaType).toBe('application/json');
    const body = res.body as { id: string; secret: string };
    expect(body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(body.secret.length).toBeGreaterThanOrEqual(32);
  });

  it('lists registrations without their secrets', async () => {
    const { id, secret } = (await register('https://shop.example/hooks', [...PAYMENT_WEBHOOK_EVENTS])).body as { id: string; secret: string };
    const res = await vipps.call('GET', '/webhooks/v1/webhooks');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ webhooks: [{ id, url: 'https://shop.example/hooks', events: [...PAYMENT_WEBHOOK_EVENTS] }] });
    expect(res.text).not.toContain(secret);
  });

  it('deletes a registration with 204 and answers 404 in the ProblemDetails shape for an unknown id', async () => {
    const { id } = (await register('https://shop.example/hooks')).body as { id: string };
    const deleted = await vipps.call('DELETE', `/webhooks/v1/webhooks/${id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expect(((await vipps.call('GET', '/webhooks/v1/webhooks')).body as { webhooks: unknown[] }).webhooks).toEqual([]);
    const again = await vipps.call('DELETE', `/webhooks/v1/webhooks/${id}`);
    expect(again.status).toBe(404);
    expect(again.mediaType).toBe('application/problem+json');
    expect(Object.keys(again.body as object).sort()).toEqual(PROBLEM_DETAILS_KEYS);
  });

  it.each(['http://localhost:8080/hooks', 'http://127.0.0.2/hooks', 'http://[::1]:3000/hooks', 'http://shop/hooks'])(
    'accepts plain http to a loopback or configured host: %s',
    async (url) => {
      expect((await register(url)).status).toBe(201);
    },
  );

  it.each([
    ['plain http to a public host', 'http://shop.example/hooks'],
    ['a relative URL', '/hooks'],
    ['a non-http scheme', 'ftp://shop.example/hooks'],
  ])('refuses %s with 400 naming url', async (_what, url) => {
    const res = await register(url);
    expect(res.status).toBe(400);
    expect(res.mediaType).toBe('application/problem+json');
    expect(Object.keys(res.body as object).sort()).toEqual(PROBLEM_DETAILS_KEYS);
    expect((res.body as Problem).extraDetails.map((d) => d.name)).toEqual(['url']);
  });

  it('refuses an unknown event type with 400 naming it', async () => {
    const res = await register('https://shop.example/hooks', ['epayments.payment.captured.v1', 'epayments.payment.shipped.v1']);
    expect(res.status).toBe(400);
    expect((res.body as Problem).extraDetails).toEqual([{ name: 'events[1]', reason: expect.stringContaining('shipped') as unknown }]);
  });

  it('refuses an empty events list', async () => {
    expect((await register('https://shop.example/hooks', [])).status).toBe(400);
  });

  it('allows 25 registrations per event type and refuses the 26th, while other event types stay open', async () => {
    for (let i = 0; i < 25; i++) expect((await register(`https://shop.example/hooks/${i}`)).status).toBe(201);
    const res = await register('https://shop.example/hooks/26');
    expect(res.status).toBe(400);
    expect((res.body as Problem).extraDetails[0]?.name).toBe('events');
    expect((await register('https://shop.example/hooks/other', ['epayments.payment.refunded.v1'])).status).toBe(201);
    // The limit is per sales unit.
    expect((await register('https://shop.example/hooks/26', undefined, OTHER_MSN)).status).toBe(201);
  });

  it('keeps registrations per MSN and uses the configured MSN when the header is left out', async () => {
    await register('https://shop.example/mine', undefined, null);
    await register('https://shop.example/theirs', undefined, OTHER_MSN);
    const mine = (await vipps.call('GET', '/webhooks/v1/webhooks')).body as { webhooks: { url: string }[] };
    const theirs = (await vipps.call('GET', '/webhooks/v1/webhooks', { msn: OTHER_MSN })).body as { webhooks: { url: string }[] };
    expect(mine.webhooks.map((w) => w.url)).toEqual(['https://shop.example/mine']);
    expect(theirs.webhooks.map((w) => w.url)).toEqual(['https://shop.example/theirs']);
  });

  it('requires a valid access token', async () => {
    const res = await vipps.call('GET', '/webhooks/v1/webhooks', { headers: { Authorization: 'Basic abc' } });
    expect(res.status).toBe(401);
  });
});
