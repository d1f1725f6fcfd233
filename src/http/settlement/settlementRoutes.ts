import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { VippsApiError } from '@vipps-orders/vipps';
import type { SettlementClient } from '../../settlement/settlementClient';
import type { Payout, PayoutSummary } from '../../workflows/messages/settlement';
import { apiKeyGuard } from '../apiKeyAuth';
import { settlementApiSchemas } from './settlementSchemas';
import { toCsv } from './csv';

export interface SettlementRouteOptions {
  settlements: SettlementClient;
  apiKey: string;
  unitNames: readonly [string, ...string[]];
}

function listItem(p: PayoutSummary) {
  return { payoutId: p.payoutId, ledgerId: p.ledgerId, salesUnit: p.salesUnit, ledgerDate: p.ledgerDates.at(-1) ?? '', ledgerDates: p.ledgerDates, currency: p.currency, gross: p.gross, fees: p.fees, net: p.net };
}

function detail(p: Payout) {
  const orders = p.orders.map((o) => ({ salesUnit: o.salesUnit, orderId: o.reference, captured: o.captured, refunded: o.refunded, disputed: o.disputed, corrected: o.corrected, gross: o.gross, fees: o.fees, net: o.net, findings: o.findings ?? [] }));
  return { ...listItem(p), scheduledAmount: p.scheduledAmount, orders };
}

/** CSV only when asked for first: a client that accepts anything gets JSON. (Error answers are outside the typed 200 body, hence the plain reply.) */
function wantsCsv(request: FastifyRequest): boolean {
  return /^\s*text\/csv/i.test(request.headers.accept ?? '');
}

function sendCsv(reply: FastifyReply, name: string, rows: Record<string, string | number>[], columns: string[]): FastifyReply {
  return reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${name}.csv"`).send(toCsv(columns, rows));
}

/**
 * The settlement API for finance and operators (the order API's bearer key): a sync now, the
 * payouts, and the orders in one payout.
 */
export default function settlementRoutes(parent: FastifyInstance, opts: SettlementRouteOptions): void {
  const app = parent.withTypeProvider<ZodTypeProvider>();
  const schemas = settlementApiSchemas(opts.unitNames);
  app.addHook('onRequest', apiKeyGuard(opts.apiKey));

  app.post('/settlements/sync', { schema: schemas.sync }, async (_request, reply) => {
    try {
      return { ledgers: await opts.settlements.syncAll() };
    } catch (err) {
      // The ledger lookup (listLedgers) is the only Vipps call made here.
      if (err instanceof VippsApiError) return (reply as FastifyReply).code(422).send({ error: 'vipps_rejected', message: `the Report API's ledgers could not be read: ${err.message}` });
      throw err;
    }
  });

  app.get('/settlements/payouts', { schema: schemas.listPayouts }, async (request, reply) => {
    const payouts = (await opts.settlements.listPayouts(request.query.salesUnit)).map(listItem);
    if (!wantsCsv(request)) return { payouts };
    return sendCsv(reply, 'payouts', payouts.map((p) => ({ ...p, ledgerDates: p.ledgerDates.join(' ') })), ['payoutId', 'ledgerId', 'salesUnit', 'ledgerDate', 'currency', 'gross', 'fees', 'net']);
  });

  app.get('/settlements/payouts/:payoutId', { schema: schemas.getPayout }, async (request, reply) => {
    const payout = await opts.settlements.getPayout(request.params.payoutId);
    if (!payout) return (reply as FastifyReply).code(404).send({ error: 'payout_not_found', message: `payoutId: no payout ${request.params.payoutId} has been recorded` });
    const body = detail(payout);
    if (!wantsCsv(request)) return body;
    const rows = body.orders.map((o) => ({ payoutId: body.payoutId, currency: body.currency, ...o, findings: o.findings.join(' ') }));
    return sendCsv(reply, `payout-${body.payoutId}`, rows, ['payoutId', 'salesUnit', 'orderId', 'currency', 'captured', 'refunded', 'disputed', 'corrected', 'gross', 'fees', 'net', 'findings']);
  });
}
