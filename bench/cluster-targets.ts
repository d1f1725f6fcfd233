// The setups the cluster benchmark measures: the cluster of scripts/cluster/, and the dev server
// with the same worker process, service and emulator, so that only Temporal differs.
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startApp, type RunningApp } from '../scripts/cluster/app';
import { ManagedChild } from '../scripts/cluster/child';
import { type Cluster } from '../scripts/cluster/cluster';
import { freePorts, isListening } from '../scripts/cluster/ports';
import { waitForPoller, workerSpec, writeWorkflowBundle } from '../scripts/cluster/workers';
import { devServerArgs, resolveDevServerOptions } from '../scripts/dev-server';
import { ensureTemporalCli } from '../scripts/temporal-cli';
import { loadTaskQueue } from '../src/config';

export const APP_ENV = { LOG_LEVEL: 'silent', EMULATOR_LOG_LEVEL: 'silent' };
export const NAMESPACE = 'default';

export interface Target {
  name: string;
  app: RunningApp;
  client: Client;
  metricsUrl: string;
  /** Processes whose CPU time (with their descendants') is counted; the same label adds up. */
  processes: () => [string, number | undefined][];
}

export function clusterTarget(c: Cluster, name: string): Target {
  return {
    name,
    app: c.app,
    client: c.client,
    metricsUrl: c.frontendMetricsUrl,
    processes: () => [
      ...[...c.nodes].map(([node, child]): [string, number | undefined] => [node.startsWith('history') ? 'temporal history (both)' : `temporal ${node}`, child.pid]),
      ['postgresql', c.postgres.pid],
      ...c.workers.map((w): [string, number | undefined] => ['workers', w.pid]),
    ],
  };
}

export async function devTarget(dir: string, log: (line: string) => void): Promise<{ target: Target; stop: () => Promise<void> }> {
  const cli = await ensureTemporalCli(log);
  const ports = await freePorts(0);
  const grpc = ports.temporal.frontend.grpc;
  const metricsPort = ports.temporal.frontend.metrics;
  const args = [
    ...devServerArgs(resolveDevServerOptions({ port: grpc, headless: true, dbFile: path.join(dir, 'dev.sqlite'), namespace: NAMESPACE })),
    '--metrics-port', String(metricsPort),
  ];
  const server = new ManagedChild({ name: 'dev-server', command: cli, args, env: { PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_VERSION_CHECK_DISABLED: '1' }, logFile: path.join(dir, 'logs', 'dev-server.log') });
  await server.start();
  const cleanups: (() => Promise<unknown>)[] = [() => server.stop()];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    while (!(await isListening(grpc))) {
      if (!server.running) throw new Error(`dev server exited:\n${server.tail()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const address = `127.0.0.1:${grpc}`;
    const app = await startApp({ temporalAddress: address, namespace: NAMESPACE, servicePort: ports.service, emulatorPort: ports.emulator, env: APP_ENV });
    cleanups.push(() => app.stop());
    const connection = await Connection.connect({ address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace: NAMESPACE });
    const bundlePath = await writeWorkflowBundle(path.join(dir, 'workflow-bundle.js'));
    const worker = new ManagedChild(workerSpec({ index: 0, temporalAddress: address, namespace: NAMESPACE, vippsBaseUrl: app.emulatorUrl, bundlePath, logDir: path.join(dir, 'logs'), env: APP_ENV }));
    await worker.start();
    cleanups.push(() => worker.stop(15_000));
    await waitForPoller(client, loadTaskQueue(APP_ENV), worker);
    return {
      target: {
        name: 'dev server, 1 worker',
        app,
        client,
        metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
        processes: () => [
          ['temporal dev server', server.pid],
          ['workers', worker.pid],
        ],
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
