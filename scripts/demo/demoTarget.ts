import { startLocalStack, type LocalStack } from '../local-stack';

/** Where the demo sends its orders: the service and the emulator it pays at, with the service's API key. */
export interface DemoTarget {
  serviceUrl: string;
  emulatorUrl: string;
  apiKey: string;
  temporalUiUrl?: string;
  /** Set when the demo started the stack itself (and must stop it). */
  stack?: LocalStack;
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

/** The stack from `npm start` when one answers, else a temporary one on free ports. */
export async function findOrStartStack(say: (text: string) => void): Promise<DemoTarget> {
  const serviceUrl = `http://localhost:${process.env.PORT ?? 3000}`;
  const emulatorUrl = `http://localhost:${process.env.EMULATOR_PORT ?? 4010}`;
  if ((await answers(`${serviceUrl}/healthz`)) && (await answers(`${emulatorUrl}/_emulator/health`))) {
    say(`using the running stack: service ${serviceUrl}, emulator ${emulatorUrl}`);
    return { serviceUrl, emulatorUrl, apiKey: process.env.ORDER_API_KEY ?? 'dev-order-api-key', temporalUiUrl: process.env.TEMPORAL_UI_URL ?? 'http://localhost:8233' };
  }
  say('no running stack found: starting a temporary one (Temporal dev server, emulator, worker, service)');
  const env = { ...process.env };
  delete env.VIPPS_BASE_URL; // the demo approves through the emulator
  const stack = await startLocalStack({ env, ephemeralPorts: true });
  return { serviceUrl: stack.serviceUrl, emulatorUrl: stack.emulatorUrl!, apiKey: stack.apiKey, ...(stack.temporalUiUrl && { temporalUiUrl: stack.temporalUiUrl }), stack };
}
