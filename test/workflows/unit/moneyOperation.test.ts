/** The money-operation state machine on its own: three outcomes, and when a new key is allowed. */
import { markUnknown, newMoneyOp, nextGeneration, proofIn, resolveNow, scheduleRetry, settleDone, settleRefused, startAttempt, unknownRetryDelay, isDue } from '../../../src/workflows/money/moneyOperation';

const at = '2026-11-28T10:00:00.000Z';
const error = { at, step: 'capturePayment', message: 'timeout' };

function capture() {
  return newMoneyOp({ id: 'capture:box', kind: 'capture', key: 'order-1234.capture.s.box', amount: { value: 100, currency: 'NOK' }, at });
}

test('an unknown outcome keeps its key, is retried later with it, and is escalated after three attempts', () => {
  const op = capture();
  let now = 0;
  for (let attempt = 1; attempt <= 3; attempt++) {
    expect(isDue(op, now)).toBe(true);
    startAttempt(op);
    markUnknown(op, error);
    scheduleRetry(op, now, 5_000);
    expect(op.key).toBe('order-1234.capture.s.box');
    expect(op.escalated === true).toBe(attempt >= 3);
    expect(isDue(op, now)).toBe(false);
    now = op.nextAttemptAt!;
  }
  expect(op.attempts).toBe(3);
  // No new key for an unknown outcome: the operator's retry only makes it due now.
  expect(nextGeneration(op, (g) => `new-${g}`, at)).toBe(false);
  resolveNow(op, 2_000);
  expect(isDue(op, 2_000)).toBe(true);
  expect(op.key).toBe('order-1234.capture.s.box');
});

test('waits between same-key attempts grow sixfold and stop at an hour', () => {
  expect([1, 2, 3, 4, 5, 6].map((n) => unknownRetryDelay(n, 5_000))).toEqual([5_000, 30_000, 180_000, 1_080_000, 3_600_000, 3_600_000]);
});

test('only a proven refusal allows the next generation of the key', () => {
  const op = capture();
  startAttempt(op);
  settleRefused(op, { ...error, status: 400, errorCode: 6260 }, at);
  expect(nextGeneration(op, (g) => `order-1234.capture.s.box.${g}`, at)).toBe(true);
  expect(op).toEqual(expect.objectContaining({ status: 'QUEUED', key: 'order-1234.capture.s.box.1', generation: 1, attempts: 0 }));
  const done = capture();
  startAttempt(done);
  settleDone(done, at, 'answer');
  expect(nextGeneration(done, () => 'other', at)).toBe(false);
});

test('the event log proves an outcome only with exactly our key and the right kind of event', () => {
  const op = capture();
  startAttempt(op);
  markUnknown(op, error);
  expect(proofIn(op, [{ name: 'CAPTURED', success: true, idempotencyKey: 'someone-else' }])).toBeUndefined();
  expect(proofIn(op, [{ name: 'REFUNDED', success: true, idempotencyKey: op.key }])).toBeUndefined();
  expect(proofIn(op, [{ name: 'CAPTURED', success: false, idempotencyKey: op.key }])).toBe('refused');
  expect(proofIn(op, [{ name: 'CAPTURED', success: false, idempotencyKey: op.key }, { name: 'CAPTURED', success: true, idempotencyKey: op.key }])).toBe('done');
  settleDone(op, at, 'event-log');
  expect(proofIn(op, [{ name: 'CAPTURED', success: true, idempotencyKey: op.key }])).toBeUndefined();
});

test('an operation cannot be sent twice at once', () => {
  const op = capture();
  startAttempt(op);
  expect(() => startAttempt(op)).toThrow('IN_FLIGHT');
});
