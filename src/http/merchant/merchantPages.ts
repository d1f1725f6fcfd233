import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OrderCommandError } from '../../orders/errors';
import type { OrderClient } from '../../orders/orderClient';
import { ACKNOWLEDGEABLE_ALERTS, OrderId, type OrderView } from '../../workflows/messages';
import { RefundId, ShipmentId } from '../../workflows/messages/commandSchemas';
import { merchantAuth, type MerchantAuthOptions } from './merchantAuth';
import { refundedAfterSettlement } from './merchantRefunds';
import { demoPageSchema, esc, money, page, when } from '../pages/html';
import { OrderIdParams } from '../schemas/orderApi';
import { documentOnly } from '../zodCompilers';
import { actionsFor, ALERT_WORDS, listActionsFor, paymentWords, STATUS_CLASS, STATUS_WORDS } from './merchantView';

export interface MerchantPageOptions extends MerchantAuthOptions {
  orders: OrderClient;
  currency: string;
  temporalUiUrl?: string;
  namespace: string;
}

// The ids come with the form, minted when the page was drawn: a double click sends the same id
// twice, and the order (Temporal's Update id) answers the second with the first one's result.
const RefundForm = z.object({ amount: z.string().regex(/^\d+([.,]\d{1,2})?$/, 'write the amount like 49.50'), refundId: RefundId });
const ShipForm = z.object({ shipmentId: ShipmentId });

/** A fresh id for a form: unguessable is not needed, distinct is. */
const mintId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;

function badge(status: string): string {
  return `<span class="status ${STATUS_CLASS[status] ?? ''}" data-testid="status" data-status="${esc(status)}">${esc(STATUS_WORDS[status] ?? status)}</span>`;
}

type Button = (orderId: string, action: string, label: string, extra?: string, secondary?: boolean) => string;

/** Each form carries the session's CSRF token. */
function buttonsWith(csrfField: string): Button {
  return (orderId, action, label, extra = '', secondary = false) =>
    `<form class="inline" method="post" action="/merchant/orders/${esc(orderId)}/${action}">${csrfField}${extra}<button class="small${secondary ? ' secondary' : ''}" data-action="${action}">${esc(label)}</button></form>`;
}

const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${esc(value)}">`;

/** The order's own timeline, with the refunds made after settlement (each by a workflow of its own) in their place. */
function timelineRows(view: OrderView): { at: string; step: string; detail?: string }[] {
  const rows: { at: string; step: string; detail?: string }[] = [...view.timeline];
  for (const r of view.refunds) {
    if (rows.some((t) => `${t.step} ${t.detail ?? ''}`.split(/[^A-Za-z0-9-]+/).includes(r.refundId))) continue;
    const at = r.refundedAt ?? r.requestedAt;
    rows.push({ at: at ?? '', step: r.status === 'REFUNDED' ? 'refunded' : r.status.toLowerCase().replace(/_/g, ' '), detail: `refund ${r.refundId}: ${money(r.amount.value, r.amount.currency)}${r.error ? ` (${r.error.message})` : ''}` });
  }
  return rows.sort((a, b) => a.at.localeCompare(b.at));
}

function table(head: string[], rows: string[][]): string {
  return `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</table>`;
}

const td = (text: string) => `<td>${esc(text)}</td>`;

