/**
 * The merchant's payout pages: the payouts recorded by settlement reconciliation (read from
 * closed payout workflows, no worker asked), one payout with the orders it carried and what was
 * flagged on them, and its CSV for the books. Behind the same login as the order pages.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SettlementClient } from '../../../settlement/settlementClient';
import type { Payout, PayoutFinding } from '../../../workflows/messages/settlement';
import { demoPageSchema, esc } from '../../pages/html';
import { toCsv } from '../../settlement/csv';
import { documentOnly } from '../../zodCompilers';
import { amount } from '../merchantFormat';
import { cell, messagePage, scrolling, sendPage, table, topNav } from '../merchantHtml';
import { unitWords, type MerchantUnits } from '../merchantUnits';

export interface PayoutPageOptions {
  settlements: SettlementClient;
  units: MerchantUnits;
  /** The login check of the order pages (merchantAuth.ts). */
  guard: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  logoutForm: (reply: FastifyReply) => string;
}

const FINDING_WORDS: Record<PayoutFinding, string> = {
  disputed: 'Disputed',
  corrected: 'Corrected by Vipps',
  'refund-after-settlement': 'Refund after an earlier payout',
};

const ListQuery = z.object({ unit: z.string().optional().meta({ description: 'only this sales unit’s payouts (with several units)' }) });
const PayoutParams = z.object({ payoutId: z.string().regex(/^\d{1,32}$/).meta({ description: 'the payout id (digits)' }) });
const PAYOUT_ID = /^\d{1,32}$/;

