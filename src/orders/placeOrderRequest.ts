/**
 * The placing request, parsed by the order client at the edge (never inside a workflow: it needs
 * the Vipps wire schemas for the order lines). `PlaceOrderRequest` is its shape and the rules across
 * fields; `placeOrderRequestFor` adds what depends on the sales unit and what Vipps would refuse only after an order had started.
 * Everything here is checked before a workflow starts, so a bad request is a 400 naming the field,
 * nothing runs, and the order id stays free:
 * - the currency is the sales unit's (VIPPS_CURRENCY), the amount at least Vipps' minimum for it;
 * - `returnUrl` (the shop's page, linked from the customer's return page) is https, or plain http
 *   to this machine only, and a strict URI; an order line's `productUrl` is a strict http(s) URI;
 * - unknown fields are refused, at every level, instead of being dropped silently.
 */
import { z } from 'zod';
import { AbsoluteUri, Amount, isLoopbackHost, MAX_AMOUNT_MINOR, MIN_AMOUNT_MINOR, OrderLine, uriProblem } from '@vipps-orders/vipps/schemas';
import { PhoneNumberError, toMsisdn, type Market } from '@vipps-orders/vipps/sales-units';
import { OrderId } from '../workflows/messages/commandSchemas';
import { formatMoney } from '../workflows/messages/money';

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

export type OrderCurrency = (typeof ORDER_CURRENCIES)[number];
export const OrderCurrency = z.enum(ORDER_CURRENCIES);

const RETURN_URL_MAX = 2000;

/** Why the shop's return URL is refused, or undefined. The customer's browser is sent there. */
export function shopReturnUrlProblem(value: string): string | undefined {
  if (value.length > RETURN_URL_MAX) return `must be at most ${RETURN_URL_MAX} characters`;
  const problem = uriProblem(value);
  if (problem) return problem;
  const url = new URL(value);
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  return url.protocol === 'http:' ? 'must use https:// (plain http:// only for localhost)' : `must be an https:// URL, not ${url.protocol}`;
}

export const ShopReturnUrl = z
  .string()
  .superRefine((value, ctx) => {
    const problem = shopReturnUrlProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .meta({ format: 'uri', description: 'The shop’s page for this order: https (plain http only for localhost), at most 2000 characters' });

/** A link the customer may follow from the receipt: a web page, never `javascript:` or `data:`. */
// zod runs this refinement even when AbsoluteUri's own check has failed, so the value may not parse.
const ProductUrl = AbsoluteUri.refine((value) => !URL.canParse(value) || ['http:', 'https:'].includes(new URL(value).protocol), 'must be an http:// or https:// URL');

const StrictOrderLine = OrderLine.safeExtend({ productUrl: ProductUrl.nullish() }).strict();

/** What the placing request needs to know of its sales unit. */
export interface PlacingRules {
  currency: OrderCurrency;
  /** Named in messages; absent for the unit of VIPPS_* variables. */
  salesUnit?: string;
  /** The unit's own minimum, when above Vipps' for the currency. */
  minimumAmount?: number;
  /** With a market, a local phone number becomes its MSISDN and one of another country is refused. */
  market?: Market;
}

/** The placing request for a sales unit (a currency alone: the unit of VIPPS_CURRENCY). */
export function placeOrderRequestFor(rules: OrderCurrency | PlacingRules) {
  const { currency, salesUnit, minimumAmount, market } = typeof rules === 'string' ? ({ currency: rules } as PlacingRules) : rules;
  const minimum = Math.max(MIN_AMOUNT_MINOR[currency], minimumAmount ?? 0);
  const whose = salesUnit === undefined ? 'this sales unit (VIPPS_CURRENCY)' : `sales unit ${salesUnit}`;
  return requestSchema({
    // Chosen before this schema runs (OrderClient.placeOrder); repeated here it must be this unit.
    salesUnit: (salesUnit === undefined ? z.never({ error: 'this service has one sales unit; leave salesUnit out' }) : z.literal(salesUnit)).optional(),
    currency: z.literal(currency, { error: `must be ${currency}, the currency of ${whose}` }),
    value: z
      .int()
      .min(minimum, `must be at least ${minimum} (${formatMoney({ value: minimum, currency })}, ${minimum > MIN_AMOUNT_MINOR[currency] ? `the minimum of sales unit ${salesUnit}` : 'the Vipps minimum'})`)
      .max(MAX_AMOUNT_MINOR),
    phoneNumber: market === undefined ? PlaceOrderRequest.shape.customer.unwrap().shape.phoneNumber : marketPhone(market),
  }).checked;
}

/**
 * The placing request on a service of several sales units, as the HTTP route checks it before
 * the unit is known: `salesUnit` names one of them; the unit's own rules (its currency, minimum,
 * phone numbers of its market) are checked next, by `placeOrderRequestFor` of that unit.
 */
export function placeOrderRequestForUnits(units: readonly { name: string; currency?: OrderCurrency }[]) {
  const names = units.map((u) => u.name) as [string, ...string[]];
  const currencies = [...new Set(units.map((u) => u.currency ?? 'NOK'))] as [OrderCurrency, ...OrderCurrency[]];
  return requestSchema({
    salesUnit: z.enum(names, { error: `must be one of ${names.join(', ')}` }).meta({ description: 'the sales unit the order belongs to' }),
    currency: z.enum(currencies, { error: `must be the sales unit's currency (${currencies.join(', ')})` }),
    value: z.int().min(1).max(MAX_AMOUNT_MINOR),
    phoneNumber: z.string().min(1).max(30).meta({ description: "the customer's mobile number in the unit's market, international or local" }),
  }).object;
}

function requestSchema(parts: { salesUnit: z.ZodType; currency: z.ZodType<OrderCurrency>; value: z.ZodType<number, number>; phoneNumber: z.ZodType<string> }) {
  const shape = PlaceOrderRequest.shape;
  const object = z.strictObject({
    orderId: shape.orderId,
    salesUnit: parts.salesUnit,
    amount: z.strictObject({ currency: parts.currency, value: parts.value }),
    description: shape.description,
    customer: z.strictObject({ phoneNumber: parts.phoneNumber }).optional(),
    orderLines: z.array(StrictOrderLine).min(1).max(200),
    returnUrl: ShopReturnUrl.optional(),
  });
  // `object` alone keeps salesUnit, for the route of several units to hand on; `checked` drops it.
  return { object, checked: object.transform(({ salesUnit: _unit, ...req }) => req).pipe(checkedAcrossFields) };
}

/** A phone number of the market, as the MSISDN Vipps takes (`+47 912 34 567` → `4791234567`). */
function marketPhone(market: Market) {
  return z.string().max(30).transform((value, ctx) => {
    try {
      return toMsisdn(value, market);
    } catch (err) {
      if (!(err instanceof PhoneNumberError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message });
      return z.NEVER;
    }
  });
}

/**
 * The rules across fields (line totals, duplicate line ids) run after the fields themselves.
 * Typed as taking any currency: zod's `pipe` wants the target's input no wider than what the first
 * stage outputs, and ours is narrower (one currency), which is fine at run time.
 */
const checkedAcrossFields = PlaceOrderRequest as z.ZodType<PlaceOrderRequest, PlaceOrderRequest & { amount: { currency: OrderCurrency } }>;
export type PlaceOrderRequestFor = ReturnType<typeof placeOrderRequestFor>;
