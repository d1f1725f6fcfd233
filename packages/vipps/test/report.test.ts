/**
 * The Report API methods of the client against the emulator over real HTTP (pages of two, so every
 * cursor path runs), and against a tiny server for answers the emulator never gives.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadEmulatorConfig, type RunningEmulator, startEmulator } from '@vipps-orders/vipps-emulator';
import { AccessTokenCache } from '../src/accessToken';
import { VippsClient } from '../src/client';
import { type VippsClientConfig } from '../src/config';
import { emulatorClient, emulatorClientConfig } from './support/emulatorClient';
import { VippsApiError } from '../src/errors';
import { isKnownEntryType, type ReportEntry, type ReportTopic } from '../src/schemas/report';

let emu: RunningEmulator;
let vipps: VippsClient;
let config: VippsClientConfig;
let ledgerId: string;

beforeAll(async () => {
  const defaults = loadEmulatorConfig({}, { port: 0 });
  emu = await startEmulator(
    { ...defaults, host: '127.0.0.1', logLevel: 'silent', reportPageSize: 2, feeFixedMinor: 0, feePercentBasisPoints: 100, ledgerAutoClose: false },
    { additionalMsns: ['223344', '334455'] },
  );
  config = emulatorClientConfig(emu);
  vipps = emulatorClient(config);
  const [ledger] = await vipps.listLedgers({ settlesForRecipientHandle: `api:${config.msn}` });
  ledgerId = ledger?.ledgerId ?? '';
});
afterAll(() => emu?.close());

async function capture(value: number): Promise<string> {
  const reference = `report-${randomUUID().slice(0, 8)}`;
  await vipps.createPayment(
    { reference, amount: { value, currency: 'NOK' }, paymentMethod: { type: 'WALLET' }, userFlow: 'WEB_REDIRECT', returnUrl: 'https://shop.example.com/r' },
    { idempotencyKey: `${reference}.create` },
  );
  await vipps.forceApprove(reference);
  await vipps.capturePayment(reference, { modificationAmount: { value, currency: 'NOK' } }, { idempotencyKey: `${reference}.capture` });
  return reference;
}

async function failure(promise: Promise<unknown>): Promise<VippsApiError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(VippsApiError);
  return err as VippsApiError;
}

async function readFeed(topic: ReportTopic, from?: string): Promise<{ items: ReportEntry[]; cursor: string }> {
  const items: ReportEntry[] = [];
  let cursor = from;
  for (;;) {
    const page = await vipps.getReportFeed(ledgerId, topic, cursor);
    items.push(...page.items);
    cursor = page.cursor;
    if (page.tryLater) return { items, cursor };
  }
}

describe('ledgers', () => {
  it('lists every ledger the keys may read across pages, or the one of a recipient handle', async () => {
    const all = await vipps.listLedgers();
    expect(all.map((l) => l.settlesForRecipientHandles)).toEqual([[`api:${config.msn}`], ['api:223344'], ['api:334455']]);
    expect(all[0]).toMatchObject({ ledgerId, currency: 'NOK', firstPayout: null, lastPayout: null });
    expect(await vipps.listLedgers({ settlesForRecipientHandle: 'api:334455' })).toEqual([all[2]]);
  });
});

describe('the feed', () => {
  it('reads funds and fees page by page, ending on tryLater with a cursor that picks up what comes later', async () => {
    const start = await readFeed('funds');
    const a = await capture(10_000);
    const b = await capture(20_000);
    const c = await capture(30_000);
    const funds = await readFeed('funds', start.cursor);
    expect(funds.items.map((e) => [e.entryType, e.reference, e.amount])).toEqual([
      ['capture', a, 10_000],
      ['capture', b, 20_000],
      ['capture', c, 30_000],
    ]);
    expect((await readFeed('fees')).items.slice(-3).map((e) => e.amount)).toEqual([-100, -200, -300]);
    const again = await vipps.getReportFeed(ledgerId, 'funds', funds.cursor);
    expect(again).toEqual({ items: [], cursor: funds.cursor, tryLater: true });
    expect(funds.items.every((e) => isKnownEntryType(e.entryType))).toBe(true);
  });

  it('a failed page is a retryable VippsApiError and reading it again loses nothing', async () => {
    const { cursor } = await readFeed('funds');
    const reference = await capture(5_000);
    await fetch(`${emu.url}/_emulator/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failNext: [{ operation: 'getReportFeed', status: 503 }] }),
    });
    const err = await failure(vipps.getReportFeed(ledgerId, 'funds', cursor));
    expect({ status: err.status, retryable: err.retryable, operation: err.operation }).toEqual({ status: 503, retryable: true, operation: 'getReportFeed' });
    expect((await vipps.getReportFeed(ledgerId, 'funds', cursor)).items.map((e) => e.reference)).toEqual([reference]);
  });
});

describe('by ledger date', () => {
  it('is not ready while the date is open; once closed, every page of it, ending with the payout', async () => {
    await capture(40_000);
    const open = (await fetch(`${emu.url}/_emulator/ledgers?msn=${config.msn}`).then((r) => r.json())) as { ledgers: { openLedgerDate: string }[] };
    const date = open.ledgers[0]?.openLedgerDate ?? '';
    expect(await vipps.getReportByDate(ledgerId, 'funds', date)).toEqual({ ready: false });

    await fetch(`${emu.url}/_emulator/ledgers/close`, { method: 'POST' });
    const first = await vipps.getReportByDate(ledgerId, 'funds', date);
    expect(first).toMatchObject({ ready: true, cursor: expect.any(String) as unknown });
    const whole = await vipps.readLedgerDate(ledgerId, 'funds', date);
    if (!whole.ready) throw new Error('the closed date should be ready');
    expect(whole.items.at(-1)?.entryType).toBe('scheduled-for-payout');
    expect(whole.items.reduce((sum, e) => sum + e.amount, 0)).toBe(0); // everything of the date paid out
    const ledger = (await vipps.listLedgers({ settlesForRecipientHandle: `api:${config.msn}` }))[0];
    expect(ledger?.firstPayout).toBe(whole.items.at(-1)?.pspReference);
  });

  it('refuses an invalid topic or date before sending anything', async () => {
    const topic = await failure(vipps.getReportByDate(ledgerId, 'payouts' as ReportTopic, '2026-12-01'));
    expect(topic.kind).toBe('invalid-request');
    const date = await failure(vipps.getReportByDate(ledgerId, 'funds', '1 December'));
    expect({ kind: date.kind, fields: date.fieldErrors.map((f) => f.name) }).toEqual({ kind: 'invalid-request', fields: ['(body)'] });
  });
});

describe('answers the emulator never gives', () => {
  let server: http.Server;
  let client: VippsClient;
  let answer: unknown = {};

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/accesstoken/get') return res.end(JSON.stringify({ token_type: 'Bearer', expires_in: '3600', access_token: 'token' }));
      return res.end(JSON.stringify(answer));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    client = new VippsClient({ ...config, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }, { tokenCache: new AccessTokenCache() });
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('a feed page without a cursor is an invalid response, not a restart from the beginning', async () => {
    answer = { items: [], tryLater: true };
    const err = await failure(client.getReportFeed('1', 'funds', 'abc'));
    expect({ kind: err.kind, fields: err.fieldErrors.map((f) => f.name) }).toEqual({ kind: 'invalid-response', fields: ['cursor'] });
  });

  it('a date answered with tryLater is not ready; an entry without an amount is an invalid response naming it', async () => {
    answer = { cursor: '', items: [], tryLater: true };
    expect(await client.getReportByDate('1', 'funds', '2026-12-01')).toEqual({ ready: false });
    answer = { cursor: '', items: [{ pspReference: '1', time: 't', ledgerDate: '2026-12-01', entryType: 'capture', currency: 'NOK', balanceBefore: 0, balanceAfter: 0 }] };
    const err = await failure(client.getReportByDate('1', 'funds', '2026-12-01'));
    expect({ kind: err.kind, fields: err.fieldErrors.map((f) => f.name) }).toEqual({ kind: 'invalid-response', fields: ['items.0.amount'] });
  });

  it('a paged list that keeps handing back the same cursor is an invalid response, not an endless loop', async () => {
    answer = { cursor: 'same', items: [], tryLater: false };
    for (const call of [client.listLedgers(), client.readLedgerDate('1', 'fees', '2026-12-01')]) {
      const err = await failure(call);
      expect({ kind: err.kind, fields: err.fieldErrors.map((f) => f.name) }).toEqual({ kind: 'invalid-response', fields: ['cursor'] });
    }
  });

  it('keeps an entry type the spec does not list yet', async () => {
    answer = { cursor: 'c2', tryLater: false, items: [{ pspReference: '1', time: 't', ledgerDate: '2026-12-01', entryType: 'brand-new', currency: 'NOK', amount: 5, balanceBefore: 0, balanceAfter: 5 }] };
    const page = await client.getReportFeed('1', 'funds');
    expect(page.items.map((e) => [e.entryType, isKnownEntryType(e.entryType)])).toEqual([['brand-new', false]]);
  });
});
