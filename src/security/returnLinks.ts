import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The customer's return link carries a token: an HMAC of the order id under PAGE_SECRET. Order ids
 * are the shop's (often sequential), so without it anyone could read any order's lines, prices and
 * status, and wake pending orders. Stateless, so every replica and every restart agrees; rotating
 * PAGE_SECRET invalidates the links of orders placed before.
 */
const TOKEN_LENGTH = 32; // base64url characters: 192 bits

export function returnToken(pageSecret: string, orderId: string): string {
  return createHmac('sha256', pageSecret).update(`return-page\0${orderId}`).digest('base64url').slice(0, TOKEN_LENGTH);
}

export function returnTokenMatches(pageSecret: string, orderId: string, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented.length !== TOKEN_LENGTH) return false;
  return timingSafeEqual(Buffer.from(presented), Buffer.from(returnToken(pageSecret, orderId)));
}

/** The page Vipps sends the customer back to: `<publicUrl>/orders/<id>/return?t=<token>`. */
export function returnUrl(publicUrl: string, pageSecret: string, orderId: string): string {
  return `${publicUrl}/orders/${encodeURIComponent(orderId)}/return?t=${returnToken(pageSecret, orderId)}`;
}

/** The same page as a path, for the page's own refresh. */
export function returnPath(pageSecret: string, orderId: string, auto = false): string {
  return `/orders/${encodeURIComponent(orderId)}/return?t=${returnToken(pageSecret, orderId)}${auto ? '&auto=1' : ''}`;
}
