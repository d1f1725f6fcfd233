/**
 * The production shape as operators deploy it (`npm run compose:test`): the images built from the
 * Dockerfile, the stack of docker-compose.yml run on a real Docker engine (host networking through
 * deploy/compose/docker-compose.host.yml), and orders driven through the containerized service while
 * containers are killed, restarted and stopped. The emulator's ledger is the truth for every order.
 * Prometheus and Grafana are not run (their images have no stand-in here).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Connection, Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { PROJECT_ROOT } from '../../scripts/temporal-cli';
import { orderWorkflowId } from '../../src/orders/orderScope';
import { currentTracing } from '../../src/observability/tracing';
import { orderDataConverter } from '../../src/temporal/dataConverter';
import { ensureDockerPackages, ensureEngine, type Engine } from '../../scripts/compose/engine';
import { ensureStandins } from '../../scripts/compose/standins';
import { APP_IMAGE, APP_SERVICES, ComposeStack, EMULATOR_IMAGE, HOST_PORTS } from '../../scripts/compose/stack';
import { checkOrder, runScenario, SCENARIOS, settled, type LedgerEntry, type OrderRecord } from '../cluster/scenarios';
import { Shop } from '../cluster/shop';
import { eventually } from '../support/eventually';
import { replayEvery } from '../cluster/replay';

const ORDERS = Number(process.env.COMPOSE_ORDERS ?? 60);
const IN_FLIGHT = Number(process.env.COMPOSE_IN_FLIGHT ?? 12);
const DRAIN_ORDERS = 6;
const VIPPS_LATENCY_MS = 6_000;
const emulatorUrl = `http://127.0.0.1:${HOST_PORTS.emulator}`;
const serviceUrl = `http://127.0.0.1:${HOST_PORTS.service}`;

jest.setTimeout(60 * 60_000);

const began = Date.now();
const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);
const note = (line: string) => console.log(`[compose +${seconds(began)} s] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const STARTED = temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
const eventTime = (t: temporal.api.history.v1.IHistoryEvent['eventTime']) => Number(t?.seconds ?? 0) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);
/** Figures for the README and the report: build times, image sizes, drain time, orders. */
const report: Record<string, unknown> = {};

let engine: Engine | undefined;
let stack: ComposeStack | undefined;
let connection: Connection | undefined;
let client: Client;
let shop: Shop;

beforeAll(async () => {
  await ensureDockerPackages(note);
  engine = await ensureEngine(note);
  const docker = { env: { ...process.env, DOCKER_HOST: engine.host } };
  let t = Date.now();
  report.standinBuildSeconds = await ensureStandins(docker, note);
  report.standinsSeconds = Number(seconds(t));
  stack = new ComposeStack(docker, note);
  await stack.down().catch(() => undefined);
  report.imageBuildSeconds = await stack.buildImages();
  report.imageSizesMB = Object.fromEntries(
    await Promise.all([APP_IMAGE, EMULATOR_IMAGE, 'node:20-bookworm-slim', 'postgres:16.4', 'temporalio/server:1.32.2', 'temporalio/ui:2.54.1'].map(async (tag) => [tag, Math.round((await stack!.imageSize(tag)) / 1e6)])),
  );
  note(`images: ${JSON.stringify(report.imageSizesMB)} (MB)`);
  t = Date.now();
  await stack.up();
  await stack.waitHealthy(APP_SERVICES);
  report.upSeconds = Number(seconds(t));
  note(`stack up and healthy in ${seconds(t)} s`);
  connection = await Connection.connect({ address: `127.0.0.1:${HOST_PORTS.temporalFrontend}` });
  // Memos and payloads are encrypted with the run's key: describe() must decode the memo.
  client = new Client({ connection, namespace: 'default', dataConverter: orderDataConverter({ PAYLOAD_ENCRYPTION_KEYS: stack.secrets.PAYLOAD_ENCRYPTION_KEYS }) });
  shop = new Shop({ serviceUrl, emulatorUrl, apiKey: stack.secrets.ORDER_API_KEY! }, 180_000);
}, 60 * 60_000);

