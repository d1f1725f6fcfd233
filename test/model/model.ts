/**
 * What a randomized case is made of: a few orders, each with what its customer does, the shop's
 * and the operator's commands (with delays and waits, some sent concurrently), Vipps faults for its
 * payment, plus webhook faults and hard worker kills for the whole case. fast-check generates, runs
 * and shrinks these.
 *
 * It is built to reach the paths the first generator never produced: capture deadlines seconds
 * away under both policies (hold, cancel), workflow cancellation at any point, waits with Vipps
 * failing meanwhile, a free order line, order and refund ids that read alike across orders, ids
 * repeated with other content, and a bare 4xx (no Vipps ErrorCode) after Vipps applied the call.
 * The dev server cannot skip time, so the deadlines and waits are seconds that stand for days: the
 * order's policy (warning, deadline) is scaled down with them.
 *
 * Orders are drawn across the three sales units of deploy/sales-units.example.yaml (no NOK,
 * dk DKK, fi EUR capturing in full), and an order may take the previous order's id on another
 * unit: the same reference at two MSNs is two orders that must never touch each other's money.
 */
import fc from 'fast-check';

/** The order lines of the sample order: socks 300.00, scarf 199.00, shipping 49.00 (NOK), and a free gift wrap in some orders. */
export const LINES = [
  { id: 'socks', total: 30_000 },
  { id: 'scarf', total: 19_900 },
  { id: 'shipping', total: 4_900 },
  { id: 'gift-wrap', total: 0 },
] as const;
export const FREE_LINE = 3;

/** The sales units of deploy/sales-units.example.yaml, which the harness serves. */
export const UNITS = [
  { name: 'no', msn: '123456', currency: 'NOK' },
  { name: 'dk', msn: '223456', currency: 'DKK' },
  { name: 'fi', msn: '323456', currency: 'EUR' },
] as const;
export type ModelUnit = (typeof UNITS)[number];

export type Command =
  | { kind: 'ship'; lines: number[] | 'rest'; repeatOf?: number; otherContent?: boolean }
  | { kind: 'cancel' }
  | { kind: 'refund'; refundId: RefundId; amount: number }
  | { kind: 'retryCapture' }
  | { kind: 'read' }
  /** The operator cancels the workflow itself (Temporal's Request Cancellation), not the order. */
  | { kind: 'cancelWorkflow' }
  /** Time passes between steps (standing for hours or days), with whatever faults are armed. */
  | { kind: 'wait'; ms: number }
  /** The operator records an external or unexplained amount (it may well be refused: nothing to acknowledge). */
  | { kind: 'acknowledge'; alert: 'OVER_CAPTURED' | 'CAPTURE_MISMATCH' | 'EXTERNAL_CHANGE' };

/** Refund ids from a small pool: repeats happen, and `2-r1` on one order reads like `r1` on the order whose id ends in `-2`. */
export const REFUND_IDS = ['r1', '2-r1', 'r2'] as const;
export type RefundId = (typeof REFUND_IDS)[number];

export interface TimedCommand {
  command: Command;
  /** Wait before sending it (ms). */
  delayMs: number;
  /** Sent without waiting for the answer before the next command. */
  concurrent: boolean;
}

export type VippsOperation = 'capturePayment' | 'refundPayment' | 'cancelPayment' | 'getPayment' | 'getPaymentEventLog';

/** A fault for one call of an operation on this order's payment (emulator `failNext`). */
export interface VippsFault {
  operation: VippsOperation;
  when: 'before' | 'after';
  status?: number;
  errorCode?: number;
  answer?: 'corrupt' | 'slow';
  count: number;
}

/** A capture deadline seconds away, and what the order's policy does before and at it. */
export interface DeadlineScript {
  guaranteeSeconds: number;
  warningSeconds: number;
  policy: 'hold' | 'cancel';
}

