/**
 * What Temporal stores of an order: a history read back from the server holds no plaintext phone
 * number, order description or landing token, every payload in it is encrypted, and the codec
 * server (and the Temporal CLI through it) turns it back into readable data for operators, still
 * without the phone number (sealed inside the payload, see src/security/piiSealing.ts).
 */
import type { temporal } from '@temporalio/proto';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack';
import { run } from '../../scripts/process';
import { ensureTemporalCli } from '../../scripts/temporal-cli';
import { ENCRYPTED_ENCODING } from '../../src/security/payloadCodec';
import { workflowIdFor } from '../../src/workflows/messages';
import { newOrderId, sampleOrder } from '../support/orders';
import { placeAndApprove, stackApi } from '../support/stackOrders';
import { quietTemporalLogs } from '../support/temporalLogs';

jest.setTimeout(120_000);

const PHONE = '4791234567';
const DESCRIPTION = 'Birthday present: the blue cashmere scarf';
let stack: LocalStack;
let orderId: string;
let token: string;
let history: temporal.api.history.v1.IHistory;

interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

beforeAll(async () => {
  quietTemporalLogs();
  stack = await startLocalStack({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    ephemeralPorts: true,
    overrides: { LOG_LEVEL: 'silent', EMULATOR_LOG_LEVEL: 'silent', SERVICE_METRICS_PORT: 'off', WORKER_METRICS_PORT: 'off' },
  });
  orderId = newOrderId('enc');
  ({ token } = await placeAndApprove(stack, sampleOrder(orderId, { description: DESCRIPTION, customer: { phoneNumber: PHONE } })));
  const shipped = await stackApi(stack, 'POST', `/orders/${orderId}/shipments`, { shipmentId: 'box-1' });
  expect(shipped.json.status).toBe('COMPLETED');
  history = await stack.client.workflow.getHandle(workflowIdFor(orderId)).fetchHistory();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** Every payload in the history (inputs, results, signals, Updates, memo, user metadata), as the codec protocol's JSON. */
function payloadsOf(value: unknown, out: JsonPayload[] = [], key = ''): JsonPayload[] {
  if (!value || typeof value !== 'object') return out;
  // Search attributes are not payloads a codec sees; headers carry trace context.
  if (key === 'searchAttributes' || key === 'header') return out;
  const v = value as Record<string, unknown>;
  if (v.data instanceof Uint8Array && v.metadata && typeof v.metadata === 'object') {
    out.push({
      metadata: Object.fromEntries(Object.entries(v.metadata as Record<string, Uint8Array>).map(([k, m]) => [k, Buffer.from(m).toString('base64')])),
      data: Buffer.from(v.data).toString('base64'),
    });
    return out;
  }
  for (const [k, child] of Object.entries(v)) payloadsOf(child, out, k);
  return out;
}

const text = (p: JsonPayload) => Buffer.from(p.data, 'base64').toString('utf8');
const encoding = (p: JsonPayload) => Buffer.from(p.metadata.encoding ?? '', 'base64').toString('utf8');

test('the history read from the server holds no phone number, description or landing token, in any form', () => {
  const raw = Buffer.from(JSON.stringify(history, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v)), 'latin1');
  for (const secret of [PHONE, DESCRIPTION, token]) {
    expect(raw.includes(secret)).toBe(false);
    expect(raw.includes(Buffer.from(secret).toString('base64'))).toBe(false);
  }
});

test('every payload in it is encrypted with the configured key', () => {
  const payloads = payloadsOf(history);
  expect(payloads.length).toBeGreaterThan(10);
  for (const p of payloads) {
    expect(encoding(p)).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(p.metadata['encryption-key-id'] ?? '', 'base64').toString()).toBe('dev-1');
  }
});

test('search attributes stay plaintext (json/plain, no codec) and carry no personal data', async () => {
  const d = await stack.client.workflow.getHandle(workflowIdFor(orderId)).describe();
  const fields = d.raw.workflowExecutionInfo?.searchAttributes?.indexedFields ?? {};
  const plain = Object.fromEntries(
    Object.entries(fields).map(([name, p]) => {
      expect(Buffer.from(p.metadata?.encoding ?? new Uint8Array()).toString()).toBe('json/plain');
      return [name, JSON.parse(Buffer.from(p.data ?? new Uint8Array()).toString()) as unknown];
    }),
  );
  expect(plain).toEqual(expect.objectContaining({ OrderStatus: 'COMPLETED', VippsReference: orderId, OrderAmountMinor: 54_800 }));
  const all = JSON.stringify(plain);
  for (const secret of [PHONE, DESCRIPTION, token]) expect(all).not.toContain(secret);
});

