import type { SalesUnit } from '@vipps-orders/vipps/sales-units';
import type { OrderPolicy } from '../../workflows/messages';
import { OrderCommandError } from '../errors';

/** A `salesUnit` the request cannot have: 400 naming the field. */
export function invalidUnit(reason: string): OrderCommandError {
  return new OrderCommandError('invalid_command', `salesUnit: ${reason}`, { issues: [{ field: 'salesUnit', reason }] });
}

/** The unit's own capture rules over the service's (ORDER_CAPTURE_* variables). */
export function policyFor(unit: SalesUnit, base: OrderPolicy): OrderPolicy {
  return {
    ...base,
    ...(unit.captureDeadlineDays !== undefined && { captureDeadlineFallbackMs: unit.captureDeadlineDays * 24 * 3600_000 }),
    ...(unit.captureDeadlinePolicy !== undefined && { captureDeadlinePolicy: unit.captureDeadlinePolicy }),
    ...(!unit.partialCapture && { fullCaptureOnly: true as const }),
  };
}
