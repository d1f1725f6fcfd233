/** One order as a merchant reads it: summary, what can be done now, lines, money movements, timeline. */
import { ACKNOWLEDGEABLE_ALERTS, type OrderView } from '../../workflows/messages';
import { esc } from '../pages/html';
import { AMOUNT_PATTERN, mintId } from './merchantForms';
import { amount, timeTag } from './merchantFormat';
import { cell, hidden, scrolling, statusBadge, table, topNav } from './merchantHtml';
import { noticeHtml, type Notice } from './merchantNotices';
import { readableEntry, stepWords, timelineRows } from './merchantTimeline';
import { actionsFor, ALERT_LABELS, ALERT_WORDS, paymentWords, REFUND_WORDS, SHIPMENT_WORDS } from './merchantView';
import type { SettlementFinding } from '../../workflows/messages/settlement';

export interface OrderPageContext {
  /** The order's page (`/merchant/orders/x`, or under its unit); the forms post to `<path>/<action>`. */
  path: string;
  /** The session's CSRF field, the same in every form of the page. */
  csrfField: string;
  /** `dk · MobilePay, DKK` when the service has several units. */
  unitWords?: string;
  temporalLink?: string;
  notice?: Notice;
  /** The logout button (it carries the CSRF field too). */
  logoutForm: string;
}

export interface ButtonOptions {
  fields?: string;
  secondary?: boolean;
  /** Small in a list row, full size on the order's page. */
  small?: boolean;
}

/** One button in a form of its own, posting to the order's `action`. */
/** Settlement findings as a merchant reads them (docs/operations.md, "Settlement findings"). */
const FINDING_WORDS: Record<SettlementFinding, string> = {
  'capture-mismatch': 'Captured outside this order',
  'portal-refund': 'Refunded outside this order',
  disputed: 'Disputed',
  corrected: 'Corrected by Vipps',
  'unknown-order': 'Not an order of this shop',
  'not-paid-out': 'Not paid out',
};

export function actionForm(path: string, csrfField: string, action: string, label: string, opts: ButtonOptions = {}): string {
  const classes = [opts.small && 'small', opts.secondary && 'secondary'].filter(Boolean).join(' ');
  return `<form class="inline" method="post" action="${esc(`${path}/${action}`)}">${csrfField}${opts.fields ?? ''}<button${classes ? ` class="${classes}"` : ''} data-action="${action}">${esc(label)}</button></form>`;
}

function refundForm(view: OrderView, ctx: OrderPageContext, refundable: number): string {
  const c = view.amount.currency;
  return `<form method="post" action="${esc(`${ctx.path}/refund`)}" class="refund">${ctx.csrfField}${hidden('refundId', mintId('refund'))}
      <div class="field"><label for="refund-amount">Amount to refund (${esc(c)})</label>
        <div class="row"><input id="refund-amount" name="amount" class="amount-input" inputmode="decimal" autocomplete="off" required pattern="${esc(AMOUNT_PATTERN)}" aria-describedby="refund-hint">
        <button class="secondary" data-action="refund">Refund</button></div>
        <span class="hint" id="refund-hint">Up to ${esc(amount(refundable, c))} can be refunded. Write it like 49.50.</span></div></form>`;
}

function acknowledgeForms(view: OrderView, ctx: OrderPageContext): string[] {
  if (view.settled) return [];
  return view.alerts
    .filter((x) => (ACKNOWLEDGEABLE_ALERTS as readonly string[]).includes(x))
    .map(
      (x) => `<form method="post" action="${esc(`${ctx.path}/acknowledge`)}">${ctx.csrfField}${hidden('alert', x)}
        <div class="field"><label for="reason-${esc(x)}">Why is “${esc(ALERT_LABELS[x])}” fine?</label>
          <div class="row"><input id="reason-${esc(x)}" name="reason" required minlength="3" maxlength="500" placeholder="e.g. refunded by support" style="width:18rem">
          <button class="secondary" data-action="acknowledge">Acknowledge</button></div></div></form>`,
    );
}

function actionsPanel(view: OrderView, ctx: OrderPageContext): string {
  const can = actionsFor(view);
  const button = (action: string, label: string, opts?: ButtonOptions) => actionForm(ctx.path, ctx.csrfField, action, label, opts);
  const buttons = [
    can.ship ? button('ship', view.status === 'PARTIALLY_SHIPPED' ? 'Ship the rest' : 'Mark shipped', { fields: hidden('shipmentId', mintId('ship')) }) : '',
    can.retryCapture ? button('retry-capture', 'Retry the capture') : '',
    can.cancel ? button('cancel', view.payment.aggregate.captured > 0 ? 'Cancel the rest' : 'Cancel the order', { secondary: true }) : '',
  ].filter(Boolean);
  const forms = [...(buttons.length ? [`<div class="buttons">${buttons.join('')}</div>`] : []), ...acknowledgeForms(view, ctx), ...(can.refundable > 0 ? [refundForm(view, ctx, can.refundable)] : [])];
  if (forms.length === 0) return '<p id="actions" class="muted">Nothing to do: the order takes no more commands.</p>';
  return `<div id="actions" class="panel">${forms.join('')}</div>`;
}

