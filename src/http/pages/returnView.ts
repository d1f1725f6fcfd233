import type { LineQuantity, OrderGlance } from '../../orders/orderReads';
import type { OrderStatus, OrderView } from '../../workflows/messages';
import { CONFIRMED_STATUSES, isIn } from '../../workflows/messages/statusGroups';
import { esc, type Refresh } from './html';
import type { PageLanguage } from './i18n/pageLanguage';
import type { NotPaidReason } from './i18n/messages';

/** What the return page shows, from the full view or, without asking the order, from its description. */
export interface Shown {
  orderId: string;
  status: OrderStatus | 'UNKNOWN';
  total?: { value: number; currency: string };
  lines: { name: string; totalAmount: number; quantity?: LineQuantity }[];
  shopReturnUrl?: string;
  paymentState?: string;
  /** Where the customer approves the payment; known from the order's own answer only. */
  paymentUrl?: string;
  /** From the full view only: what Vipps reserved, took and gave back. */
  authorized?: number;
  captured?: number;
  refunded?: number;
}

/** The lines with the quantities the start memo keeps beside them (an order placed before it kept them has none). */
function linesOf(lines: { id: string; name: string; totalAmount: number }[], quantities: Record<string, LineQuantity> | undefined): Shown['lines'] {
  return lines.map((l) => {
    const quantity = quantities?.[l.id];
    return { name: l.name, totalAmount: l.totalAmount, ...(quantity && { quantity }) };
  });
}

export function fromView(view: OrderView, glance?: OrderGlance): Shown {
  return {
    orderId: view.orderId,
    status: view.status,
    total: view.amount,
    lines: linesOf(view.orderLines, glance?.memo?.quantities),
    ...(view.shopReturnUrl && { shopReturnUrl: view.shopReturnUrl }),
    ...(view.payment.state && { paymentState: view.payment.state }),
    ...(view.payment.redirectUrl && { paymentUrl: view.payment.redirectUrl }),
    authorized: view.payment.aggregate.authorized,
    captured: view.payment.aggregate.captured,
    refunded: view.payment.aggregate.refunded,
  };
}

export function fromGlance(glance: OrderGlance): Shown {
  const memo = glance.memo;
  return {
    orderId: glance.orderId,
    status: glance.status,
    ...(memo && { total: memo.amount }),
    lines: linesOf(memo?.lines ?? [], memo?.quantities),
    ...(memo?.shopReturnUrl && { shopReturnUrl: memo.shopReturnUrl }),
  };
}

function notPaidReason(paymentState: string | undefined): NotPaidReason {
  return paymentState === 'ABORTED' || paymentState === 'EXPIRED' || paymentState === 'TERMINATED' ? paymentState : 'NOT_STARTED';
}

/** "2 × Wool socks" with the price of one under it; a single piece is just its name. */
function lineCell(line: Shown['lines'][number], currency: string, lang: PageLanguage): string {
  const q = line.quantity;
  const unit = q?.unit ?? 'PCS';
  if (!q || (q.quantity === '1' && unit === 'PCS')) return esc(line.name);
  const symbol = unit === 'PCS' ? undefined : lang.t.unitSymbol[unit];
  const label = `${lang.quantity(q.quantity)}${symbol ? ` ${symbol}` : ''} × ${line.name}`;
  const each = q.unitPrice !== undefined && currency ? `<div class="muted">${esc(lang.t.unitPrice(lang.amount(q.unitPrice, currency), symbol))}</div>` : '';
  return `${esc(label)}${each}`;
}

export interface RenderContext {
  lang: PageLanguage;
  merchantName: string;
  /** Where "Back to the shop" goes when the order has no page of its own. */
  shopUrl?: string;
  /** The page's own read-only refresh while the payment is pending. */
  pendingRefresh: Refresh;
}

export interface Rendered {
  title: string;
  html: string;
  refresh?: Refresh;
}

export function renderReturnPage(shown: Shown, ctx: RenderContext): Rendered {
  const { lang } = ctx;
  const { t, brand } = lang;
  const currency = shown.total?.currency ?? '';
  const money = (minor: number) => (currency ? lang.amount(minor, currency) : '');
  const total = shown.total ? money(shown.total.value) : '';
  const rows = shown.lines.map((l) => `<tr><td>${lineCell(l, currency, lang)}</td><td class="amount">${esc(money(l.totalAmount))}</td></tr>`).join('');
  const summary = `<table><tr><th>${esc(t.table.item)}</th><th class="amount">${esc(t.table.price)}</th></tr>${rows}<tr class="sum"><td><strong>${esc(t.table.total)}</strong></td><td class="amount total" id="amount">${esc(total)}</td></tr></table>
    <p class="muted">${esc(t.table.order)} <span id="order-id">${esc(shown.orderId)}</span></p>`;
  const backUrl = shown.shopReturnUrl ?? ctx.shopUrl;
  const backLink = (cls: string) => (backUrl ? `<a class="${cls}" id="continue" href="${esc(backUrl)}">${esc(t.backTo(ctx.merchantName))}</a>` : '');
  const back = backUrl ? `<p>${backLink('button')}</p>` : `<p class="muted">${esc(t.closePage)}</p>`;
  const heading = (title: string) => `<h1 id="result" data-status="${esc(shown.status)}">${esc(title)}</h1>`;
  const said = (title: string, text: string, cls = '') => ({ title, html: `${heading(title)}<p${cls ? ` class="${cls}"` : ''}>${esc(text)}</p>${summary}${back}` });

  if (shown.status === 'COMPLETED') {
    const charged = shown.captured !== undefined ? money(shown.captured) : total;
    const refunded = shown.refunded ?? 0;
    const words = refunded > 0 ? t.shipped.withRefund(charged, money(refunded), money((shown.captured ?? 0) - refunded), brand) : t.shipped.text(charged, brand);
    return said(t.shipped.title, words);
  }
  // Needs attention says nothing about the payment: "confirmed" only when it is known to be authorized.
  if (shown.status === 'NEEDS_ATTENTION' && !((shown.authorized ?? 0) > 0)) return said(t.needsAttention.title, t.needsAttention.text, 'notice');
  if (isIn(CONFIRMED_STATUSES, shown.status)) return said(t.confirmed.title, t.confirmed.text(total, brand));
  if (shown.status === 'PENDING_PAYMENT') {
    const open = shown.paymentUrl ? `<a class="button" id="open-payment" href="${esc(shown.paymentUrl)}">${esc(t.pending.openPayment(brand))}</a>` : '';
    const links = [open, backLink(open ? 'button secondary' : 'button')].filter(Boolean).join(' ');
    return {
      title: t.pending.title,
      html: `${heading(t.pending.title)}<p class="notice">${esc(t.pending.text(brand))}</p>${summary}${links ? `<p class="actions">${links}</p>` : ''}`,
      refresh: ctx.pendingRefresh,
    };
  }
  if (shown.status === 'CANCELLED') return said(t.cancelled.title, t.cancelled.text(brand));
  if (shown.status === 'PAYMENT_FAILED') return said(t.notPaid.title, `${t.notPaid.reason(notPaidReason(shown.paymentState), brand)} ${t.notPaid.notCharged}`);
  return { title: t.stateUnknown.title, html: `${heading(t.stateUnknown.title)}<p class="notice">${esc(t.stateUnknown.text)}</p>${summary}`, refresh: { seconds: 10 } };
}
