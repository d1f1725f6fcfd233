/** The list of recent orders, from Temporal's search index: one row per order, its buttons at the end. */
import type { OrderSummary } from '../../orders/orderClient';
import type { OrderAlert } from '../../workflows/messages';
import { esc } from '../pages/html';
import { mintId } from './merchantForms';
import { amount, timeTag } from './merchantFormat';
import { hidden, scrolling, statusBadge, topNav } from './merchantHtml';
import { actionForm, type ButtonOptions } from './merchantOrderPage';
import { unitWords, type MerchantUnits } from './merchantUnits';
import { ALERT_LABELS, listActionsFor } from './merchantView';

export interface ListPageContext {
  units: MerchantUnits;
  /** The unit the list is filtered by (`?unit=`), checked against the units already. */
  unit?: string;
  /** What was refunded after settlement, by `refundKey`. */
  refunded: Map<string, number>;
  csrfField: string;
  logoutForm: string;
  /** The service reconciles settlements: the top links include the payouts. */
  payouts?: boolean;
}

/** The key of an order in `refunded`: the same order id on two units is two orders. */
export const refundKey = (unit: string | undefined, orderId: string) => `${unit ?? ''}/${orderId}`;

function unitFilter(ctx: ListPageContext): string {
  if (!ctx.units.several) return '';
  const options = [`<option value="">All units</option>`, ...ctx.units.units.map((u) => `<option value="${esc(u.name)}"${u.name === ctx.unit ? ' selected' : ''}>${esc(unitWords(u))}</option>`)];
  return `<form class="filter" method="get" action="/merchant"><label for="unit">Sales unit</label><select id="unit" name="unit">${options.join('')}</select><button class="small secondary" id="filter">Show</button></form>`;
}

function row(o: OrderSummary, ctx: ListPageContext): string {
  const unit = ctx.units.unitOf(o.salesUnit);
  const currency = ctx.units.currencyOf(unit);
  const path = ctx.units.orderPath(o.orderId, unit);
  const can = listActionsFor(o);
  const button = (action: string, label: string, opts: ButtonOptions) => actionForm(path, ctx.csrfField, action, label, { ...opts, small: true });
  const actions = [can.ship ? button('ship', 'Mark shipped', { fields: hidden('shipmentId', mintId('ship')) }) : '', can.cancel ? button('cancel', 'Cancel', { secondary: true }) : ''].join('');
  const back = ctx.refunded.get(refundKey(unit, o.orderId));
  const refunded = back ? `<span class="sub" data-refunded="${back}">${esc(amount(back, currency))} refunded</span>` : '';
  const alerts = o.alerts.length ? `<span class="sub">${esc(o.alerts.map((x) => ALERT_LABELS[x as OrderAlert] ?? x).join(', '))}</span>` : '';
  const total = o.amountMinor !== undefined ? esc(amount(o.amountMinor, currency)) : '';
  return `<tr data-order-id="${esc(o.orderId)}"${unit ? ` data-sales-unit="${esc(unit)}"` : ''}>
      <td class="order-id"><a href="${esc(path)}">${esc(o.orderId)}</a></td>${ctx.units.several ? `<td class="nowrap">${esc(unit ?? '–')}</td>` : ''}
      <td>${timeTag(o.startedAt)}</td><td>${statusBadge(o.status)}${alerts}</td><td class="num">${total}${refunded}</td><td class="actions">${actions}</td></tr>`;
}

export function listPage(list: OrderSummary[], ctx: ListPageContext): string {
  const columns = ['Order', ...(ctx.units.several ? ['Unit'] : []), 'Placed', 'Status'];
  const head = `${columns.map((c) => `<th scope="col">${esc(c)}</th>`).join('')}<th scope="col" class="num">Total</th><th scope="col"><span class="visually-hidden">Actions</span></th>`;
  const rows = list.map((o) => row(o, ctx)).join('') || `<tr><td colspan="${columns.length + 2}" class="muted">No orders${ctx.unit ? ` in ${esc(ctx.unit)}` : ''} yet.</td></tr>`;
  return `${topNav(ctx.logoutForm, { payouts: ctx.payouts ?? false })}<h1>Orders</h1>
    ${unitFilter(ctx)}
    ${scrolling(`<table id="orders"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`)}
    <footer class="muted">The list comes from Temporal's search index and may lag a second behind; open an order for its live state.
      <a href="/merchant${ctx.unit ? `?unit=${encodeURIComponent(ctx.unit)}` : ''}">Refresh</a></footer>`;
}
