/**
 * One trace per order: the shop's POST /orders → the service's Fastify route → the Temporal client's
 * update-with-start → the order workflow → the createPayment activity → the HTTP call to Vipps (the
 * emulator), all in one trace, collected by an in-memory exporter. The local stack runs every part
 * in this process, with the same tracing setup the service and worker use (src/observability/tracing.ts).
 */
import http from 'node:http';
import https from 'node:https';
import { SpanKind } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack';
import { setupTracing, type Tracing } from '../../src/observability/tracing';
import { eventually } from '../support/eventually';
import { newOrderId, sampleOrder } from '../support/orders';
import { placeAndApprove, stackApi } from '../support/stackOrders';
import { quietTemporalLogs } from '../support/temporalLogs';

jest.setTimeout(120_000);

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let stack: LocalStack;
let unpatchHttp: (() => void) | undefined;

beforeAll(async () => {
  quietTemporalLogs();
  // Before the stack exists, as the service's and worker's entry points do.
  tracing = setupTracing({ env: {}, serviceName: 'trace-test', spanProcessor: new SimpleSpanProcessor(exporter) });
  unpatchHttp = patchHttpUnderJest();
  stack = await startLocalStack({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    ephemeralPorts: true,
    overrides: { LOG_LEVEL: 'silent', EMULATOR_LOG_LEVEL: 'silent', SERVICE_METRICS_PORT: 'off', WORKER_METRICS_PORT: 'off' },
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await tracing?.shutdown();
  unpatchHttp?.();
});

/**
 * Node's require hook, through which the HTTP instrumentation patches the http module, never sees
 * Jest's module loading (Jest hands modules their own \`module\`). Outside Jest the hook does this;
 * here the same patch is applied by hand, once, unless the hook got there first.
 */
function patchHttpUnderJest(): () => void {
  const modules: Record<string, object> = { http, https };
  const patched: (() => void)[] = [];
  for (const definition of new HttpInstrumentation().getModuleDefinitions()) {
    const exports = modules[definition.name] as { request?: unknown } | undefined;
    if (!exports || isWrapped(exports.request)) continue;
    definition.patch?.(exports);
    patched.push(() => definition.unpatch?.(exports));
  }
  return () => patched.forEach((undo) => undo());
}

const id = (s: ReadableSpan) => s.spanContext().spanId;
const parentOf = (s: ReadableSpan) => s.parentSpanId;

/** The spans from `root` down, as an indented outline (printed when the test fails, and useful to read). */
function outline(spans: ReadableSpan[], root: ReadableSpan, depth = 0): string[] {
  const children = spans.filter((s) => parentOf(s) === id(root)).sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
  const route = root.attributes['http.route'] ?? root.attributes['url.path'] ?? root.attributes['http.target'];
  return [`${'  '.repeat(depth)}${root.name}${route && !root.name.includes(String(route)) ? ` (${String(route)})` : ''} [${SpanKind[root.kind]}]`, ...children.flatMap((c) => outline(spans, c, depth + 1))];
}

function ancestors(spans: ReadableSpan[], span: ReadableSpan): ReadableSpan[] {
  const byId = new Map(spans.map((s) => [id(s), s]));
  const out: ReadableSpan[] = [];
  for (let p = parentOf(span) && byId.get(parentOf(span)!); p; p = parentOf(p) ? byId.get(parentOf(p)!) : undefined) out.push(p);
  return out;
}

test('POST /orders, the workflow, the activity and the call to Vipps are one trace', async () => {
  const orderId = newOrderId('trace');
  const description = 'A gift for Ola: the green mittens';
  await placeAndApprove(stack, sampleOrder(orderId, { description }));
  // Shipping everything settles the order, so the workflow's own span ends and is exported.
  expect((await stackApi(stack, 'POST', `/orders/${orderId}/shipments`, { shipmentId: 'box-1' })).json.status).toBe('COMPLETED');

  const { spans, root } = await eventually(
    () => {
      const all = exporter.getFinishedSpans();
      // The incoming request's span, from the HTTP instrumentation (Fastify's spans sit below it).
      const server = all.find((s) => s.kind === SpanKind.SERVER && s.name === 'POST /orders');
      expect(server).toBeDefined();
      const inTrace = all.filter((s) => s.spanContext().traceId === server!.spanContext().traceId);
      expect(inTrace.map((s) => s.name)).toEqual(expect.arrayContaining(['RunWorkflow:orderWorkflow', 'RunActivity:createPayment']));
      return { spans: inTrace, root: server! };
    },
    30_000,
    200,
  );
  const tree = outline(spans, root).join('\n');
  console.log(`the order's trace:\n${tree}`);

  const named = (name: string) => spans.find((s) => s.name === name);
  const updateWithStart = named('UpdateWithStartWorkflow:placeOrder');
  const workflow = named('RunWorkflow:orderWorkflow');
  const activity = named('RunActivity:createPayment');
  expect(updateWithStart).toBeDefined();
  expect(ancestors(spans, updateWithStart!)).toContain(root);
  expect(ancestors(spans, workflow!)).toContain(updateWithStart);
  expect(ancestors(spans, activity!)).toContain(workflow);

  // The Vipps call: an HTTP client span (axios) under the activity, to the ePayment API.
  const vippsCall = spans.find((s) => s.kind === SpanKind.CLIENT && String(s.attributes['http.url'] ?? s.attributes['url.full']).includes('/epayment/v1/payments') && ancestors(spans, s).includes(activity!));
  expect(vippsCall).toBeDefined();
  expect(vippsCall!.attributes['http.status_code'] ?? vippsCall!.attributes['http.response.status_code']).toBe(201);
  // Nothing of the trace leaves the process with a secret or personal data: no span carries the API
  // key, the landing token or the description (the SDK would copy the memo onto workflow spans).
  const attributes = JSON.stringify(exporter.getFinishedSpans().map((s) => s.attributes));
  expect(attributes).not.toContain(stack.apiKey);
  expect(attributes).not.toContain('token=');
  expect(attributes).not.toContain(description);
  expect(workflow!.attributes).toEqual(expect.objectContaining({ workflowId: `order-${orderId}`, workflowType: 'orderWorkflow' }));
});
