/**
 * The whole product on one machine: Temporal dev server (child process), Vipps MobilePay emulator,
 * worker and HTTP service (in this process), with the webhook registered at the emulator.
 * Used by `npm start`, `npm run demo`, the browser test and the benchmark.
 *
 * Each part can point at a real deployment instead: TEMPORAL_ADDRESS (a cluster or Temporal Cloud,
 * with the usual TEMPORAL_* variables) skips the dev server; VIPPS_BASE_URL (apitest.vipps.no)
 * skips the emulator, and then VIPPS_WEBHOOK_SECRET must come from `npm run webhooks:register`.
 */
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { loadEmulatorConfig, startEmulator, type RunningEmulator } from '@vipps-orders/vipps-emulator';
import { VippsClient } from '@vipps-orders/vipps';
import { loadServiceConfig, loadVippsConfig, type ServiceConfig } from '../src/config';
import { buildService, webhookUrl } from '../src/http/app';
import { createOrderClient } from '../src/orders/factory';
import type { OrderClient } from '../src/orders/orderClient';
import { registerWebhook } from '../src/registerWebhook';
import { temporalSettings } from '../src/temporal/connection';
import { createWorker } from '../src/worker';
import type { OrderPolicy } from '../src/workflows/messages';
import { claimDataDir, dataDir } from './data-dir';
import { startDevServer, type DevServer } from './dev-server';

type Env = Record<string, string | undefined>;

export interface LocalStackOptions {
  env?: Env;
  /** Keep Temporal's and the emulator's state in DATA_DIR (default .data/; npm start) or in memory (tests, demo). */
  persistent?: boolean;
  /** Take free ports instead of the configured ones (tests; a demo next to a running stack). */
  ephemeralPorts?: boolean;
  /** Extra environment for the order policy etc., e.g. ORDER_POLL_INITIAL_SECONDS. */
  overrides?: Env;
  /** Order policy values finer than the environment allows (tests: seconds instead of minutes). */
  policy?: Partial<OrderPolicy>;
  /** Run the worker in this process (default); false leaves it to the caller (e.g. a child process it can kill). */
  inProcessWorker?: boolean;
  /** Our own dev server serves its Prometheus metrics here (benchmarks read its `action` counter). */
  temporalMetricsPort?: number;
  log?: (line: string) => void;
}

