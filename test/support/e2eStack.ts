/** The whole local stack for end-to-end tests, and the shop's side of its HTTP API. */
import { startLocalStack, type LocalStack } from '../../scripts/local-stack';
import type { OrderView } from '../../src/workflows/messages';

/** A clean environment (nothing from the developer's shell leaks in), free ports, quick polling, quiet logs. */
export function startE2eStack(overrides: Record<string, string> = {}): Promise<LocalStack> {
  return startLocalStack({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    ephemeralPorts: true,
    overrides: { ORDER_POLL_INITIAL_SECONDS: '1', ORDER_POLL_MAX_SECONDS: '2', LOG_LEVEL: 'silent', EMULATOR_LOG_LEVEL: 'silent', ...overrides },
  });
}

export type StackApi = <T = OrderView>(method: string, path: string, body?: unknown) => Promise<{ status: number; json: T }>;

/** Calls the order API as a shop does, with the stack's API key. */
export function stackApi(stack: () => LocalStack): StackApi {
  return async <T = OrderView>(method: string, path: string, body?: unknown) => {
    const s = stack();
    const res = await fetch(`${s.serviceUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${s.apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as T };
  };
}
