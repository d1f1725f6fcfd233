import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { OrderCommandError } from '../../orders/errors';
import type { OrderClient } from '../../orders/orderClient';
import { OrderId, type OrderView } from '../../workflows/messages';
import { demoPageSchema, esc } from '../pages/html';
import { OrderIdParams, UnitOrderParams } from '../schemas/orderApi';
import { documentOnly } from '../zodCompilers';
import { merchantAuth, type MerchantAuthOptions } from './merchantAuth';
import { AcknowledgeForm, minorUnits, RefundForm, ShipForm } from './merchantForms';
import { messagePage, sendPage } from './merchantHtml';
import { listPage, refundKey } from './merchantListPage';
import { noticeForError, noticeFrom, withNotice, type NoticeCode } from './merchantNotices';
import { orderPage } from './merchantOrderPage';
import { refundedAfterSettlement } from './merchantRefunds';
import { merchantUnits, unitWords } from './merchantUnits';
import { actionsFor } from './merchantView';
import { payoutPages } from './payouts/payoutPages';
import type { SettlementClient } from '../../settlement/settlementClient';

export interface MerchantPageOptions extends MerchantAuthOptions {
  /** The orders' client: with several sales units, any one unit's (the others are reached through it). */
  orders: OrderClient;
  currency: string;
  temporalUiUrl?: string;
  namespace: string;
  /** Settlement reconciliation: with it, the payout pages (payouts/payoutPages.ts). */
  settlements?: SettlementClient;
}

/** The order a page or form is about, once its unit and id checked out. */
interface Addressed {
  orderId: string;
  unit: string | undefined;
  client: OrderClient;
  path: string;
}

/** What a button did: the notice code to show on the order's page (and the refund it is about). */
interface Outcome {
  notice: NoticeCode;
  refundId?: string;
}

type Action = (order: Addressed, body: Record<string, string>) => Promise<Outcome>;

const ListQuery = z.object({ unit: z.string().optional().meta({ description: 'only this sales unit’s orders (with several units)' }) });
const OrderQuery = z.object({
  notice: z.string().optional().meta({ description: 'what the last button did, as one of a fixed set of codes; any other value shows nothing' }),
  refund: z.string().optional().meta({ description: 'with notice=refunded: the refund it is about' }),
});

/**
 * The merchant's pages (demo): the list of recent orders from Temporal visibility (search
 * attributes: no Query per row, no Action), an order page as a merchant reads it, and its buttons,
 * which go through the same OrderClient as the order API, server-side. Behind the login of
 * merchantAuth.ts: the operator types the API key once; the browser keeps only a session cookie.
 */