function summary(view: OrderView): string {
  const c = view.amount.currency;
  const a = view.payment.aggregate;
  const deadline =
    view.payment.captureDeadline && !view.settled
      ? `<dt>Capture by</dt><dd id="capture-deadline">${timeTag(view.payment.captureDeadline)} <span class="muted">(${view.payment.captureDeadlineSource === 'policy' ? 'our policy' : 'Vipps MobilePay'})</span></dd>`
      : '';
  const lastError = view.lastError ? `<dt>Last error</dt><dd>${esc(`In ${stepWords(view.lastError.step)}: ${view.lastError.message}`)} <span class="muted">(${timeTag(view.lastError.at)})</span></dd>` : '';
  return `<dl class="summary">
      <dt>Description</dt><dd>${esc(view.description)}</dd>
      <dt>Total</dt><dd class="total" id="total">${esc(amount(view.amount.value, c))}</dd>
      <dt>Payment</dt><dd id="payment">${esc(paymentWords(view))}</dd>
      <dt>Captured</dt><dd id="captured">${esc(amount(a.captured, c))}</dd>
      <dt>Refunded</dt><dd id="refunded">${esc(amount(a.refunded, c))}</dd>
      ${deadline}
      <dt>Next</dt><dd id="waiting-for">${esc(view.waitingFor)}</dd>
      ${lastError}
    </dl>`;
}

export function orderPage(view: OrderView, ctx: OrderPageContext): string {
  const c = view.amount.currency;
  const lineState = (l: OrderView['orderLines'][number]) => (l.state === 'SHIPPED' ? `Shipped (${l.shipmentId ?? ''})` : l.state === 'CANCELLED' ? 'Released, not shipped' : 'Not shipped yet');
  const lines = view.orderLines.map((l) => [cell(l.name), cell(amount(l.totalAmount, c), 'num'), cell(lineState(l))]);
  const shipments = view.shipments.map((s) => [cell(s.shipmentId), cell(amount(s.amount.value, c), 'num'), cell(SHIPMENT_WORDS[s.status] ?? s.status), `<td>${timeTag(s.capturedAt ?? s.shippedAt)}</td>`, cell(s.error?.message ?? '')]);
  const refunds = view.refunds.map((r) => [cell(r.refundId), cell(amount(r.amount.value, c), 'num'), cell(REFUND_WORDS[r.status] ?? r.status), `<td>${timeTag(r.refundedAt ?? r.requestedAt)}</td>`, cell(r.error?.message ?? '')]);
  const alerts = view.alerts.map((x) => `<p class="order-alert" data-alert="${esc(x)}"><strong>${esc(ALERT_LABELS[x])}.</strong> ${esc(ALERT_WORDS[x])}</p>`).join('');
  const timeline = timelineRows(view).map((t) => {
    const { what, detail } = readableEntry(t, c);
    const raw = `${t.step}${t.detail ? `: ${t.detail}` : ''}`;
    return [`<td>${timeTag(t.at)}</td>`, `<td title="${esc(raw)}">${esc(what)}</td>`, cell(detail)];
  });
  const payouts = (view.settlement?.payouts ?? []).map((p) => [`<td><a href="/merchant/payouts/${esc(p.payoutId)}">${esc(p.payoutId)}</a></td>`, cell(p.ledgerDates.join(', ')), ...[p.captured, p.refunded, p.fees, p.net].map((v) => cell(amount(v, c), 'num'))]);
  const findings = (view.settlement?.findings ?? []).map((f) => `<p class="order-alert" data-finding="${esc(f.kind)}"><strong>${esc(FINDING_WORDS[f.kind])}${f.payoutId ? ` (payout ${esc(f.payoutId)})` : ''}.</strong> ${esc(f.detail)}</p>`).join('');
  const unit = ctx.unitWords ? `<span class="muted" id="sales-unit">${esc(ctx.unitWords)}</span>` : '';
  const temporal = ctx.temporalLink ? ` · <a href="${esc(ctx.temporalLink)}">Open in the Temporal UI</a>` : '';
  return `${topNav(ctx.logoutForm)}<h1>Order ${esc(view.orderId)} ${statusBadge(view.status)} ${unit}</h1>
    ${noticeHtml(ctx.notice)}${alerts}
    ${summary(view)}
    ${actionsPanel(view, ctx)}
    <h2>Order lines</h2>${scrolling(table(['Item', { head: 'Price', className: 'num' }, 'Shipping'], lines))}
    ${shipments.length ? `<h2>Shipments</h2>${scrolling(table(['Shipment', { head: 'Captured', className: 'num' }, 'Status', 'When', 'Note'], shipments))}` : ''}
    ${refunds.length ? `<h2>Refunds</h2>${scrolling(table(['Refund', { head: 'Amount', className: 'num' }, 'Status', 'When', 'Note'], refunds))}` : ''}
    ${payouts.length ? `<h2>Payouts</h2>${findings}${scrolling(table(['Payout', 'Ledger dates', ...['Captured', 'Refunded', 'Fees', 'Net'].map((head) => ({ head, className: 'num' }))], payouts).replace('<table>', '<table id="order-payouts">'))}` : ''}
    <h2>Timeline</h2>${scrolling(table(['When', 'What', 'Detail'], timeline))}
    <footer class="muted"><a href="/merchant">All orders</a>${temporal}</footer>`;
}