async function codec(path: string, body: unknown, headers: Record<string, string> = { authorization: `Bearer ${stack.codecToken}` }): Promise<{ status: number; json: { payloads?: JsonPayload[]; error?: string; message?: string } }> {
  const res = await fetch(`${stack.codecServerUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as { payloads?: JsonPayload[] } };
}

test('the codec server decodes the same history: the description and the landing token are back, the phone number stays sealed', async () => {
  const encrypted = payloadsOf(history);
  const { status, json } = await codec('/decode', { payloads: encrypted });
  expect(status).toBe(200);
  expect(json.payloads).toHaveLength(encrypted.length);
  const decoded = json.payloads!.map(text).join('\n');
  expect(decoded).toContain(DESCRIPTION);
  expect(decoded).toContain(token);
  expect(decoded).toContain('"sealedCustomerPhone":"v1.');
  expect(decoded).not.toContain(PHONE);
  expect(json.payloads!.map(encoding)).not.toContain(ENCRYPTED_ENCODING);
});

test('encode then decode through the codec server gives back the payload', async () => {
  const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('{"hello":"world"}').toString('base64') };
  const encoded = await codec('/encode', { payloads: [plain] });
  expect(encoded.status).toBe(200);
  expect(encoding(encoded.json.payloads![0]!)).toBe(ENCRYPTED_ENCODING);
  const decoded = await codec('/decode', encoded.json);
  expect(decoded.json.payloads).toEqual([plain]);
});

test('the codec server refuses callers without the token, other origins, bad keys and malformed bodies', async () => {
  const body = { payloads: payloadsOf(history).slice(0, 1) };
  expect((await codec('/decode', body, {})).status).toBe(401);
  expect((await codec('/decode', body, { authorization: 'Bearer not-the-token' })).status).toBe(401);

  // The UI endpoint: its key in the path, and only from the UI's origin.
  const uiPath = new URL(stack.codecUiEndpoint).pathname.replace(/^\/codec/, '');
  const uiOrigin = new URL(stack.temporalUiUrl!).origin;
  expect((await codec(`${uiPath}/decode`, body, { origin: uiOrigin })).status).toBe(200);
  expect((await codec(`${uiPath}/decode`, body, { origin: 'https://evil.example.com' })).status).toBe(403);
  expect((await codec('/ui/not-the-ui-key-but-long-enough/decode', body, { origin: uiOrigin })).status).toBe(401);

  const malformed = await codec('/decode', { payloads: [{ metadata: { encoding: 'not base64!' } }] });
  expect(malformed.status).toBe(400);
  expect(malformed.json.message).toContain('payloads.0.metadata.encoding');

  const tampered = JSON.parse(JSON.stringify(body)) as { payloads: JsonPayload[] };
  const bytes = Buffer.from(tampered.payloads[0]!.data, 'base64');
  bytes[bytes.length - 1]! ^= 1;
  tampered.payloads[0]!.data = bytes.toString('base64');
  const refused = await codec('/decode', tampered);
  expect(refused.status).toBe(422);
  expect(refused.json.message).toContain('does not authenticate');
});

test('CORS: the UI origin may call, others get no CORS headers', async () => {
  const uiOrigin = new URL(stack.temporalUiUrl!).origin;
  const preflight = (origin: string) =>
    fetch(`${stack.codecUiEndpoint}/decode`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace' } });
  const allowed = await preflight(uiOrigin);
  expect(allowed.status).toBe(204);
  expect(allowed.headers.get('access-control-allow-origin')).toBe(uiOrigin);
  expect(allowed.headers.get('access-control-allow-headers')).toContain('x-namespace');
  const other = await preflight('https://evil.example.com');
  expect(other.status).toBe(403);
  expect(other.headers.get('access-control-allow-origin')).toBeNull();
});

test('the Temporal CLI shows the decoded history through the codec server, and ciphertext without it', async () => {
  const cli = await ensureTemporalCli();
  const args = ['workflow', 'show', '--workflow-id', workflowIdFor(orderId), '--address', stack.temporalAddress, '--namespace', stack.namespace, '--output', 'json'];
  // The CLI's JSON keeps payload data in base64, as the proto JSON mapping does.
  const shown = async (extra: string[]) => payloadsOfJson(JSON.parse((await run(cli, [...args, ...extra], { timeoutMs: 30_000 })).stdout));
  const decoded = await shown(['--codec-endpoint', stack.codecServerUrl, '--codec-auth', `Bearer ${stack.codecToken}`]);
  expect(decoded.map(encoding)).not.toContain(ENCRYPTED_ENCODING);
  expect(decoded.map(text).join('\n')).toContain(DESCRIPTION);
  expect(decoded.map(text).join('\n')).not.toContain(PHONE);
  const raw = await shown([]);
  expect(raw.length).toBe(decoded.length);
  expect(raw.map(encoding).every((e) => e === ENCRYPTED_ENCODING)).toBe(true);
});

/** Payloads in the proto JSON the CLI prints (data and metadata values in base64). */
function payloadsOfJson(value: unknown, out: JsonPayload[] = [], key = ''): JsonPayload[] {
  if (!value || typeof value !== 'object' || key === 'searchAttributes' || key === 'header') return out;
  const v = value as Record<string, unknown>;
  if (typeof v.data === 'string' && v.metadata && typeof v.metadata === 'object') {
    out.push({ metadata: v.metadata as Record<string, string>, data: v.data });
    return out;
  }
  for (const [k, child] of Object.entries(v)) payloadsOfJson(child, out, k);
  return out;
}
