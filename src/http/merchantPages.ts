import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { OrderCommandError } from '../orders/errors';
import type { OrderClient } from '../orders/orderClient';
import { OrderId, type OrderView } from '../workflows/messages';
import { demoPageSchema, esc, money, page, when } from './html';
import { OrderIdParams } from './schemas/orderApi';
import { documentOnly } from './zodCompilers';
import { actionsFor, ALERT_WORDS, listActionsFor, paymentWords, STATUS_CLASS, STATUS_WORDS } from './merchantView';

export interface MerchantPageOptions {
  orders: OrderClient;
  currency: string;
  temporalUiUrl?: string;
  namespace: string;
}

const RefundForm = z.object({ amount: z.string().regex(/^\d+([.,]\d{1,2})?$/, 'write the amount like 49.50') });

function badge(status: string): string {
  return `<span class="status ${STATUS_CLASS[status] ?? ''}" data-testid="status" data-status="${esc(status)}">${esc(STATUS_WORDS[status] ?? status)}</span>`;
}

function button(orderId: string, action: string, label: string, extra = '', secondary = false): string {
  return `<form class="inline" method="post" action="/merchant/orders/${esc(orderId)}/${action}">${extra}<button class="small${secondary ? ' secondary' : ''}" data-action="${action}">${esc(label)}</button></form>`;
}

function table(head: string[], rows: string[][]): string {
  return `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>${rows.map((r) => `<tr>${r.join('')}</tr>`).join('')}</table>`;
}

const td = (text: string) => `<td>${esc(text)}</td>`;

