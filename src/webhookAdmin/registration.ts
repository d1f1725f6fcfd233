import { rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { PAYMENT_WEBHOOK_EVENTS, VippsApiError, type VippsClient } from '@vipps-orders/vipps';
import { sendWebhookProbe } from '../http/webhooks/webhookProbe';
import { rotationMarker } from '../http/webhooks/webhookSecrets';
import { readSecretFileLines, writeSecretFile } from './secretFile';

/** Every payment event but `created`, which tells an order nothing it does not know. */
export const ORDER_WEBHOOK_EVENTS = PAYMENT_WEBHOOK_EVENTS.filter((e) => e !== 'epayments.payment.created.v1');

/**
 * Waits until Vipps (or the emulator) answers a read of the registrations, for at most `seconds`:
 * a one-shot started beside the API it registers with (docker-compose) must not fail because that
 * API is still starting. Only a failed connection is waited out; any answer, even an error, ends
 * the wait, and nothing is written while waiting.
 */
export async function waitForVipps(vipps: VippsClient, seconds: number, log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      await vipps.listWebhooks();
      return;
    } catch (err) {
      const unreachable = err instanceof VippsApiError && (err.kind === 'network' || err.kind === 'timeout');
      if (!unreachable || Date.now() + 2_000 > deadline) throw err;
      if (attempt === 1) log(`${(err as Error).message}; waiting up to ${seconds} s for it to answer`);
      await sleep(2_000);
    }
  }
}

/** One receiver to register: a sales unit's (or the one-unit deployment's) URL, keys and secret file. */
export interface WebhookTarget {
  /** The sales unit's name, or `default` for the VIPPS_* variables. */
  unit: string;
  url: string;
  vipps: VippsClient;
  /** Where the service reads the secret; the rotation writes it there. */
  secretFile?: string;
  /** The secrets the service is configured with, the newest first. */
  secrets: readonly string[];
}

export async function registerWebhook(vipps: VippsClient, url: string, replace: boolean): Promise<{ id: string; secret: string; replaced: string[] }> {
  const existing = (await vipps.listWebhooks()).webhooks.filter((w) => w.url === url);
  if (existing.length > 0 && !replace) {
    throw new Error(`${url} is already registered (id ${existing.map((w) => w.id).join(', ')}); its secret cannot be read again. Rerun with --replace to register anew, or --rotate to change it without losing a delivery.`);
  }
  for (const w of existing) await vipps.deleteWebhook(w.id);
  const created = await vipps.registerWebhook({ url, events: [...ORDER_WEBHOOK_EVENTS] });
  return { ...created, replaced: existing.map((w) => w.id) };
}

export interface CheckResult {
  unit: string;
  url: string;
  registrations: string[];
  problems: string[];
}

/**
 * What a unit's webhook needs to work: exactly one registration for its URL with the order
 * events, and a secret the running service accepts (a signed probe, unless `probe` is false).
 */
export async function checkWebhook(target: WebhookTarget, { probe = true }: { probe?: boolean } = {}): Promise<CheckResult> {
  const problems: string[] = [];
  const mine = (await target.vipps.listWebhooks()).webhooks.filter((w) => w.url === target.url);
  if (mine.length === 0) problems.push('not registered: run npm run webhooks:register');
  if (mine.length > 1) problems.push(`${mine.length} registrations (${mine.map((w) => w.id).join(', ')}): every event comes ${mine.length} times; an interrupted rotation? run --rotate again`);
  for (const w of mine) {
    const missing = ORDER_WEBHOOK_EVENTS.filter((e) => !w.events.includes(e));
    if (missing.length > 0) problems.push(`registration ${w.id} lacks ${missing.join(', ')}: run --rotate to register anew`);
  }
  const secret = target.secrets[0];
  if (!secret) problems.push(`no webhook secret configured${target.secretFile ? ` (${target.secretFile} is empty)` : ''}`);
  else if (probe) {
    const result = await sendWebhookProbe(target.url, secret);
    if (!result.accepted) problems.push(`the service at ${target.url} does not accept the configured secret (${result.reason})`);
  }
  return { unit: target.unit, url: target.url, registrations: mine.map((w) => w.id), problems };
}