export function payoutPages(app: FastifyInstance, opts: PayoutPageOptions): void {
  const { units } = opts;
  const doc = (summary: string, ...statuses: number[]) => demoPageSchema(summary, statuses);
  const notFound = (reply: FastifyReply) => messagePage(reply, 404, 'Unknown payout', 'No such payout has been recorded.', '<a href="/merchant/payouts">All payouts</a>');
  const load = async (raw: unknown): Promise<Payout | undefined> => (typeof raw === 'string' && PAYOUT_ID.test(raw) ? opts.settlements.getPayout(raw) : undefined);
  // A link that cannot be a payout is a 400 before the login redirect, as for orders.
  const notAPayoutId = async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = (request.params as { payoutId?: unknown }).payoutId;
    if (typeof raw !== 'string' || !PAYOUT_ID.test(raw)) return messagePage(reply, 400, 'Unknown payout', 'Not a payout id (payout ids are digits).', '<a href="/merchant/payouts">All payouts</a>');
  };

  app.get('/merchant/payouts', { schema: { ...doc('Merchant page: payouts (from visibility)', 200, 303, 400), querystring: ListQuery }, validatorCompiler: documentOnly, preHandler: opts.guard }, async (request, reply) => {
    const asked = (request.query as { unit?: unknown }).unit;
    const unit = asked === undefined || asked === '' ? undefined : typeof asked === 'string' && units.get(asked) ? asked : null;
    if (unit === null) return messagePage(reply, 400, 'Unknown sales unit', `unit: not a sales unit of this service (${units.units.map((u) => u.name).join(', ') || 'it names none'}).`, '<a href="/merchant/payouts">All payouts</a>');
    const payouts = await opts.settlements.listPayouts(unit);
    const columns = ['Payout', ...(units.several ? ['Unit'] : []), 'Ledger dates', { head: 'Gross', className: 'num' }, { head: 'Fees', className: 'num' }, { head: 'Net', className: 'num' }];
    const rows = payouts.map((p) => [
      `<td><a href="/merchant/payouts/${esc(p.payoutId)}">${esc(p.payoutId)}</a></td>`,
      ...(units.several ? [cell(p.salesUnit)] : []),
      cell(p.ledgerDates.join(', ')),
      cell(amount(p.gross, p.currency), 'num'),
      cell(amount(p.fees, p.currency), 'num'),
      cell(amount(p.net, p.currency), 'num'),
    ]);
    const filter = units.several
      ? `<form class="filter" method="get" action="/merchant/payouts"><label for="unit">Sales unit</label><select id="unit" name="unit"><option value="">All units</option>${units.units.map((u) => `<option value="${esc(u.name)}"${u.name === unit ? ' selected' : ''}>${esc(unitWords(u))}</option>`).join('')}</select><button class="small secondary" id="filter">Show</button></form>`
      : '';
    return sendPage(
      reply,
      200,
      'Payouts',
      `${topNav(opts.logoutForm(reply), { payouts: true })}<h1>Payouts</h1>${filter}${scrolling(table(columns, rows, `No payouts${unit ? ` in ${unit}` : ''} yet.`).replace('<table>', '<table id="payouts">'))}
      <footer class="muted">Payouts are recorded when settlement reconciliation reads the Report API (on each ledger's schedule, or <code>POST /settlements/sync</code>); the list may lag a second behind.</footer>`,
    );
  });

  app.get('/merchant/payouts/:payoutId', { schema: { ...doc('Merchant page: one payout and the orders it carried', 200, 303, 400, 404), params: PayoutParams }, validatorCompiler: documentOnly, preHandler: [notAPayoutId, opts.guard] }, async (request, reply) => {
    const payout = await load((request.params as { payoutId?: unknown }).payoutId);
    if (!payout) return notFound(reply);
    const money = (minor: number) => amount(minor, payout.currency);
    const columns = ['Order', ...(units.several ? ['Unit'] : []), ...['Captured', 'Refunded', 'Disputed', 'Corrected', 'Fees', 'Net'].map((head) => ({ head, className: 'num' })), 'Findings'];
    const rows = payout.orders.map((o) => {
      const unit = units.several ? o.salesUnit : undefined;
      return [
        `<td class="order-id"><a href="${esc(units.orderPath(o.reference, unit))}">${esc(o.reference)}</a></td>`,
        ...(units.several ? [cell(o.salesUnit)] : []),
        ...[o.captured, o.refunded, o.disputed, o.corrected, o.fees, o.net].map((v) => cell(money(v), 'num')),
        `<td data-findings="${esc(o.findings.join(' '))}">${esc(o.findings.map((f) => FINDING_WORDS[f] ?? f).join(', '))}</td>`,
      ];
    });
    const summary = `<dl class="facts"><dt>Ledger</dt><dd>${esc(payout.ledgerId)}${units.several ? ` (${esc(payout.salesUnit)})` : ''}</dd><dt>Ledger dates</dt><dd>${esc(payout.ledgerDates.join(', '))}</dd>
      <dt>Gross</dt><dd id="gross">${esc(money(payout.gross))}</dd><dt>Fees</dt><dd id="fees">${esc(money(payout.fees))}</dd><dt>Net paid out</dt><dd id="net">${esc(money(payout.net))}</dd></dl>`;
    return sendPage(
      reply,
      200,
      `Payout ${payout.payoutId}`,
      `${topNav(opts.logoutForm(reply), { payouts: true })}<h1>Payout ${esc(payout.payoutId)}</h1>${summary}
      <p><a id="csv" href="/merchant/payouts/${esc(payout.payoutId)}/csv">Download as CSV</a> · <a href="/merchant/payouts">All payouts</a></p>
      ${scrolling(table(columns, rows, 'No orders in this payout.').replace('<table>', '<table id="payout-orders">'))}
      <footer class="muted">Amounts are this payout's part of each order. A refund of an order whose capture an earlier payout carried is taken from this one. An order's page shows every payout that carried its money.</footer>`,
    );
  });

  const csvDoc = doc('Merchant page: one payout as CSV, one row per order (the same columns as GET /settlements/payouts/{payoutId} with Accept: text/csv)', 200, 303, 400, 404);
  const csvSchema = { ...csvDoc, response: { ...csvDoc.response, 200: { description: 'the payout as CSV', content: { 'text/csv': { schema: z.string() } } } } };
  app.get('/merchant/payouts/:payoutId/csv', { schema: { ...csvSchema, params: PayoutParams }, validatorCompiler: documentOnly, preHandler: [notAPayoutId, opts.guard] }, async (request, reply) => {
    const payout = await load((request.params as { payoutId?: unknown }).payoutId);
    if (!payout) return notFound(reply);
    const rows = payout.orders.map((o) => ({ payoutId: payout.payoutId, salesUnit: o.salesUnit, orderId: o.reference, currency: payout.currency, captured: o.captured, refunded: o.refunded, disputed: o.disputed, corrected: o.corrected, gross: o.gross, fees: o.fees, net: o.net, findings: o.findings.join(' ') }));
    const columns = ['payoutId', 'salesUnit', 'orderId', 'currency', 'captured', 'refunded', 'disputed', 'corrected', 'gross', 'fees', 'net', 'findings'];
    return reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="payout-${payout.payoutId}.csv"`).send(toCsv(columns, rows));
  });
}
