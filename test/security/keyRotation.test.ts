/**
 * Rotating the payload encryption key with an order in flight: the order is placed and authorized
 * under key "old"; then the worker restarts (a fresh process, so it replays the whole history) and
 * the client is rebuilt with "new" in front and "old" kept for decryption. The order ships,
 * captures and completes; its history then holds payloads of both keys; and a codec that dropped
 * "old" could not read its beginning, which is why old keys stay until no open order needs them.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack';
import { loadServiceConfig } from '../../src/config';
import { createOrderClient } from '../../src/orders/factory';
import { parsePayloadKeys } from '../../src/security/keyConfig';
import { AesGcmPayloadCodec, KEY_ID_METADATA } from '../../src/security/payloadCodec';
import { temporalClientOptions } from '../../src/temporal/dataConverter';
import { workflowIdFor } from '../../src/workflows/messages';
import { newOrderId, sampleOrder } from '../support/orders';
import { placeAndApprove } from '../support/stackOrders';
import { quietTemporalLogs } from '../support/temporalLogs';
import { startWorkerProcess, type WorkerProcess } from '../support/workerProcess';

jest.setTimeout(180_000);

const OLD = `old:${randomBytes(32).toString('base64')}`;
const NEW = `new:${randomBytes(32).toString('base64')}`;
let stack: LocalStack;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  quietTemporalLogs();
  stack = await startLocalStack({
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PAYLOAD_ENCRYPTION_KEYS: OLD },
    ephemeralPorts: true,
    inProcessWorker: false,
    overrides: { LOG_LEVEL: 'silent', EMULATOR_LOG_LEVEL: 'silent', SERVICE_METRICS_PORT: 'off', WORKER_METRICS_PORT: 'off' },
  });
  worker = await startWorkerProcess(stack.workerEnv);
}, 180_000);

afterAll(async () => {
  await worker?.kill();
  await stack?.stop();
});

function payloads(value: unknown, out: Payload[] = [], key = ''): Payload[] {
  if (!value || typeof value !== 'object' || key === 'searchAttributes' || key === 'header') return out;
  const v = value as Record<string, unknown>;
  if (v.data instanceof Uint8Array && v.metadata && typeof v.metadata === 'object') return [...out, v];
  for (const [k, child] of Object.entries(v)) out = payloads(child, out, k);
  return out;
}

const keyIdOf = (p: Payload) => Buffer.from(p.metadata?.[KEY_ID_METADATA] ?? new Uint8Array()).toString();

test('an order placed under the old key ships and completes after the key is rotated', async () => {
  const orderId = newOrderId('rot');
  await placeAndApprove(stack, sampleOrder(orderId));

  // Rotate: the new key in front, the old one kept. The worker is a new process: it has no cached
  // state and replays the history written under the old key.
  const rotatedEnv = { ...stack.workerEnv, PAYLOAD_ENCRYPTION_KEYS: `${NEW},${OLD}` };
  await worker!.kill();
  worker = await startWorkerProcess(rotatedEnv);
  const client = new Client({ connection: stack.client.connection, namespace: stack.namespace, ...temporalClientOptions(rotatedEnv) });
  const orders = createOrderClient(client, rotatedEnv, loadServiceConfig(rotatedEnv));

  expect((await orders.getOrder(orderId)).status).toBe('AWAITING_SHIPMENT');
  const shipped = await orders.ship(orderId, { shipmentId: 'box-1' });
  expect(shipped.order.status).toBe('COMPLETED');
  expect(shipped.order.payment.aggregate.captured).toBe(54_800);
  // Its settled view comes from the workflow's result, written under the new key.
  expect((await orders.getOrder(orderId)).status).toBe('COMPLETED');

  const history = await client.workflow.getHandle(workflowIdFor(orderId)).fetchHistory();
  const ids = new Set(payloads(history).map(keyIdOf));
  expect(ids).toEqual(new Set(['old', 'new']));

  // Dropping the old key too early would strand the order: its start can no longer be read.
  const start = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  expect(keyIdOf(start!)).toBe('old');
  await expect(new AesGcmPayloadCodec(parsePayloadKeys(NEW)).decode([start!])).rejects.toThrow('encrypted with key "old", which is not configured');
  const [opened] = await new AesGcmPayloadCodec(parsePayloadKeys(`${NEW},${OLD}`)).decode([start!]);
  expect(Buffer.from(opened!.data!).toString()).toContain(orderId);
});
