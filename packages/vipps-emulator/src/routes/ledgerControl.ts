import { type FastifyPluginCallback, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { describeIssues, Msn, Reference } from '@vipps-orders/vipps/schemas';
import { type EmulatorContext } from '../context';
import { ApiError, jsonResponse, sendApiResponse } from '../http/apiResponse';
import { controlError } from '../problems';
import { basisPointsToPercent, percentToBasisPoints } from '../settlement/fees';
import { payoutDetail } from '../settlement/payoutDetail';
import { type BookResult } from '../settlement/settlementBook';
import { type SettlementLedger } from '../settlement/settlementLedger';
import { ledgerView } from './report';

/**
 * Control switches of the emulator's settlement ledgers (under /_emulator/ledgers, no auth): see
 * them, close the current ledger date now (`POST /_emulator/ledgers/close`, a contract other tools
 * rely on), set a sales unit's fees, and make what only the business side sees happen: a dispute
 * (retained, then returned or lost) and a correction. Portal refunds are a payment action
 * (`POST /_emulator/payments/:reference/portal-refund`).
 */

const Amount = z.int().min(1).max(2_000_000_000);
const FeesBody = z.strictObject({
  msn: Msn.optional(),
  fixedMinor: z.int().min(0).max(100_000),
  percent: z.union([z.number(), z.string()]).transform((v, c) => {
    try {
      return percentToBasisPoints(String(v));
    } catch {
      c.addIssue({ code: 'custom', message: 'must be a percentage such as 1.75 (at most two decimals, below 100)' });
      return z.NEVER;
    }
  }),
});
const DisputeBody = z.strictObject({ msn: Msn.optional(), reference: Reference, amount: Amount.optional() });
const ResolveBody = z.strictObject({ outcome: z.enum(['returned', 'lost']) });
const CorrectionBody = z.strictObject({
  msn: Msn.optional(),
  amount: z.int().min(-2_000_000_000).max(2_000_000_000).refine((v) => v !== 0, 'must not be 0'),
  reference: z.string().min(1).max(100).optional(),
});
const MsnQuery = z.strictObject({ msn: Msn.optional() });

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const fields = describeIssues(result.error);
  throw new ApiError(controlError(400, fields.map((f) => `${f.name}: ${f.reason}`).join('; '), fields));
}

export function ledgerControlRoutes(ctx: EmulatorContext): FastifyPluginCallback {
  const book = ctx.state.settlement;
  const cfg = { config: { api: 'control' } } as const;
  const msnOf = (msn: string | undefined): string => {
    const chosen = msn ?? ctx.config.credentials.msn;
    if (!ctx.acceptedMsns.includes(chosen)) throw new ApiError(controlError(404, `No ledger for MSN ${chosen}`));
    return chosen;
  };
  const view = (ledger: SettlementLedger) => {
    const fee = book.feeRule(ledger.msn);
    return {
      ...ledgerView(ledger),
      msn: ledger.msn,
      openLedgerDate: ledger.openDate(book.calendar.dateOf(ctx.clock.now())),
      closedThrough: ledger.closedThrough,
      balances: { funds: ledger.balance('funds'), fees: ledger.balance('fees') },
      fee: { fixedMinor: fee.fixedMinor, percent: basisPointsToPercent(fee.percentBasisPoints) },
      payouts: ledger.payouts,
    };
  };
  const answer = <T>(reply: FastifyReply, result: BookResult<T>, status = 200) =>
    sendApiResponse(reply, result.ok ? jsonResponse(status, result.value) : controlError(result.status, result.detail));

  return (app, _opts, done) => {
    app.get('/_emulator/ledgers', cfg, (request: FastifyRequest, reply) => {
      const { msn } = parse(MsnQuery, request.query);
      const ledgers = book.all().filter((l) => msn === undefined || l.msn === msn);
      return sendApiResponse(reply, jsonResponse(200, { ledgers: ledgers.map(view), disputes: book.listDisputes(msn) }));
    });

    app.post('/_emulator/ledgers/close', cfg, (_request, reply) => {
      const payouts = book.closeNow();
      return sendApiResponse(reply, jsonResponse(200, { payouts, ledgers: book.all().map(view) }));
    });

    app.get('/_emulator/ledgers/payouts/:payoutId', cfg, (request, reply) => {
      const { payoutId } = request.params as { payoutId: string };
      for (const ledger of book.all()) {
        const payout = ledger.payouts.find((p) => p.payoutId === payoutId);
        if (payout) return sendApiResponse(reply, jsonResponse(200, payoutDetail(ledger, payout)));
      }
      return sendApiResponse(reply, controlError(404, `No payout ${payoutId}`));
    });

    app.put('/_emulator/ledgers/fees', cfg, (request, reply) => {
      const body = parse(FeesBody, request.body);
      const msn = msnOf(body.msn);
      book.setFeeRule(msn, { fixedMinor: body.fixedMinor, percentBasisPoints: body.percent });
      const ledger = book.byMsn(msn);
      return sendApiResponse(reply, ledger ? jsonResponse(200, view(ledger)) : controlError(404, `No ledger for MSN ${msn}`));
    });

    app.post('/_emulator/ledgers/disputes', cfg, (request, reply) => {
      const body = parse(DisputeBody, request.body);
      return answer(reply, book.openDispute(msnOf(body.msn), body.reference, body.amount), 201);
    });

    app.post('/_emulator/ledgers/disputes/:disputeId/resolve', cfg, (request, reply) => {
      const { disputeId } = request.params as { disputeId: string };
      const { outcome } = parse(ResolveBody, request.body);
      return answer(reply, book.resolveDispute(disputeId, outcome === 'returned'));
    });

    app.post('/_emulator/ledgers/corrections', cfg, (request, reply) => {
      const body = parse(CorrectionBody, request.body);
      return answer(reply, book.addCorrection(msnOf(body.msn), body.amount, body.reference), 201);
    });

    done();
  };
}