function orderPage(view: OrderView, opts: MerchantPageOptions, button: Button, message?: string): string {
  const c = view.amount.currency;
  const a = view.payment.aggregate;
  const actions = actionsFor(view);
  const buttons = [
    actions.ship ? button(view.orderId, 'ship', view.status === 'PARTIALLY_SHIPPED' ? 'Ship the rest' : 'Mark shipped', hidden('shipmentId', mintId('ship'))) : '',
    actions.cancel ? button(view.orderId, 'cancel', view.payment.aggregate.captured > 0 ? 'Cancel the rest' : 'Cancel the order', '', true) : '',
    actions.retryCapture ? button(view.orderId, 'retry-capture', 'Retry the capture') : '',
    ...view.alerts
      .filter((x) => (ACKNOWLEDGEABLE_ALERTS as readonly string[]).includes(x) && !view.settled)
      .map((x) =>
        button(view.orderId, 'acknowledge', `Acknowledge ${x.toLowerCase().replace(/_/g, ' ')}`, `<input type="hidden" name="alert" value="${esc(x)}"><input name="reason" aria-label="Reason for ${esc(x)}" placeholder="why (e.g. refunded by support)" required minlength="3"> `, true),
      ),
    actions.refundable > 0
      ? button(view.orderId, 'refund', 'Refund', `${hidden('refundId', mintId('refund'))}<input name="amount" aria-label="Refund amount" value="${esc((actions.refundable / 100).toFixed(2))}"> `, true)
      : '',
  ].filter(Boolean);
  const lines = view.orderLines.map((l) => [td(l.name), td(money(l.totalAmount, c)), td(l.state === 'SHIPPED' ? `shipped (${l.shipmentId ?? ''})` : l.state === 'CANCELLED' ? 'released, not shipped' : 'not shipped yet')]);
  const shipments = view.shipments.map((s) => [td(s.shipmentId), td(money(s.amount.value, c)), td(s.status.toLowerCase().replace(/_/g, ' ')), td(when(s.capturedAt ?? s.shippedAt)), td(s.error?.message ?? '')]);
  const refunds = view.refunds.map((r) => [td(r.refundId), td(money(r.amount.value, c)), td(r.status.toLowerCase().replace(/_/g, ' ')), td(when(r.refundedAt ?? r.requestedAt)), td(r.error?.message ?? '')]);
  const alerts = view.alerts.map((x) => `<p class="alert" data-alert="${esc(x)}">${esc(ALERT_WORDS[x] ?? x)}</p>`).join('');
  const timeline = timelineRows(view).map((t) => [`<td class="muted">${esc(when(t.at))}</td>`, td(t.step), td(t.detail ?? '')]);
  const ui = opts.temporalUiUrl ? ` · <a href="${esc(`${opts.temporalUiUrl}/namespaces/${opts.namespace}/workflows/${view.workflowId}`)}">Open in the Temporal UI</a>` : '';
  const deadline = view.payment.captureDeadline && !view.settled ? `<dt>Capture by</dt><dd>${esc(when(view.payment.captureDeadline))}${view.payment.captureDeadlineSource === 'policy' ? ' (our policy)' : ' (Vipps)'}</dd>` : '';
  return `<h1>Order ${esc(view.orderId)} ${badge(view.status)}</h1>
    ${message ? `<p class="notice" id="message">${esc(message)}</p>` : ''}${alerts}
    <dl class="summary">
      <dt>Description</dt><dd>${esc(view.description)}</dd>
      <dt>Total</dt><dd class="total" id="total">${esc(money(view.amount.value, c))}</dd>
      <dt>Payment</dt><dd id="payment">${esc(paymentWords(view))}</dd>
      <dt>Captured</dt><dd id="captured">${esc(money(a.captured, c))}</dd>
      <dt>Refunded</dt><dd id="refunded">${esc(money(a.refunded, c))}</dd>
      ${deadline}
      <dt>Next</dt><dd id="waiting-for">${esc(view.waitingFor)}</dd>
      ${view.lastError ? `<dt>Last error</dt><dd>${esc(`${view.lastError.step}: ${view.lastError.message}`)}</dd>` : ''}
    </dl>
    <p id="actions">${buttons.join(' ') || '<span class="muted">Nothing to do: the order takes no more commands.</span>'}</p>
    <h2>Order lines</h2>${table(['Item', 'Price', 'Shipping'], lines)}
    ${shipments.length ? `<h2>Shipments</h2>${table(['Shipment', 'Captured', 'Status', 'When', ''], shipments)}` : ''}
    ${refunds.length ? `<h2>Refunds</h2>${table(['Refund', 'Amount', 'Status', 'When', ''], refunds)}` : ''}
    <h2>Timeline</h2>${table(['When', 'What', ''], timeline)}
    <p class="muted"><a href="/merchant">All orders</a>${ui}</p>`;
}

