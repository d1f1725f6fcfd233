/**
 * After a payout is recorded: one settlement record per order in it (orderSettlementWorkflow.ts),
 * with what reconciliation flags on that order (the service counts them from visibility in
 * `settlement_findings_total{kind,sales_unit}`). Safe to repeat: a record's id is its order and
 * payout, so a retry (a worker killed half-way) starts only the records still missing; the
 * heartbeat lets it resume where the last attempt got to.
 */
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { REFERENCE_PATTERN } from '@vipps-orders/vipps/constants';
import { OrderReader } from '../orders/orderReads';
import type { SalesUnits } from '../salesUnits/unitConfig';
import type { VippsClients } from '../salesUnits/vippsClients';
import { NOTHING_FLAGGED, orderFindings, type OrderFacts } from '../settlement/orderFindings';
import { OrderAlerts, SalesUnitAttribute, VippsReference } from '../workflows/messages/searchAttributes';
import {
  orderSettlementWorkflowId,
  payoutWorkflowId,
  SETTLEMENT_ALERTS,
  type OrderSettlementActivities,
  type OrderSettlementRecord,
  type Payout,
  type PayoutOrderLine,
  unpaidRecordWorkflowId,
} from '../workflows/messages/settlement';
import { toActivityFailure } from './vippsFailures';

export interface OrderSettlementDeps {
  client: Client;
  taskQueue: string;
  vipps: VippsClients;
  units: SalesUnits;
}

const RECORDS_AT_ONCE = 16;

function recordOf(payout: Payout, line: PayoutOrderLine, facts: OrderFacts): OrderSettlementRecord {
  return {
    salesUnit: line.salesUnit,
    reference: line.reference,
    ledgerId: payout.ledgerId,
    payoutId: payout.payoutId,
    ledgerDates: payout.ledgerDates,
    currency: payout.currency,
    captured: line.captured,
    refunded: line.refunded,
    disputed: line.disputed,
    corrected: line.corrected,
    fees: line.fees,
    net: line.net,
    findings: orderFindings(line, payout.currency, facts),
  };
}

