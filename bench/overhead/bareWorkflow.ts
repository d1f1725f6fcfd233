/**
 * The bare side of `npm run bench:overhead`: the same Vipps calls as a happy-path order (create,
 * get, receipt, capture) through the same activities with the same activity options, and nothing
 * else: no timers, no search attributes, no view, no money-safety bookkeeping. It is the floor the
 * product's overhead is measured against.
 */
import { allHandlersFinished, condition, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';
import type { OrderLine } from '@vipps-orders/vipps/types';
import { activityProxies } from '../../src/workflows/runtime/activityProxies';
import { DEFAULT_ORDER_POLICY } from '../../src/workflows/order/policy';

export interface BareOrderInput {
  reference: string;
  amount: { value: number; currency: 'NOK' };
  returnUrl: string;
  orderLines: OrderLine[];
}

export const barePlace = defineUpdate<string>('place');
export const bareAuthorized = defineSignal('authorized');
export const bareShip = defineUpdate<number>('ship');

export async function bareOrderWorkflow(input: BareOrderInput): Promise<void> {
  const acts = activityProxies(DEFAULT_ORDER_POLICY);
  const state: { redirectUrl?: string; authorized: boolean; shipRequested: boolean; captured?: number } = { authorized: false, shipRequested: false };
  setHandler(barePlace, async () => {
    await condition(() => state.redirectUrl !== undefined);
    return state.redirectUrl!;
  });
  setHandler(bareAuthorized, () => void (state.authorized = true));
  setHandler(bareShip, async () => {
    state.shipRequested = true;
    await condition(() => state.captured !== undefined);
    return state.captured!;
  });
  const created = await acts.create.createPayment({ reference: input.reference, idempotencyKey: `${input.reference}.create`, amount: input.amount, description: 'Benchmark order', returnUrl: input.returnUrl });
  if (created.outcome !== 'done') throw new Error(`create refused: ${created.refusal.message}`);
  state.redirectUrl = created.redirectUrl;
  await condition(() => state.authorized);
  const read = await acts.read.getPayment(input.reference);
  if (!read.found || read.payment.state !== 'AUTHORIZED') throw new Error('not authorized');
  await acts.receipt.attachReceipt({ reference: input.reference, orderLines: input.orderLines, currency: 'NOK' });
  await condition(() => state.shipRequested);
  const capture = await acts.money.capturePayment({ reference: input.reference, idempotencyKey: `${input.reference}.capture`, amount: input.amount });
  if (capture.outcome !== 'done') throw new Error('capture refused');
  state.captured = capture.payment.aggregate.captured;
  // The ship Update answers from this task; the run ends once it has.
  await condition(allHandlersFinished);
}
