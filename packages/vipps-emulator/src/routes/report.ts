import { type FastifyPluginCallback, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type EmulatorContext } from '../context';
import { apiGuard, finish } from '../http/apiGuard';
import { ApiError, emptyResponse, jsonResponse } from '../http/apiResponse';
import { badRequest } from '../http/requestParsing';
import { reportProblem } from '../problems';
import { decodeCursor, encodeCursor } from '../settlement/reportCursor';
import { type SettlementLedger, type Topic } from '../settlement/settlementLedger';

const API = 'report';
const LedgerQuery = z.object({ settlesForRecipientHandles: z.string().optional(), cursor: z.string().optional() });
const CursorQuery = z.object({ cursor: z.string().optional() });
const BANK_COUNTRY: Record<string, string> = { NOK: 'NO', DKK: 'DK', EUR: 'FI' };

/** The ledger as `GET /settlement/v1/ledgers` lists it; bank account and owner are made up from the MSN. */
export function ledgerView(ledger: SettlementLedger) {
  const country = BANK_COUNTRY[ledger.currency] ?? 'NO';
  return {
    ledgerId: ledger.ledgerId,
    currency: ledger.currency,
    payoutBankAccount: { scheme: `BBAN:${country}`, id: `9${ledger.msn.padStart(10, '0')}` },
    firstPayout: ledger.payouts[0]?.payoutId ?? null,
    lastPayout: ledger.payouts.at(-1)?.payoutId ?? null,
    owner: { scheme: `business:${country}:ORG`, id: ledger.msn.padStart(9, '9').slice(-9) },
    settlesForRecipientHandles: [ledger.recipientHandle],
  };
}

function queryOf<T extends z.ZodType>(schema: T, request: FastifyRequest): z.output<T> {
  const parsed = schema.safeParse(request.query ?? {});
  if (!parsed.success) throw badRequest(API, request, 'query', 'must be plain strings');
  return parsed.data;
}

function position(request: FastifyRequest, cursor: string | undefined, expected: Parameters<typeof decodeCursor>[1]): number {
  const decoded = decodeCursor(cursor, expected);
  if (!decoded.ok) throw badRequest(API, request, 'cursor', decoded.reason);
  return decoded.position;
}

/**
 * Report API 2.0: the ledgers the keys may read, and their funds and fees entries as a feed (the
 * cursor never ends; `tryLater` at the end) or per closed ledger date (404 until it is closed).
 */
export function reportRoutes(ctx: EmulatorContext): FastifyPluginCallback {
  const visible = () => ctx.state.settlement.all().filter((l) => ctx.acceptedMsns.includes(l.msn));
  const params = (request: FastifyRequest): { ledger: SettlementLedger; topic: Topic } => {
    const { ledgerId, topic } = request.params as { ledgerId: string; topic: string };
    if (topic !== 'funds' && topic !== 'fees') throw badRequest(API, request, 'topic', 'must be funds or fees');
    const ledger = visible().find((l) => l.ledgerId === ledgerId);
    if (!ledger) {
      throw new ApiError(reportProblem({ status: 403, title: 'Forbidden', path: request.url, detail: `These API keys have no access to ledger ${ledgerId}` }));
    }
    return { ledger, topic };
  };
  const pageSize = ctx.config.reportPageSize;

  return (app, _opts, done) => {
    app.addHook('preHandler', apiGuard(ctx, { api: API, msnRequired: false, systemHeaderMaxLength: 30 }));

    app.get('/settlement/v1/ledgers', { config: { api: API, operation: 'getLedgers' } }, (request, reply) => {
      const query = queryOf(LedgerQuery, request);
      const handle = query.cursor ? undefined : query.settlesForRecipientHandles;
      const ledgers = visible().filter((l) => handle === undefined || l.recipientHandle === handle);
      const start = position(request, query.cursor, {});
      const items = ledgers.slice(start, start + pageSize);
      const more = start + items.length < ledgers.length;
      const body = { cursor: more ? encodeCursor({ n: start + items.length }) : '', items: items.map(ledgerView) };
      return finish(ctx, request, reply, jsonResponse(200, body));
    });

    app.get('/report/v2/ledgers/:ledgerId/:topic/feed', { config: { api: API, operation: 'getReportFeed' } }, (request, reply) => {
      const { ledger, topic } = params(request);
      const expected = { l: ledger.ledgerId, t: topic };
      const start = position(request, queryOf(CursorQuery, request).cursor, expected);
      const entries = ledger.entries(topic);
      const items = entries.slice(start, start + pageSize);
      const next = start + items.length;
      const body = { cursor: encodeCursor({ ...expected, n: next }), items, tryLater: next >= entries.length };
      return finish(ctx, request, reply, jsonResponse(200, body));
    });

    app.get('/report/v2/ledgers/:ledgerId/:topic/dates/:ledgerDate', { config: { api: API, operation: 'getReportByDate' } }, (request, reply) => {
      const { ledger, topic } = params(request);
      const { ledgerDate } = request.params as { ledgerDate: string };
      if (!/^\d{4}-\d{2}-\d{2}$/.test(ledgerDate) || Number.isNaN(Date.parse(`${ledgerDate}T00:00:00Z`))) {
        throw badRequest(API, request, 'ledgerDate', 'must be a date as yyyy-MM-dd');
      }
      // The spec's answer while a date is still open: 404 without a body, "try again later".
      if (!ledger.isClosed(ledgerDate)) return finish(ctx, request, reply, emptyResponse(404));
      const expected = { l: ledger.ledgerId, t: topic, d: ledgerDate };
      const start = position(request, queryOf(CursorQuery, request).cursor, expected);
      const entries = ledger.entriesOn(topic, ledgerDate);
      const items = entries.slice(start, start + pageSize);
      const next = start + items.length;
      const body = { cursor: next < entries.length ? encodeCursor({ ...expected, n: next }) : '', items, tryLater: false };
      return finish(ctx, request, reply, jsonResponse(200, body));
    });

    done();
  };
}
