import { formatAmount } from '../src/landing/landingPage';
import { httpRequest, startTestEmulator, type TestEmulator, VippsTestClient } from './support/emulator';

let emu: TestEmulator;
let vipps: VippsTestClient;
beforeAll(async () => {
  emu = await startTestEmulator({ merchantName: 'Sokker & <Strømper> "AS"' });
  vipps = await VippsTestClient.connect(emu);
});
afterAll(() => emu.close());

async function newPayment(overrides: Record<string, unknown> = {}): Promise<{ reference: string; token: string; path: string }> {
  const res = await vipps.createPayment(overrides);
  const body = res.body as { reference: string; redirectUrl: string };
  const url = new URL(body.redirectUrl);
  return { reference: body.reference, token: url.searchParams.get('token') ?? '', path: `${url.pathname}${url.search}` };
}

function form(token: string) {
  return { rawBody: new URLSearchParams({ token }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
}

function elementText(html: string, id: string): string | undefined {
  return new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html)?.[1];
}

async function state(reference: string): Promise<string> {
  return ((await vipps.getPayment(reference)).body as { state: string }).state;
}

describe('GET /landing', () => {
  it('renders merchant, amount, description and reference with everything escaped', async () => {
    const { reference, path } = await newPayment({ paymentDescription: '<script>alert("x")</script>', amount: { currency: 'NOK', value: 123_450 } });
    const res = await httpRequest(emu.url, 'GET', path);
    expect(res.status).toBe(200);
    expect(res.mediaType).toBe('text/html');
    expect(res.text).not.toContain('<script>');
    expect(elementText(res.text, 'merchant')).toBe('Sokker &amp; &lt;Strømper&gt; &quot;AS&quot;');
    expect(elementText(res.text, 'description')).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(elementText(res.text, 'amount')).toBe('1\u00a0234,50\u00a0kr');
    expect(elementText(res.text, 'reference')).toBe(reference);
    expect(res.text).toMatch(/<button id="approve"/);
    expect(res.text).toMatch(/<button id="reject"/);
    expect(res.text).toMatch(/<form method="post" action="\/landing\/approve">/);
  });

  it('without sales units keeps the brandless look: English, Approve / Reject, no brand name', async () => {
    const { path } = await newPayment();
    const html = (await httpRequest(emu.url, 'GET', path)).text;
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<title>Pay Sokker &amp; &lt;Strømper&gt; &quot;AS&quot;</title>');
    expect(html).not.toContain('id="brand"');
    expect(elementText(html, 'approve')).toBe('Approve');
    expect(elementText(html, 'reject')).toBe('Reject');
    expect(html).toContain('--accent: #5a2bd7');
  });

  it('loads no external assets (its one link, the favicon, is a data: URL)', async () => {
    const { path } = await newPayment();
    const html = (await httpRequest(emu.url, 'GET', path)).text;
    expect(html).not.toMatch(/<(script|img)\b/i);
    expect(html.match(/<link\b[^>]*>/gi) ?? []).toEqual([expect.stringMatching(/^<link rel="icon" type="image\/svg\+xml" href="data:/)]);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('shows a prefilled phone number masked, never in full', async () => {
    const { path } = await newPayment({ customer: { phoneNumber: '4712345678' } });
    const html = (await httpRequest(emu.url, 'GET', path)).text;
    expect(html).not.toContain('4712345678');
    expect(elementText(html, 'phone')).toBe('47******78');
  });

  it('answers 404 with a page for an unknown token', async () => {
    const res = await httpRequest(emu.url, 'GET', '/landing?token=nope');
    expect(res.status).toBe(404);
    expect(res.mediaType).toBe('text/html');
    expect(res.text).toContain('id="not-found"');
  });

  it('shows the state instead of the buttons once the payment is not CREATED, with a link back', async () => {
    const { reference, path } = await newPayment();
    await vipps.forceApprove(reference);
    const html = (await httpRequest(emu.url, 'GET', path)).text;
    expect(elementText(html, 'state')).toBe('AUTHORIZED');
    expect(html).not.toContain('id="approve"');
    expect(html).toContain('id="return" href="https://shop.example/return?order=1"');
  });
});

describe('POST /landing/approve and /landing/reject', () => {
  it('approve authorizes the payment and redirects 303 to the returnUrl', async () => {
    const { reference, token } = await newPayment({ returnUrl: 'https://shop.example/done?ref=abc' });
    const res = await httpRequest(emu.url, 'POST', '/landing/approve', form(token));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('https://shop.example/done?ref=abc');
    expect(await state(reference)).toBe('AUTHORIZED');
  });

  it('reject aborts the payment and redirects 303 to the returnUrl', async () => {
    const { reference, token } = await newPayment();
    const res = await httpRequest(emu.url, 'POST', '/landing/reject', form(token));
    expect(res.status).toBe(303);
    expect(await state(reference)).toBe('ABORTED');
  });

  it('shows the state (409) when the payment was already decided', async () => {
    const { token } = await newPayment();
    await httpRequest(emu.url, 'POST', '/landing/reject', form(token));
    const res = await httpRequest(emu.url, 'POST', '/landing/approve', form(token));
    expect(res.status).toBe(409);
    expect(elementText(res.text, 'state')).toBe('ABORTED');
  });

  it('shows a "you can close this page" page when there is no returnUrl', async () => {
    const { reference } = await vipps.createPayment({ userFlow: 'QR', returnUrl: undefined }).then((r) => r.body as { reference: string });
    const view = await httpRequest(emu.url, 'GET', `/_emulator/payments/${reference}`);
    const token = (view.body as { landingToken: string }).landingToken;
    const res = await httpRequest(emu.url, 'POST', '/landing/approve', form(token));
    expect(res.status).toBe(200);
    expect(res.text).toContain('id="close"');
    expect(await state(reference)).toBe('AUTHORIZED');
  });

  it('answers 404 for an unknown token', async () => {
    expect((await httpRequest(emu.url, 'POST', '/landing/approve', form('unknown'))).status).toBe(404);
  });
});

describe('formatAmount', () => {
  it.each([
    [{ currency: 'NOK' as const, value: 49_900 }, '499,00\u00a0kr'],
    [{ currency: 'DKK' as const, value: 12_345 }, '123,45\u00a0kr.'],
    [{ currency: 'EUR' as const, value: 100 }, '1,00\u00a0€'],
  ])('formats %o as %s', (amount, expected) => {
    expect(formatAmount(amount)).toBe(expected);
  });
});
