/**
 * The production shape on one machine: PostgreSQL, Temporal as separate processes (frontend,
 * matching, internal worker, N history nodes), the namespace with the order search attributes,
 * our workers as separate processes, and the emulator plus HTTP service. Used by `npm run cluster`,
 * the failover test and the cluster benchmark. Every process it starts, it stops.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadTaskQueue } from '../../src/config';
import { temporalClientOptions } from '../../src/temporal/dataConverter';
import { ORDER_SEARCH_ATTRIBUTES } from '../../src/workflows/messages/searchAttributes';
import { ensureTemporalCli } from '../temporal-cli';
import { startApp, type RunningApp } from './app';
import { ManagedChild } from './child';
import { ensurePostgres, ensureServerTools, ensureUiServer } from './install';
import { killLeftovers, pidFile, writePids } from './leftovers';
import { allPorts, DEFAULT_PORTS, freePorts, isListening, type ClusterPorts } from './ports';
import { preparePostgres, removePostgresData, setupSchemas, waitForPostgres } from './postgres';
import { checkDynamicConfig, ensureAttributes, ensureNamespace, waitForFrontend, waitForPort } from './readiness';
import { CLUSTER_DATA_DIR } from './settings';
import { nodeSpec, temporalNodes } from './temporal-nodes';
import { uiSpec } from './ui';
import { waitForPoller, workerSpec, writeWorkflowBundle } from './workers';

type Env = Record<string, string | undefined>;

export interface ClusterOptions {
  /** PostgreSQL data, logs and the workflow bundle; default .data/cluster (kept across starts). */
  dataDir?: string;
  /** Delete dataDir first (tests and benchmarks start from an empty database). */
  fresh?: boolean;
  /** Fixed ports (default) or free ones. */
  ports?: ClusterPorts | 'free';
  historyNodes?: number;
  /** Our worker processes; more can be started later with startWorker(). */
  workers?: number;
  namespace?: string;
  /** Try to start the standalone Temporal UI server (npm run cluster). */
  ui?: boolean;
  /** Extra environment for the workers and the service (order policy knobs, log levels). */
  appEnv?: Env;
  log?: (line: string) => void;
}

export interface Cluster {
  ports: ClusterPorts;
  namespace: string;
  taskQueue: string;
  temporalAddress: string;
  /** Prometheus endpoint of the frontend, where the `action` metric is counted. */
  frontendMetricsUrl: string;
  uiUrl: string | undefined;
  app: RunningApp;
  client: Client;
  postgres: ManagedChild;
  /** Temporal processes by name: frontend, matching, internal-worker, history-1, history-2, … */
  nodes: Map<string, ManagedChild>;
  workers: ManagedChild[];
  dataDir: string;
  /** Starts worker i (again), and waits until it polls the task queue. */
  startWorker(i: number): Promise<void>;
  /** Starts a stopped or killed Temporal node again, and waits until it listens. */
  restartNode(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const log = options.log ?? (() => undefined);
  const dataDir = options.dataDir ?? CLUSTER_DATA_DIR;
  const namespace = options.namespace ?? 'default';
  const historyNodes = options.historyNodes ?? 2;
  const appEnv: Env = options.appEnv ?? {};
  const logDir = path.join(dataDir, 'logs');
  const children: ManagedChild[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => log(`stop: ${(err as Error).message}`));
    await fs.rm(pidFile(dataDir), { force: true });
  };