/**
 * The merchant's pages (demo): the list of recent orders from Temporal visibility (search
 * attributes: no Query per row, no Action), an order page as a merchant reads it, and its buttons,
 * which go through the same OrderClient as the order API, server-side. Behind the login of
 * merchantAuth.ts: the operator types the API key once; the browser keeps only a session cookie.
 */
export default async function merchantPages(app: FastifyInstance, opts: MerchantPageOptions): Promise<void> {
  const { orders } = opts;
  const guard = await merchantAuth(app, opts);
  const buttons = (reply: FastifyReply) => buttonsWith(guard.csrfField(reply));
  const logout = (reply: FastifyReply) => `<form class="inline" method="post" action="/merchant/logout">${guard.csrfField(reply)}<button class="small secondary" id="logout">Log out</button></form>`;
  const html = (reply: FastifyReply, status: number, body: string) => reply.code(status).type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(body);
  const doc = (summary: string, ...statuses: number[]) => demoPageSchema(summary, statuses);
  const idFrom = (params: unknown) => OrderId.safeParse((params as { orderId?: unknown }).orderId);

  app.get('/merchant', { schema: doc('Merchant page: recent orders (from visibility; no Query per row)', 200, 303), preHandler: guard.page }, async (request, reply) => {
    const msg = (request.query as { msg?: unknown }).msg;
    const list = await orders.listRecentOrders(50);
    const refunded = await refundedAfterSettlement(orders.temporal, list.filter((o) => o.closed).map((o) => o.orderId));
    const button = buttons(reply);
    const rows = list.map((o) => {
      const can = listActionsFor(o);
      const acts = [can.ship ? button(o.orderId, 'ship', 'Mark shipped', hidden('shipmentId', mintId('ship'))) : '', can.cancel ? button(o.orderId, 'cancel', 'Cancel', '', true) : ''].filter(Boolean).join(' ');
      const amount = o.amountMinor !== undefined ? money(o.amountMinor, opts.currency) : '';
      const back = refunded.get(o.orderId);
      const refund = back ? `<br><span class="muted" data-refunded="${back}">${esc(money(back, opts.currency))} refunded</span>` : '';
      const alerts = o.alerts.length ? `<br><span class="muted">${esc(o.alerts.map((x) => x.toLowerCase().replace(/_/g, ' ')).join(', '))}</span>` : '';
      return `<tr data-order-id="${esc(o.orderId)}"><td><a href="/merchant/orders/${esc(o.orderId)}">${esc(o.orderId)}</a></td><td class="muted">${esc(when(o.startedAt))}</td>
        <td>${badge(o.status)}${alerts}</td><td>${esc(amount)}${refund}</td><td>${acts}</td></tr>`;
    });
    return html(
      reply,
      200,
      page(
        'Orders',
        `<h1>Orders</h1>${typeof msg === 'string' && msg ? `<p class="notice" id="message">${esc(msg)}</p>` : ''}
         <table><tr><th>Order</th><th>Placed</th><th>Status</th><th>Total</th><th></th></tr>${rows.join('') || '<tr><td colspan="5">No orders yet.</td></tr>'}</table>
         <p class="muted">The list comes from Temporal's search index and may lag a second behind; open an order for its live state. <a href="/">Shop</a> · <a href="/merchant">Refresh</a> · ${logout(reply)}</p>`,
      ),
    );
  });

  // A link that cannot be an order is a 400 before the login redirect: the redirect would send the
  // person to log in only to be told the same.
  const notAnOrderId = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!idFrom(request.params).success) return html(reply, 400, page('Unknown order', '<h1>Unknown order</h1><p>Not an order id.</p><p><a href="/merchant">All orders</a></p>'));
  };
  app.get('/merchant/orders/:orderId', { schema: { ...doc('Merchant page: one order', 200, 303, 400, 404), params: OrderIdParams }, validatorCompiler: documentOnly, preHandler: [notAnOrderId, guard.page] }, async (request, reply) => {
    const id = idFrom(request.params);
    if (!id.success) return html(reply, 400, page('Unknown order', '<h1>Unknown order</h1><p>Not an order id.</p><p><a href="/merchant">All orders</a></p>'));
    const msg = (request.query as { msg?: unknown }).msg;
    try {
      const view = await orders.getOrder(id.data);
      return html(reply, 200, page(`Order ${id.data}`, orderPage(view, opts, buttons(reply), typeof msg === 'string' ? msg : undefined)));
    } catch (err) {
      if (err instanceof OrderCommandError && err.code === 'order_not_found') return html(reply, 404, page('Unknown order', `<h1>Unknown order</h1><p>No order ${esc(id.data)}.</p><p><a href="/merchant">All orders</a></p>`));
      throw err;
    }
  });

  const act = (path: string, summary: string, run: (orderId: string, body: Record<string, string>) => Promise<string>) =>
    app.post(`/merchant/orders/:orderId/${path}`, { schema: { ...doc(summary, 303, 400, 401, 403), params: OrderIdParams }, validatorCompiler: documentOnly, preHandler: guard.action }, async (request, reply) => {
      const id = idFrom(request.params);
      if (!id.success) return html(reply, 400, page('Unknown order', '<h1>Unknown order</h1><p>Not an order id.</p><p><a href="/merchant">All orders</a></p>'));
      let message: string;
      try {
        message = await run(id.data, (request.body ?? {}) as Record<string, string>);
      } catch (err) {
        if (!(err instanceof OrderCommandError)) throw err;
        message = err.message;
      }
      return reply.redirect(`/merchant/orders/${encodeURIComponent(id.data)}?msg=${encodeURIComponent(message)}`, 303);
    });

  act('ship', 'Merchant button: ship what is left', async (orderId, body) => {
    const form = ShipForm.safeParse(body);
    if (!form.success) return 'Ship: reload the page and try again (the form has no shipment id)';
    const { order } = await orders.ship(orderId, { shipmentId: form.data.shipmentId });
    return `Shipped: ${money(order.payment.aggregate.captured, order.amount.currency)} captured so far. ${STATUS_WORDS[order.status] ?? order.status}.`;
  });
  act('cancel', 'Merchant button: cancel', async (orderId) => {
    const { order } = await orders.cancel(orderId, { reason: 'cancelled on the merchant page' });
    return `Cancelled: ${STATUS_WORDS[order.status] ?? order.status}.`;
  });
  act('retry-capture', 'Merchant button: retry a refused capture', async (orderId) => {
    const { order } = await orders.retryCapture(orderId);
    return `Capture retried: ${money(order.payment.aggregate.captured, order.amount.currency)} captured.`;
  });
  act('acknowledge', 'Merchant form: acknowledge an over-capture, shortfall or outside change, with a reason', async (orderId, body) => {
    const { order } = await orders.acknowledge(orderId, { alert: body.alert, reason: body.reason });
    return `Acknowledged ${body.alert ?? ''}: ${STATUS_WORDS[order.status] ?? order.status}.`;
  });
  act('refund', 'Merchant button: refund', async (orderId, body) => {
    const form = RefundForm.safeParse(body);
    if (!form.success) return `Refund: ${form.error.issues[0]?.path[0] === 'refundId' ? 'reload the page and try again' : (form.error.issues[0]?.message ?? 'invalid amount')}`;
    const value = Math.round(Number(form.data.amount.replace(',', '.')) * 100);
    const { order } = await orders.refund(orderId, { refundId: form.data.refundId, amount: { value, currency: opts.currency } });
    return `Refunded ${money(value, order.amount.currency)} (${money(order.payment.aggregate.refunded, order.amount.currency)} refunded in all).`;
  });
}
