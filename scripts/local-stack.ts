/**
 * The whole product on one machine: Temporal dev server (child process), Vipps MobilePay emulator,
 * worker and HTTP service (in this process), with the webhook registered at the emulator.
 * Used by `npm start`, `npm run demo`, the browser test and the benchmark.
 *
 * Each part can point at a real deployment instead: TEMPORAL_ADDRESS (a cluster or Temporal Cloud,
 * with the usual TEMPORAL_* variables) skips the dev server; VIPPS_BASE_URL (apitest.vipps.no)
 * skips the emulator, and then VIPPS_WEBHOOK_SECRET must come from `npm run webhooks:register`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { loadEmulatorConfig, startEmulator, type RunningEmulator } from '@vipps-orders/vipps-emulator';
import { VippsClient } from '@vipps-orders/vipps';
import { buildCodecServer, uiCodecEndpoint } from '../src/codecServer';
import { loadServiceConfig, loadVippsConfig, type ServiceConfig } from '../src/config';
import { returnUrl } from '../src/security/returnLinks';
import { buildService, webhookUrl } from '../src/http/app';
import { createLogger, type AppLogger } from '../src/observability/logger';
import { loadMetricsConfig, type MetricsConfig } from '../src/observability/metricsConfig';
import { ServiceMetrics } from '../src/observability/serviceMetrics';
import { startServiceTelemetry } from '../src/observability/serviceTelemetry';
import { unitCounts } from '../src/observability/visibilityGauges';
import { setupTracing } from '../src/observability/tracing';
import { installWorkerRuntime } from '../src/observability/workerRuntime';
import { loadCodecServerConfig } from '../src/security/codecServerConfig';
import { createOrderClient } from '../src/orders/factory';
import { createSettlementClient } from '../src/settlement/factory';
import type { OrderClient } from '../src/orders/orderClient';
import { registerWebhook } from '../src/webhookAdmin/registration';
import { webhookSecretFileOf, writeSecretFile } from '../src/webhookAdmin/secretFile';
import { clientConfigFor, loadSalesUnits } from '../src/salesUnits/unitConfig';
import { unitWebhookUrl } from '../src/http/webhooks/webhookRoutes';
import { temporalSettings } from '../src/temporal/connection';
import { orderDataConverter, payloadCodecFromEnv, temporalClientOptions } from '../src/temporal/dataConverter';
import { createWorker } from '../src/worker';
import type { OrderPolicy } from '../src/workflows/messages';
import { claimDataDir, dataDir } from './data-dir';
import { canListen, freePort } from './ports';
import { startDevServer, type DevServer } from './dev-server';

type Env = Record<string, string | undefined>;

export { freePort };

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
  /** The service's logger (tests capture its lines); pino on stdout at LOG_LEVEL by default. */
  serviceLogger?: AppLogger;
}

export interface LocalStack {
  serviceUrl: string;
  emulatorUrl?: string;
  temporalAddress: string;
  namespace: string;
  temporalUiUrl?: string;
  apiKey: string;
  /** An order's return URL, with its token, as the order gives it to Vipps. */
  returnUrl(orderId: string, salesUnit?: string): string;
  orders: OrderClient;
  /** An order client like the service's with another order policy (tests that vary the policy per order). */
  ordersWithPolicy(policy: Partial<OrderPolicy>): OrderClient;
  client: Client;
  /** Restarts the worker (e.g. to show an order survives it). */
  restartWorker(): Promise<void>;
  /** The environment a worker process needs to join this stack (Temporal, Vipps, task queue, keys). */
  workerEnv: Env;
  /** Decrypts what this stack's clients and workers write (e.g. to replay histories read from the server). */
  dataConverter: DataConverter;
  /** The codec server: `<codecServerUrl>/encode|decode` with `Authorization: Bearer <codecToken>`. */
  codecServerUrl: string;
  codecToken: string;
  /** The webhook registration's secret (tests check it never reaches a log). */
  webhookSecret?: string;
  /** The endpoint the Temporal UI uses (it holds the UI key instead of the token). */
  codecUiEndpoint: string;
  /** Prometheus endpoints: the service's (prom-client) and the in-process worker's (the SDK runtime's). */
  serviceMetricsUrl?: string;
  workerMetricsUrl?: string;
  stop(): Promise<void>;
}



