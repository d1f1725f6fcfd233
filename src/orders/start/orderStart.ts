import { WithStartWorkflowOperation } from '@temporalio/client';
import type { OrderStatus, OrderWorkflowInput } from '../../workflows/messages';
import { orderWorkflowId, type OrderScope } from '../orderScope';
import { formatMoney } from '../../workflows/messages/money';
import { MarketAttribute, OrderAmountMinor, OrderStatusAttribute, SalesUnitAttribute, VippsReference } from '../../workflows/messages/searchAttributes';
import type { orderWorkflow } from '../../workflows/orderWorkflow';
import type { OrderClientOptions } from '../clientOptions';
import { requestFingerprint } from './fingerprint';
import type { LineQuantity, OrderMemo } from '../orderReads';
import type { PlaceOrderRequest } from '../placeOrderRequest';

/** How a parsed placing request starts its order workflow: the input, memo, search attributes and UI texts. */
export function orderStartFor(req: PlaceOrderRequest, opts: OrderClientOptions, scope: OrderScope = { named: false }): { fingerprint: string; start: WithStartWorkflowOperation<typeof orderWorkflow> } {
  const fingerprint = requestFingerprint(opts.fingerprintSecret, req);
  const named = scope.named ? scope.unit : undefined;
  const input: OrderWorkflowInput = {
    orderId: req.orderId,
    ...(named && { salesUnit: named.name }),
    amount: req.amount,
    description: req.description,
    orderLines: req.orderLines,
    returnUrl: opts.returnUrlFor(req.orderId, named?.name),
    requestFingerprint: fingerprint,
    policy: opts.policy,
    viewMemo: true,
    ...(req.returnUrl && { shopReturnUrl: req.returnUrl }),
    ...(req.customer && { sealedCustomerPhone: opts.sealer.seal(req.customer.phoneNumber) }),
  };
  const memo: OrderMemo = {
    requestFingerprint: fingerprint,
    amount: req.amount,
    description: req.description,
    lines: req.orderLines.map((l) => ({ id: l.id, name: l.name, totalAmount: l.totalAmount })),
    ...quantitiesOf(req),
    ...(req.returnUrl && { shopReturnUrl: req.returnUrl }),
  };
  const start = new WithStartWorkflowOperation<typeof orderWorkflow>('orderWorkflow', {
    workflowId: orderWorkflowId(scope, req.orderId),
    taskQueue: opts.taskQueue,
    args: [input],
    // A retried POST joins the running order. A settled order's id is never used for a second
    // payment; only a run whose payment could not be created (it failed) frees the id again.
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    typedSearchAttributes: [
      { key: OrderStatusAttribute, value: 'PENDING_PAYMENT' satisfies OrderStatus },
      { key: VippsReference, value: req.orderId },
      { key: OrderAmountMinor, value: req.amount.value },
      ...(named ? [{ key: SalesUnitAttribute, value: named.name }, ...(named.market ? [{ key: MarketAttribute, value: named.market }] : [])] : []),
    ],
    memo: { order: memo },
    staticSummary: `Order ${req.orderId}${named ? ` (${named.name})` : ''}: ${formatMoney(req.amount)}`,
    staticDetails: staticDetails(req),
  });
  return { fingerprint, start };
}

/** The quantities of the lines that have one, for the customer's page; nothing when none has. */
function quantitiesOf(req: PlaceOrderRequest): { quantities?: Record<string, LineQuantity> } {
  const entries = req.orderLines.flatMap((l): [string, LineQuantity][] => {
    const info = l.unitInfo;
    if (!info) return [];
    return [[l.id, { quantity: info.quantity, ...(info.quantityUnit && { unit: info.quantityUnit }), ...(info.unitPrice != null && { unitPrice: info.unitPrice }) }]];
  });
  return entries.length > 0 ? { quantities: Object.fromEntries(entries) } : {};
}

/** Text as itself in markdown: on one line, every markup character escaped (ids and names are the shop's). */
function markdownText(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => `\\${c}`);
}

/** Markdown shown in the Temporal UI: order lines and amounts, never customer data. */
function staticDetails(req: PlaceOrderRequest): string {
  const rows = req.orderLines.map((l) => `| ${markdownText(l.id)} | ${markdownText(l.name)} | ${formatMoney({ value: l.totalAmount, currency: req.amount.currency })} |`);
  return [`**Vipps reference:** ${req.orderId}`, '', '| Line | Name | Total |', '|---|---|---|', ...rows].join('\n');
}
