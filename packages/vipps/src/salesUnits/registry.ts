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
  const secret = (ref: SecretRef, field: string): string => {
    if (ref.env !== undefined) {
      const value = env[ref.env];
      if (!value) problems.push(`${field}: environment variable ${ref.env} is not set`);
      return value ?? '';
    }
    const file = isAbsolute(ref.file!) ? ref.file! : resolve(dirname(path), ref.file!);
    try {
      const value = readFile(file).trim();
      if (!value) problems.push(`${field}: ${file} is empty`);
      return value;
    } catch {
      problems.push(`${field}: ${file} cannot be read`);
      return '';
    }
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
      webhookSecrets: (u.webhookSecrets ?? []).map((ref, j) => secret(ref, `units.${i}.webhookSecrets.${j}`)),
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
