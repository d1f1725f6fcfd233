import { type AddressInfo } from 'node:net';
import { type EmulatorConfig } from './config';
import { buildEmulator, type Emulator } from './app';
import { type EmulatorOptions } from './options';

export interface RunningEmulator {
  /** Where the server listens, e.g. http://127.0.0.1:4010. */
  url: string;
  port: number;
  /** Base of the landing-page URLs it hands out. */
  publicUrl: string;
  emulator: Emulator;
  close(): Promise<void>;
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * With port 0 the default public URL (`http://localhost:0`) cannot be right; it takes the real
 * port once it is known. An explicit EMULATOR_PUBLIC_URL is used as it is.
 */
export function resolvePublicUrl(configured: string, actualPort: number): string {
  const url = new URL(configured);
  if (url.port !== '0') return configured;
  url.port = String(actualPort);
  return url.toString().replace(/\/+$/, '');
}

export async function startEmulator(config: EmulatorConfig, options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = buildEmulator(config, options);
  try {
    await emulator.app.listen({ host: config.host, port: config.port });
  } catch (err) {
    // Typically the port is taken, perhaps by another emulator on the same state file: leave it be.
    await emulator.close({ saveState: false });
    throw err;
  }
  const { port } = emulator.app.server.address() as AddressInfo;
  const publicUrl = options.publicUrl ?? resolvePublicUrl(config.publicUrl, port);
  emulator.setPublicUrl(publicUrl);
  return {
    url: `http://${hostForUrl(config.host)}:${port}`,
    port,
    publicUrl,
    emulator,
    close: () => emulator.close(),
  };
}
