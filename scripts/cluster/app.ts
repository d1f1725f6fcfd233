// The Vipps MobilePay emulator and the HTTP service, in the launcher's own process (they hold no
// state that the failover test kills; the workers, which it does kill, are separate processes).
import { Client, Connection } from '@temporalio/client';
import { loadEmulatorConfig, startEmulator } from '@vipps-orders/vipps-emulator';
import { loadServiceConfig, loadVippsConfig, type ServiceConfig } from '../../src/config';
import { buildService, webhookUrl } from '../../src/http/app';
import { createOrderClient } from '../../src/orders/factory';
import { temporalClientOptions } from '../../src/temporal/dataConverter';
import { registerWebhook } from '../../src/webhookAdmin/registration';
import { VippsClient } from '@vipps-orders/vipps';

type Env = Record<string, string | undefined>;

export interface RunningApp {
  emulatorUrl: string;
  serviceUrl: string;
  apiKey: string;
  client: Client;
  stop(): Promise<void>;
}

export async function startApp(opts: { temporalAddress: string; namespace: string; servicePort: number; emulatorPort: number; env: Env }): Promise<RunningApp> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    const connection = await Connection.connect({ address: opts.temporalAddress });
    cleanups.push(() => connection.close());
    // Encrypting like the workers do (PAYLOAD_ENCRYPTION_KEYS from the same environment).
    const client = new Client({ connection, namespace: opts.namespace, ...temporalClientOptions(opts.env) });

    const emulatorConfig = loadEmulatorConfig({ EMULATOR_LOG_LEVEL: 'warn', ...opts.env }, { port: opts.emulatorPort });
    const emulator = await startEmulator({ ...emulatorConfig, port: opts.emulatorPort });
    cleanups.push(() => emulator.close());

    const env: Env = { LOG_LEVEL: 'warn', DEMO_SHOP: 'true', ...opts.env, VIPPS_BASE_URL: emulator.url, PORT: String(opts.servicePort) };
    let config: ServiceConfig = loadServiceConfig(env);
    const registration = await registerWebhook(new VippsClient(loadVippsConfig(env)), webhookUrl(config), true);
    config = { ...config, webhookSecret: registration.secret };
    const app = await buildService({ config, orders: createOrderClient(client, env, config) });
    await app.listen({ port: opts.servicePort, host: config.host });
    cleanups.push(() => app.close());
    return { emulatorUrl: emulator.url, serviceUrl: `http://localhost:${opts.servicePort}`, apiKey: config.orderApiKey, client, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
