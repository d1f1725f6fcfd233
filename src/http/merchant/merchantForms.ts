/**
 * What the merchant pages' forms send, checked here before anything reaches the order: a refund's
 * amount is read as typed (major units, `131.50` or `131,50`) and must fit what can be refunded,
 * so the page can say exactly what was wrong.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { RefundId, ShipmentId } from '../../workflows/messages/commandSchemas';

// The ids come with the form, minted when the page was drawn: a double click sends the same id
// twice, and the order (Temporal's Update id) answers the second with the first one's result.
export const RefundForm = z.object({ amount: z.string().max(40), refundId: RefundId });
export const ShipForm = z.object({ shipmentId: ShipmentId });
export const AcknowledgeForm = z.object({ alert: z.string().max(40), reason: z.string().trim().min(3).max(500) });

/** A fresh id for a form: unguessable is not needed, distinct is. */
export const mintId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

/** The browser's check of the amount field; the server's is `minorUnits`, the same rule. */
export const AMOUNT_PATTERN = '\\s*\\d{1,9}([.,]\\d{1,2})?\\s*';

/**
 * An amount as a person types it, in minor units: `131.50`, `131,50`, `131` (two-decimal
 * currencies: NOK, DKK, EUR). Undefined when it is not one, or is 0. Read from the digits, not
 * through a float, so `0.29` is 29 and never 28.
 */
export function minorUnits(typed: string): number | undefined {
  const m = new RegExp(`^${AMOUNT_PATTERN}$`).test(typed) ? /(\d+)(?:[.,](\d+))?/.exec(typed) : null;
  if (!m) return undefined;
  const value = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return value > 0 ? value : undefined;
}
