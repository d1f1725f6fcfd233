import { createHash } from 'node:crypto';
import { type ApiResponse } from '../http/apiResponse';
import { type OperationName } from '../http/routeConfig';
import { type OnChange } from './changeFeed';

/**
 * Idempotency records per MSN: Vipps scopes keys to the sales unit, across references. A record
 * remembers what the key was first used for (operation, reference, body hash) and the answer
 * that was given, so a retry gets the same bytes and never runs the operation twice.
 */
export interface IdempotencyRecord {
  operation: OperationName;
  reference: string;
  bodyHash: string;
  response: ApiResponse;
}

export type IdempotencyLookup =
  | { kind: 'new' }
  | { kind: 'replay'; response: ApiResponse }
  | { kind: 'conflict'; record: IdempotencyRecord };

/** One record with its scope, as the state file keeps it. */
export interface ScopedIdempotencyRecord {
  msn: string;
  key: string;
  record: IdempotencyRecord;
}

export class IdempotencyStore {
  private readonly byMsn = new Map<string, Map<string, IdempotencyRecord>>();

  constructor(private readonly onChange: OnChange = () => undefined) {}

  lookup(msn: string, key: string, operation: OperationName, reference: string, bodyHash: string): IdempotencyLookup {
    const record = this.byMsn.get(msn)?.get(key);
    if (!record) return { kind: 'new' };
    if (record.operation === operation && record.reference === reference && record.bodyHash === bodyHash) {
      return { kind: 'replay', response: record.response };
    }
    return { kind: 'conflict', record };
  }

  save(msn: string, key: string, record: IdempotencyRecord): void {
    let records = this.byMsn.get(msn);
    if (!records) {
      records = new Map();
      this.byMsn.set(msn, records);
    }
    records.set(key, record);
    this.onChange();
  }

  *all(): Generator<ScopedIdempotencyRecord> {
    for (const [msn, records] of this.byMsn) for (const [key, record] of records) yield { msn, key, record };
  }

  get size(): number {
    let n = 0;
    for (const records of this.byMsn.values()) n += records.size;
    return n;
  }

  clear(): void {
    this.byMsn.clear();
    this.onChange();
  }
}

/** Statuses whose answer is final for the key: successes and client errors other than 429. */
export function isStorableStatus(status: number): boolean {
  return (status >= 200 && status < 300) || (status >= 400 && status < 500 && status !== 429);
}

/** Hash of the parsed body with sorted keys, so key order and whitespace do not count as a change. */
export function hashBody(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url');
}

function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