afterAll(async () => {
  await connection?.close();
  if (stack) {
    const logs = await stack.logs(['temporal-schema', 'temporal-setup', 'webhook-register', 'worker', 'worker-2', 'service', 'temporal-frontend', 'temporal-history-1'], 200);
    mkdirSync(path.join(PROJECT_ROOT, 'artifacts'), { recursive: true });
    writeFileSync(path.join(PROJECT_ROOT, 'artifacts', 'compose-logs.txt'), logs);
    await stack.down().catch((err: unknown) => note(`compose down: ${(err as Error).message}`));
  }
  await engine?.stop();
  report.totalSeconds = Number(seconds(began));
  mkdirSync(path.join(PROJECT_ROOT, 'artifacts'), { recursive: true });
  writeFileSync(path.join(PROJECT_ROOT, 'artifacts', 'compose-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  note(`report: ${JSON.stringify(report)}`);
}, 10 * 60_000);

test('the app containers run as a non-root user on a read-only root filesystem, on host networking, and turn healthy', async () => {
  for (const service of APP_SERVICES) {
    const s = await stack!.state(service);
    expect({ service, user: s.user, readOnly: s.readOnly, network: s.networkMode, health: s.health }).toEqual({ service, user: 'node', readOnly: true, network: 'host', health: 'healthy' });
    expect(await stack!.uid(service)).toBe(1000);
    await expect(stack!.docker_(['exec', s.id, 'touch', '/app/written-at-run-time'])).rejects.toThrow(/Read-only file system/);
  }
});

/** Drives orders through the service with a pool of IN_FLIGHT shops; `chaos` runs once a quarter are done. */
async function driveOrders(prefix: string, count: number, chaos: () => Promise<void>): Promise<{ records: OrderRecord[]; failures: string[] }> {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
  const records: OrderRecord[] = [];
  const failures: string[] = [];
  let next = 0;
  let started: Promise<void> | undefined;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < ids.length) {
        const i = next++;
        try {
          records.push(await runScenario(shop, ids[i]!, SCENARIOS[i % SCENARIOS.length]!, i));
        } catch (err) {
          failures.push(`${ids[i]}: ${(err as Error).message}`);
        }
        if (!started && records.length + failures.length >= count / 4) started = chaos();
      }
    }),
  );
  await started;
  return { records, failures };
}

async function checkAgainstLedger(records: OrderRecord[], prefix: string): Promise<string[]> {
  const views = new Map(await Promise.all(records.map(async (r) => [r.orderId, await shop.waitFor(r.orderId, (v) => settled(r, v), 240_000)] as const)));
  const { entries } = (await (await fetch(`${emulatorUrl}/_emulator/ledger`)).json()) as { entries: LedgerEntry[] };
  const kinds = (k: LedgerEntry['kind']) => entries.filter((e) => e.kind === k && e.reference.startsWith(prefix)).length;
  note(`ledger for ${prefix}: ${kinds('authorize')} authorizations, ${kinds('capture')} captures, ${kinds('cancel')} cancels, ${kinds('refund')} refunds`);
  return records.flatMap((r) => checkOrder(r, views.get(r.orderId)!, entries.filter((e) => e.reference === r.orderId)));
}

test(`${ORDERS} orders through the containerized service match the emulator's ledger while a worker and a history node are killed (SIGKILL) and the frontend is restarted; every history replays`, async () => {
  const prefix = `co-${Date.now().toString(36)}`;
  const chaosLog: string[] = [];
  const started = Date.now();
  const chaos = async () => {
    chaosLog.push(`docker kill worker and temporal-history-1 at +${seconds(started)} s`);
    await Promise.all([stack!.kill('worker'), stack!.kill('temporal-history-1')]);
    await sleep(8_000);
    // `restart: unless-stopped` may have brought them back already.
    for (const service of ['worker', 'temporal-history-1'] as const) if (!(await stack!.state(service)).running) await stack!.start(service);
    chaosLog.push(`worker and temporal-history-1 back at +${seconds(started)} s; docker restart temporal-frontend`);
    await stack!.restart('temporal-frontend');
    chaosLog.push(`temporal-frontend back at +${seconds(started)} s`);
  };
  const { records, failures } = await driveOrders(prefix, ORDERS, chaos);
  note(`${records.length} orders driven in ${seconds(started)} s; ${chaosLog.join('; ')}`);
  expect(failures).toEqual([]);
  expect(chaosLog).toHaveLength(3);
  expect(await checkAgainstLedger(records, prefix)).toEqual([]);

  // The webhooks were part of it: every order's authorization was delivered, signed, and accepted.
  const hooks = (await (await fetch(`${emulatorUrl}/_emulator/webhook-deliveries`)).json()) as { deliveries: { reference: string; eventName: string; outcome: string }[] };
  const accepted = new Set(hooks.deliveries.filter((d) => d.reference.startsWith(prefix) && d.eventName === 'AUTHORIZED' && d.outcome === 'delivered').map((d) => d.reference));
  note(`webhooks: AUTHORIZED accepted for ${accepted.size} of ${records.length} orders`);
  expect(accepted.size).toBe(records.length);

  // Every history the containers wrote replays on this checkout's workflow code, decrypted with the run's keys.
  const replayOptions = { workflowsPath: require.resolve('../../src/workflows'), dataConverter: client.options.dataConverter, plugins: [currentTracing().temporalPlugin] };
  const { replayed, errors: replayErrors } = await replayEvery(client, records.map((r) => r.workflowId), replayOptions);
  note(`replayed ${replayed} histories, ${replayErrors.length} failed`);
  expect(replayed).toBe(records.length);
  expect(replayErrors).toEqual([]);

  await stack!.waitHealthy(['worker', 'worker-2', 'service']);
  report.chaosOrders = records.length;
  report.chaosHttp = shop.stats;
  note(`HTTP: ${JSON.stringify(shop.stats)}`);
});

