import type { ClientOptions } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { currentTracing } from '../observability/tracing';
import { loadPayloadKeys } from '../security/keyConfig';
import { AesGcmPayloadCodec } from '../security/payloadCodec';

type Env = Record<string, string | undefined>;

/** The payload codec from PAYLOAD_ENCRYPTION_KEYS; clients, workers and the codec server use the same keys. */
export function payloadCodecFromEnv(env: Env = process.env): AesGcmPayloadCodec {
  return new AesGcmPayloadCodec(loadPayloadKeys(env));
}

/**
 * The data converter of every client and worker of this app: every payload encrypted. Replaying
 * histories read from the server needs it too (`Worker.runReplayHistories({ dataConverter })`).
 */
export function orderDataConverter(env: Env = process.env, codec: AesGcmPayloadCodec = payloadCodecFromEnv(env)): DataConverter {
  return { payloadCodecs: [codec] };
}

/** What every `new Client(…)` of the app adds to its connection and namespace: encryption and tracing. */
export function temporalClientOptions(env: Env = process.env): Pick<ClientOptions, 'dataConverter' | 'plugins'> {
  return { dataConverter: orderDataConverter(env), plugins: [currentTracing().temporalPlugin] };
}