export function createOrderSettlementActivities(deps: OrderSettlementDeps): OrderSettlementActivities {
  const readers = new Map<string, OrderReader>();
  const readerFor = (salesUnit: string): OrderReader | undefined => {
    const unit = deps.units.registry.get(salesUnit);
    if (!unit) return undefined;
    let reader = readers.get(salesUnit);
    if (!reader) {
      reader = new OrderReader(deps.client, { unit, named: deps.units.fromFile });
      readers.set(salesUnit, reader);
    }
    return reader;
  };

  async function factsOf(line: PayoutOrderLine, payoutId: string): Promise<OrderFacts> {
    const reader = readerFor(line.salesUnit);
    if (!reader || !REFERENCE_PATTERN.test(line.reference)) return { flaggedBefore: NOTHING_FLAGGED };
    let order: NonNullable<OrderFacts['order']>;
    try {
      const view = await reader.view(line.reference);
      order = {
        ownRefunded: view.refunds.filter((r) => r.status === 'REFUNDED').reduce((sum, r) => sum + r.amount.value, 0),
        ownCaptured: view.shipments.filter((s) => s.status === 'CAPTURED').reduce((sum, s) => sum + s.amount.value, 0),
      };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { flaggedBefore: NOTHING_FLAGGED };
      throw err;
    }
    if (line.refunded <= 0 && line.captured <= 0) return { order, flaggedBefore: NOTHING_FLAGGED };
    let aggregate: { capturedAmount: { value: number }; refundedAmount: { value: number } };
    try {
      aggregate = (await deps.vipps.for(line.salesUnit).getPayment(line.reference)).aggregate;
    } catch (err) {
      throw toActivityFailure(err);
    }
    const vippsCaptured = line.captured > 0 ? aggregate.capturedAmount.value : undefined;
    const vippsRefunded = line.refunded > 0 ? aggregate.refundedAmount.value : undefined;
    // Earlier payouts' records are read only when Vipps shows money the order did not move.
    const outside = (vippsCaptured ?? 0) > order.ownCaptured || (vippsRefunded ?? 0) > order.ownRefunded;
    return { order, vippsCaptured, vippsRefunded, flaggedBefore: outside ? await flaggedOnOtherPayouts(line, payoutId) : NOTHING_FLAGGED };
  }

  /** Outside money flagged on this order's records of other payouts. */
  async function flaggedOnOtherPayouts(line: PayoutOrderLine, payoutId: string): Promise<OrderFacts['flaggedBefore']> {
    const query = `WorkflowType = 'orderSettlementWorkflow' AND ${VippsReference.name} = '${line.reference}' AND ${SalesUnitAttribute.name} = '${line.salesUnit}'`;
    const sum = { ...NOTHING_FLAGGED };
    for await (const execution of deps.client.workflow.list({ query })) {
      const record = execution.memo?.settlement as OrderSettlementRecord | undefined;
      if (!record || record.payoutId === payoutId) continue;
      for (const f of record.findings) if (f.kind === 'portal-refund' || f.kind === 'capture-mismatch') sum[f.kind] += f.amount;
    }
    return sum;
  }

  /** Writes the record unless an earlier attempt did. */
  async function write(record: OrderSettlementRecord, workflowId: string, summary: string): Promise<void> {
    try {
      await deps.client.workflow.start('orderSettlementWorkflow', {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [record],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: [
          { key: SalesUnitAttribute, value: record.salesUnit },
          { key: VippsReference, value: record.reference },
          { key: OrderAlerts, value: [...new Set(record.findings.map((f) => SETTLEMENT_ALERTS[f.kind]))] },
        ],
        memo: { settlement: record },
        staticSummary: summary,
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return;
      throw err;
    }
  }

  return {
    async recordOrderSettlements({ ledgerId, payoutId }) {
      const payout = (await deps.client.workflow.getHandle(payoutWorkflowId(ledgerId, payoutId)).result()) as Payout;
      const ctx = Context.current();
      const from = Number(ctx.info.heartbeatDetails ?? 0) || 0;
      let findings = 0;
      // A few orders at a time: each is a describe, maybe a getPayment, and a start, all waiting on the network.
      for (let i = from; i < payout.orders.length; i += RECORDS_AT_ONCE) {
        const records = await Promise.all(payout.orders.slice(i, i + RECORDS_AT_ONCE).map(async (line) => recordOf(payout, line, await factsOf(line, payoutId))));
        await Promise.all(
          records.map((r) => write(r, orderSettlementWorkflowId(r.salesUnit, r.reference, ledgerId, payoutId), `${r.reference} in payout ${payoutId}: ${r.net} ${r.currency} net${r.findings.length ? `; ${r.findings.map((f) => f.kind).join(', ')}` : ''}`)),
        );
        findings += records.reduce((sum, r) => sum + r.findings.length, 0);
        ctx.heartbeat(Math.min(i + RECORDS_AT_ONCE, payout.orders.length));
      }
      return { orders: payout.orders.length, findings };
    },

    async flagUnpaidCaptures({ ledgerId, ledgerDate, currency, days, captures }) {
      await Promise.all(
        captures.map((c) => {
          const record: OrderSettlementRecord = {
            salesUnit: c.salesUnit,
            reference: c.reference,
            ledgerId,
            ledgerDates: [ledgerDate],
            currency,
            captured: c.captured,
            refunded: 0,
            disputed: 0,
            corrected: 0,
            fees: 0,
            net: 0,
            findings: [{ kind: 'not-paid-out', amount: c.captured, detail: `${(c.captured / 100).toFixed(2)} ${currency} captured on ledger date ${ledgerDate} was in no payout ${days} day(s) after that date` }],
          };
          return write(record, unpaidRecordWorkflowId(c.salesUnit, c.reference, ledgerId, ledgerDate), `${c.reference}: ${c.captured} ${currency} captured on ${ledgerDate}, not paid out after ${days} day(s)`);
        }),
      );
    },
  };
}
