/**
 * Failover on the production shape (`npm run test:cluster`): about 200 orders in flight through
 * the public HTTP API on a Temporal cluster of separate processes on PostgreSQL, while one history
 * node and one of the two workers are killed with SIGKILL and restarted. Afterwards every order is
 * checked against the emulator's ledger and every history is replayed on the current workflow code.
 */
import path from 'node:path';
import { currentTracing } from '../../src/observability/tracing';
import { removeClusterData, startCluster, type Cluster } from '../../scripts/cluster/cluster';
import { PROJECT_ROOT } from '../../scripts/temporal-cli';
import { quietTemporalLogs } from '../support/temporalLogs';
import { checkOrder, runScenario, SCENARIOS, settled, type LedgerEntry, type OrderRecord } from './scenarios';
import { Shop } from './shop';
import { replayEvery } from './replay';

const ORDERS = Number(process.env.FAILOVER_ORDERS ?? 204);
const IN_FLIGHT = Number(process.env.FAILOVER_IN_FLIGHT ?? 40);
const DOWN_MS = 10_000;

jest.setTimeout(30 * 60_000);

const dataDir = path.join(PROJECT_ROOT, '.data', `cluster-failover-${process.pid}`);
let cluster: Cluster | undefined;
let passed = false;
const began = Date.now();
const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);
const note = (line: string) => console.log(`[failover +${seconds(began)} s] ${line}`);

beforeAll(async () => {
  quietTemporalLogs();
  cluster = await startCluster({
    dataDir,
    fresh: true,
    ports: 'free',
    workers: 2,
    appEnv: {
      LOG_LEVEL: 'silent',
      EMULATOR_LOG_LEVEL: 'silent',
      // The workflow's own polling is the fallback when a webhook is lost with a killed node.
      ORDER_POLL_INITIAL_SECONDS: '2',
      ORDER_POLL_MAX_SECONDS: '5',
      EMULATOR_WEBHOOK_RETRY_SCHEDULE_MS: '500,1000,2000,4000,8000',
    },
    log: note,
  });
  note('cluster up');
}, 25 * 60_000);

afterAll(async () => {
  await cluster?.stop();
  // Kept when the test failed: the logs of every process are in it.
  if (passed) await removeClusterData(dataDir);
  else note(`cluster logs kept in ${dataDir}/logs`);
});

