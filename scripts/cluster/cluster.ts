/**
 * The production shape on one machine: PostgreSQL, Temporal as separate processes (frontend,
 * matching, internal worker, N history nodes), the namespace with the order search attributes,
 * our workers as separate processes, and the emulator plus HTTP service. Used by `npm run cluster`,
 * the failover test and the cluster benchmark. Every process it starts, it stops.
 */
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadTaskQueue } from '../../src/config';
import { ORDER_SEARCH_ATTRIBUTES } from '../../src/workflows/searchAttributes';
import { run } from '../process';
import { ensureSearchAttributes } from '../search-attributes';
import { ensureTemporalCli, PROJECT_ROOT } from '../temporal-cli';
import { startApp, type RunningApp } from './app';
import { ManagedChild } from './child';
import { ensurePostgres, ensureServerTools, ensureUiServer } from './install';
import { allPorts, DEFAULT_PORTS, freePorts, isListening, type ClusterPorts } from './ports';
import { preparePostgres, removePostgresData, setupSchemas, waitForPostgres } from './postgres';
import { CLUSTER_DATA_DIR, DYNAMIC_CONFIG_FILE, TEMPORAL_VERSIONS } from './settings';
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

    // 3. Namespace and search attributes (the single list in src/workflows/searchAttributes.ts).
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
    const client = new Client({ connection, namespace });
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

/** The server only warns about unknown keys or wrong types; for our own file that is an error. */
async function checkDynamicConfig(server: string): Promise<void> {
  const { stdout } = await run(server, ['validate-dynamic-config', DYNAMIC_CONFIG_FILE]);
  const findings = stdout.split('\n').filter((l) => /^\s*(warning|error):/.test(l));
  if (findings.length > 0) throw new Error(`${DYNAMIC_CONFIG_FILE} is not valid for server ${TEMPORAL_VERSIONS.server}:\n${findings.join('\n')}`);
}

async function waitForFrontend(cli: string, address: string, nodes: Map<string, ManagedChild>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frontend = nodes.get('frontend')!;
    if (!frontend.running) throw new Error(`Temporal frontend exited while starting:\n${frontend.tail()}`);
    try {
      const { stdout } = await run(cli, ['operator', 'cluster', 'health', '--address', address], { timeoutMs: 10_000 });
      if (/SERVING/.test(stdout) && !/NOT_SERVING/.test(stdout)) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`the Temporal frontend at ${address} did not become healthy within ${timeoutMs / 1000} s:\n${nodes.get('frontend')?.tail()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function waitForPort(child: ManagedChild, port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await isListening(port))) {
    if (!child.running) throw new Error(`${child.spec.name} exited while starting:\n${child.tail()}`);
    if (Date.now() > deadline) throw new Error(`${child.spec.name} did not listen on ${port} within ${timeoutMs / 1000} s:\n${child.tail()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function ensureNamespace(cli: string, address: string, namespace: string): Promise<boolean> {
  const target = ['--address', address, '--namespace', namespace];
  try {
    await run(cli, ['operator', 'namespace', 'describe', ...target]);
    return false;
  } catch {
    // Closed orders stay visible to operators for a week.
    await run(cli, ['operator', 'namespace', 'create', ...target, '--retention', '168h']);
  }
  // The frontend learns of a new namespace at its next registry refresh (every 2 s).
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await run(cli, ['operator', 'search-attribute', 'list', ...target]);
      return true;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * ensureSearchAttributes() re-reads the list after creating; a frontend may still answer from its
 * namespace cache for up to 2 s, so a fresh cluster gets a few tries before we call it a failure.
 */
async function ensureAttributes(cli: string, address: string, namespace: string): Promise<string[]> {
  const created = new Set<string>();
  for (let attempt = 1; ; attempt++) {
    try {
      for (const name of await ensureSearchAttributes(cli, address, namespace)) created.add(name);
      return [...created];
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 3_000));
    }
  }
}

function pidFile(dataDir: string): string {
  return path.join(dataDir, 'pids.json');
}

async function writePids(dataDir: string, children: ManagedChild[]): Promise<void> {
  const pids = children.filter((c) => c.running && c.pid !== undefined).map((c) => ({ name: c.spec.name, pid: c.pid }));
  await fs.writeFile(pidFile(dataDir), JSON.stringify(pids));
}

/**
 * A launcher that was itself killed with SIGKILL cannot stop its children; the next start does it,
 * for processes that are still ours (their command line names this checkout).
 */
async function killLeftovers(dataDir: string, log: (line: string) => void): Promise<void> {
  if (!existsSync(pidFile(dataDir))) return;
  const pids = JSON.parse(readFileSync(pidFile(dataDir), 'utf8')) as { name: string; pid: number }[];
  for (const { name, pid } of pids) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    if (!cmdline.includes(PROJECT_ROOT)) continue;
    log(`Stopping ${name} (pid ${pid}) left over from an earlier run`);
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  await new Promise((r) => setTimeout(r, 500));
  await fs.rm(pidFile(dataDir), { force: true });
}
