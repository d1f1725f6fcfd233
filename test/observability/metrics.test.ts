/**
 * The two Prometheus endpoints after real orders: the service's (HTTP latency by route, webhook
 * outcomes, order commands by outcome, orders by status and alerts from visibility) and the
 * worker's (the Temporal SDK's own task latencies, schedule-to-start and activity failures, and
 * the Vipps calls by operation, status and error code). The worker is a process of its own, as in
 * production, so its SDK runtime exports metrics on its own port.
 */
import { freePort, startLocalStack, type LocalStack } from '../../scripts/local-stack';
import { eventually } from '../support/eventually';
import { newOrderId, sampleOrder } from '../support/orders';
import { metric, scrape, type Sample } from '../support/prometheus';
import { placeAndApprove, stackApi } from '../support/stackOrders';
import { quietTemporalLogs } from '../support/temporalLogs';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

jest.setTimeout(180_000);

let stack: LocalStack;
let worker: WorkerProcess | undefined;
let workerMetricsUrl: string;

beforeAll(async () => {
  quietTemporalLogs();
  stack = await startLocalStack({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    ephemeralPorts: true,
    inProcessWorker: false,
    overrides: { LOG_LEVEL: 'silent', EMULATOR_LOG_LEVEL: 'silent', VISIBILITY_METRICS_INTERVAL_SECONDS: '1', WORKER_METRICS_PORT: 'off', ORDER_POLL_INITIAL_SECONDS: '1' },
  });
  const port = await freePort();
  worker = await startWorkerProcess({ ...stack.workerEnv, WORKER_METRICS_PORT: String(port) });
  workerMetricsUrl = `http://127.0.0.1:${port}/metrics`;
}, 180_000);

afterAll(async () => {
  await worker?.kill();
  await stack?.stop();
});

