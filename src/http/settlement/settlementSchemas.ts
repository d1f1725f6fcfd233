/** The settlement API's requests and answers; they also make its part of the OpenAPI document. */
import { z } from 'zod';
import { PAYOUT_FINDINGS } from '../../workflows/messages/settlement';
import { errorResponses, json } from '../schemas/orderApi';

const Minor = z.int().meta({ description: 'minor units (øre, cents)' });

export const PayoutListItem = z
  .object({
    payoutId: z.string(),
    ledgerId: z.string(),
    salesUnit: z.string(),
    ledgerDate: z.string().meta({ description: 'the last ledger date the payout carries (YYYY-MM-DD)' }),
    ledgerDates: z.array(z.string()).meta({ description: 'every ledger date it carries, oldest first' }),
    currency: z.string(),
    gross: Minor.meta({ description: 'captures − refunds ± disputes ± corrections' }),
    fees: Minor,
    net: Minor.meta({ description: 'gross − fees: what goes to the bank account' }),
  })
  .meta({ id: 'PayoutListItem' });

export const PayoutOrder = z
  .object({
    salesUnit: z.string(),
    orderId: z.string().meta({ description: 'the order id, which is its Vipps reference (a correction has its own reference here)' }),
    captured: Minor,
    refunded: Minor.meta({ description: 'positive: money given back' }),
    disputed: Minor,
    corrected: Minor,
    gross: Minor,
    fees: Minor,
    net: Minor,
    findings: z.array(z.enum(PAYOUT_FINDINGS)).meta({ description: 'disputed, corrected, or refund-after-settlement (a refund in a payout that carries no capture of the order)' }),
  })
  .meta({ id: 'PayoutOrder' });

export const PayoutDetail = PayoutListItem.extend({ scheduledAmount: Minor.meta({ description: 'what the ledger scheduled for payout; equals net' }), orders: z.array(PayoutOrder) }).meta({ id: 'PayoutDetail' });

export const SyncAnswer = z
  .object({
    ledgers: z.array(z.object({ ledgerId: z.string(), caughtUp: z.boolean(), payoutIds: z.array(z.string()), reason: z.string().optional(), continued: z.boolean().optional() })),
  })
  .meta({ id: 'SettlementSync' });

const security = [{ orderApiKey: [] }];
const tags = ['Settlements'];
const COMMON = { 400: ['invalid_command', 'invalid_request'], 401: ['unauthorized'], 414: ['invalid_request'], 500: ['internal_error'], 503: ['temporal_unavailable', 'still_processing'] } as const;
const csvOrJson = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema }, 'text/csv': { schema: z.string() } } });

export function settlementApiSchemas(unitNames: readonly [string, ...string[]]) {
  return {
    sync: {
      operationId: 'syncSettlements',
      summary: 'Read every ledger’s Report API feeds now; answers when they are caught up',
      description: 'Idempotent: reading the same feed again changes nothing. `caughtUp: false` with a reason when a ledger could not be read now.',
      tags,
      security,
      response: { 200: json(SyncAnswer, 'each ledger, caught up or why not'), ...errorResponses({ 422: ['vipps_rejected'], ...COMMON }) },
    },
    listPayouts: {
      operationId: 'listPayouts',
      summary: 'The payouts recorded so far, newest first (JSON, or CSV with Accept: text/csv)',
      tags,
      security,
      querystring: z.object({ salesUnit: z.enum(unitNames).optional().meta({ description: 'only this sales unit’s payouts' }) }),
      response: { 200: csvOrJson(z.object({ payouts: z.array(PayoutListItem) }), 'the payouts'), ...errorResponses(COMMON) },
    },
    getPayout: {
      operationId: 'getPayout',
      summary: 'One payout and the orders whose money it carries (JSON, or CSV with Accept: text/csv: one row per order)',
      tags,
      security,
      params: z.object({ payoutId: z.string().regex(/^[0-9]{1,20}$/, 'must be a payout id (digits)') }),
      response: { 200: csvOrJson(PayoutDetail, 'the payout'), ...errorResponses({ ...COMMON, 404: ['payout_not_found', 'not_found'] }) },
    },
  };
}
