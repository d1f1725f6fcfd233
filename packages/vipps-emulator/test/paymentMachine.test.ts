import {
  abort,
  aggregateOf,
  authorize,
  cancel,
  capture,
  expire,
  invariantViolations,
  isExpiryDue,
  newPayment,
  type Payment,
  refund,
  REFUND_WINDOW_MS,
  type TransitionContext,
  type TransitionResult,
} from '../src/payments/paymentMachine';

const T0 = Date.parse('2026-01-01T12:00:00Z');
const DAY = 24 * 3600 * 1000;
const GUARANTEE = 7 * DAY;

function context(now = T0): TransitionContext {
  let psp = 5_000_000_000;
  return { now, nextPspReference: () => String(psp++) };
}

function created(value = 10_000, ctx = context()): Payment {
  return newPayment(
    {
      msn: '123456',
      reference: 'machine-test-1',
      amount: { currency: 'NOK', value },
      expiresAt: T0 + 600_000,
      idempotencyKey: 'create-1',
      details: { userFlow: 'WEB_REDIRECT', paymentMethodType: 'WALLET', hasReceipt: false },
    },
    ctx,
  ).payment;
}

function ok(result: TransitionResult): Payment {
  if (!result.ok) throw new Error(`expected success, got ${result.code}: ${result.detail}`);
  return result.payment;
}

function code(result: TransitionResult): number | undefined {
  return result.ok ? undefined : result.code;
}

function authorized(value = 10_000, ctx = context()): Payment {
  return ok(authorize(created(value, ctx), ctx, { captureGuaranteeMs: GUARANTEE }));
}

const NOK = (value: number) => ({ currency: 'NOK' as const, value });

describe('payment creation', () => {
  it('starts CREATED with an empty aggregate and one CREATED event whose pspReference is the payment one', () => {
    const p = created();
    expect(p.state).toBe('CREATED');
    expect(aggregateOf(p)).toEqual({
      authorizedAmount: NOK(0),
      cancelledAmount: NOK(0),
      capturedAmount: NOK(0),
      refundedAmount: NOK(0),
    });
    expect(p.events.map((e) => e.name)).toEqual(['CREATED']);
    expect(p.events[0]?.pspReference).toBe(p.pspReference);
    expect(p.events[0]?.idempotencyKey).toBe('create-1');
  });
});

describe('user and timeout transitions from CREATED', () => {
  it('authorize reserves the full amount and sets captureGuaranteedUntil', () => {
    const p = authorized();
    expect(p.state).toBe('AUTHORIZED');
    expect(aggregateOf(p).authorizedAmount).toEqual(NOK(10_000));
    expect(p.captureGuaranteedUntil).toBe(T0 + GUARANTEE);
    expect(p.events.map((e) => e.name)).toEqual(['CREATED', 'AUTHORIZED']);
  });

  it('gives every event its own pspReference', () => {
    const ctx = context();
    const p = ok(capture(authorized(10_000, ctx), ctx, NOK(100), 'c1'));
    expect(new Set(p.events.map((e) => e.pspReference)).size).toBe(3);
  });

  it.each([
    ['abort', 'ABORTED', (p: Payment, ctx: TransitionContext) => abort(p, ctx)],
    ['expire', 'EXPIRED', (p: Payment, ctx: TransitionContext) => expire(p, ctx)],
  ] as const)('%s moves CREATED to %s', (_name, state, transition) => {
    const p = ok(transition(created(), context()));
    expect(p.state).toBe(state);
    expect(p.events.at(-1)?.name).toBe(state);
  });

  it('refuses every user transition once the state is final', () => {
    const ctx = context();
    for (const final of [authorized(), ok(abort(created(), ctx)), ok(expire(created(), ctx)), ok(cancel(created(), ctx, { idempotencyKey: null }))]) {
      expect(code(authorize(final, ctx, { captureGuaranteeMs: GUARANTEE }))).toBe(10010);
      expect(code(abort(final, ctx))).toBe(10010);
      expect(code(expire(final, ctx))).toBe(10010);
    }
  });

  it('sets profile sub at authorization only when a scope was requested', () => {
    const ctx = context();
    const withScope = { ...created(), details: { ...created().details, profileScope: 'name' } };
    expect(ok(authorize(withScope, ctx, { captureGuaranteeMs: GUARANTEE, sub: 'sub-1' })).sub).toBe('sub-1');
    expect(ok(authorize(created(), ctx, { captureGuaranteeMs: GUARANTEE, sub: 'sub-1' })).sub).toBeUndefined();
  });

  it('is due for expiry exactly from expiresAt while CREATED', () => {
    const p = created();
    expect(isExpiryDue(p, p.expiresAt - 1)).toBe(false);
    expect(isExpiryDue(p, p.expiresAt)).toBe(true);
    expect(isExpiryDue(authorized(), p.expiresAt + 1)).toBe(false);
  });
});

