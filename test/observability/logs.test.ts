/**
 * The log output of a real order run, at debug level, from the service (with its codec server) and
 * from the worker (a process of its own): one JSON line per significant event, carrying the order
 * id, the workflow id and the trace id (the same trace in the service and the worker), and not one
 * secret or piece of personal data: no phone number, description, API key, Vipps client secret or
 * subscription key, webhook secret, landing or access token, or any of our own keys.
 */
import { randomBytes } from 'node:crypto';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack';
import { createLogger } from '../../src/observability/logger';
import { setupTracing, type Tracing } from '../../src/observability/tracing';
import { workflowIdFor } from '../../src/workflows/messages';
import { newOrderId, sampleOrder } from '../support/orders';
import { placeAndApprove, stackApi } from '../support/stackOrders';
import { quietTemporalLogs } from '../support/temporalLogs';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

jest.setTimeout(180_000);

const PHONE = '4798765432';
const DESCRIPTION = 'Secret gift for Nora: a red bicycle';
const SECRETS = {
  ORDER_API_KEY: `api-key-${randomBytes(12).toString('hex')}`,
  VIPPS_CLIENT_SECRET: `client-secret-${randomBytes(12).toString('hex')}`,
  VIPPS_SUBSCRIPTION_KEY: `subscription-key-${randomBytes(12).toString('hex')}`,
  PII_SEALING_KEY: `pii-key-${randomBytes(12).toString('hex')}`,
  REQUEST_FINGERPRINT_SECRET: `fingerprint-${randomBytes(12).toString('hex')}`,
  CODEC_SERVER_TOKEN: `codec-token-${randomBytes(16).toString('hex')}`,
};
const PAYLOAD_KEY = randomBytes(32).toString('base64');

const serviceLines: string[] = [];
let tracing: Tracing;
let stack: LocalStack;
let worker: WorkerProcess | undefined;
let orderId: string;
let token: string;

beforeAll(async () => {
  quietTemporalLogs();
  // Tracing on (spans kept in memory), so that lines carry trace ids.
  tracing = setupTracing({ env: {}, serviceName: 'log-test', spanProcessor: new SimpleSpanProcessor(new InMemorySpanExporter()) });
  stack = await startLocalStack({
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...SECRETS, PAYLOAD_ENCRYPTION_KEYS: `k1:${PAYLOAD_KEY}` },
    ephemeralPorts: true,
    inProcessWorker: false,
    serviceLogger: createLogger({ level: 'debug', name: 'service', destination: { write: (line: string) => void serviceLines.push(line) } }),
    overrides: { LOG_LEVEL: 'debug', EMULATOR_LOG_LEVEL: 'silent', SERVICE_METRICS_PORT: 'off', WORKER_METRICS_PORT: 'off' },
  });
  // The worker exports spans nowhere reachable; they still give its lines their trace ids. It bundles
  // the workflows itself (no prebuilt bundle), with the tracing interceptors, as npm run build does.
  worker = await startWorkerProcess({ ...stack.workerEnv, WORKFLOW_BUNDLE_PATH: '', LOG_LEVEL: 'debug', OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }, 120_000);

  orderId = newOrderId('logs');
  ({ token } = await placeAndApprove(stack, sampleOrder(orderId, { description: DESCRIPTION, customer: { phoneNumber: PHONE } })));
  expect((await stackApi(stack, 'POST', `/orders/${orderId}/shipments`, { shipmentId: 'box-1' })).json.status).toBe('COMPLETED');
  expect((await stackApi(stack, 'POST', `/orders/${orderId}/refunds`, { refundId: 'r-1', amount: { value: 4_900, currency: 'NOK' } })).status).toBe(200);
  // Refused things log too: a forged webhook, a codec call without the token, one with it.
  await fetch(`${stack.serviceUrl}/webhooks/vipps`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'HMAC-SHA256 Signature=forged' }, body: '{}' });
  await fetch(`${stack.codecServerUrl}/decode`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"payloads":[]}' });
  await fetch(`${stack.codecUiEndpoint}/decode`, { method: 'POST', headers: { 'content-type': 'application/json', origin: new URL(stack.temporalUiUrl!).origin }, body: '{"payloads":[]}' });
  // The worker writes its last lines a moment after the order settles.
  await new Promise((r) => setTimeout(r, 1_000));
}, 180_000);

