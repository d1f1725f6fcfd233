import { PAYMENT_WEBHOOK_EVENTS, PaymentWebhookEvent } from '@vipps-orders/vipps/schemas';
import { type DeliveryLogEntry } from '../src/webhooks/deliveryLog';
import { control, startTestEmulator, type TestEmulator, uniqueReference, VippsTestClient, waitFor } from './support/emulator';
import { WebhookReceiver } from './support/webhookReceiver';

let emu: TestEmulator;
let vipps: VippsTestClient;
let receiver: WebhookReceiver;

beforeAll(async () => {
  emu = await startTestEmulator({ webhookRetryScheduleMs: [50, 100, 200], webhookTimeoutMs: 300 });
  vipps = await VippsTestClient.connect(emu);
  receiver = await WebhookReceiver.start();
});
afterAll(async () => {
  await emu.close();
  await receiver.close();
});
beforeEach(async () => {
  await control(emu, 'POST', '/reset');
  receiver.received.length = 0;
  receiver.respond = () => 200;
});

let pathCounter = 0;
/** Registers a fresh receiver path (so per-path request counters start at zero) for the given events. */
async function subscribe(events: readonly string[] = PAYMENT_WEBHOOK_EVENTS): Promise<{ path: string; id: string }> {
  pathCounter += 1;
  const path = `/hooks/${pathCounter}?shop=socks&n=${pathCounter}`;
  const res = await vipps.call('POST', '/webhooks/v1/webhooks', { body: { url: receiver.url(path), events } });
  expect(res.status).toBe(201);
  const { id, secret } = res.body as { id: string; secret: string };
  receiver.useSecret(path, secret);
  return { path, id };
}

async function deliveries(reference: string): Promise<DeliveryLogEntry[]> {
  return ((await control(emu, 'GET', `/webhook-deliveries?reference=${reference}`)).body as { deliveries: DeliveryLogEntry[] }).deliveries;
}

async function eventLog(reference: string): Promise<{ name: string; pspReference: string }[]> {
  return (await vipps.events(reference)).body as { name: string; pspReference: string }[];
}

async function lifecycle(): Promise<string> {
  const reference = await vipps.authorizedPayment(10_000);
  await vipps.capture(reference, 4_000, uniqueReference('c'));
  await vipps.capture(reference, 1_000, uniqueReference('c'));
  await vipps.refund(reference, 500, uniqueReference('r'));
  await vipps.cancel(reference);
  return reference;
}

const ALL = ['CREATED', 'AUTHORIZED', 'CAPTURED', 'CAPTURED', 'REFUNDED', 'CANCELLED'];

