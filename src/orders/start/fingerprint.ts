import { createHash, createHmac } from 'node:crypto';

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

/**
 * The Update id of a command that carries its own id (a shipment, a refund): the id and a digest
 * of what it asks for. Temporal answers a repeated Update id with the first result before any
 * validator runs, so the same content must share the id (a retry is deduplicated) and other
 * content must not (it reaches the validator, which refuses it with 409). `content` is
 * normalised by the caller (e.g. order line ids sorted). No secret: it holds no personal data.
 */
export function commandUpdateId(kind: 'ship' | 'refund', id: string, content: unknown): string {
  const digest = createHash('sha256').update(canonicalJson(content)).digest('base64url').slice(0, 16);
  return `${kind}:${id}:${digest}`;
}
