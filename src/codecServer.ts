/**
 * `npm run codec-server`: the codec server on a port of its own (CODEC_SERVER_PORT, 8234), so the
 * Temporal UI and CLI show decrypted payloads. It holds the payload keys; keep it on the operators'
 * network, not next to the public webhook endpoint. `npm start` runs one in-process.
 *
 *   npm run codec-server -- --print-ui-endpoint https://codec.example.com
 * prints the endpoint to configure in the Temporal UI (it holds the UI key) and exits.
 */
import { parseArgs } from 'node:util';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { PayloadCodec } from '@temporalio/common';
import { ConfigError } from './config';
import codecRoutes from './http/codecRoutes';
import { createLogger, type AppLogger } from './observability/logger';
import { loadCodecServerConfig, type CodecServerConfig } from './security/codecServerConfig';
import { payloadCodecFromEnv } from './temporal/dataConverter';

export interface CodecServerDeps {
  codec: PayloadCodec;
  config: CodecServerConfig;
  logger: AppLogger;
}

export async function buildCodecServer({ codec, config, logger }: CodecServerDeps): Promise<FastifyInstance> {
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({ loggerInstance, logController: new LogController({ disableRequestLogging: true }) });
  // Fastify's own request and error lines print the URL, and the UI endpoint's URL holds its key:
  // only the route pattern is logged here.
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info({ method: request.method, route: request.routeOptions.url ?? 'unmatched', statusCode: reply.statusCode, durationMs: Math.round(reply.elapsedTime) }, 'codec request');
    done();
  });
  app.setErrorHandler((err: Error & { statusCode?: number }, request, reply) => {
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) request.log.error({ route: request.routeOptions.url, err }, 'codec request failed');
    return reply.code(status).send({ error: status >= 500 ? 'internal_error' : 'invalid_request', message: status >= 500 ? 'unexpected error; see the codec server log' : err.message });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not_found', message: 'the codec endpoints are POST /codec/encode and /codec/decode' }));
  await app.register(codecRoutes, { codec, token: config.token, uiKey: config.uiKey, corsOrigins: config.corsOrigins });
  return app;
}

/** The endpoint the Temporal UI is configured with (TEMPORAL_CODEC_ENDPOINT, or --ui-codec-endpoint of the dev server). */
export function uiCodecEndpoint(publicBaseUrl: string, config: CodecServerConfig): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/codec/ui/${config.uiKey}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'print-ui-endpoint': { type: 'string' } } });
  const config = loadCodecServerConfig();
  if (values['print-ui-endpoint']) {
    console.log(uiCodecEndpoint(values['print-ui-endpoint'], config));
    return;
  }
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info', name: 'codec-server' });
  const app = await buildCodecServer({ codec: payloadCodecFromEnv(), config, logger });
  await app.listen({ port: config.port, host: config.host });
  logger.info({ url: `http://${config.host}:${config.port}/codec`, corsOrigins: config.corsOrigins }, 'codec server ready');
  const stop = () => void app.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  });
}
