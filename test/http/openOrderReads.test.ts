/**
 * Reading an open order sends no Query: the server's own `action` counter (its Prometheus page,
 * read with the cost benchmark's reader) must not move for GETs of an open order, at every stage
 * a shop reads it. A Query is a billed Action, and a Query sent to an open workflow is what
 * triggers the sdk-core takeover defect (test/sdk/queryClockDefect.test.ts). Only an operator's
 * explicit `?live=true` asks the order itself.
 */
import { diffCounts, scrapeActions } from '../../bench/cluster-metrics';
import { freePort } from '../../scripts/ports';
import type { OrderView } from '../../src/workflows/messages';
import { eventually } from '../support/eventually';
import { FakeVipps } from '../support/fakeVipps';
import { testServiceConfig } from '../support/serviceConfig';
import { startServiceUnderTest, type ServiceUnderTest } from '../support/serviceUnderTest';
import type { OpenApiContract } from '../support/openApiContract';
import { type WorkflowHarness } from '../support/orderHarness';
import { newOrderId, sampleOrder } from '../support/orders';
import { event } from '../support/workflowKit';

jest.setTimeout(120_000);

const API_KEY = 'test-order-api-key-123';
const fake = new FakeVipps();
let h: WorkflowHarness;
let base: string;
let metricsUrl: string;
let contract: OpenApiContract;

const config = testServiceConfig({ orderApiKey: API_KEY, pageSecret: 'page-secret-for-the-open-order-read-tests', webhookSecret: 'webhook-secret-for-tests' });

let service: ServiceUnderTest | undefined;

beforeAll(async () => {
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  service = await startServiceUnderTest(fake, config, { metricsPort });
  ({ h, base, contract } = service);
}, 120_000);

afterAll(() => service?.stop());

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: OrderView }> {
  const init: RequestInit = {
    method,
    headers: { authorization: `Bearer ${API_KEY}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  };
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  contract.check({ method, path, status: res.status, contentType: res.headers.get('content-type'), body: text });
  return { status: res.status, json: JSON.parse(text) as OrderView };
}

/** How long the server takes to count a Query it answered (measured: well under a second). */
const SETTLE_MS = 1_500;

const queries = async () => (await scrapeActions(metricsUrl, 'default')).get('grpc_QueryWorkflow') ?? 0;

/** Reads the order with GET and counts the Queries the server received meanwhile. */
async function readCountingQueries(path: string): Promise<{ view: OrderView; queries: number }> {
  const before = await scrapeActions(metricsUrl, 'default');
  const res = await api('GET', path);
  expect(res.status).toBe(200);
  // The server counts a Query a moment after answering it.
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const diff = diffCounts(await scrapeActions(metricsUrl, 'default'), before);
  return { view: res.json, queries: diff.get('grpc_QueryWorkflow') ?? 0 };
}

test('the server counts Queries on its metrics page (the counter this file relies on), and ?live=true sends one', async () => {
  const orderId = newOrderId('live');
  expect((await api('POST', '/orders', sampleOrder(orderId))).status).toBe(201);
  const before = await queries();
  const live = await readCountingQueries(`/orders/${orderId}?live=true`);
  expect(live.view.asOf).toBeUndefined();
  expect(live.queries).toBe(1);
  expect(await queries()).toBe(before + 1);
});

test('GET of an open order sends no Query, pending, awaiting shipment and partially shipped, and shows what the live view shows', async () => {
  const orderId = newOrderId('reads');
  const placed = await api('POST', '/orders', sampleOrder(orderId));
  expect(placed.status).toBe(201);

  const pending = await readCountingQueries(`/orders/${orderId}`);
  expect(pending.queries).toBe(0);
  expect(pending.view).toEqual(expect.objectContaining({ orderId, status: 'PENDING_PAYMENT', busy: false, amount: sampleOrder(orderId).amount }));
  expect(pending.view.asOf).toEqual(expect.any(String));

  fake.approve(orderId);
  await h.temporal.env.client.workflow.getHandle(`order-${orderId}`).signal('paymentEvent', event('AUTHORIZED'));
  const awaiting = await eventually(async () => {
    const r = await readCountingQueries(`/orders/${orderId}`);
    expect(r.view.status).toBe('AWAITING_SHIPMENT');
    return r;
  });
  expect(awaiting.queries).toBe(0);
  expect(awaiting.view.payment.aggregate.authorized).toBe(54_800);
  expect(awaiting.view.payment.redirectUrl).toBe(`https://landing.example/?token=${orderId}`);

  const shipped = await api('POST', `/orders/${orderId}/shipments`, { shipmentId: 'box-1', orderLineIds: ['socks'] });
  expect(shipped.json.status).toBe('PARTIALLY_SHIPPED');
  const partly = await readCountingQueries(`/orders/${orderId}`);
  expect(partly.queries).toBe(0);
  const live = (await api('GET', `/orders/${orderId}?live=true`)).json;
  const comparable = ({ asOf: _a, timeline, ...rest }: OrderView) => ({ ...rest, timeline: timeline.slice(-3) });
  expect(comparable(partly.view)).toEqual(comparable(live));
  expect(partly.view.orderLines.map((l) => [l.id, l.state])).toEqual(live.orderLines.map((l) => [l.id, l.state]));
  expect(partly.view.shipments.map((s) => [s.shipmentId, s.status])).toEqual([['box-1', 'CAPTURED']]);
});
