/**
 * Workflow tests over days: the order workflow on Temporal's time-skipping test server (installed
 * on first use by scripts/time-skipping-server.ts), with FakeVipps activities whose calls can take
 * server time and that report the server's time as their finish time, as real activities report
 * the wall clock. Time moves only when a test calls `sleep` (the server skips to the next timer).
 */
import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { type SearchAttributeType } from '@temporalio/common';
import { startTimeSkippingServer, type RunningTimeSkippingServer } from '../../scripts/time-skipping-server';
import { withFinishTime } from '../../src/activities/finishTime';
import { OrderClient } from '../../src/orders/orderClient';
import { PiiSealer } from '../../src/security/piiSealing';
import type { OrderActivities } from '../../src/workflows/messages/activityContract';
import { getOrderQuery, type OrderPolicy, type OrderView } from '../../src/workflows/messages';
import { ORDER_SEARCH_ATTRIBUTES } from '../../src/workflows/messages/searchAttributes';
import { FakeVipps } from './fakeVipps';
import { TEST_PII_SECRET, workflowBundle } from './orderHarness';
import { testPolicy } from './orders';
import { quietTemporalLogs } from './temporalLogs';

const INDEXED: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  TEXT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DOUBLE: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
};

export interface ActivityCall {
  name: keyof OrderActivities;
  /** Server time (epoch ms) when the call began. */
  at: number;
  input: unknown;
}

export interface TimeSkippingKit {
  env: () => TestWorkflowEnvironment;
  fake: FakeVipps;
  /** Server time a call of this activity takes (per order), e.g. a read that hangs before it fails; the answer is decided when the call arrives. */
  slow: Map<string, Partial<Record<keyof OrderActivities, number>>>;
  calls: ActivityCall[];
  orders(policy?: Partial<OrderPolicy>): OrderClient;
  now(): Promise<number>;
  /** Lets `ms` of server time pass (timers fire, the worker acts on them). */
  sleep(ms: number): Promise<void>;
  view(orderId: string): Promise<OrderView>;
}

export interface TimeSkippingEnvironment {
  env: TestWorkflowEnvironment;
  /** Tears the environment down and stops the server. */
  stop(): Promise<void>;
}

/** The time-skipping server with the order search attributes registered (workflow tests over days). */
export async function startTimeSkippingEnvironment(): Promise<TimeSkippingEnvironment> {
  quietTemporalLogs();
  const server: RunningTimeSkippingServer = await startTimeSkippingServer();
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: server.attachExecutable }, port: server.port } });
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(ORDER_SEARCH_ATTRIBUTES.map((k) => [k.name, INDEXED[k.type]])),
  });
  return {
    env,
    stop: async () => {
      await env.teardown();
      await server.stop();
    },
  };
}

function referenceOf(input: unknown): string {
  return typeof input === 'string' ? input : (input as { reference: string }).reference;
}

/** Starts the server, registers the order search attributes and runs one worker, per test file. */
export function useTimeSkipping(): TimeSkippingKit {
  const fake = new FakeVipps();
  const slow: TimeSkippingKit['slow'] = new Map();
  const calls: ActivityCall[] = [];
  let started: TimeSkippingEnvironment | undefined;
  let env: TestWorkflowEnvironment | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const taskQueue = `orders-ts-${randomUUID()}`;
  const e = () => {
    if (!env) throw new Error('time-skipping environment not started');
    return env;
  };

  beforeAll(async () => {
    started = await startTimeSkippingEnvironment();
    env = started.env;
    const timed: Record<string, unknown> = {};
    for (const [name, fn] of Object.entries(fake.activities) as [keyof OrderActivities, (input: unknown) => Promise<unknown>][]) {
      timed[name] = async (input: unknown) => {
        calls.push({ name, at: await e().currentTimeMs(), input });
        // Vipps decides the answer when the call arrives and sends it `takes` later.
        const takes = slow.get(referenceOf(input))?.[name];
        const answer = fn(input).then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        );
        if (takes) await e().sleep(takes);
        const settled = await answer;
        if ('error' in settled) throw settled.error;
        return settled.value;
      };
    }
    const activities = withFinishTime(timed as unknown as OrderActivities, () => e().currentTimeMs());
    worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities });
    running = worker.run();
  }, 180_000);

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await started?.stop();
  }, 60_000);

  return {
    env: e,
    fake,
    slow,
    calls,
    orders: (policy = {}) =>
      new OrderClient({
        client: e().client,
        taskQueue,
        policy: testPolicy(policy),
        sealer: new PiiSealer(TEST_PII_SECRET),
        fingerprintSecret: TEST_PII_SECRET,
        returnUrlFor: (id) => `http://localhost:3000/orders/${id}/return`,
        commandTimeoutMs: 30_000,
        now: () => e().currentTimeMs(),
      }),
    now: () => e().currentTimeMs(),
    sleep: (ms) => e().sleep(ms),
    view: (orderId) => e().client.workflow.getHandle(`order-${orderId}`).query(getOrderQuery),
  };
}