async function choosePort(env: Env, name: string, fallback: number, ephemeral: boolean): Promise<number> {
  if (ephemeral) return freePort();
  const raw = env[name];
  const port = raw ? Number(raw) : fallback;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}=${raw} is not a TCP port`);
  if (!(await canListen(port))) throw new Error(`port ${port} is in use (is the stack already running?). Stop it, or set ${name} to another port.`);
  return port;
}

/** Metrics ports as configured, free ones for ephemeral stacks, or off. */
async function chooseMetricsPorts(base: Env, ephemeral: boolean): Promise<MetricsConfig> {
  const config = loadMetricsConfig(base);
  const pick = async (name: string, configured: number | undefined) => (configured === undefined ? undefined : await choosePort(base, name, configured, ephemeral));
  const servicePort = await pick('SERVICE_METRICS_PORT', config.servicePort);
  const workerPort = await pick('WORKER_METRICS_PORT', config.workerPort);
  return { host: config.host, visibilityRefreshMs: config.visibilityRefreshMs, ...(servicePort && { servicePort }), ...(workerPort && { workerPort }) };
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
    const stateDir = options.persistent ? dataDir(base) : undefined;
    if (stateDir) {
      const release = await claimDataDir(stateDir);
      cleanups.push(release);
      log(`State: ${stateDir}`);
    }
    // 0. Telemetry first: tracing (off unless OTEL_* ask for it) must be set up before clients exist,
    // and the SDK runtime (worker logs, worker metrics) before any worker.
    setupTracing({ env: base, serviceName: 'vipps-orders' });
    const metricsConfig = await chooseMetricsPorts(base, ephemeral);
    // The stack handles signals itself and stops the worker in order; the SDK must not race it.
    const runtime = installWorkerRuntime({ logger: createLogger({ level: base.LOG_LEVEL ?? 'warn', name: 'worker' }), metrics: metricsConfig, shutdownSignals: [] });

    // 1. The codec server (the Temporal UI is configured with its endpoint), then Temporal: an
    // existing deployment, or our own dev server.
    const codec = payloadCodecFromEnv(base);
    const dataConverter = orderDataConverter(base, codec);
    const codecPort = await choosePort(base, 'CODEC_SERVER_PORT', 8234, ephemeral);
    const temporalPort = base.TEMPORAL_ADDRESS ? undefined : await choosePort(base, 'TEMPORAL_DEV_PORT', 7233, ephemeral);
    const uiPort = base.TEMPORAL_ADDRESS ? undefined : await choosePort(base, 'TEMPORAL_UI_PORT', ephemeral ? 0 : 8233, ephemeral);
    const uiOrigins = uiPort ? [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`] : [];
    // A token of this run's own unless one is configured; npm start prints it for the CLI.
    const codecConfig = loadCodecServerConfig(
      { ...base, CODEC_SERVER_PORT: String(codecPort), ...(!base.CODEC_CORS_ORIGINS && uiOrigins.length > 0 && { CODEC_CORS_ORIGINS: uiOrigins.join(',') }) },
      randomBytes(32).toString('base64url'),
    );
    const codecApp = await buildCodecServer({ codec, config: codecConfig, logger: options.serviceLogger ?? createLogger({ level: base.LOG_LEVEL ?? 'warn', name: 'codec-server' }) });
    await codecApp.listen({ port: codecPort, host: codecConfig.host });
    cleanups.push(() => codecApp.close());
    const codecBase = `http://localhost:${codecPort}`;
    const codecUiEndpoint = uiCodecEndpoint(codecBase, codecConfig);
    log(`Codec server: ${codecBase}/codec`);

    let temporalAddress: string;
    let namespace: string;
    let temporalUiUrl = base.TEMPORAL_UI_URL;
    let connectionOptions = temporalSettings().connectionOptions;
    if (base.TEMPORAL_ADDRESS) {
      ({ address: temporalAddress, namespace } = temporalSettings());
      log(`Temporal: using ${temporalAddress} (namespace ${namespace})`);
    } else {
      log('Temporal: starting the dev server…');
      const server: DevServer = await startDevServer({
        port: temporalPort,
        uiPort,
        uiCodecEndpoint: codecUiEndpoint,
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
    const client = new Client({ connection, namespace, ...temporalClientOptions(base), dataConverter });

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
    // The demo shop is for the emulator; against a Vipps host the config refuses it.
    if (emulator) env.DEMO_SHOP ??= 'true';
    env.LOG_LEVEL ??= 'warn';
    if (temporalUiUrl) env.TEMPORAL_UI_URL ??= temporalUiUrl;
    let config: ServiceConfig = loadServiceConfig(env);
    const units = loadSalesUnits(env);
    if (emulator && units.fromFile) {
      // Each unit's own receiver path, registered with that unit's keys and MSN; its secret is the unit's.
      for (const unit of units.registry.units) {
        const url = unitWebhookUrl(webhookUrl(config), unit.name);
        const registration = await registerWebhook(new VippsClient(clientConfigFor(units, unit)), url, true);
        unit.webhookSecrets = [registration.secret];
        // A unit that keeps its secret in a file gets it there, where the receiver and a rotation look.
        const file = webhookSecretFileOf(unit);
        if (file) writeSecretFile(file, [registration.secret]);
        unit.webhookSecretRefs = file ? [{ file }] : [{ value: registration.secret }];
        log(`Webhook: ${url} registered at the emulator for sales unit ${unit.name} (MSN ${unit.msn})`);
      }
    } else if (emulator) {
      const vipps = new VippsClient(loadVippsConfig(env));
      const registration = await registerWebhook(vipps, webhookUrl(config), true);
      config = { ...config, webhookSecret: registration.secret };
      if (config.webhookSecretFile) writeSecretFile(config.webhookSecretFile, [registration.secret]);
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
    const orders = createOrderClient(client, env, config, options.policy, units);
    const metrics = new ServiceMetrics();
    const settlements = createSettlementClient(client, units, env);
    const app = await buildService({ config, orders, metrics, settlements, ...(options.serviceLogger && { logger: options.serviceLogger }) });
    await app.listen({ port: servicePort, host: config.host });
    cleanups.push(() => app.close());
    const telemetry = await startServiceTelemetry({ client, metrics, config: metricsConfig, units: unitCounts(orders.units) });
    cleanups.push(() => telemetry.stop());

    return {
      serviceUrl: `http://localhost:${servicePort}`,
      ...(emulator && { emulatorUrl: emulator.url }),
      temporalAddress,
      namespace,
      ...(temporalUiUrl && { temporalUiUrl }),
      apiKey: config.orderApiKey,
      returnUrl: (orderId: string, salesUnit?: string) => returnUrl(config.publicUrl, config.pageSecret, orderId, salesUnit),
      orders,
      ordersWithPolicy: (policy) => createOrderClient(client, env, config, { ...options.policy, ...policy }, units),
      client,
      async restartWorker() {
        await stopWorker();
        worker = await createWorker({ env, temporal: { connection: nativeConnection, namespace }, quiet: true });
        running = worker.run();
      },
      // A worker process of its own would clash with this process's worker metrics port.
      workerEnv: { ...env, WORKER_METRICS_PORT: 'off', TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_NAMESPACE: namespace },
      dataConverter,
      codecServerUrl: `${codecBase}/codec`,
      codecToken: codecConfig.token,
      codecUiEndpoint,
      ...(config.webhookSecret && { webhookSecret: config.webhookSecret }),
      ...(telemetry.metricsUrl && { serviceMetricsUrl: telemetry.metricsUrl }),
      ...(runtime.metricsUrl && { workerMetricsUrl: runtime.metricsUrl }),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