  try {
    await killLeftovers(dataDir, log);
    if (options.fresh) await removeClusterData(dataDir);
    await fs.mkdir(logDir, { recursive: true });

    const chosen = options.ports === 'free' ? await freePorts(historyNodes) : (options.ports ?? DEFAULT_PORTS);
    if (chosen.temporal.history.length < historyNodes) throw new Error(`ports for ${historyNodes} history nodes needed`);
    const ports: ClusterPorts = { ...chosen, temporal: { ...chosen.temporal, history: chosen.temporal.history.slice(0, historyNodes) } };
    const busy = [];
    for (const port of allPorts(ports)) if (await isListening(port)) busy.push(port);
    if (busy.length > 0) throw new Error(`port(s) ${busy.join(', ')} in use: is a cluster or \`npm start\` already running? Stop it first.`);

    const [pg, tools, cli, ui] = [await ensurePostgres(log), await ensureServerTools(log), await ensureTemporalCli(log), options.ui ? await ensureUiServer(log) : undefined];
    const track = (child: ManagedChild) => {
      children.push(child);
      child.onUnexpectedExit = (code, signal) => log(`${child.spec.name} exited unexpectedly (code ${code}, signal ${signal}); its log: ${child.spec.logFile}`);
      return child;
    };
    const started = async (child: ManagedChild) => {
      await child.start();
      await writePids(dataDir, children);
    };

    await checkDynamicConfig(tools.server);

    // 1. PostgreSQL and the schemas.
    const pgSetup = await preparePostgres({ bin: pg.bin, dataDir: path.join(dataDir, 'postgresql'), port: ports.postgres, logFile: path.join(logDir, 'postgresql.log'), log });
    const postgres = track(new ManagedChild(pgSetup.spec));
    await started(postgres);
    cleanups.push(() => postgres.stop());
    await waitForPostgres(pg.bin, ports.postgres, () => postgres.running).catch((err: Error) => {
      throw new Error(`${err.message}\n${postgres.tail()}`);
    });
    await setupSchemas({ bin: pg.bin, sqlTool: tools.sqlTool, schemaDir: tools.schemaDir, port: ports.postgres, log });

    // 2. Temporal, one process per service; stopped after everything that talks to it.
    const nodes = new Map<string, ManagedChild>();
    for (const node of temporalNodes(ports.temporal)) nodes.set(node.name, track(new ManagedChild(nodeSpec(node, ports.temporal, ports.postgres, tools.server, logDir))));
    cleanups.push(() => Promise.all([...nodes.values()].map((n) => n.stop())));
    log(`Temporal: starting ${[...nodes.keys()].join(', ')}`);
    // On an empty database the first process writes the cluster metadata, and several doing it at
    // once fail on its unique key: then the frontend goes first. Later, all start together, since
    // each node first tries to join the members it finds in the membership table (the same
    // addresses as last time), and a lone frontend would wait ~50 s for the others to answer.
    const temporalAddress = `127.0.0.1:${ports.temporal.frontend.grpc}`;
    if (pgSetup.created) {
      await started(nodes.get('frontend')!);
      await waitForFrontend(cli, temporalAddress, nodes);
    }
    for (const node of nodes.values()) if (!node.running) await started(node);
    await waitForFrontend(cli, temporalAddress, nodes);
    for (const node of temporalNodes(ports.temporal)) await waitForPort(nodes.get(node.name)!, node.ports.grpc);

    // 3. Namespace and search attributes (the single list in src/workflows/messages/searchAttributes.ts).
    const createdNamespace = await ensureNamespace(cli, temporalAddress, namespace);
    const createdAttributes = await ensureAttributes(cli, temporalAddress, namespace);
    if (createdNamespace || createdAttributes.length > 0) {
      log(`Temporal: ${createdNamespace ? `namespace ${namespace} created; ` : ''}search attributes registered: ${ORDER_SEARCH_ATTRIBUTES.map((a) => a.name).join(', ')}`);
      // Every node reloads namespaces (and with them the attribute aliases) every 2 s.
      await new Promise((r) => setTimeout(r, 4_000));
    }

    // 4. Emulator and service (in this process).
    const app = await startApp({ temporalAddress, namespace, servicePort: ports.service, emulatorPort: ports.emulator, env: appEnv });
    cleanups.push(() => app.stop());

    // 5. Our workers, separate processes sharing one prebuilt workflow bundle.
    log('Workers: bundling the workflow code…');
    const bundlePath = await writeWorkflowBundle(path.join(dataDir, 'workflow-bundle.js'));
    const taskQueue = loadTaskQueue(appEnv);
    const connection = await Connection.connect({ address: temporalAddress });
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace, ...temporalClientOptions(appEnv) });
    const workers: ManagedChild[] = [];
    cleanups.push(() => Promise.all(workers.map((w) => w.stop(15_000))));
    const startWorker = async (i: number) => {
      workers[i] ??= track(new ManagedChild(workerSpec({ index: i, temporalAddress, namespace, vippsBaseUrl: app.emulatorUrl, bundlePath, logDir, env: appEnv })));
      await started(workers[i]);
      await waitForPoller(client, taskQueue, workers[i]);
    };
    log(`Workers: starting ${options.workers ?? 2}`);
    await Promise.all(Array.from({ length: options.workers ?? 2 }, (_, i) => startWorker(i)));

    // 6. The UI, if one could be built.
    let uiUrl: string | undefined;
    if (ui) {
      const spec = await uiSpec({ binary: ui, dataDir, logDir, temporalAddress, port: ports.ui });
      const uiChild = track(new ManagedChild(spec));
      await started(uiChild);
      cleanups.push(() => uiChild.stop(5_000));
      await waitForPort(uiChild, ports.ui);
      uiUrl = `http://localhost:${ports.ui}`;
    }

    return {
      ports,
      namespace,
      taskQueue,
      temporalAddress,
      frontendMetricsUrl: `http://127.0.0.1:${ports.temporal.frontend.metrics}/metrics`,
      uiUrl,
      app,
      client,
      postgres,
      nodes,
      workers,
      dataDir,
      startWorker,
      async restartNode(name: string) {
        const node = nodes.get(name);
        if (!node) throw new Error(`no Temporal node ${name}`);
        await started(node);
        const port = temporalNodes(ports.temporal).find((n) => n.name === name)!.ports.grpc;
        await waitForPort(node, port);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Deletes a stopped cluster's data directory (tests and benchmarks start from nothing). */
export async function removeClusterData(dataDir: string): Promise<void> {
  await removePostgresData(path.join(dataDir, 'postgresql'));
  await fs.rm(dataDir, { recursive: true, force: true });
}