test(`${ORDERS} orders survive kill -9 of a history node and a worker, with every payment right to the øre`, async () => {
  const c = cluster!;
  const shop = new Shop({ serviceUrl: c.app.serviceUrl, emulatorUrl: c.app.emulatorUrl, apiKey: c.app.apiKey });
  const runId = Date.now().toString(36);
  const ids = Array.from({ length: ORDERS }, (_, i) => `fo-${runId}-${String(i).padStart(3, '0')}`);
  const records: OrderRecord[] = [];
  const failures: string[] = [];
  const started = Date.now();

  // The chaos: once a quarter of the orders are done (the pool keeps IN_FLIGHT others mid-way),
  // SIGKILL history-1 and worker-1 together; restart both after DOWN_MS. Meanwhile history-2 takes
  // over history-1's shards and worker-2 all the tasks; afterwards the shards move back.
  let launched = 0;
  let chaos: Promise<void> | undefined;
  const chaosLog: string[] = [];
  const startChaos = () =>
    (async () => {
      const history = c.nodes.get('history-1')!;
      const worker = c.workers[0]!;
      chaosLog.push(`kill -9 history-1 (pid ${history.pid}) and worker-1 (pid ${worker.pid}) at +${seconds(started)} s, ${records.length} orders done, ${launched - records.length - failures.length} in flight`);
      await Promise.all([history.kill(), worker.kill()]);
      await new Promise((r) => setTimeout(r, DOWN_MS));
      const t = Date.now();
      await c.restartNode('history-1');
      await c.startWorker(0);
      chaosLog.push(`history-1 (pid ${history.pid}) and worker-1 (pid ${worker.pid}) back at +${seconds(started)} s (restart took ${seconds(t)} s)`);
    })();

  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < ids.length) {
        const i = next++;
        launched++;
        try {
          records.push(await runScenario(shop, ids[i]!, SCENARIOS[i % SCENARIOS.length]!, i));
        } catch (err) {
          failures.push(`${ids[i]}: ${(err as Error).message}`);
        }
        if (!chaos && records.length + failures.length >= ORDERS / 4) chaos = startChaos();
      }
    }),
  );
  await chaos;
  const drivenIn = seconds(started);
  note(`all ${ORDERS} orders driven in ${drivenIn} s; ${chaosLog.join('; ')}`);
  expect(failures).toEqual([]);

  // Nothing lost: every order gets to its end state.
  const settleStart = Date.now();
  const views = new Map(await Promise.all(records.map(async (r) => [r.orderId, await shop.waitFor(r.orderId, (v) => settled(r, v), 180_000)] as const)));
  note(`all settled ${seconds(settleStart)} s after the last command`);

  // Every order against the money that really moved.
  const res = await fetch(`${c.app.emulatorUrl}/_emulator/ledger`);
  const { entries } = (await res.json()) as { entries: LedgerEntry[] };
  const problems = records.flatMap((r) => checkOrder(r, views.get(r.orderId)!, entries.filter((e) => e.reference === r.orderId)));
  const kinds = (k: LedgerEntry['kind']) => entries.filter((e) => e.kind === k && e.reference.startsWith(`fo-${runId}`)).length;
  note(`ledger: ${kinds('authorize')} authorizations, ${kinds('capture')} captures, ${kinds('cancel')} cancels, ${kinds('refund')} refunds; problems: ${problems.length}`);
  expect(problems).toEqual([]);

  // The webhooks were part of it: every order's authorization was delivered, signed, and accepted.
  const hooks = (await (await fetch(`${c.app.emulatorUrl}/_emulator/webhook-deliveries`)).json()) as { deliveries: { reference: string; eventName: string; outcome: string; httpStatus?: number }[] };
  const ours = hooks.deliveries.filter((d) => d.reference.startsWith(`fo-${runId}`));
  const outcomes: Record<string, number> = {};
  for (const d of ours) {
    const key = d.httpStatus ? `${d.outcome} ${d.httpStatus}` : d.outcome;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  }
  const authorizedDelivered = new Set(ours.filter((d) => d.eventName === 'AUTHORIZED' && d.outcome === 'delivered').map((d) => d.reference));
  note(`webhooks: ${ours.length} delivery attempts ${JSON.stringify(outcomes)}; AUTHORIZED accepted for ${authorizedDelivered.size} orders`);
  expect(authorizedDelivered.size).toBe(records.length);

  // Every history replays on the current workflow code (the bundle the workers run).
  const replayStart = Date.now();
  // Histories hold encrypted payloads: the replay decrypts them as the workers do; the bundle has the
  // tracing interceptors, whose sink the plugin provides.
  const replayOptions = { workflowBundle: { codePath: path.join(c.dataDir, 'workflow-bundle.js') }, dataConverter: c.client.options.dataConverter, plugins: [currentTracing().temporalPlugin] };
  const { replayed, errors: replayErrors } = await replayEvery(c.client, records.map((r) => r.workflowId), replayOptions);
  note(`replayed ${replayed} histories in ${seconds(replayStart)} s, ${replayErrors.length} failed`);
  expect(replayed).toBe(records.length);
  expect(replayErrors).toEqual([]);

  const byKind = SCENARIOS.map((k) => `${k} ${records.filter((r) => r.kind === k).length}`).join(', ');
  note(`orders: ${byKind}; HTTP: ${shop.stats.requests} requests, ${shop.stats.retried} retried, statuses ${JSON.stringify(shop.stats.byStatus)}; test body ${seconds(started)} s`);
  expect(chaosLog).toHaveLength(2);
  passed = true;
});
