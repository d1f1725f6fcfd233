/**
 * The commands an order accepts, as zod schemas: the order client parses them at the edge and the
 * workflow's Update validators parse them again, so a bad command never reaches history.
 *
 * Deliberately small, and built on plain constants rather than the Vipps wire schemas: a worker
 * instantiates every module a workflow imports once per workflow it keeps in memory, so whatever
 * is defined here is paid for by every cached order (see docs/workflow.md, "Memory").
 */
import { z } from 'zod';
import { CURRENCIES, MAX_AMOUNT_MINOR, PAYMENT_EVENT_NAMES, REFERENCE_PATTERN } from '@vipps-orders/vipps/constants';
import { OPERATION_ID_PATTERN } from '@vipps-orders/vipps/keys';

/** The order id is the Vipps `reference`, so it must satisfy the reference pattern. */
export const OrderId = z.string().regex(REFERENCE_PATTERN, 'must match ^[a-zA-Z0-9-]{8,64}$ (it is the Vipps reference)');
/** Shipment and refund ids end up in Idempotency-Keys, hence the narrow alphabet. */
const CommandId = z.string().regex(OPERATION_ID_PATTERN, 'must match ^[a-zA-Z0-9-]{1,64}$');
export const ShipmentId = CommandId;
export const RefundId = CommandId;

/** An amount in minor units (øre, cents) of one of Vipps' currencies. */
export const MoneyAmount = z.object({ currency: z.enum(CURRENCIES), value: z.int().min(0).max(MAX_AMOUNT_MINOR) });

export const ShipRequest = z.strictObject({
  shipmentId: ShipmentId,
  /** The lines in this shipment; none means everything not yet shipped. */
  orderLineIds: z.array(z.string().min(1)).min(1).max(200).optional(),
});
export type ShipRequest = z.infer<typeof ShipRequest>;

export const RefundRequest = z.strictObject({ refundId: RefundId, amount: MoneyAmount });
export type RefundRequest = z.infer<typeof RefundRequest>;

export const CancelRequest = z.strictObject({ reason: z.string().max(200).optional() });
export type CancelRequest = z.infer<typeof CancelRequest>;

/**
 * Alerts an operator ends by acknowledging them: Vipps' captured total never goes down, so an
 * over-capture or a shortfall stays unless someone records it as explained; and a release Vipps
 * refuses for good (6030: the cancel period ended with the capture deadline, after which the
 * reservation lapses at the bank) leaves money that can be neither captured nor released.
 */
export const ACKNOWLEDGEABLE_ALERTS = ['OVER_CAPTURED', 'CAPTURE_MISMATCH', 'EXTERNAL_CHANGE', 'RELEASE_FAILED'] as const;

/** Operator command: record an external or unexplained amount, with why, so the order can settle. */
export const AcknowledgeRequest = z.strictObject({
  alert: z.enum(ACKNOWLEDGEABLE_ALERTS),
  reason: z.string().trim().min(3, 'must say why (at least 3 characters)').max(500),
});
export type AcknowledgeRequest = z.infer<typeof AcknowledgeRequest>;

export const PlaceOrderUpdateArgs = z.object({ requestFingerprint: z.string().min(1) });
export type PlaceOrderUpdateArgs = z.infer<typeof PlaceOrderUpdateArgs>;

/** What the webhook receiver passes on. Only a wake-up or a proof for our own key; the workflow re-reads before acting. */
export const PaymentEventSignal = z.object({
  name: z.enum(PAYMENT_EVENT_NAMES),
  pspReference: z.string(),
  timestamp: z.string(),
  success: z.boolean(),
  amount: MoneyAmount.optional(),
  idempotencyKey: z.string().nullish(),
  /** When the service received the webhook (epoch ms, its clock): the order's clock moves to it (decisionClock.ts). */
  receivedAt: z.number().int().nonnegative().optional(),
});
export type PaymentEventSignal = z.infer<typeof PaymentEventSignal>;