export interface OrderScript {
  customer: 'approve' | 'reject' | 'ignore';
  /** The customer comes back to the return page (before or after the webhook). */
  returns: boolean;
  /** The order has a free line (totalAmount 0) besides the paid ones. */
  freeLine: boolean;
  /** The sales unit it is placed on (an index into UNITS). */
  unit: number;
  /**
   * `extendsPrevious`: the previous order's id with `-2` appended (ids that read alike across
   * orders); `repeatsPrevious`: the previous order's very id, on another unit (ids that collide).
   */
  id: 'fresh' | 'extendsPrevious' | 'repeatsPrevious';
  deadline?: DeadlineScript;
  faults: VippsFault[];
  commands: TimedCommand[];
}

export interface ModelCase {
  orders: OrderScript[];
  webhooks: { dropRate: number; duplicateRate: number; reorder: boolean };
  /** Hard worker kills (SIGKILL), at these times after the case starts (ms). */
  workerKillsAtMs: number[];
}

const shipLines = fc.oneof(fc.constant('rest' as const), fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 4 }));

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('ship' as const), lines: shipLines, repeatOf: fc.option(fc.nat({ max: 3 }), { nil: undefined }), otherContent: fc.boolean() }) },
  { weight: 2, arbitrary: fc.constant<Command>({ kind: 'cancel' }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('refund' as const), refundId: fc.constantFrom(...REFUND_IDS), amount: fc.constantFrom(100, 1_000, 4_900, 19_900, 30_000, 54_800) }) },
  { weight: 1, arbitrary: fc.constant<Command>({ kind: 'retryCapture' }) },
  { weight: 1, arbitrary: fc.constant<Command>({ kind: 'read' }) },
  { weight: 1, arbitrary: fc.constant<Command>({ kind: 'cancelWorkflow' }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(1_500, 3_000, 6_000) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('acknowledge' as const), alert: fc.constantFrom('OVER_CAPTURED' as const, 'CAPTURE_MISMATCH' as const, 'EXTERNAL_CHANGE' as const) }) },
);

const timedCommand: fc.Arbitrary<TimedCommand> = fc.record({
  command,
  delayMs: fc.constantFrom(0, 0, 50, 200, 600),
  concurrent: fc.boolean(),
});

const moneyOperation = fc.constantFrom<VippsOperation>('capturePayment', 'refundPayment', 'cancelPayment');

const vippsFault: fc.Arbitrary<VippsFault> = fc.oneof(
  // Vipps down or busy before anything happened.
  fc.record({ operation: fc.constantFrom<VippsOperation>('capturePayment', 'refundPayment', 'cancelPayment', 'getPayment', 'getPaymentEventLog'), when: fc.constant('before' as const), status: fc.constantFrom(429, 500, 503), count: fc.integer({ min: 1, max: 3 }) }),
  // Reads down for a while (an outage spanning the order's waits).
  fc.record({ operation: fc.constantFrom<VippsOperation>('getPayment', 'getPaymentEventLog'), when: fc.constant('before' as const), status: fc.constant(503), count: fc.integer({ min: 5, max: 15 }) }),
  // The operation ran, the answer was lost.
  fc.record({ operation: moneyOperation, when: fc.constant('after' as const), status: fc.constantFrom(500, 503), count: fc.integer({ min: 1, max: 2 }) }),
  // The operation ran, then a bare 4xx without a Vipps ErrorCode came back (a proxy or gateway).
  fc.record({ operation: moneyOperation, when: fc.constant('after' as const), status: fc.constantFrom(400, 409), count: fc.integer({ min: 1, max: 2 }) }),
  // The operation ran, the answer does not parse, or comes after the client gave up.
  fc.record({ operation: moneyOperation, when: fc.constant('after' as const), answer: fc.constantFrom('corrupt' as const, 'slow' as const), count: fc.integer({ min: 1, max: 2 }) }),
  // Try again later (retryable code) or a definite refusal after shipment.
  fc.record({ operation: fc.constant<VippsOperation>('capturePayment'), when: fc.constant('before' as const), errorCode: fc.constantFrom(6280, 6260), count: fc.constant(1) }),
);

