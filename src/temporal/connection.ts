import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';
import { temporalClientOptions } from './dataConverter';

/**
 * Temporal connections come from the standard environment configuration (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE, temporal.toml), so the
 * same code runs against the dev server, a self-hosted cluster or Temporal Cloud.
 */
export function temporalSettings(): { address: string; namespace: string; connectionOptions: ReturnType<typeof loadClientConnectConfig>['connectionOptions'] } {
  const config = loadClientConnectConfig();
  return {
    address: config.connectionOptions.address ?? 'localhost:7233',
    namespace: config.namespace ?? 'default',
    connectionOptions: config.connectionOptions,
  };
}

/** A client that encrypts payloads and carries trace context (see ./dataConverter). */
export async function connectClient(env: Record<string, string | undefined> = process.env): Promise<Client> {
  const { connectionOptions, namespace } = temporalSettings();
  const connection = await Connection.connect(connectionOptions);
  return new Client({ connection, namespace, ...temporalClientOptions(env) });
}

export async function connectWorker(): Promise<{ connection: NativeConnection; namespace: string }> {
  const { connectionOptions, namespace } = temporalSettings();
  return { connection: await NativeConnection.connect(connectionOptions), namespace };
}