afterAll(async () => {
  await worker?.kill();
  await stack?.stop();
  await tracing?.shutdown();
});

type Line = Record<string, unknown>;
const TRACE_ID: unknown = expect.stringMatching(/^[0-9a-f]{32}$/);
const parse = (text: string): Line[] => text.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l) as Line);

test('every secret and every piece of personal data stays out of the logs', () => {
  const all = [...serviceLines, worker!.output()].join('\n');
  // The run is in there (so the search below searches something).
  expect(all.length).toBeGreaterThan(5_000);
  expect(all).toContain(orderId);
  const forbidden: Record<string, string> = { PHONE, DESCRIPTION, landingToken: token, payloadKey: PAYLOAD_KEY, codecUiKey: new URL(stack.codecUiEndpoint).pathname.split('/').at(-1)!, webhookSecret: stack.webhookSecret!, ...SECRETS };
  for (const [what, value] of Object.entries(forbidden)) {
    expect({ what, found: all.includes(value) }).toEqual({ what, found: false });
  }
  // Access tokens, sealed phone numbers and authorization headers, whatever their value.
  expect(all).not.toMatch(/Bearer\s+[\w.-]{8,}/);
  expect(all).not.toMatch(/\bv1\.[\w-]{16}\.[\w-]{20,}/);
  expect(all).not.toMatch(/"(authorization|phoneNumber|redirectUrl|sealedCustomerPhone)":"[^[]/i);
});

test('the service writes one line per request with order id, workflow id and trace id', () => {
  const lines = parse(serviceLines.join(''));
  const placed = lines.find((l) => l.msg === 'request' && l.route === '/orders' && l.method === 'POST' && l.orderId === orderId);
  expect(placed).toEqual(expect.objectContaining({ statusCode: 201, workflowId: workflowIdFor(orderId), command: 'place', outcome: 'ok', trace_id: TRACE_ID }));
  const webhook = lines.find((l) => l.msg === 'webhook signalled to the order' && l.orderId === orderId);
  expect(webhook).toEqual(expect.objectContaining({ workflowId: workflowIdFor(orderId), trace_id: TRACE_ID }));
  expect(lines.find((l) => l.msg === 'webhook rejected: bad signature')).toBeDefined();
  expect(lines.filter((l) => l.msg === 'codec request').map((l) => [l.route, l.statusCode])).toEqual([
    ['/codec/:op', 401],
    ['/codec/ui/:key/:op', 200],
  ]);
});

test("the worker's lines for the Vipps calls carry the order id, the workflow id and the service request's trace id", () => {
  const lines = parse(worker!.output());
  const placed = parse(serviceLines.join('')).find((l) => l.msg === 'request' && l.route === '/orders' && l.orderId === orderId)!;
  const created = lines.find((l) => l.msg === 'vipps call' && l.vippsOperation === 'createPayment' && l.orderId === orderId);
  expect(created).toEqual(expect.objectContaining({ workflowId: workflowIdFor(orderId), activityType: 'createPayment', trace_id: placed.trace_id }));
  const captured = lines.find((l) => l.msg === 'vipps call' && l.vippsOperation === 'capturePayment' && l.orderId === orderId);
  expect(captured).toEqual(expect.objectContaining({ workflowId: workflowIdFor(orderId), trace_id: TRACE_ID }));
  // Refunds after settlement run in a workflow of their own; its lines still name the order.
  const refunded = lines.find((l) => l.msg === 'vipps call' && l.vippsOperation === 'refundPayment');
  expect(refunded).toEqual(expect.objectContaining({ orderId, workflowId: `refund-${orderId}.r-1` }));
});
