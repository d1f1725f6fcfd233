import { credentialHeaders, fetchAccessToken, httpRequest, startTestEmulator, type TestEmulator } from './support/emulator';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator({ tokenTtlSeconds: 3600 });
});
afterAll(() => emu.close());

function decodePayload(token: string): Record<string, unknown> {
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('POST /accesstoken/get', () => {
  it('issues a Bearer JWT with every number as a JSON string and the charset content type', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await httpRequest(emu.url, 'POST', '/accesstoken/get', { headers: credentialHeaders(emu.config) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    const body = res.body as Record<string, unknown>;
    expect(body.token_type).toBe('Bearer');
    for (const field of ['expires_in', 'ext_expires_in', 'expires_on', 'not_before']) {
      expect(typeof body[field]).toBe('string');
      expect(body[field]).toMatch(/^\d+$/);
    }
    expect(body.expires_in).toBe('3600');
    expect(Number(body.not_before)).toBeGreaterThanOrEqual(before);
    expect(Number(body.expires_on) - Number(body.not_before)).toBe(3600);
    expect(body.resource).toMatch(/^[0-9a-f-]{36}$/);
    const token = body.access_token as string;
    expect(token.split('.')).toHaveLength(3);
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as Record<string, unknown>;
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decodePayload(token).exp).toBe(Number(body.expires_on));
  });

  it('never puts the subscription key itself into the token', async () => {
    const token = await fetchAccessToken(emu);
    expect(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()).not.toContain(emu.config.credentials.subscriptionKey);
  });

  it('accepts the configured MSN header', async () => {
    const res = await httpRequest(emu.url, 'POST', '/accesstoken/get', {
      headers: { ...credentialHeaders(emu.config), 'Merchant-Serial-Number': emu.config.credentials.msn },
    });
    expect(res.status).toBe(200);
  });

  it.each([
    ['a wrong client_secret', { client_secret: 'not-the-secret' }],
    ['a wrong client_id', { client_id: '00000000-0000-0000-0000-000000000000' }],
    ['a wrong subscription key', { 'Ocp-Apim-Subscription-Key': 'wrong-key' }],
    ['an MSN of another sales unit', { 'Merchant-Serial-Number': '999999' }],
  ])('answers 401 with an Azure AD style body for %s', async (_what, override) => {
    const res = await httpRequest(emu.url, 'POST', '/accesstoken/get', { headers: { ...credentialHeaders(emu.config), ...override } });
    expect(res.status).toBe(401);
    const body = res.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['correlation_id', 'error', 'error_codes', 'error_description', 'timestamp', 'trace_id']);
    expect(Array.isArray(body.error_codes)).toBe(true);
    expect(body.trace_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(JSON.stringify(body)).not.toContain(emu.config.credentials.clientSecret);
  });

  it.each(['client_id', 'client_secret', 'Ocp-Apim-Subscription-Key'])('answers 401 when the %s header is missing', async (name) => {
    const headers = credentialHeaders(emu.config);
    delete headers[name];
    const res = await httpRequest(emu.url, 'POST', '/accesstoken/get', { headers });
    expect(res.status).toBe(401);
    expect((res.body as { error: string }).error).toBeTruthy();
  });

  it('accepts the empty JSON body that SDKs send with Content-Type application/json', async () => {
    const res = await httpRequest(emu.url, 'POST', '/accesstoken/get', {
      headers: { ...credentialHeaders(emu.config), 'content-type': 'application/json' },
      rawBody: '',
    });
    expect(res.status).toBe(200);
  });
});

describe('API authentication with the token', () => {
  const path = '/epayment/v1/payments/unknown-reference-1';

  async function get(headers: Record<string, string>) {
    return httpRequest(emu.url, 'GET', path, {
      headers: { 'Merchant-Serial-Number': emu.config.credentials.msn, ...headers },
    });
  }

  it('lets a valid token with its subscription key through (404 for the unknown payment, not 401)', async () => {
    const token = await fetchAccessToken(emu);
    const res = await get({ Authorization: `Bearer ${token}`, 'Ocp-Apim-Subscription-Key': emu.config.credentials.subscriptionKey });
    expect(res.status).toBe(404);
  });

  it('answers 401 in the gateway shape when the word Bearer is missing', async () => {
    const token = await fetchAccessToken(emu);
    const res = await get({ Authorization: token, 'Ocp-Apim-Subscription-Key': emu.config.credentials.subscriptionKey });
    expect(res.status).toBe(401);
    expect(res.mediaType).toBe('application/json');
    expect(res.body).toEqual({ statusCode: 401, message: expect.stringContaining('Bearer') as unknown });
  });

  it('answers 401 for a wrong subscription key', async () => {
    const token = await fetchAccessToken(emu);
    const res = await get({ Authorization: `Bearer ${token}`, 'Ocp-Apim-Subscription-Key': 'another-key' });
    expect(res.status).toBe(401);
    expect((res.body as { statusCode: number }).statusCode).toBe(401);
  });

  it('answers 401 for a tampered token', async () => {
    const token = await fetchAccessToken(emu);
    const [h, p] = token.split('.');
    const res = await get({ Authorization: `Bearer ${h}.${p}.AAAA`, 'Ocp-Apim-Subscription-Key': emu.config.credentials.subscriptionKey });
    expect(res.status).toBe(401);
  });

  it('answers 401 for a token from another emulator process (different signing key)', async () => {
    const other = await startTestEmulator();
    try {
      const foreign = await fetchAccessToken(other);
      const res = await get({ Authorization: `Bearer ${foreign}`, 'Ocp-Apim-Subscription-Key': emu.config.credentials.subscriptionKey });
      expect(res.status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('token lifetime', () => {
  it('rejects a token once it has expired', async () => {
    let now = Date.now();
    const short = await startTestEmulator({ tokenTtlSeconds: 60 }, { clock: { now: () => now } });
    try {
      const token = await fetchAccessToken(short);
      const headers = {
        Authorization: `Bearer ${token}`,
        'Ocp-Apim-Subscription-Key': short.config.credentials.subscriptionKey,
        'Merchant-Serial-Number': short.config.credentials.msn,
      };
      expect((await httpRequest(short.url, 'GET', '/epayment/v1/payments/abcdefgh-1', { headers })).status).toBe(404);
      now += 61_000;
      const expired = await httpRequest(short.url, 'GET', '/epayment/v1/payments/abcdefgh-1', { headers });
      expect(expired.status).toBe(401);
      expect((expired.body as { message: string }).message).toContain('expired');
    } finally {
      await short.close();
    }
  });
});
