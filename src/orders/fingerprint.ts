import { createHmac } from 'node:crypto';

/** JSON with object keys sorted, so equal requests serialize equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Identifies the content of a placing request, so a repeated POST joins the existing order and a
 * different one for the same id is refused. Keyed (HMAC), because the request holds a phone number
 * and a bare hash of a phone number is easy to reverse.
 */
export function requestFingerprint(secret: string, request: unknown): string {
  return createHmac('sha256', secret).update(canonicalJson(request)).digest('base64url');
}
