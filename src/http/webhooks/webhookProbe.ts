import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { signingTarget, signWebhook } from '@vipps-orders/vipps';

/**
 * A delivery that is not a payment event: signed like one, it proves the receiver accepts a
 * secret, without touching an order or Temporal. The rotation sends it with the new secret
 * before it deletes the old registration.
 */
export const WebhookProbe = z.strictObject({ probe: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/) });
export type WebhookProbe = z.infer<typeof WebhookProbe>;

export type ProbeResult = { accepted: true } | { accepted: false; reason: string };

/** Sends one signed probe to a receiver's registered URL. */
export async function sendWebhookProbe(url: string, secret: string, timeoutMs = 5000): Promise<ProbeResult> {
  const body = JSON.stringify({ probe: randomBytes(16).toString('base64url') } satisfies WebhookProbe);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signWebhook({ secret, ...signingTarget(url), body }) },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const answer = (await response.json().catch(() => undefined)) as { status?: unknown; error?: unknown } | undefined;
    if (response.status === 200 && answer?.status === 'probe') return { accepted: true };
    return { accepted: false, reason: `HTTP ${response.status}${typeof answer?.error === 'string' ? ` ${answer.error}` : ''}` };
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
    return { accepted: false, reason: cause };
  }
}