test('docker stop (SIGTERM) of a worker lets its in-flight activities finish before it exits, within the stop timeout', async () => {
  const prefix = `cd-${Date.now().toString(36)}`;
  // Every Vipps call takes VIPPS_LATENCY_MS: the payments being created are in flight when the signal comes.
  await fetch(`${emulatorUrl}/_emulator/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ latencyMs: VIPPS_LATENCY_MS }) });
  try {
    // Only `worker` runs while the orders are placed, so the activities in flight are all its own.
    await stack!.stop('worker-2');
    const ids = Array.from({ length: DRAIN_ORDERS }, (_, i) => `${prefix}-${i}`);
    const placing = ids.map((id) => shop.place(id));
    // SIGTERM only once every creation is shown running (a started attempt, not yet completed):
    // otherwise a stop after they finished would pass without draining anything.
    const handles = ids.map((id) => client.workflow.getHandle(orderWorkflowId({ named: false }, id)));
    await eventually(async () => {
      const seen = await Promise.all(
        handles.map((h) =>
          h.describe().then(
            (d) => (d.raw.pendingActivities ?? []).map((a) => `${a.activityType?.name}:${a.state}`).join(',') || 'none',
            (err: Error) => err.name,
          ),
        ),
      );
      expect({ creationsRunningBeforeSigterm: seen.filter((s) => s.includes(`:${STARTED}`)).length, seen }).toEqual({ creationsRunningBeforeSigterm: DRAIN_ORDERS, seen });
    }, VIPPS_LATENCY_MS - 500);
    const sigterm = Date.now();
    const stopping = stack!.stop('worker');
    // The other worker takes the orders' next workflow tasks while this one drains.
    await stack!.start('worker-2');
    const drain = await stopping;
    const exitCode = await stack!.exitCode('worker');
    report.drainSeconds = drain;
    report.drainExitCode = exitCode;
    note(`docker stop worker took ${drain.toFixed(1)} s (exit code ${exitCode}) with ${DRAIN_ORDERS} payment creations in flight`);
    const placed = await Promise.all(placing);
    expect(placed).toHaveLength(DRAIN_ORDERS);
    // Graceful: the process ended by itself (0), not by the SIGKILL after the stop timeout (137).
    expect(exitCode).toBe(0);
    // Nothing was dropped: no activity needed a second attempt (an attempt lost with its worker is
    // retried by the other one after its timeout), none failed, and every creation completed after
    // the signal, so the stopping worker finished it.
    for (const [i, handle] of handles.entries()) {
      const events = (await handle.fetchHistory()).events ?? [];
      const retried = events.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1 || e.activityTaskFailedEventAttributes || e.activityTaskTimedOutEventAttributes);
      const completedAt = events.filter((e) => e.activityTaskCompletedEventAttributes).map((e) => eventTime(e.eventTime));
      expect({ order: i, retried: retried.map((e) => e.activityTaskStartedEventAttributes?.lastFailure?.message ?? e.activityTaskFailedEventAttributes?.failure?.message ?? 'timed out') }).toEqual({ order: i, retried: [] });
      expect({ order: i, firstActivityCompletedAfterSigterm: (completedAt[0] ?? 0) > sigterm }).toEqual({ order: i, firstActivityCompletedAfterSigterm: true });
    }
  } finally {
    await fetch(`${emulatorUrl}/_emulator/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({}) });
    if (!(await stack!.state('worker')).running) await stack!.start('worker');
    if (!(await stack!.state('worker-2')).running) await stack!.start('worker-2');
  }
  await stack!.waitHealthy(['worker', 'worker-2']);
});
