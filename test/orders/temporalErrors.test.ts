/**
 * How Temporal's errors reach callers of the order API: each one the service meets becomes an
 * OrderCommandError with the code (and so the HTTP status) a shop can act on.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { FAILURE_TYPES, type OrderView } from '../../src/workflows/messages';
import { OrderCommandError } from '../../src/orders/errors';
import type { OrderGlance } from '../../src/orders/orderReads';
import { orderErrorFor } from '../../src/orders/temporalErrors';

const view = { orderId: 'o-1', status: 'CANCELLED' } as OrderView;
const glance = { orderId: 'o-1', status: 'CANCELLED', alerts: [], running: false } as unknown as OrderGlance;
const reads = (known: boolean) => ({
  view: () => (known ? Promise.resolve(view) : Promise.reject(new WorkflowNotFoundError('gone', 'order-o-1', undefined))),
  glance: () => Promise.resolve(known ? glance : undefined),
});

async function mapped(err: unknown, known = true): Promise<OrderCommandError> {
  const out = await orderErrorFor(err, 'o-1', reads(known));
  if (!(out instanceof OrderCommandError)) throw new Error(`not mapped: ${String(out)}`);
  return out;
}

test('an Update the run ended before answering (AcceptedUpdateCompletedWorkflow) is a 409 order_conflict carrying the view', async () => {
  const err = new WorkflowUpdateFailedError('update failed', ApplicationFailure.create({ type: 'AcceptedUpdateCompletedWorkflow', message: 'workflow completed' }));
  const out = await mapped(err);
  expect(out.code).toBe('order_conflict');
  expect(out.httpStatus).toBe(409);
  expect(out.message).toContain('workflow cancellation');
  expect(out.extra.order).toBe(view);
});

test('a handler cut off by the cancellation (CancelledFailure, older histories) maps the same way', async () => {
  const out = await mapped(new WorkflowUpdateFailedError('update failed', new CancelledFailure('cancelled')));
  expect(out.code).toBe('order_conflict');
});

test("the workflow's refusals keep their meaning: invalid state 409, invalid command 400 naming the field", async () => {
  const state = await mapped(new WorkflowUpdateFailedError('x', ApplicationFailure.create({ type: FAILURE_TYPES.invalidState, message: 'order is settled' })));
  expect([state.code, state.httpStatus]).toEqual(['order_conflict', 409]);
  const command = await mapped(new WorkflowUpdateFailedError('x', ApplicationFailure.create({ type: FAILURE_TYPES.invalidCommand, message: 'orderLineIds: unknown line sock-9' })));
  expect([command.code, command.httpStatus]).toEqual(['invalid_command', 400]);
  expect(command.extra.issues).toEqual([{ field: 'orderLineIds', reason: 'unknown line sock-9' }]);
});

test('a closed order is told apart from one that never existed', async () => {
  const notFound = new WorkflowNotFoundError('not found', 'order-o-1', undefined);
  expect((await mapped(notFound, true)).code).toBe('order_conflict');
  expect((await mapped(notFound, false)).code).toBe('order_not_found');
});

test('an error the order API does not know passes through unchanged', async () => {
  const other = new TypeError('boom');
  expect(await orderErrorFor(other, 'o-1', reads(true))).toBe(other);
});
