import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex } from '@noble/hashes/utils';
import { parse as parseYaml } from 'yaml';
import { formatIssues } from '../schemas/zodIssues';
import { SalesUnitsFile, type SecretRef } from './fileSchema';
import { MARKET_RULES, type Brand, type Market } from './markets';

/** One set of API keys. Used by several units, it is a partner's: the MSN header says which unit a call is for. */
export interface KeySet {
  name: string;
  clientId: string;
  clientSecret: string;
  subscriptionKey: string;
  /** The emulator's credentials: refused against the real Vipps APIs. */
  development: boolean;
}

/**
 * Where a webhook secret comes from: a value read once (an environment variable), or a file the
 * service looks at again while it runs, so a rotation can hand it a new secret without a restart.
 */
export type WebhookSecretRef = { value: string } | { file: string };

/** A webhook-secret file holds one secret per line, the newest first (two during a rotation). */
export function secretLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

export interface SalesUnit {
  name: string;
  msn: string;
  /** Absent only for the unit described by VIPPS_* variables without VIPPS_MARKET: no market rules then, as before units existed. */
  market?: Market;
  brand: Brand;
  currency?: 'NOK' | 'DKK' | 'EUR';
  keySet: KeySet;
  /** Accepted webhook secrets, the newest first (two during a rotation); empty: webhooks are refused. */
  webhookSecrets: string[];
  /**
   * Where webhookSecrets came from, in order: file references are re-read by the receiver. A
   * webhook-secret file that does not exist yet is no error (the unit refuses webhooks until
   * `npm run webhooks:register` writes it); a key file that does not exist is.
   */
  webhookSecretRefs: WebhookSecretRef[];
  captureDeadlineDays?: number;
  captureDeadlinePolicy?: 'hold' | 'cancel';
  partialCapture: boolean;
  minimumAmount: number;
  unprefixedOrderIds: boolean;
}

export class SalesUnitsError extends Error {
  override readonly name = 'SalesUnitsError';
}

/** The development credentials of a key set, the same in the app and the emulator. */
export function developmentKeySet(name: string): KeySet {
  const tag = bytesToHex(sha256(new TextEncoder().encode(name))).slice(0, 12);
  return { name, clientId: `e8b1c5f0-0000-4000-8000-${tag}`, clientSecret: `emulator-client-secret-${name}`, subscriptionKey: `emulator-subscription-key-${name}`, development: true };
}

type Env = Record<string, string | undefined>;

export interface LoadOptions {
  env?: Env;
  readFile?: (path: string) => string;
}

/**
 * Reads and checks a sales-unit file (YAML, or JSON by its extension) and resolves its secret
 * references. Every problem is reported with the file and the field it is about; a missing secret
 * names its variable or file.
 */
export function loadSalesUnitsFile(path: string, { env = process.env, readFile = (p) => readFileSync(p, 'utf8') }: LoadOptions = {}): SalesUnit[] {
  let text: string;
  try {
    text = readFile(path);
  } catch (err) {
    throw new SalesUnitsError(`${path}: cannot be read (${(err as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new SalesUnitsError(`${path}: is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'} (${(err as Error).message})`);
  }
  const parsed = SalesUnitsFile.safeParse(raw);
  if (!parsed.success) throw new SalesUnitsError(`${path}:\n  ${formatIssues(parsed.error, { root: '(file)', separator: '\n  ' })}`);
  const problems: string[] = [];
  const fileOf = (ref: SecretRef): string => (isAbsolute(ref.file!) ? ref.file! : resolve(dirname(path), ref.file!));
  const secretValues = (ref: SecretRef, field: string, { optionalFile = false } = {}): string[] => {
    if (ref.env !== undefined) {
      const value = env[ref.env];
      if (!value) problems.push(`${field}: environment variable ${ref.env} is not set`);
      return [value ?? ''];
    }
    const file = fileOf(ref);
    try {
      const values = secretLines(readFile(file));
      if (values.length === 0 && !optionalFile) problems.push(`${field}: ${file} is empty`);
      return values;
    } catch (err) {
      if (optionalFile && (err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      problems.push(`${field}: ${file} cannot be read`);
      return [''];
    }
  };
  // API keys are one value per file; only webhook-secret files may hold several lines (a rotation).
  const secret = (ref: SecretRef, field: string): string => {
    const values = secretValues(ref, field);
    if (values.length > 1) problems.push(`${field}: ${fileOf(ref)} holds ${values.length} lines; give one secret`);
    return values[0] ?? '';
  };
  const keySets = new Map<string, KeySet>();
  for (const [name, k] of Object.entries(parsed.data.keySets)) {
    keySets.set(
      name,
      k.development
        ? developmentKeySet(name)
        : { name, clientId: k.clientId!, clientSecret: secret(k.clientSecret!, `keySets.${name}.clientSecret`), subscriptionKey: secret(k.subscriptionKey!, `keySets.${name}.subscriptionKey`), development: false },
    );
  }
  const units = parsed.data.units.map((u, i): SalesUnit => {
    const rules = MARKET_RULES[u.market];
    return {
      name: u.name,
      msn: u.msn,
      market: u.market,
      brand: u.brand ?? rules.brand,
      currency: u.currency ?? rules.currency,
      keySet: keySets.get(u.keys)!,
      webhookSecrets: (u.webhookSecrets ?? []).flatMap((ref, j) => secretValues(ref, `units.${i}.webhookSecrets.${j}`, { optionalFile: true })),
      webhookSecretRefs: (u.webhookSecrets ?? []).map((ref): WebhookSecretRef => (ref.env !== undefined ? { value: env[ref.env] ?? '' } : { file: fileOf(ref) })),
      ...(u.captureDeadlineDays !== undefined && { captureDeadlineDays: u.captureDeadlineDays }),
      ...(u.captureDeadlinePolicy !== undefined && { captureDeadlinePolicy: u.captureDeadlinePolicy }),
      partialCapture: u.partialCapture,
      minimumAmount: u.minimumAmount ?? rules.minimumAmount,
      unprefixedOrderIds: u.unprefixedOrderIds,
    };
  });
  if (problems.length > 0) throw new SalesUnitsError(`${path}:\n  ${problems.join('\n  ')}`);
  return units;
}

/** The units one deployment serves, by name and by MSN. */
export class SalesUnitRegistry {
  private readonly byName = new Map<string, SalesUnit>();
  private readonly byMsnMap = new Map<string, SalesUnit>();

  constructor(readonly units: readonly SalesUnit[]) {
    if (units.length === 0) throw new SalesUnitsError('at least one sales unit is needed');
    for (const u of units) {
      this.byName.set(u.name, u);
      this.byMsnMap.set(u.msn, u);
    }
  }

  get(name: string): SalesUnit | undefined {
    return this.byName.get(name);
  }

  byMsn(msn: string): SalesUnit | undefined {
    return this.byMsnMap.get(msn);
  }

  /** The unit an order that names none belongs to: only a one-unit deployment has one. */
  get implicit(): SalesUnit | undefined {
    return this.units.length === 1 ? this.units[0] : undefined;
  }

  names(): string[] {
    return this.units.map((u) => u.name);
  }
}
