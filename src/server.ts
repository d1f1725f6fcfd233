/**
 * `npm run server`: the HTTP service (webhook receiver, order API, return page, demo shop when
 * DEMO_SHOP=true). Configuration comes from the environment; see the README.
 */
import { ConfigError, loadServiceConfig } from './config';
import { buildService, webhookUrl } from './http/app';
import { createOrderClient } from './orders/factory';
import { connectClient, temporalSettings } from './temporal/connection';

async function main(): Promise<void> {
  const config = loadServiceConfig();
  const client = await connectClient();
  const orders = createOrderClient(client, process.env, config);
  const app = await buildService({ config, orders });
  await app.listen({ port: config.port, host: config.host });
  const { address, namespace } = temporalSettings();
  app.log.info({ temporal: address, namespace, webhook: webhookUrl(config) }, 'service ready');
  if (config.usingDevApiKey) app.log.warn('ORDER_API_KEY is not set: using the development key "dev-order-api-key"');
  if (!config.webhookSecret) app.log.warn('VIPPS_WEBHOOK_SECRET is not set: webhooks are refused until it is (run npm run webhooks:register)');

  const stop = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await client.connection.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
