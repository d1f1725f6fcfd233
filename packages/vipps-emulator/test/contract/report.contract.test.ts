import { control, startTestEmulator, type TestEmulator, VippsTestClient } from '../support/emulator';
import { capturedPayment, closeLedgers, ledgerOf, ok } from '../support/settlement';
import { type CheckOptions, ContractSpec, GATEWAY_ERROR_SCHEMA, SPEC_FILES, expectStatus } from './openApiContract';

/** Report API 2.0 (official spec, vippsas/vipps-report-api @ 02404c37): ledgers, feed, dates. */

const GATEWAY_BODY: CheckOptions = {
  fallback: { schema: GATEWAY_ERROR_SCHEMA, mediaType: 'application/json', why: 'getLedgers lists no 401; the gateway answers before the API' },
};
const PROBLEM: CheckOptions = { fallback: { component: 'Problem', mediaType: 'application/problem+json' } };

// The spec gives the two report operations no operationId; the harness names them (MISSING_OPERATION_IDS).
const feedOperation = 'getReportFeed';
const datesOperation = 'getReportByDate';

let spec: ContractSpec;
let emu: TestEmulator;
let vipps: VippsTestClient;
let ledgerId: string;
beforeAll(async () => {
  spec = await ContractSpec.load(SPEC_FILES.report);
  emu = await startTestEmulator({ reportPageSize: 2 });
  vipps = await VippsTestClient.connect(emu);
  ledgerId = (await ledgerOf(emu)).ledgerId;
  // Every funds and fees entry type the emulator makes: capture, refund, fees, dispute, correction, payout.
  const reference = await capturedPayment(vipps, 20_000, [5_000, 15_000]);
  ok(await vipps.refund(reference, 1_000, `${reference}-r`));
  const dispute = ok(await control(emu, 'POST', '/ledgers/disputes', { reference, amount: 2_000 }), 201) as { disputeId: string };
  ok(await control(emu, 'POST', `/ledgers/disputes/${dispute.disputeId}/resolve`, { outcome: 'returned' }));
  ok(await control(emu, 'POST', '/ledgers/corrections', { amount: 55 }), 201);
  await closeLedgers(emu);
});
afterAll(() => emu.close());

describe('getLedgers responses conform to the spec', () => {
  it('200 with the ledgers, filtered by recipient handle, paged by cursor', async () => {
    spec.check('getLedgers', expectStatus(await vipps.call('GET', '/settlement/v1/ledgers'), 200));
    const filtered = expectStatus(await vipps.call('GET', `/settlement/v1/ledgers?settlesForRecipientHandles=api:${emu.config.credentials.msn}`), 200);
    spec.check('getLedgers', filtered);
    expect(filtered.body).toMatchObject({ cursor: '', items: [{ ledgerId, settlesForRecipientHandles: [`api:${emu.config.credentials.msn}`] }] });
  });

  it('401 with the gateway body', async () => {
    spec.check('getLedgers', expectStatus(await vipps.call('GET', '/settlement/v1/ledgers', { headers: { Authorization: 'Bearer bad' } }), 401), GATEWAY_BODY);
  });
});

describe('feed responses conform to the spec', () => {
  it('200 pages of funds and fees with every entry type the emulator makes, to the end', async () => {
    const seen = new Set<string>();
    for (const topic of ['funds', 'fees']) {
      let cursor = '';
      for (;;) {
        const res = expectStatus(await vipps.call('GET', `/report/v2/ledgers/${ledgerId}/${topic}/feed${cursor ? `?cursor=${cursor}` : ''}`), 200);
        spec.check(feedOperation, res);
        const body = res.body as { cursor: string; items: { entryType: string }[]; tryLater: boolean };
        for (const item of body.items) seen.add(item.entryType);
        cursor = body.cursor;
        if (body.tryLater) break;
      }
    }
    expect([...seen].sort()).toEqual(
      ['capture', 'capture-fee', 'correction', 'fees-retained', 'refund', 'retained-disputed-capture', 'returned-disputed-capture', 'scheduled-for-payout'].sort(),
    );
  });

  it('400 as a Problem for an unknown topic, 401 with the gateway body', async () => {
    spec.check(feedOperation, expectStatus(await vipps.call('GET', `/report/v2/ledgers/${ledgerId}/payouts/feed`), 400), PROBLEM);
    spec.check(feedOperation, expectStatus(await vipps.call('GET', `/report/v2/ledgers/${ledgerId}/funds/feed`, { headers: { Authorization: 'Bearer bad' } }), 401));
  });
});

describe('dates responses conform to the spec', () => {
  it('200 for a closed date, 404 without a body for the open one, 400 as a Problem for a bad date', async () => {
    const ledger = await ledgerOf(emu);
    spec.check(datesOperation, expectStatus(await vipps.call('GET', `/report/v2/ledgers/${ledgerId}/funds/dates/${ledger.closedThrough ?? ''}`), 200));
    spec.check(datesOperation, expectStatus(await vipps.call('GET', `/report/v2/ledgers/${ledgerId}/fees/dates/${ledger.closedThrough ?? ''}`), 200));
    spec.check(datesOperation, expectStatus(await vipps.call('GET', `/report/v2/ledgers/${ledgerId}/funds/dates/${ledger.openLedgerDate}`), 404));
    spec.check(datesOperation, expectStatus(await vipps.call('GET', `/report/v2/ledgers/${ledgerId}/funds/dates/2026-13-45`), 400), PROBLEM);
  });

  it('a ledger these keys cannot read is a Problem (403)', async () => {
    spec.check(datesOperation, expectStatus(await vipps.call('GET', '/report/v2/ledgers/999/funds/dates/2026-01-01'), 403), PROBLEM);
  });
});
