import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The customer's return link carries a token: an HMAC of the order id under PAGE_SECRET. Order ids
 * are the shop's (often sequential), so without it anyone could read any order's lines, prices and
 * status, and wake pending orders. Stateless, so every replica and every restart agrees; rotating
 * PAGE_SECRET invalidates the links of orders placed before.
 */
const TOKEN_LENGTH = 32; // base64url characters: 192 bits

/** With a sales unit (SALES_UNITS_FILE) the token covers it too: the same order id on another unit is another order. */
export function returnToken(pageSecret: string, orderId: string, salesUnit?: string): string {
  const subject = salesUnit === undefined ? `return-page\0${orderId}` : `return-page\0${salesUnit}\0${orderId}`;
  return createHmac('sha256', pageSecret).update(subject).digest('base64url').slice(0, TOKEN_LENGTH);
}

export function returnTokenMatches(pageSecret: string, orderId: string, presented: unknown, salesUnit?: string): boolean {
  if (typeof presented !== 'string' || presented.length !== TOKEN_LENGTH) return false;
  return timingSafeEqual(Buffer.from(presented), Buffer.from(returnToken(pageSecret, orderId, salesUnit)));
}

/** The page Vipps sends the customer back to: `<publicUrl>[/sales-units/<unit>]/orders/<id>/return?t=<token>`. */
export function returnUrl(publicUrl: string, pageSecret: string, orderId: string, salesUnit?: string): string {
  return `${publicUrl}${returnPath(pageSecret, orderId, false, salesUnit)}`;
}

/** The same page as a path, for the page's own refresh. */
export function returnPath(pageSecret: string, orderId: string, auto = false, salesUnit?: string): string {
  const unit = salesUnit === undefined ? '' : `/sales-units/${encodeURIComponent(salesUnit)}`;
  return `${unit}/orders/${encodeURIComponent(orderId)}/return?t=${returnToken(pageSecret, orderId, salesUnit)}${auto ? '&auto=1' : ''}`;
}