describe('capture', () => {
  it('refuses before authorization with 6080', () => {
    expect(code(capture(created(), context(), NOK(100), 'k'))).toBe(6080);
  });

  it.each(['abort', 'expire', 'cancel'] as const)('refuses a payment ended by %s with 6200', (how) => {
    const ctx = context();
    const ended =
      how === 'abort' ? ok(abort(created(), ctx)) : how === 'expire' ? ok(expire(created(), ctx)) : ok(cancel(created(), ctx, { idempotencyKey: null }));
    expect(code(capture(ended, ctx, NOK(100), 'k'))).toBe(6200);
  });

  it('allows partial captures up to the authorized amount and then refuses with 6090', () => {
    const ctx = context();
    let p = authorized(10_000, ctx);
    p = ok(capture(p, ctx, NOK(4_000), 'c1'));
    p = ok(capture(p, ctx, NOK(6_000), 'c2'));
    expect(aggregateOf(p).capturedAmount).toEqual(NOK(10_000));
    expect(p.state).toBe('AUTHORIZED');
    expect(code(capture(p, ctx, NOK(1), 'c3'))).toBe(6090);
  });

  it('refuses a wrong currency or a zero amount with 4040', () => {
    const ctx = context();
    const p = authorized(10_000, ctx);
    expect(code(capture(p, ctx, { currency: 'DKK', value: 100 }, 'k'))).toBe(4040);
    expect(code(capture(p, ctx, NOK(0), 'k'))).toBe(4040);
  });

  it('refuses after a cancel with 6070', () => {
    const ctx = context();
    const p = ok(cancel(ok(capture(authorized(10_000, ctx), ctx, NOK(1_000), 'c1')), ctx, { idempotencyKey: null }));
    expect(code(capture(p, ctx, NOK(1), 'c2'))).toBe(6070);
  });

  it('refuses after captureGuaranteedUntil with 6100', () => {
    const p = authorized();
    expect(code(capture(p, context(T0 + GUARANTEE + 1), NOK(100), 'k'))).toBe(6100);
    expect(capture(p, context(T0 + GUARANTEE), NOK(100), 'k').ok).toBe(true);
  });
});