export interface RotateOptions {
  /** How long the service may take to accept the new secret before the rotation stops (old kept). */
  probeTimeoutMs?: number;
  probeIntervalMs?: number;
  /**
   * How long both registrations stay after the probe: other replicas of the service read the file
   * within a second of their next delivery, so a few seconds let every one of them take the secret.
   */
  graceMs?: number;
  log?: (line: string) => void;
}

export class RotationError extends Error {
  override readonly name = 'RotationError';
}

/**
 * Changes a unit's webhook secret with no delivery refused: register a second webhook for the
 * same URL (Vipps then delivers every event to both, each signed with its own secret), write the
 * new secret before the old one into the service's secret file, wait until a probe signed with
 * the new secret is accepted, and only then delete the old registrations and the old secret.
 * While both registrations exist an event comes twice; the receiver is idempotent.
 */
export async function rotateWebhook(target: WebhookTarget, { probeTimeoutMs = 60_000, probeIntervalMs = 250, graceMs = 5000, log = () => {} }: RotateOptions = {}): Promise<{ id: string; deleted: string[] }> {
  const file = target.secretFile;
  if (!file) throw new RotationError(`${target.unit}: --rotate writes the new secret to the file the service reads; give the unit a webhookSecrets file reference (or set VIPPS_WEBHOOK_SECRET_FILE)`);
  const old = (await target.vipps.listWebhooks()).webhooks.filter((w) => w.url === target.url);
  const current = readSecretFileLines(file)[0];
  // Vipps may deliver to the new registration before its secret is in the file: the marker tells
  // the service to wait a moment for it instead of refusing the delivery.
  const marker = rotationMarker(file);
  writeFileSync(marker, `${process.pid}\n`, { mode: 0o600 });
  try {
    return await rotateMarked(target, file, old, current, { probeTimeoutMs, probeIntervalMs, graceMs, log });
  } finally {
    rmSync(marker, { force: true });
  }
}

async function rotateMarked(
  target: WebhookTarget,
  file: string,
  old: { id: string }[],
  current: string | undefined,
  { probeTimeoutMs, probeIntervalMs, graceMs, log }: Required<RotateOptions>,
): Promise<{ id: string; deleted: string[] }> {
  const created = await target.vipps.registerWebhook({ url: target.url, events: [...ORDER_WEBHOOK_EVENTS] });
  writeSecretFile(file, current ? [created.secret, current] : [created.secret]);
  log(`${target.unit}: registered ${created.id} for ${target.url}; ${file} holds the new and the old secret`);

  const deadline = Date.now() + probeTimeoutMs;
  for (let result = await sendWebhookProbe(target.url, created.secret); !result.accepted; result = await sendWebhookProbe(target.url, created.secret)) {
    if (Date.now() >= deadline) {
      throw new RotationError(
        `${target.unit}: the service at ${target.url} did not accept the new secret within ${Math.round(probeTimeoutMs / 1000)} s (${result.reason}). ` +
          `Nothing is lost: both registrations are kept and ${file} holds both secrets. Make the service read ${file}, then run --rotate again.`,
      );
    }
    await sleep(probeIntervalMs);
  }
  log(`${target.unit}: the service accepts the new secret; both registrations stay ${Math.round(graceMs / 1000)} s more for the other replicas`);
  await sleep(graceMs);
  for (const w of old) await target.vipps.deleteWebhook(w.id);
  writeSecretFile(file, [created.secret]);
  log(`${target.unit}: deleted ${old.length ? old.map((w) => w.id).join(', ') : 'no earlier registration'}; ${file} holds the new secret only`);
  return { id: created.id, deleted: old.map((w) => w.id) };
}