export interface LocalStack {
  serviceUrl: string;
  emulatorUrl?: string;
  temporalAddress: string;
  namespace: string;
  temporalUiUrl?: string;
  apiKey: string;
  orders: OrderClient;
  client: Client;
  /** Restarts the worker (e.g. to show an order survives it). */
  restartWorker(): Promise<void>;
  /** The environment a worker process needs to join this stack (Temporal, Vipps, task queue). */
  workerEnv: Env;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function choosePort(env: Env, name: string, fallback: number, ephemeral: boolean): Promise<number> {
  if (ephemeral) return freePort();
  const raw = env[name];
  const port = raw ? Number(raw) : fallback;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${raw} is not a TCP port`);
  if (!(await portIsFree(port))) throw new Error(`port ${port} is in use (is the stack already running?). Stop it, or set ${name} to another port.`);
  return port;
}

let runtimeInstalled = false;

function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    // The stack handles signals itself and stops the worker in order; the SDK must not race it.
    Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  } catch {
    // installed already (e.g. by a test)
  }
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const base: Env = { ...(options.env ?? process.env), ...options.overrides };
  const log = options.log ?? (() => undefined);
  const ephemeral = options.ephemeralPorts ?? false;
  const cleanups: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => log(`stop: ${(err as Error).message}`));
    cleanups.length = 0;
  };

  try {
    quietRuntime();
    const stateDir = options.persistent ? dataDir(base) : undefined;
    if (stateDir) {
      const release = await claimDataDir(stateDir);
      cleanups.push(release);
      log(`State: ${stateDir}`);
    }
    // 1. Temporal: an existing deployment, or our own dev server.
    let temporalAddress: string;
    let namespace: string;
    let temporalUiUrl = base.TEMPORAL_UI_URL;
    let connectionOptions = temporalSettings().connectionOptions;
    if (base.TEMPORAL_ADDRESS) {
      ({ address: temporalAddress, namespace } = temporalSettings());
      log(`Temporal: using ${temporalAddress} (namespace ${namespace})`);
    } else {
      const port = await choosePort(base, 'TEMPORAL_DEV_PORT', 7233, ephemeral);
      const uiPort = await choosePort(base, 'TEMPORAL_UI_PORT', ephemeral ? 0 : 8233, ephemeral);
      log('Temporal: starting the dev server…');
      const server: DevServer = await startDevServer({
        port,
        uiPort,
        namespace: base.TEMPORAL_NAMESPACE || 'default',
        ...(stateDir && { dbFile: path.join(stateDir, 'temporal', 'dev.sqlite') }),
        ...(options.temporalMetricsPort !== undefined && { metricsPort: options.temporalMetricsPort }),
        output: 'ignore',
      });
      cleanups.push(() => server.stop());
      temporalAddress = server.address;
      namespace = server.namespace;
      temporalUiUrl = server.uiUrl;
      connectionOptions = { address: temporalAddress };
    }
    const nativeConnection = await NativeConnection.connect(connectionOptions);
    cleanups.push(() => nativeConnection.close());
    const connection = await Connection.connect(connectionOptions);
    cleanups.push(() => connection.close());
    const client = new Client({ connection, namespace });

    // 2. Vipps: the real test environment, or the emulator.
    const env: Env = { ...base };
    let emulator: RunningEmulator | undefined;
    if (!base.VIPPS_BASE_URL) {
      const port = await choosePort(base, 'EMULATOR_PORT', 4010, ephemeral);
      // npm start keeps Temporal's orders across restarts, so the emulator must keep their payments too.
      let stateFile = base.EMULATOR_STATE_FILE;
      if (stateDir && !stateFile) {
        stateFile = path.join(stateDir, 'emulator', 'state.json');
        await mkdir(path.dirname(stateFile), { recursive: true });
      }
      // One merchant and one market across the shop and the emulator: the service's settings, unless set apart.
      const shop = loadServiceConfig(base);
      const emulatorEnv = { EMULATOR_LOG_LEVEL: 'warn', EMULATOR_MERCHANT_NAME: shop.merchantName, EMULATOR_CURRENCY: shop.currency, ...base, EMULATOR_STATE_FILE: stateFile };
      const config = loadEmulatorConfig(emulatorEnv, { port });
      emulator = await startEmulator({ ...config, port });
      cleanups.push(() => emulator!.close());
      env.VIPPS_BASE_URL = emulator.url;
      log(`Vipps: emulator at ${emulator.url}`);
    } else {
      log(`Vipps: using ${base.VIPPS_BASE_URL}`);
    }

    // 3. The service's address, then the webhook registration (its secret configures the receiver).
    const servicePort = await choosePort(base, 'PORT', 3000, ephemeral);
    env.PORT = String(servicePort);
    env.DEMO_SHOP ??= 'true';
    env.LOG_LEVEL ??= 'warn';
    if (temporalUiUrl) env.TEMPORAL_UI_URL ??= temporalUiUrl;
    let config: ServiceConfig = loadServiceConfig(env);
    if (emulator) {
      const vipps = new VippsClient(loadVippsConfig(env));
      const registration = await registerWebhook(vipps, webhookUrl(config), true);
      config = { ...config, webhookSecret: registration.secret };
      log(`Webhook: ${webhookUrl(config)} registered at the emulator`);
    } else if (!config.webhookSecret) {
      log('Webhook: VIPPS_WEBHOOK_SECRET is not set, so webhooks are refused; orders rely on polling and the return page');
    }

    // 4. Worker and service.
    const inProcess = options.inProcessWorker ?? true;
    let worker: Worker | undefined = inProcess ? await createWorker({ env, temporal: { connection: nativeConnection, namespace }, quiet: true }) : undefined;
    let running = worker?.run();
    const stopWorker = async () => {
      if (worker?.getState() === 'RUNNING') worker.shutdown();
      await running;
    };
    cleanups.push(() => stopWorker());
    const orders = createOrderClient(client, env, config, options.policy);
    const app = await buildService({ config, orders });
    await app.listen({ port: servicePort, host: config.host });
    cleanups.push(() => app.close());

    return {
      serviceUrl: `http://localhost:${servicePort}`,
      ...(emulator && { emulatorUrl: emulator.url }),
      temporalAddress,
      namespace,
      ...(temporalUiUrl && { temporalUiUrl }),
      apiKey: config.orderApiKey,
      orders,
      client,
      async restartWorker() {
        await stopWorker();
        worker = await createWorker({ env, temporal: { connection: nativeConnection, namespace }, quiet: true });
        running = worker.run();
      },
      workerEnv: { ...env, TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_NAMESPACE: namespace },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