describe('webhook delivery', () => {
  it('signs every request so that verifyWebhook accepts it with the registration secret', async () => {
    const { path } = await subscribe();
    const reference = await lifecycle();
    await waitFor(() => (receiver.acceptedNames(reference).length === ALL.length ? true : undefined));
    for (const webhook of receiver.forReference(reference)) {
      expect(webhook.verification).toEqual({ ok: true });
      expect(webhook.pathAndQuery).toBe(path);
      expect(webhook.headers['content-type']).toBe('application/json');
      expect(webhook.headers['x-ms-date']).toMatch(/GMT$/);
      expect(webhook.headers['x-ms-content-sha256']).toBeTruthy();
      expect(webhook.headers.authorization).toMatch(/^HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=/);
    }
  });

  it('fails verification with another secret (the signature really depends on the secret)', async () => {
    const { path } = await subscribe(['epayments.payment.created.v1']);
    receiver.useSecret(path, 'not-the-secret');
    const created = await vipps.createPayment();
    const reference = (created.body as { reference: string }).reference;
    await waitFor(() => receiver.forReference(reference)[0]);
    expect(receiver.forReference(reference)[0]?.verification).toEqual({ ok: false, reason: 'signature-mismatch' });
  });

  it('sends the PaymentWebhookEvent body: the event own pspReference, the operation amount, captureGuaranteedUntil on AUTHORIZED', async () => {
    await subscribe();
    const reference = await lifecycle();
    await waitFor(() => (receiver.acceptedNames(reference).length === ALL.length ? true : undefined));
    const bodies = receiver.forReference(reference).map((w) => PaymentWebhookEvent.parse(w.body));
    const log = await eventLog(reference);
    expect(bodies.map((b) => b.pspReference)).toEqual(log.map((e) => e.pspReference));
    expect(bodies.map((b) => b.amount.value)).toEqual([10_000, 10_000, 4_000, 1_000, 500, 5_000]);
    expect(bodies.every((b) => b.msn === emu.config.credentials.msn && b.success)).toBe(true);
    const authorized = bodies.find((b) => b.name === 'AUTHORIZED');
    expect(authorized?.captureGuaranteedUntil).toBe(((await vipps.getPayment(reference)).body as { captureGuaranteedUntil: string }).captureGuaranteedUntil);
    expect(bodies.find((b) => b.name === 'CAPTURED')?.idempotencyKey).toMatch(/^c-/);
    expect(bodies.find((b) => b.name === 'CREATED')?.captureGuaranteedUntil).toBeUndefined();
  });

  it('delivers the events of a payment in the order they happened', async () => {
    await subscribe();
    const reference = await lifecycle();
    await waitFor(() => (receiver.acceptedNames(reference).length === ALL.length ? true : undefined));
    expect(receiver.acceptedNames(reference)).toEqual(ALL);
  });

  it('sends only the subscribed event types, to every registration that subscribed', async () => {
    const a = await subscribe(['epayments.payment.authorized.v1']);
    const b = await subscribe(['epayments.payment.authorized.v1', 'epayments.payment.captured.v1']);
    const reference = await lifecycle();
    await waitFor(() => (receiver.acceptedNames(reference, b.path).length === 3 ? true : undefined));
    expect(receiver.acceptedNames(reference, a.path)).toEqual(['AUTHORIZED']);
    expect(receiver.acceptedNames(reference, b.path)).toEqual(['AUTHORIZED', 'CAPTURED', 'CAPTURED']);
  });

  it('retries a failing receiver on the schedule and holds later events of that payment behind it', async () => {
    const { path } = await subscribe();
    receiver.respond = (_w, n) => (n <= 3 ? 500 : 200);
    const reference = await lifecycle();
    await waitFor(() => (receiver.acceptedNames(reference).length === ALL.length ? true : undefined), 5_000);
    const arrivals = receiver.forReference(reference, path).map((w) => `${w.body.name}:${w.status}`);
    expect(arrivals.slice(0, 4)).toEqual(['CREATED:500', 'CREATED:500', 'CREATED:500', 'CREATED:200']);
    expect(receiver.acceptedNames(reference)).toEqual(ALL);
    const created = (await deliveries(reference)).filter((d) => d.eventName === 'CREATED');
    expect(created.map((d) => [d.attempt, d.outcome, d.httpStatus])).toEqual([
      [1, 'failed', 500],
      [2, 'failed', 500],
      [3, 'failed', 500],
      [4, 'delivered', 200],
    ]);
    const times = receiver.forReference(reference).slice(0, 4).map((w) => w.receivedAt);
    // Waits of 50, 100 and 200 ms (a little timer slack allowed).
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(45);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(95);
    expect(times[3]! - times[2]!).toBeGreaterThanOrEqual(195);
  });

  it('does not hold up other payments while one payment is blocked', async () => {
    await subscribe(['epayments.payment.created.v1']);
    const blocked = uniqueReference('blocked');
    receiver.respond = (w) => (w.body.reference === blocked ? 503 : 200);
    await vipps.createPayment({ reference: blocked });
    const free = ((await vipps.createPayment()).body as { reference: string }).reference;
    await waitFor(() => (receiver.acceptedNames(free).length === 1 ? true : undefined));
    expect(receiver.acceptedNames(blocked)).toEqual([]);
    expect(receiver.forReference(blocked).length).toBeGreaterThanOrEqual(1);
  });

  it('counts a receiver that does not answer within webhookTimeoutMs as failed and retries', async () => {
    await subscribe(['epayments.payment.created.v1']);
    receiver.respond = async (_w, n) => {
      if (n === 1) await new Promise((resolve) => setTimeout(resolve, 600));
      return 200;
    };
    const reference = ((await vipps.createPayment()).body as { reference: string }).reference;
    const log = await waitFor(async () => {
      const d = await deliveries(reference);
      return d.some((x) => x.outcome === 'delivered') ? d : undefined;
    });
    expect(log.map((d) => d.outcome)).toEqual(['timeout', 'delivered']);
  });

  it('gives up after webhookMaxAgeMs and then lets the next event through', async () => {
    const short = await startTestEmulator({ webhookRetryScheduleMs: [40], webhookMaxAgeMs: 150 });
    try {
      const client = await VippsTestClient.connect(short);
      const path = '/give-up';
      const res = await client.call('POST', '/webhooks/v1/webhooks', { body: { url: receiver.url(path), events: [...PAYMENT_WEBHOOK_EVENTS] } });
      receiver.useSecret(path, (res.body as { secret: string }).secret);
      receiver.respond = (w) => (w.body.name === 'CREATED' ? 500 : 200);
      const reference = await client.authorizedPayment();
      await waitFor(() => (receiver.acceptedNames(reference, path).includes('AUTHORIZED') ? true : undefined), 3_000);
      const log = ((await control(short, 'GET', `/webhook-deliveries?reference=${reference}`)).body as { deliveries: DeliveryLogEntry[] }).deliveries;
      const createdOutcomes = log.filter((d) => d.eventName === 'CREATED').map((d) => d.outcome);
      expect(createdOutcomes.at(-1)).toBe('gave-up');
      expect(createdOutcomes.filter((o) => o === 'failed').length).toBeGreaterThanOrEqual(2);
    } finally {
      await short.close();
    }
  });

  it('stops delivering to a registration once it is deleted', async () => {
    const { id, path } = await subscribe();
    receiver.respond = () => 500;
    const reference = ((await vipps.createPayment()).body as { reference: string }).reference;
    await waitFor(() => receiver.forReference(reference, path)[0]);
    await vipps.call('DELETE', `/webhooks/v1/webhooks/${id}`);
    const log = await waitFor(async () => {
      const d = await deliveries(reference);
      return d.some((x) => x.outcome === 'cancelled') ? d : undefined;
    });
    expect(log.at(-1)?.outcome).toBe('cancelled');
  });

  it('delivers only the events of the registration own MSN', async () => {
    const other = await startTestEmulator({}, { additionalMsns: ['654321'] });
    try {
      const client = await VippsTestClient.connect(other);
      const path = '/msn-scope';
      const res = await client.call('POST', '/webhooks/v1/webhooks', {
        body: { url: receiver.url(path), events: ['epayments.payment.created.v1'] },
        msn: '654321',
      });
      receiver.useSecret(path, (res.body as { secret: string }).secret);
      const mine = ((await client.createPayment()).body as { reference: string }).reference;
      const theirs = ((await client.createPayment({}, { msn: '654321' })).body as { reference: string }).reference;
      await waitFor(() => receiver.forReference(theirs, path)[0]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(receiver.forReference(mine, path)).toEqual([]);
      expect(receiver.forReference(theirs, path)[0]?.body.msn).toBe('654321');
    } finally {
      await other.close();
    }
  });
});

describe('webhook fault switches', () => {
  it('duplicate delivers the same event twice', async () => {
    await subscribe(['epayments.payment.created.v1']);
    await control(emu, 'PUT', '/faults', { webhooks: { duplicateNext: 1 } });
    const reference = ((await vipps.createPayment()).body as { reference: string }).reference;
    await waitFor(() => (receiver.forReference(reference).length === 2 ? true : undefined));
    const [first, second] = receiver.forReference(reference);
    expect(second?.body.pspReference).toBe(first?.body.pspReference);
    expect((await deliveries(reference)).map((d) => d.copy)).toEqual([1, 2]);
  });

  it('drop never delivers the event and logs it as dropped, while later events still arrive', async () => {
    await subscribe();
    await control(emu, 'PUT', '/faults', { webhooks: { dropNext: 1 } });
    const reference = await vipps.authorizedPayment();
    await waitFor(() => (receiver.acceptedNames(reference).includes('AUTHORIZED') ? true : undefined));
    expect(receiver.acceptedNames(reference)).toEqual(['AUTHORIZED']);
    expect((await deliveries(reference)).map((d) => [d.eventName, d.outcome])).toEqual([
      ['CREATED', 'dropped'],
      ['AUTHORIZED', 'delivered'],
    ]);
  });

  it('reorder delivers the next two events of a payment in reverse order', async () => {
    await subscribe();
    await control(emu, 'PUT', '/faults', { webhooks: { reorder: true, reorderWindowMs: 2_000 } });
    const reference = await vipps.authorizedPayment();
    await waitFor(() => (receiver.acceptedNames(reference).length === 2 ? true : undefined));
    expect(receiver.acceptedNames(reference)).toEqual(['AUTHORIZED', 'CREATED']);
  });

  it('reorder lets a lone event go after the window', async () => {
    await subscribe(['epayments.payment.created.v1']);
    await control(emu, 'PUT', '/faults', { webhooks: { reorder: true, reorderWindowMs: 50 } });
    const reference = ((await vipps.createPayment()).body as { reference: string }).reference;
    await waitFor(() => (receiver.acceptedNames(reference).length === 1 ? true : undefined), 2_000);
  });

  it('delay holds each delivery back by delayMs', async () => {
    await subscribe(['epayments.payment.created.v1']);
    await control(emu, 'PUT', '/faults', { webhooks: { delayMs: 250 } });
    const sent = Date.now();
    const reference = ((await vipps.createPayment()).body as { reference: string }).reference;
    const webhook = await waitFor(() => receiver.forReference(reference)[0], 3_000);
    expect(webhook.receivedAt - sent).toBeGreaterThanOrEqual(240);
  });

  it('failNextDeliveries fails attempts without reaching the receiver, then the retry delivers', async () => {
    await subscribe(['epayments.payment.created.v1']);
    await control(emu, 'PUT', '/faults', { webhooks: { failNextDeliveries: 2 } });
    const reference = ((await vipps.createPayment()).body as { reference: string }).reference;
    await waitFor(() => receiver.forReference(reference)[0]);
    expect(receiver.forReference(reference)).toHaveLength(1);
    expect((await deliveries(reference)).map((d) => d.outcome)).toEqual(['fault', 'fault', 'delivered']);
  });
});