export default async function merchantPages(app: FastifyInstance, opts: MerchantPageOptions): Promise<void> {
  const units = merchantUnits(opts.orders, opts.currency);
  const guard = await merchantAuth(app, opts);
  const doc = (summary: string, ...statuses: number[]) => demoPageSchema(summary, statuses);
  const notAnOrder = (reply: FastifyReply) => messagePage(reply, 400, 'Unknown order', 'Not an order id.');
  const logoutForm = (reply: FastifyReply) => `<form class="inline" method="post" action="/merchant/logout">${guard.csrfField(reply)}<button class="small secondary" id="logout">Log out</button></form>`;

  app.get('/merchant', { schema: { ...doc('Merchant page: recent orders (from visibility; no Query per row)', 200, 303, 400), querystring: ListQuery }, validatorCompiler: documentOnly, preHandler: guard.page }, async (request, reply) => {
    const asked = (request.query as { unit?: unknown }).unit;
    const unit = asked === undefined || asked === '' ? undefined : typeof asked === 'string' && units.get(asked) ? asked : null;
    // The name asked for is not repeated on the page: the page shows no text a link brought.
    if (unit === null) return messagePage(reply, 400, 'Unknown sales unit', `unit: not a sales unit of this service (${units.units.map((u) => u.name).join(', ') || 'it names none'}).`);
    const list = await opts.orders.listRecentOrders(50, unit ? { salesUnit: unit } : {});
    const closed = list.filter((o) => o.closed).map((o) => o.orderId);
    const refunded = await refundedAfterSettlement(opts.orders.temporal, closed, refundKey, units.unitOf);
    return sendPage(reply, 200, 'Orders', listPage(list, { units, ...(unit && { unit }), refunded, csrfField: guard.csrfField(reply), logoutForm: logoutForm(reply), payouts: opts.settlements !== undefined }));
  });

  /** The order of a page's or form's parameters, or the page that says why there is none. */
  const address = (request: FastifyRequest, reply: FastifyReply): Addressed | FastifyReply => {
    const params = request.params as { orderId?: unknown; salesUnit?: unknown };
    const id = OrderId.safeParse(params.orderId);
    if (!id.success) return notAnOrder(reply);
    if (!units.several) return { orderId: id.data, unit: undefined, client: opts.orders, path: units.orderPath(id.data, undefined) };
    const unit = typeof params.salesUnit === 'string' ? units.get(params.salesUnit) : undefined;
    if (!unit) return messagePage(reply, 404, 'Unknown sales unit', `salesUnit: not a sales unit of this service (${units.units.map((u) => u.name).join(', ')}).`);
    return { orderId: id.data, unit: unit.name, client: units.clientFor(unit.name), path: units.orderPath(id.data, unit.name) };
  };

  // A link that cannot be an order is a 400 before the login redirect: the redirect would send the
  // person to log in only to be told the same.
  const notAnOrderId = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!OrderId.safeParse((request.params as { orderId?: unknown }).orderId).success) return notAnOrder(reply);
  };
  const base = units.several ? '/merchant/sales-units/:salesUnit/orders/:orderId' : '/merchant/orders/:orderId';
  const params = units.several ? UnitOrderParams : OrderIdParams;

  if (opts.settlements) payoutPages(app, { settlements: opts.settlements, units, guard: guard.page, logoutForm });

  app.get(base, { schema: { ...doc('Merchant page: one order', 200, 303, 400, 404), params, querystring: OrderQuery }, validatorCompiler: documentOnly, preHandler: [notAnOrderId, guard.page] }, async (request, reply) => {
    const order = address(request, reply);
    if (!('orderId' in order)) return order;
    let view: OrderView;
    try {
      view = await order.client.getOrder(order.orderId);
    } catch (err) {
      if (err instanceof OrderCommandError && err.code === 'order_not_found') return messagePage(reply, 404, 'Unknown order', `No order ${order.orderId}${order.unit ? ` in ${order.unit}` : ''}.`);
      throw err;
    }
    const unit = order.unit ? units.get(order.unit) : undefined;
    const temporalLink = opts.temporalUiUrl ? `${opts.temporalUiUrl}/namespaces/${opts.namespace}/workflows/${view.workflowId}` : undefined;
    const notice = noticeFrom(request.query, view);
    const page = orderPage(view, { path: order.path, csrfField: guard.csrfField(reply), logoutForm: logoutForm(reply), ...(unit && { unitWords: unitWords(unit) }), ...(temporalLink && { temporalLink }), ...(notice && { notice }) });
    return sendPage(reply, 200, `Order ${order.orderId}`, page);
  });

  if (units.several) {
    // An order id alone names no order here: the same id may be an order of each unit.
    app.get('/merchant/orders/:orderId', { schema: { ...doc('Merchant page: an order id without its sales unit (several units)', 303, 400), params: OrderIdParams }, validatorCompiler: documentOnly, preHandler: [notAnOrderId, guard.page] }, (request, reply) => {
      const orderId = OrderId.parse((request.params as { orderId: unknown }).orderId);
      const links = units.units.map((u) => `<a href="${esc(units.orderPath(orderId, u.name))}">${esc(unitWords(u))}</a>`).join(' · ');
      return messagePage(reply, 400, 'Which sales unit?', `This service has several sales units, and each can have an order ${orderId}. Open it in:`, `${links}<br><br><a href="/merchant">All orders</a>`);
    });
  }

  const act = (action: string, summary: string, run: Action) =>
    app.post(`${base}/${action}`, { schema: { ...doc(summary, 303, 400, 401, 403, 404), params }, validatorCompiler: documentOnly, preHandler: guard.action }, async (request, reply) => {
      const order = address(request, reply);
      if (!('orderId' in order)) return order;
      let outcome: Outcome;
      try {
        outcome = await run(order, (request.body ?? {}) as Record<string, string>);
      } catch (err) {
        if (!(err instanceof OrderCommandError)) throw err;
        // The page shows a fixed text for the code; what the order said is for the log.
        request.log.warn({ orderId: order.orderId, salesUnit: order.unit, action, code: err.code, reason: err.message }, 'merchant command refused');
        outcome = { notice: noticeForError(err.code) };
      }
      return reply.redirect(withNotice(order.path, outcome.notice, outcome.refundId), 303);
    });

  act('ship', 'Merchant button: ship what is left', async ({ client, orderId }, body) => {
    const form = ShipForm.safeParse(body);
    if (!form.success) return { notice: 'form-expired' };
    const { complete } = await client.ship(orderId, { shipmentId: form.data.shipmentId });
    return { notice: complete ? 'shipped' : 'accepted' };
  });
  act('cancel', 'Merchant button: cancel', async ({ client, orderId }) => {
    const { complete } = await client.cancel(orderId, { reason: 'cancelled on the merchant page' });
    return { notice: complete ? 'cancelled' : 'accepted' };
  });
  act('retry-capture', 'Merchant button: retry a refused capture', async ({ client, orderId }) => {
    const { complete } = await client.retryCapture(orderId);
    return { notice: complete ? 'capture-retried' : 'accepted' };
  });
  act('acknowledge', 'Merchant form: acknowledge an over-capture, shortfall or outside change, with a reason', async ({ client, orderId }, body) => {
    const form = AcknowledgeForm.safeParse(body);
    if (!form.success) return { notice: form.error.issues.some((i) => i.path[0] === 'reason') ? 'reason-missing' : 'form-expired' };
    const { complete } = await client.acknowledge(orderId, form.data);
    return { notice: complete ? 'acknowledged' : 'accepted' };
  });
  act('refund', 'Merchant form: refund an amount (major units as typed, e.g. 131.50)', async ({ client, orderId }, body) => {
    const form = RefundForm.safeParse(body);
    if (!form.success) return { notice: form.error.issues.some((i) => i.path[0] === 'refundId') ? 'form-expired' : 'refund-amount' };
    const value = minorUnits(form.data.amount);
    if (value === undefined) return { notice: 'refund-amount' };
    // Checked here too (the order checks again) so the page can say what the most is.
    const view = await client.getOrder(orderId);
    if (value > actionsFor(view).refundable) return { notice: 'refund-too-much' };
    await client.refund(orderId, { refundId: form.data.refundId, amount: { value, currency: view.amount.currency } });
    return { notice: 'refunded', refundId: form.data.refundId };
  });
}
