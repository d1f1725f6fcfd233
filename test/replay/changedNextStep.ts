/**
 * The real order workflow with one change, for the replay tests: before sending a money operation
 * it looks at the payment once more. Its commands differ from what the recorded histories hold,
 * so replaying them must fail with a determinism error.
 */
import { nextStep as realNextStep, type Step } from '../../src/workflows/order/nextStep';
import type { OrderData } from '../../src/workflows/order/orderData';

// Everything else of the module stays as it is.
export * from '../../src/workflows/order/nextStep';

const looked = new WeakSet<object>();

export function nextStep(order: OrderData, now: number): Step {
  const step = realNextStep(order, now);
  if (step.kind === 'send' && !looked.has(step.op)) {
    looked.add(step.op);
    return { kind: 'read', why: 'one more look (a deliberate change)' };
  }
  return step;
}