async function emulatorFaults(faults: unknown): Promise<void> {
  const res = await fetch(`${stack.emulatorUrl}/_emulator/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  expect(res.status).toBe(200);
}

let service: Sample[];
let workerSamples: Sample[];
let pendingOrderId: string;

test('an order with a duplicated webhook, a failing Vipps call and refused commands', async () => {
  const orderId = newOrderId('met');
  // The AUTHORIZED webhook arrives twice; one getPayment answers 503 (the activity fails once and is retried).
  await emulatorFaults({ webhooks: { duplicateNext: 1 }, failNext: [{ operation: 'getPayment', reference: orderId, count: 1, when: 'before', status: 503 }] });
  await placeAndApprove(stack, sampleOrder(orderId));
  expect((await stackApi(stack, 'POST', `/orders/${orderId}/shipments`, { shipmentId: 'box-1', orderLineIds: ['no-such-line'] })).status).toBe(400);
  expect((await stackApi(stack, 'POST', `/orders/${newOrderId('missing')}/cancel`, {})).status).toBe(404);
  expect((await stackApi(stack, 'POST', `/orders/${orderId}/shipments`, { shipmentId: 'box-1' })).json.status).toBe('COMPLETED');
  // A forged webhook.
  const forged = await fetch(`${stack.serviceUrl}/webhooks/vipps`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=AAAA', 'x-ms-date': new Date().toUTCString(), 'x-ms-content-sha256': 'AAAA' }, body: '{}' });
  expect(forged.status).toBe(401);
  // One order left waiting for the customer, for the visibility counts.
  pendingOrderId = newOrderId('pending');
  expect((await stackApi(stack, 'POST', '/orders', sampleOrder(pendingOrderId))).status).toBe(201);
  await emulatorFaults({});
});

describe('the service endpoint', () => {
  beforeAll(async () => {
    service = await eventually(
      async () => {
        const { samples } = await scrape(stack.serviceMetricsUrl!);
        expect(metric(samples, 'order_webhooks_total', { outcome: 'duplicate' })).toBeGreaterThanOrEqual(1);
        expect(metric(samples, 'orders_open', { status: 'PENDING_PAYMENT' })).toBeGreaterThanOrEqual(1);
        return samples;
      },
      30_000,
      500,
    );
  });

  test('HTTP latency by route pattern, not by URL', () => {
    expect(metric(service, 'http_server_request_duration_seconds_count', { method: 'POST', route: '/orders', status_code: '201' })).toBeGreaterThanOrEqual(2);
    expect(metric(service, 'http_server_request_duration_seconds_count', { method: 'POST', route: '/orders/:orderId/shipments', status_code: '200' })).toBe(1);
    expect(service.some((s) => s.labels.route?.includes(pendingOrderId))).toBe(false);
  });

  test('webhook outcomes', () => {
    expect(metric(service, 'order_webhooks_total', { outcome: 'signalled' })).toBeGreaterThanOrEqual(1);
    expect(metric(service, 'order_webhooks_total', { outcome: 'duplicate' })).toBeGreaterThanOrEqual(1);
    expect(metric(service, 'order_webhooks_total', { outcome: 'bad_signature' })).toBe(1);
  });

  test('order commands by outcome', () => {
    expect(metric(service, 'order_commands_total', { command: 'place', outcome: 'ok' })).toBe(2);
    expect(metric(service, 'order_commands_total', { command: 'ship', outcome: 'ok' })).toBe(1);
    expect(metric(service, 'order_commands_total', { command: 'ship', outcome: 'invalid_command' })).toBe(1);
    expect(metric(service, 'order_commands_total', { command: 'cancel', outcome: 'order_not_found' })).toBe(1);
  });

  test('orders by status and open alerts, from visibility', () => {
    expect(metric(service, 'orders_open', { status: 'PENDING_PAYMENT' })).toBe(1);
    // The completed order's workflow has closed: it is no longer counted.
    expect(metric(service, 'orders_open', { status: 'COMPLETED' })).toBe(0);
    expect(metric(service, 'order_alerts_open', { alert: 'CAPTURE_FAILED' })).toBe(0);
    expect(metric(service, 'orders_visibility_refreshed_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 60);
  });
});

describe('the worker endpoint', () => {
  beforeAll(async () => {
    workerSamples = (await scrape(workerMetricsUrl)).samples;
  });

  test("the SDK's task latencies and schedule-to-start", () => {
    expect(metric(workerSamples, 'temporal_workflow_task_schedule_to_start_latency_count')).toBeGreaterThan(0);
    expect(metric(workerSamples, 'temporal_workflow_task_execution_latency_count')).toBeGreaterThan(0);
    expect(metric(workerSamples, 'temporal_activity_schedule_to_start_latency_count')).toBeGreaterThan(0);
    expect(metric(workerSamples, 'temporal_activity_execution_latency_count', { activity_type: 'capturePayment' })).toBe(1);
  });

  test('activity failures', () => {
    expect(metric(workerSamples, 'temporal_activity_execution_failed_total', { activity_type: 'getPayment' })).toBeGreaterThanOrEqual(1);
  });

  test('Vipps calls by operation, status and error code, with latency', () => {
    expect(metric(workerSamples, 'vipps_api_requests_total', { operation: 'createPayment', outcome: 'ok', status: '2xx' })).toBeGreaterThanOrEqual(2);
    expect(metric(workerSamples, 'vipps_api_requests_total', { operation: 'getPayment', outcome: 'error', status: '503' })).toBe(1);
    expect(metric(workerSamples, 'vipps_api_requests_total', { operation: 'capturePayment', outcome: 'ok' })).toBe(1);
    expect(metric(workerSamples, 'vipps_api_request_duration_seconds_count', { operation: 'capturePayment' })).toBe(1);
    expect(metric(workerSamples, 'vipps_api_request_duration_seconds_bucket', { operation: 'capturePayment', le: '10' })).toBe(1);
  });
});
