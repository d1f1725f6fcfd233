import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, isVippsHost, loadVippsConfig, parseEnv, readSecretFile, realSecretProblem } from '../config';
import type { EncryptionKey } from './payloadCodec';

/**
 * The secrets that protect data at rest, each with one job:
 * - PAYLOAD_ENCRYPTION_KEYS: the payload codec's AES keys (what Temporal stores);
 * - REQUEST_FINGERPRINT_SECRET: keys the HMAC that tells a repeated order request from a different one;
 * - PII_SEALING_KEY (config.ts): seals the phone number inside the payloads, so that even operators
 *   who decrypt payloads through the codec server never see it.
 * Development defaults exist for the emulator only; a vipps.no URL requires real values.
 */

type Env = Record<string, string | undefined>;

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A fixed, public key for local development: derived, not a secret, refused for vipps.no. */
const DEV_PAYLOAD_KEY: EncryptionKey = { id: 'dev-1', key: createHash('sha256').update('vipps-temporal-orders development payload key (public)').digest() };
const DEV_FINGERPRINT_SECRET = 'dev-request-fingerprint-secret';

const KeysEnv = z.object({
  PAYLOAD_ENCRYPTION_KEYS: z.string().min(1).optional(),
  PAYLOAD_ENCRYPTION_KEYS_FILE: z.string().min(1).optional(),
});

/**
 * `PAYLOAD_ENCRYPTION_KEYS` (or a file named by `PAYLOAD_ENCRYPTION_KEYS_FILE`): comma- or
 * newline-separated `id:base64key` entries, newest first. The first encrypts; all decrypt.
 * Keys are 32 random bytes (`openssl rand -base64 32`).
 */
export function loadPayloadKeys(env: Env = process.env): EncryptionKey[] {
  const e = parseEnv(KeysEnv, env, 'payload encryption');
  const source = e.PAYLOAD_ENCRYPTION_KEYS ? 'PAYLOAD_ENCRYPTION_KEYS' : 'PAYLOAD_ENCRYPTION_KEYS_FILE';
  const raw = e.PAYLOAD_ENCRYPTION_KEYS ?? (e.PAYLOAD_ENCRYPTION_KEYS_FILE && readKeyFile(e.PAYLOAD_ENCRYPTION_KEYS_FILE));
  if (!raw) {
    requireOutsideDevelopment(env, 'payload encryption', 'PAYLOAD_ENCRYPTION_KEYS');
    return [DEV_PAYLOAD_KEY];
  }
  const keys = parsePayloadKeys(raw, source);
  // The development key is derived from a public string: anyone can decrypt what it sealed.
  if (keys.some((k) => k.key.equals(DEV_PAYLOAD_KEY.key)) && isVippsHost(loadVippsConfig(env).baseUrl)) {
    throw new ConfigError(`Invalid payload encryption configuration:\n  ${source}: holds the public development key, refused when VIPPS_BASE_URL is a Vipps host`);
  }
  return keys;
}

/** Parses `id:base64key[,id:base64key…]`; errors name the variable and the entry, never the key. */
export function parsePayloadKeys(raw: string, variable = 'PAYLOAD_ENCRYPTION_KEYS'): EncryptionKey[] {
  const entries = raw.split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
  const problems: string[] = [];
  const keys: EncryptionKey[] = [];
  entries.forEach((entry, i) => {
    const where = `${variable}: entry ${i + 1}`;
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon);
    const material = colon < 0 ? '' : entry.slice(colon + 1);
    if (!KEY_ID.test(id)) return problems.push(`${where}: must be "id:base64key" with an id of letters, digits, '.', '_' or '-'`);
    if (keys.some((k) => k.id === id)) return problems.push(`${where} ("${id}"): the id is used twice`);
    const key = /^[A-Za-z0-9+/]+={0,2}$/.test(material) ? Buffer.from(material, 'base64') : Buffer.alloc(0);
    if (key.length !== 32) return problems.push(`${where} ("${id}"): the key must be 32 bytes in base64 (openssl rand -base64 32)`);
    keys.push({ id, key });
  });
  if (entries.length === 0) problems.push(`${variable}: holds no key`);
  if (problems.length > 0) throw new ConfigError(`Invalid payload encryption configuration:\n  ${problems.join('\n  ')}`);
  return keys;
}

const FingerprintEnv = z.object({ REQUEST_FINGERPRINT_SECRET: z.string().min(16, 'must be at least 16 characters').optional() });

/** Keys request fingerprints; the service (and the starter) need it, the worker does not. */
export function loadFingerprintSecret(env: Env = process.env): string {
  const e = parseEnv(FingerprintEnv, env, 'request fingerprint');
  if (isVippsHost(loadVippsConfig(env).baseUrl)) {
    const problem = realSecretProblem('REQUEST_FINGERPRINT_SECRET', e.REQUEST_FINGERPRINT_SECRET, [DEV_FINGERPRINT_SECRET]);
    if (problem) throw new ConfigError(`Invalid request fingerprint configuration:\n  ${problem}`);
  }
  return e.REQUEST_FINGERPRINT_SECRET ?? DEV_FINGERPRINT_SECRET;
}

function requireOutsideDevelopment(env: Env, section: string, variable: string): void {
  if (isVippsHost(loadVippsConfig(env).baseUrl)) {
    throw new ConfigError(`Invalid ${section} configuration:\n  ${variable}: is required when VIPPS_BASE_URL is a Vipps host`);
  }
}

function readKeyFile(file: string): string {
  try {
    const content = readFileSync(file, 'utf8').trim();
    if (!content) throw new ConfigError(`Invalid payload encryption configuration:\n  PAYLOAD_ENCRYPTION_KEYS_FILE: ${file} is empty`);
    return content;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`Invalid payload encryption configuration:\n  PAYLOAD_ENCRYPTION_KEYS_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

const OrderEventsEnv = z.object({
  ORDER_EVENTS_SECRET: z.string().min(32, 'must be at least 32 characters (e.g. openssl rand -base64 32)').optional(),
  ORDER_EVENTS_SECRET_FILE: z.string().min(1).optional(),
});

/** Worker: the secret order events to the shop are signed with; undefined when events are not used. */
export function loadOrderEventsSecret(env: Env = process.env): string | undefined {
  const e = parseEnv(OrderEventsEnv, env, 'order events');
  const secret = e.ORDER_EVENTS_SECRET ?? (e.ORDER_EVENTS_SECRET_FILE ? readSecretFile('ORDER_EVENTS_SECRET_FILE', e.ORDER_EVENTS_SECRET_FILE, 'order events') : undefined);
  if (secret !== undefined && secret.length < 32) throw new ConfigError('Invalid order events configuration:\n  ORDER_EVENTS_SECRET_FILE: the secret must be at least 32 characters');
  return secret;
}
