/**
 * The request that places an order, parsed by the order client at the edge (never inside a
 * workflow: it needs the Vipps wire schemas for the order lines).
 */
import { z } from 'zod';
import { Amount, OrderLine } from '@vipps-orders/vipps/schemas';
import { OrderId } from '../workflows/commandSchemas';

/** Wallet payments and receipts exist in these currencies only (SEK/USD/GBP are card passthrough). */
export const ORDER_CURRENCIES = ['NOK', 'DKK', 'EUR'] as const;

export const PlaceOrderRequest = z
  .object({
    orderId: OrderId,
    amount: Amount,
    description: z.string().min(3, 'must be 3 to 100 characters').max(100, 'must be 3 to 100 characters'),
    customer: z.object({ phoneNumber: z.string().regex(/^\d{9,15}$/, 'must be an MSISDN of 9 to 15 digits, e.g. 4712345678') }).optional(),
    orderLines: z.array(OrderLine).min(1).max(200),
    returnUrl: z.url().max(2000).optional(),
  })
  .superRefine((order, ctx) => {
    if (!ORDER_CURRENCIES.includes(order.amount.currency as (typeof ORDER_CURRENCIES)[number])) {
      ctx.addIssue({ code: 'custom', path: ['amount', 'currency'], message: `must be one of ${ORDER_CURRENCIES.join(', ')} (wallet payments)` });
    }
    const ids = new Set<string>();
    order.orderLines.forEach((line, i) => {
      if (ids.has(line.id)) ctx.addIssue({ code: 'custom', path: ['orderLines', i, 'id'], message: `duplicate order line id "${line.id}"` });
      ids.add(line.id);
      if (line.isReturn) ctx.addIssue({ code: 'custom', path: ['orderLines', i, 'isReturn'], message: 'a new order cannot contain return lines' });
      if (line.totalAmount !== line.totalAmountExcludingTax + line.totalTaxAmount) {
        ctx.addIssue({ code: 'custom', path: ['orderLines', i, 'totalAmount'], message: 'must equal totalAmountExcludingTax + totalTaxAmount' });
      }
    });
    const sum = order.orderLines.reduce((acc, line) => acc + line.totalAmount, 0);
    if (sum !== order.amount.value) {
      ctx.addIssue({ code: 'custom', path: ['orderLines'], message: `line totals add up to ${sum}, but amount.value is ${order.amount.value}` });
    }
  });
export type PlaceOrderRequest = z.infer<typeof PlaceOrderRequest>;