describe('cancel', () => {
  it('terminates a CREATED payment: authorized 0 and cancelled = amount', () => {
    const p = ok(cancel(created(10_000), context(), { idempotencyKey: 'x' }));
    expect(p.state).toBe('TERMINATED');
    expect(aggregateOf(p).authorizedAmount).toEqual(NOK(0));
    expect(aggregateOf(p).cancelledAmount).toEqual(NOK(10_000));
    expect(p.events.at(-1)).toMatchObject({ name: 'TERMINATED', idempotencyKey: 'x' });
  });

  it('releases what is not captured after a partial capture', () => {
    const ctx = context();
    const p = ok(cancel(ok(capture(authorized(10_000, ctx), ctx, NOK(2_500), 'c')), ctx, { idempotencyKey: null }));
    expect(aggregateOf(p).cancelledAmount).toEqual(NOK(7_500));
    expect(p.events.at(-1)).toMatchObject({ name: 'CANCELLED', amount: NOK(7_500) });
    expect(p.state).toBe('AUTHORIZED');
  });

  it('refuses cancelTransactionOnly on an authorized payment with 6060 and releases nothing', () => {
    const p = authorized();
    const result = cancel(p, context(), { cancelTransactionOnly: true, idempotencyKey: null });
    expect(code(result)).toBe(6060);
    expect(aggregateOf(p).cancelledAmount).toEqual(NOK(0));
  });

  it('terminates a CREATED payment even with cancelTransactionOnly', () => {
    expect(ok(cancel(created(), context(), { cancelTransactionOnly: true, idempotencyKey: null })).state).toBe('TERMINATED');
  });

  it('refuses a fully captured payment with 6040', () => {
    const ctx = context();
    expect(code(cancel(ok(capture(authorized(10_000, ctx), ctx, NOK(10_000), 'c')), ctx, { idempotencyKey: null }))).toBe(6040);
  });

  it('is a no-op without a new event when repeated', () => {
    const ctx = context();
    const once = ok(cancel(authorized(10_000, ctx), ctx, { idempotencyKey: null }));
    const twice = cancel(once, ctx, { idempotencyKey: null });
    expect(twice.ok && twice.event).toBeUndefined();
    expect(ok(twice)).toBe(once);
    const terminated = ok(cancel(created(), ctx, { idempotencyKey: null }));
    expect(ok(cancel(terminated, ctx, { idempotencyKey: null }))).toBe(terminated);
  });

  it.each(['abort', 'expire'] as const)('refuses a payment ended by %s with 6050', (how) => {
    const ctx = context();
    const ended = how === 'abort' ? ok(abort(created(), ctx)) : ok(expire(created(), ctx));
    expect(code(cancel(ended, ctx, { idempotencyKey: null }))).toBe(6050);
  });

  it('refuses after the capture deadline with 6030', () => {
    expect(code(cancel(authorized(), context(T0 + GUARANTEE + 1), { idempotencyKey: null }))).toBe(6030);
  });
});

describe('refund', () => {
  it('refuses a payment that is not AUTHORIZED with 6210', () => {
    expect(code(refund(created(), context(), NOK(100), 'r'))).toBe(6210);
  });

  it('refuses when nothing is captured with 6020', () => {
    expect(code(refund(authorized(), context(), NOK(100), 'r'))).toBe(6020);
  });

  it('refunds up to the captured amount and refuses more with 6150', () => {
    const ctx = context();
    let p = ok(capture(authorized(10_000, ctx), ctx, NOK(3_000), 'c'));
    p = ok(refund(p, ctx, NOK(2_000), 'r1'));
    expect(code(refund(p, ctx, NOK(1_001), 'r2'))).toBe(6150);
    p = ok(refund(p, ctx, NOK(1_000), 'r3'));
    expect(aggregateOf(p).refundedAmount).toEqual(NOK(3_000));
    expect(p.events.at(-1)).toMatchObject({ name: 'REFUNDED', amount: NOK(1_000), idempotencyKey: 'r3' });
  });

  it('refuses more than 365 days after authorization with 6220', () => {
    const ctx = context();
    const p = ok(capture(authorized(10_000, ctx), ctx, NOK(3_000), 'c'));
    expect(code(refund(p, context(T0 + REFUND_WINDOW_MS + 1), NOK(100), 'r'))).toBe(6220);
    expect(refund(p, context(T0 + REFUND_WINDOW_MS), NOK(100), 'r').ok).toBe(true);
  });
});

describe('invariantViolations', () => {
  it('reports an aggregate where captured + cancelled exceeds authorized', () => {
    const broken: Payment = { ...authorized(10_000), capturedValue: 6_000, cancelledValue: 5_000 };
    expect(invariantViolations(broken).join()).toContain('captured 6000 + cancelled 5000 > authorized 10000');
  });

  it('reports refunded above captured', () => {
    expect(invariantViolations({ ...authorized(), refundedValue: 1 }).join()).toContain('refunded 1 > captured 0');
  });

  it('reports a capture event after a cancel', () => {
    const ctx = context();
    const cancelled = ok(cancel(authorized(10_000, ctx), ctx, { idempotencyKey: null }));
    const sneaky: Payment = { ...cancelled, events: [...cancelled.events, { ...cancelled.events[0]!, name: 'CAPTURED', amount: NOK(0) }] };
    expect(invariantViolations(sneaky)).toContain('capture after cancel');
  });

  it('accepts consistent payments', () => {
    expect(invariantViolations(authorized())).toEqual([]);
    expect(invariantViolations(ok(cancel(created(), context(), { idempotencyKey: null })))).toEqual([]);
  });
});
