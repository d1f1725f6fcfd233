import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { control, startTestEmulator, type TestEmulator, VippsTestClient } from './support/emulator';
import { capturedPayment, closeLedgers, feedPage, ledgerOf, ok, wholeFeed } from './support/settlement';

/** The settlement ledgers survive a restart on the same state file, and are rebuilt for a file that has none. */

let dir: string;
let stateFile: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'emulator-settlement-'));
  stateFile = path.join(dir, 'state.json');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const start = () => startTestEmulator({ stateFile, reportPageSize: 2, ledgerAutoClose: false });

async function withEmulator<T>(run: (emu: TestEmulator, vipps: VippsTestClient, ledgerId: string) => Promise<T>): Promise<T> {
  const emu = await start();
  try {
    return await run(emu, await VippsTestClient.connect(emu), (await ledgerOf(emu)).ledgerId);
  } finally {
    await emu.close();
  }
}

describe('settlement ledgers in the state file', () => {
  it('entries, payouts, disputes and cursors are the same after a restart, and later movements are taken over once', async () => {
    const before = await withEmulator(async (emu, vipps, ledgerId) => {
      const reference = await capturedPayment(vipps, 10_000);
      ok(await control(emu, 'POST', '/ledgers/disputes', { reference, amount: 1_000 }), 201);
      await closeLedgers(emu);
      await capturedPayment(vipps, 3_000);
      const feed = await wholeFeed(vipps, ledgerId, 'funds');
      return { feed, ledger: await ledgerOf(emu), disputes: (ok(await control(emu, 'GET', '/ledgers')) as { disputes: unknown[] }).disputes };
    });
    expect(before.feed.items.map((e) => e.entryType)).toEqual(['capture', 'retained-disputed-capture', 'fees-retained', 'scheduled-for-payout', 'capture']);

    await withEmulator(async (emu, vipps, ledgerId) => {
      expect((await wholeFeed(vipps, ledgerId, 'funds')).items).toEqual(before.feed.items);
      expect(await ledgerOf(emu)).toEqual(before.ledger);
      expect((ok(await control(emu, 'GET', '/ledgers')) as { disputes: unknown[] }).disputes).toEqual(before.disputes);
      await capturedPayment(vipps, 4_000);
      const page = await feedPage(vipps, ledgerId, 'funds', before.feed.cursor);
      expect(page.items.map((e) => [e.entryType, e.amount])).toEqual([['capture', 4_000]]);
      const { payouts } = await closeLedgers(emu);
      expect(payouts.find((p) => p.ledgerId === ledgerId)?.payoutId).toBe(String(Number(before.ledger.payouts[0]?.payoutId) + 1));
    });
  });

  it('a state file saved before settlement ledgers existed gets them rebuilt from its money movements', async () => {
    const reference = await withEmulator(async (_emu, vipps) => capturedPayment(vipps, 10_000));
    const saved = JSON.parse(await readFile(stateFile, 'utf8')) as Record<string, unknown>;
    delete saved.settlement;
    await writeFile(stateFile, JSON.stringify(saved));
    await withEmulator(async (_emu, vipps, ledgerId) => {
      const funds = (await wholeFeed(vipps, ledgerId, 'funds')).items;
      expect(funds.map((e) => [e.entryType, e.reference, e.amount])).toEqual([['capture', reference, 10_000]]);
    });
  });

  it('refuses a file whose settlement ledgers are ahead of its money movements', async () => {
    await withEmulator(async (_emu, vipps) => capturedPayment(vipps, 10_000));
    const saved = JSON.parse(await readFile(stateFile, 'utf8')) as { settlement: { appliedMovements: number } };
    saved.settlement.appliedMovements = 99;
    await writeFile(stateFile, JSON.stringify(saved));
    await expect(start()).rejects.toThrow(/settlement ledgers are ahead/);
  });
});
