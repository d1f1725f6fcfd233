// `npm run temporal`: a local Temporal server with Web UI whose state survives restarts
// (DATA_DIR/temporal/dev.sqlite, DATA_DIR defaulting to .data). Runs until Ctrl-C; the server process never outlives this script.
import path from 'node:path';
import { type DevServer, startDevServer } from './dev-server';
import { errorMessage } from './process';
import { dataDir } from './data-dir';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`${name}=${raw} is not a TCP port (1-65535)`);
  return port;
}

async function main(): Promise<number> {
  // Handlers go in before the server starts so a signal during startup still stops it cleanly.
  const stop = new AbortController();
  for (const signal of STOP_SIGNALS) process.on(signal, () => stop.abort(signal));

  const dbFile = path.join(dataDir(), 'temporal', 'dev.sqlite');
  let server: DevServer;
  try {
    server = await startDevServer({
      ip: process.env.TEMPORAL_DEV_IP || '127.0.0.1',
      port: portFromEnv('TEMPORAL_DEV_PORT', 7233),
      uiPort: portFromEnv('TEMPORAL_UI_PORT', 8233),
      namespace: process.env.TEMPORAL_NAMESPACE || 'default',
      // A codec server you run yourself (npm run codec-server): its UI endpoint (--print-ui-endpoint).
      ...(process.env.TEMPORAL_UI_CODEC_ENDPOINT && { uiCodecEndpoint: process.env.TEMPORAL_UI_CODEC_ENDPOINT }),
      dbFile,
      stopSignal: stop.signal,
    });
  } catch (err) {
    if (stop.signal.aborted) return 130;
    throw err;
  }
  if (stop.signal.aborted) {
    // Stopped while it was starting: it is already shutting down, so don't announce it.
    await server.exited;
    return 130;
  }

  const created = server.createdSearchAttributes;
  console.log(`Search attributes: ${created.length > 0 ? `created ${created.join(', ')}` : 'all registered'}`);
  console.log(`Temporal gRPC:     ${server.address} (namespace ${server.namespace}, DB ${dbFile})`);
  console.log(`Temporal UI:       ${server.uiUrl ?? '(headless)'}`);
  console.log('Press Ctrl-C to stop.');

  const code = await server.exited;
  if (stop.signal.aborted) return 0;
  console.error(`Temporal dev server exited unexpectedly (code ${code}).`);
  return code || 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(errorMessage(err));
    process.exit(1);
  },
);
