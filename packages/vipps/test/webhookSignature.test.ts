import { contentHash, signWebhook, signingTarget, verifyWebhook } from '../src/webhookSignature';

const BODY = '{"msn":"123456","reference":"order-123456","name":"AUTHORIZED"}';
const SECRET = 'my-webhook-secret';
const TARGET = signingTarget('https://shop.example.com:8443/webhooks/vipps?shop=1');
const DATE = new Date('2023-03-30T08:38:32Z');

function headersFor(body = BODY, secret = SECRET, at = DATE) {
  const h = signWebhook({ secret, ...TARGET, body }, at);
  return { 'x-ms-date': h['x-ms-date'], 'x-ms-content-sha256': h['x-ms-content-sha256'], authorization: h.authorization, host: 'internal-proxy:3000' };
}

describe('webhook signatures', () => {
  test('match a vector computed independently with openssl', () => {
    // printf body | openssl dgst -sha256 -binary | base64, and the HMAC with -hmac <secret> over
    // "POST\n/webhooks/vipps?shop=1\nThu, 30 Mar 2023 08:38:32 GMT;shop.example.com:8443;<hash>"
    const headers = signWebhook({ secret: SECRET, ...TARGET, body: BODY }, DATE);
    expect(headers['x-ms-date']).toBe('Thu, 30 Mar 2023 08:38:32 GMT');
    expect(headers['x-ms-content-sha256']).toBe('/G0sOVASUgjZbZcN2oLjX7wHIrmho6acCsHXDi9lBT4=');
    expect(headers.authorization).toBe('HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=V7WyAFOT84uLPXNWu2+t837QUxzLzcX1vfxv3h8n2BE=');
  });

  test('the signing target keeps a non-default port and the query, and drops default ports', () => {
    expect(TARGET).toEqual({ host: 'shop.example.com:8443', pathAndQuery: '/webhooks/vipps?shop=1' });
    expect(signingTarget('https://shop.example.com:443/hook')).toEqual({ host: 'shop.example.com', pathAndQuery: '/hook' });
  });

  test('a correctly signed request verifies, using the registered host rather than the Host header', () => {
    expect(verifyWebhook({ secret: SECRET, ...TARGET, rawBody: Buffer.from(BODY), headers: headersFor(), now: DATE })).toEqual({ ok: true });
  });

  test('a tampered body fails on the content hash', () => {
    const result = verifyWebhook({ secret: SECRET, ...TARGET, rawBody: BODY.replace('AUTHORIZED', 'CAPTURED'), headers: headersFor(), now: DATE });
    expect(result).toEqual({ ok: false, reason: 'content-hash-mismatch' });
  });

  test('a tampered body with a recomputed content hash still fails on the signature', () => {
    const forged = BODY.replace('AUTHORIZED', 'CAPTURED');
    const headers = { ...headersFor(), 'x-ms-content-sha256': contentHash(forged) };
    expect(verifyWebhook({ secret: SECRET, ...TARGET, rawBody: forged, headers, now: DATE })).toEqual({ ok: false, reason: 'signature-mismatch' });
  });

  test('a wrong secret fails', () => {
    expect(verifyWebhook({ secret: 'other-secret', ...TARGET, rawBody: BODY, headers: headersFor(), now: DATE })).toEqual({ ok: false, reason: 'signature-mismatch' });
  });

  test('a request signed for another path or host fails', () => {
    expect(verifyWebhook({ secret: SECRET, ...TARGET, pathAndQuery: '/webhooks/vipps', rawBody: BODY, headers: headersFor(), now: DATE }).ok).toBe(false);
    expect(verifyWebhook({ secret: SECRET, ...TARGET, host: 'shop.example.com', rawBody: BODY, headers: headersFor(), now: DATE }).ok).toBe(false);
  });

  test('dates outside the clock window are stale, inside it are fine', () => {
    const sixMinutes = 6 * 60 * 1000;
    const verify = (now: Date, clockSkewMs?: number) => verifyWebhook({ secret: SECRET, ...TARGET, rawBody: BODY, headers: headersFor(), now, ...(clockSkewMs !== undefined && { clockSkewMs }) });
    expect(verify(new Date(DATE.getTime() + sixMinutes))).toEqual({ ok: false, reason: 'stale-date' });
    expect(verify(new Date(DATE.getTime() - sixMinutes))).toEqual({ ok: false, reason: 'stale-date' });
    expect(verify(new Date(DATE.getTime() + 4 * 60 * 1000))).toEqual({ ok: true });
    expect(verify(new Date(DATE.getTime() + 30_000), 10_000)).toEqual({ ok: false, reason: 'stale-date' });
  });

  test('missing headers, an unparseable date and a malformed Authorization are refused', () => {
    const base = { secret: SECRET, ...TARGET, rawBody: BODY, now: DATE };
    const { authorization: _a, ...noAuth } = headersFor();
    expect(verifyWebhook({ ...base, headers: noAuth })).toEqual({ ok: false, reason: 'missing-headers' });
    expect(verifyWebhook({ ...base, headers: { ...headersFor(), 'x-ms-date': 'yesterday' } })).toEqual({ ok: false, reason: 'bad-date' });
    expect(verifyWebhook({ ...base, headers: { ...headersFor(), authorization: 'Bearer abc' } })).toEqual({ ok: false, reason: 'malformed-authorization' });
  });

  test('X-Vipps-Authorization is accepted when a proxy strips Authorization', () => {
    const { authorization, ...rest } = headersFor();
    expect(verifyWebhook({ secret: SECRET, ...TARGET, rawBody: BODY, headers: { ...rest, 'x-vipps-authorization': authorization }, now: DATE })).toEqual({ ok: true });
  });
});
