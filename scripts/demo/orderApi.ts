import type { OrderView } from '../../src/workflows/messages';
import type { DemoTarget } from './demoTarget';

/** A step of the demo that did not go as it should: the demo stops and says which. */
export class DemoFailure extends Error {}

/** The service's order API as a shop calls it, with the API key; anything but 2xx is a DemoFailure. */
export async function api<T>(t: DemoTarget, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${t.serviceUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${t.apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as T;
  if (res.status >= 300) throw new DemoFailure(`${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return { status: res.status, json };
}

/** The emulator's control API (no keys), e.g. a payment as the emulator holds it. */
export async function emulator<T>(t: DemoTarget, path: string): Promise<T> {
  const res = await fetch(`${t.emulatorUrl}${path}`);
  if (!res.ok) throw new DemoFailure(`emulator GET ${path} answered ${res.status}`);
  return (await res.json()) as T;
}

/** Polls the order at `path` until `done` holds. */
export async function waitFor(t: DemoTarget, path: string, what: string, done: (v: OrderView) => boolean, options: { timeoutMs?: number; live?: boolean } = {}): Promise<OrderView> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    const { json } = await api<OrderView>(t, 'GET', `${path}${options.live ? '?live=true' : ''}`);
    if (done(json)) return json;
    if (Date.now() > deadline) throw new DemoFailure(`timed out waiting for ${what}; order is ${json.status}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Minor units as the demo prints them: "348.00 NOK". */
export function money(minor: number, currency: string): string {
  return `${(minor / 100).toFixed(2)} ${currency}`;
}
