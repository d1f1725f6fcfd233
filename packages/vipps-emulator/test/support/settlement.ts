import type { PayoutRecord, ReportEntryRecord } from '../../src/settlement/settlementLedger';
import { control, type HttpResult, type TestEmulator, type VippsTestClient } from './emulator';

/** Reading the emulator's Report API and settlement control endpoints in tests. */

/** What the feed and the control API answer are the emulator's own records, as JSON. */
export type Entry = ReportEntryRecord;
export type Payout = PayoutRecord;

export interface Page {
  cursor: string;
  items: Entry[];
  tryLater?: boolean;
}

export interface ControlLedger {
  ledgerId: string;
  msn: string;
  openLedgerDate: string;
  closedThrough: string | null;
  balances: { funds: number; fees: number };
  payouts: Payout[];
}

export function ok(result: HttpResult, status = 200): unknown {
  if (result.status !== status) throw new Error(`expected HTTP ${status}, got ${result.status}: ${result.text.slice(0, 300)}`);
  return result.body;
}

export async function ledgerOf(emu: TestEmulator, msn = emu.config.credentials.msn): Promise<ControlLedger> {
  const body = ok(await control(emu, 'GET', `/ledgers?msn=${msn}`)) as { ledgers: ControlLedger[] };
  const ledger = body.ledgers[0];
  if (!ledger) throw new Error(`no ledger for ${msn}`);
  return ledger;
}

export async function feedPage(vipps: VippsTestClient, ledgerId: string, topic: 'funds' | 'fees', cursor?: string): Promise<Page> {
  const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
  return ok(await vipps.call('GET', `/report/v2/ledgers/${ledgerId}/${topic}/feed${query}`)) as Page;
}

/** The whole feed from the start, page by page, until `tryLater`. */
export async function wholeFeed(vipps: VippsTestClient, ledgerId: string, topic: 'funds' | 'fees'): Promise<{ items: Entry[]; cursor: string; pages: number }> {
  const items: Entry[] = [];
  let cursor: string | undefined;
  for (let pages = 1; ; pages++) {
    const page = await feedPage(vipps, ledgerId, topic, cursor);
    items.push(...page.items);
    cursor = page.cursor;
    if (page.tryLater) return { items, cursor, pages };
  }
}

/** Creates, approves and captures a payment (in the given parts); returns its reference. */
export async function capturedPayment(vipps: VippsTestClient, authorize: number, captures: number[] = [authorize]): Promise<string> {
  const reference = await vipps.authorizedPayment(authorize);
  for (const [i, value] of captures.entries()) ok(await vipps.capture(reference, value, `${reference}-c${i}`));
  return reference;
}

export function closeLedgers(emu: TestEmulator): Promise<{ payouts: Payout[] }> {
  return control(emu, 'POST', '/ledgers/close').then((r) => ok(r) as { payouts: Payout[] });
}
