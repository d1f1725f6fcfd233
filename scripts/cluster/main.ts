/**
 * `npm run cluster`: the production-shaped stack on this machine (PostgreSQL, a Temporal cluster of
 * separate processes with two history nodes, two workers, the service and the emulator) until
 * Ctrl-C, which stops every process it started. State stays in .data/cluster/ for the next start.
 */
import { DEV_ORDER_API_KEY } from '../../src/config';
import { startCluster, type Cluster } from './cluster';
import { CLUSTER_DATA_DIR, NUM_HISTORY_SHARDS, TEMPORAL_VERSIONS } from './settings';
import { sharedServerEnv } from './temporal-nodes';

async function main(): Promise<void> {
  const began = Date.now();
  const running: { cluster?: Cluster } = {};
  let stopping: Promise<void> | undefined;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    console.log(`\n${signal}: stopping workers, service, Temporal and PostgreSQL…`);
    stopping = (running.cluster?.stop() ?? Promise.resolve()).then(() => {
      console.log('Stopped.');
      process.exit(0);
    });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, shutdown);

  const shards = sharedServerEnv().NUM_HISTORY_SHARDS;
  if (shards !== String(NUM_HISTORY_SHARDS)) throw new Error(`deploy/temporal/server.env has NUM_HISTORY_SHARDS=${shards}, scripts expect ${NUM_HISTORY_SHARDS}`);
  // The shell's order settings (ORDER_API_KEY, ORDER_POLL_*, LOG_LEVEL, …) apply; its TEMPORAL_*
  // connection settings do not: the workers and the service talk to this cluster.
  const appEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_') || k === 'TEMPORAL_TASK_QUEUE'));
  const cluster = await startCluster({ ui: true, appEnv: { ...appEnv, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' }, log: (line) => console.log(`  ${line}`) });
  running.cluster = cluster;
  if (stopping) return;
  const p = cluster.ports.temporal;
  const keyNote = cluster.app.apiKey === DEV_ORDER_API_KEY ? ' (development key; set ORDER_API_KEY to change it)' : '';
  console.log(`
The cluster is up (${((Date.now() - began) / 1000).toFixed(0)} s): Temporal server ${TEMPORAL_VERSIONS.server} on PostgreSQL, ${NUM_HISTORY_SHARDS} history shards.

  Demo shop        ${cluster.app.serviceUrl}/      merchant page ${cluster.app.serviceUrl}/merchant
  Order API        ${cluster.app.serviceUrl}/orders   Authorization: Bearer ${cluster.app.apiKey}${keyNote}
  Vipps emulator   ${cluster.app.emulatorUrl}   ledger: ${cluster.app.emulatorUrl}/_emulator/ledger
  Temporal UI      ${cluster.uiUrl ?? '(none: the UI server could not be built, see above)'}
  Temporal gRPC    ${cluster.temporalAddress} (namespace ${cluster.namespace}, task queue ${cluster.taskQueue})
  Frontend metrics ${cluster.frontendMetricsUrl}

  Processes        postgresql :${cluster.ports.postgres}; frontend :${p.frontend.grpc}; matching :${p.matching.grpc}; internal-worker :${p.worker.grpc};
                   ${p.history.map((h, i) => `history-${i + 1} :${h.grpc}`).join('; ')}; ${cluster.workers.map((w) => `${w.spec.name} pid ${w.pid}`).join('; ')}
  Logs             ${CLUSTER_DATA_DIR}/logs/

Press Ctrl-C to stop everything.`);
}

main().catch((err: unknown) => {
  console.error(`Could not start the cluster: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