const deadline: fc.Arbitrary<DeadlineScript> = fc.record({
  guaranteeSeconds: fc.integer({ min: 3, max: 10 }),
  warningSeconds: fc.integer({ min: 1, max: 3 }),
  policy: fc.constantFrom('hold' as const, 'cancel' as const),
});

const orderScript: fc.Arbitrary<OrderScript> = fc.record({
  customer: fc.constantFrom('approve', 'approve', 'approve', 'reject', 'ignore'),
  returns: fc.boolean(),
  freeLine: fc.boolean(),
  unit: fc.integer({ min: 0, max: UNITS.length - 1 }),
  id: fc.constantFrom('fresh' as const, 'fresh' as const, 'extendsPrevious' as const, 'repeatsPrevious' as const),
  deadline: fc.option(deadline, { nil: undefined, freq: 3 }),
  faults: fc.array(vippsFault, { maxLength: 3 }),
  commands: fc.array(timedCommand, { minLength: 1, maxLength: 6 }),
});

export const modelCase: fc.Arbitrary<ModelCase> = fc.record({
  orders: fc.array(orderScript, { minLength: 1, maxLength: 3 }),
  webhooks: fc.record({ dropRate: fc.constantFrom(0, 0, 0.3, 1), duplicateRate: fc.constantFrom(0, 0, 0.3), reorder: fc.boolean() }),
  workerKillsAtMs: fc.oneof({ weight: 2, arbitrary: fc.constant<number[]>([]) }, { weight: 1, arbitrary: fc.array(fc.integer({ min: 200, max: 4_000 }), { minLength: 1, maxLength: 2 }) }),
});

/**
 * The same shapes with deadlines, workflow cancellation and waits weighted up: for a second long
 * run (`npm run test:model -- --weighted`) that spends its cases on the paths that were missed.
 */
export const weightedModelCase: fc.Arbitrary<ModelCase> = fc.record({
  orders: fc.array(
    fc.record({
      customer: fc.constantFrom('approve', 'approve', 'approve', 'ignore'),
      returns: fc.boolean(),
      freeLine: fc.boolean(),
      unit: fc.integer({ min: 0, max: UNITS.length - 1 }),
      id: fc.constantFrom('fresh' as const, 'extendsPrevious' as const, 'repeatsPrevious' as const),
      deadline: fc.option(deadline, { nil: undefined, freq: 1 }),
      faults: fc.array(vippsFault, { maxLength: 3 }),
      commands: fc.array(
        fc.record({
          command: fc.oneof(
            { weight: 3, arbitrary: command },
            { weight: 2, arbitrary: fc.constant<Command>({ kind: 'cancelWorkflow' }) },
            { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(3_000, 6_000, 9_000) }) },
          ),
          delayMs: fc.constantFrom(0, 50, 600),
          concurrent: fc.boolean(),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  webhooks: fc.record({ dropRate: fc.constantFrom(0, 0.3, 1), duplicateRate: fc.constantFrom(0, 0.3), reorder: fc.boolean() }),
  workerKillsAtMs: fc.oneof({ weight: 2, arbitrary: fc.constant<number[]>([]) }, { weight: 1, arbitrary: fc.array(fc.integer({ min: 200, max: 6_000 }), { minLength: 1, maxLength: 2 }) }),
});

/** The lines a `ship` command names, by id; the free line only in orders that have it. */
export function lineIds(lines: number[], freeLine: boolean): string[] {
  const ids = lines.filter((i) => freeLine || i !== FREE_LINE).map((i) => LINES[i]!.id);
  return ids.length ? ids : [LINES[0].id];
}

/** Other lines than `lines` (for a repeated shipment id with other content). */
export function otherLines(lines: string[] | undefined, freeLine: boolean): string[] {
  const all = LINES.filter((l, i) => freeLine || i !== FREE_LINE).map((l) => l.id);
  const others = all.filter((id) => !lines?.includes(id));
  return others.length ? [others[0]!] : [all[0]!];
}