function orderPage(view: OrderView, opts: MerchantPageOptions, message?: string): string {
  const c = view.amount.currency;
  const a = view.payment.aggregate;
  const actions = actionsFor(view);
  const buttons = [
    actions.ship ? button(view.orderId, 'ship', view.status === 'PARTIALLY_SHIPPED' ? 'Ship the rest' : 'Mark shipped') : '',
    actions.cancel ? button(view.orderId, 'cancel', view.payment.aggregate.captured > 0 ? 'Cancel the rest' : 'Cancel the order', '', true) : '',
    actions.retryCapture ? button(view.orderId, 'retry-capture', 'Retry the capture') : '',
    actions.refundable > 0
      ? button(view.orderId, 'refund', 'Refund', `<input name="amount" aria-label="Refund amount" value="${esc((actions.refundable / 100).toFixed(2))}"> `, true)
      : '',
  ].filter(Boolean);
  const lines = view.orderLines.map((l) => [td(l.name), td(money(l.totalAmount, c)), td(l.state === 'SHIPPED' ? `shipped (${l.shipmentId ?? ''})` : l.state === 'CANCELLED' ? 'released, not shipped' : 'not shipped yet')]);
  const shipments = view.shipments.map((s) => [td(s.shipmentId), td(money(s.amount.value, c)), td(s.status.toLowerCase().replace(/_/g, ' ')), td(when(s.capturedAt ?? s.shippedAt)), td(s.error?.message ?? '')]);
  const refunds = view.refunds.map((r) => [td(r.refundId), td(money(r.amount.value, c)), td(r.status.toLowerCase().replace(/_/g, ' ')), td(when(r.refundedAt ?? r.requestedAt)), td(r.error?.message ?? '')]);
  const alerts = view.alerts.map((x) => `<p class="alert" data-alert="${esc(x)}">${esc(ALERT_WORDS[x] ?? x)}</p>`).join('');
  const timeline = view.timeline.map((t) => [`<td class="muted">${esc(when(t.at))}</td>`, td(t.step), td(t.detail ?? '')]);
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
 * which go through the same OrderClient as the order API, server-side (the API key never reaches a
 * browser).
 */
export default function merchantPages(app: FastifyInstance, opts: MerchantPageOptions): void {
  const { orders } = opts;
  const html = (reply: FastifyReply, status: number, body: string) => reply.code(status).type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(body);
  const doc = (summary: string, ...statuses: number[]) => demoPageSchema(summary, statuses);
  const idFrom = (params: unknown) => OrderId.safeParse((params as { orderId?: unknown }).orderId);

  app.get('/merchant', { schema: doc('Merchant page: recent orders (from visibility; no Query per row)', 200) }, async (request, reply) => {
    const msg = (request.query as { msg?: unknown }).msg;
    const list = await orders.listRecentOrders(50);
    const rows = list.map((o) => {
      const can = listActionsFor(o);
      const acts = [can.ship ? button(o.orderId, 'ship', 'Mark shipped') : '', can.cancel ? button(o.orderId, 'cancel', 'Cancel', '', true) : ''].filter(Boolean).join(' ');
      const amount = o.amountMinor !== undefined ? money(o.amountMinor, opts.currency) : '';
      const alerts = o.alerts.length ? `<br><span class="muted">${esc(o.alerts.map((x) => x.toLowerCase().replace(/_/g, ' ')).join(', '))}</span>` : '';
      return `<tr data-order-id="${esc(o.orderId)}"><td><a href="/merchant/orders/${esc(o.orderId)}">${esc(o.orderId)}</a></td><td class="muted">${esc(when(o.startedAt))}</td>
        <td>${badge(o.status)}${alerts}</td><td>${esc(amount)}</td><td>${acts}</td></tr>`;
    });
    return html(
      reply,
      200,
      page(
        'Orders',
        `<h1>Orders</h1>${typeof msg === 'string' && msg ? `<p class="notice" id="message">${esc(msg)}</p>` : ''}
         <table><tr><th>Order</th><th>Placed</th><th>Status</th><th>Total</th><th></th></tr>${rows.join('') || '<tr><td colspan="5">No orders yet.</td></tr>'}</table>
         <p class="muted">The list comes from Temporal's search index and may lag a second behind; open an order for its live state. <a href="/">Shop</a> · <a href="/merchant">Refresh</a></p>`,
      ),
    );
  });

  app.get('/merchant/orders/:orderId', { schema: { ...doc('Merchant page: one order', 200, 400, 404), params: OrderIdParams }, validatorCompiler: documentOnly }, async (request, reply) => {
    const id = idFrom(request.params);
    if (!id.success) return html(reply, 400, page('Unknown order', '<h1>Unknown order</h1><p>Not an order id.</p><p><a href="/merchant">All orders</a></p>'));
    const msg = (request.query as { msg?: unknown }).msg;
    try {
      const view = await orders.getOrder(id.data);
      return html(reply, 200, page(`Order ${id.data}`, orderPage(view, opts, typeof msg === 'string' ? msg : undefined)));
    } catch (err) {
      if (err instanceof OrderCommandError && err.code === 'order_not_found') return html(reply, 404, page('Unknown order', `<h1>Unknown order</h1><p>No order ${esc(id.data)}.</p><p><a href="/merchant">All orders</a></p>`));
      throw err;
    }
  });

  const act = (path: string, summary: string, run: (orderId: string, body: Record<string, string>) => Promise<string>) =>
    app.post(`/merchant/orders/:orderId/${path}`, { schema: { ...doc(summary, 303, 400), params: OrderIdParams }, validatorCompiler: documentOnly }, async (request, reply) => {
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

  act('ship', 'Merchant button: ship what is left', async (orderId) => {
    const { order } = await orders.ship(orderId, { shipmentId: `ship-${Date.now()}` });
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
  act('refund', 'Merchant button: refund', async (orderId, body) => {
    const form = RefundForm.safeParse(body);
    if (!form.success) return `Refund: ${form.error.issues[0]?.message ?? 'invalid amount'}`;
    const value = Math.round(Number(form.data.amount.replace(',', '.')) * 100);
    const { order } = await orders.refund(orderId, { refundId: `refund-${Date.now()}`, amount: { value, currency: opts.currency } });
    return `Refunded ${money(value, order.amount.currency)} (${money(order.payment.aggregate.refunded, order.amount.currency)} refunded in all).`;
  });
}
