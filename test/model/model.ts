/**
 * What a randomized case is made of: a few orders, each with what its customer does, the shop's
 * commands (with delays, some sent concurrently), Vipps faults for its payment, plus webhook
 * faults and hard worker kills for the whole case. fast-check generates, runs and shrinks these.
 */
import fc from 'fast-check';

/** The three order lines of the sample order: socks 300.00, scarf 199.00, shipping 49.00 (NOK). */
export const LINES = [
  { id: 'socks', total: 30_000 },
  { id: 'scarf', total: 19_900 },
  { id: 'shipping', total: 4_900 },
] as const;

export type Command =
  | { kind: 'ship'; lines: number[] | 'rest'; repeatOf?: number }
  | { kind: 'cancel' }
  | { kind: 'refund'; amount: number; repeatOf?: number }
  | { kind: 'retryCapture' }
  | { kind: 'read' };

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

export interface OrderScript {
  customer: 'approve' | 'reject' | 'ignore';
  /** The customer comes back to the return page (before or after the webhook). */
  returns: boolean;
  faults: VippsFault[];
  commands: TimedCommand[];
}

export interface ModelCase {
  orders: OrderScript[];
  webhooks: { dropRate: number; duplicateRate: number; reorder: boolean };
  /** Hard worker kills (SIGKILL), at these times after the case starts (ms). */
  workerKillsAtMs: number[];
}

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('ship' as const), lines: fc.oneof(fc.constant('rest' as const), fc.uniqueArray(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 })), repeatOf: fc.option(fc.nat({ max: 3 }), { nil: undefined }) }) },
  { weight: 2, arbitrary: fc.constant<Command>({ kind: 'cancel' }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('refund' as const), amount: fc.constantFrom(100, 1_000, 4_900, 19_900, 30_000, 54_800), repeatOf: fc.option(fc.nat({ max: 3 }), { nil: undefined }) }) },
  { weight: 1, arbitrary: fc.constant<Command>({ kind: 'retryCapture' }) },
  { weight: 1, arbitrary: fc.constant<Command>({ kind: 'read' }) },
);

const timedCommand: fc.Arbitrary<TimedCommand> = fc.record({
  command,
  delayMs: fc.constantFrom(0, 0, 50, 200, 600),
  concurrent: fc.boolean(),
});

const vippsFault: fc.Arbitrary<VippsFault> = fc.oneof(
  // Vipps down or busy before anything happened.
  fc.record({ operation: fc.constantFrom<VippsOperation>('capturePayment', 'refundPayment', 'cancelPayment', 'getPayment', 'getPaymentEventLog'), when: fc.constant('before' as const), status: fc.constantFrom(429, 500, 503), count: fc.integer({ min: 1, max: 3 }) }),
  // The operation ran, the answer was lost.
  fc.record({ operation: fc.constantFrom<VippsOperation>('capturePayment', 'refundPayment', 'cancelPayment'), when: fc.constant('after' as const), status: fc.constantFrom(500, 503), count: fc.integer({ min: 1, max: 2 }) }),
  // The operation ran, the answer does not parse, or comes after the client gave up.
  fc.record({ operation: fc.constantFrom<VippsOperation>('capturePayment', 'refundPayment', 'cancelPayment'), when: fc.constant('after' as const), answer: fc.constantFrom('corrupt' as const, 'slow' as const), count: fc.integer({ min: 1, max: 2 }) }),
  // Try again later (retryable code) or a definite refusal after shipment.
  fc.record({ operation: fc.constant<VippsOperation>('capturePayment'), when: fc.constant('before' as const), errorCode: fc.constantFrom(6280, 6260), count: fc.constant(1) }),
);

const orderScript: fc.Arbitrary<OrderScript> = fc.record({
  customer: fc.constantFrom('approve', 'approve', 'approve', 'reject', 'ignore'),
  returns: fc.boolean(),
  faults: fc.array(vippsFault, { maxLength: 3 }),
  commands: fc.array(timedCommand, { minLength: 1, maxLength: 6 }),
});

export const modelCase: fc.Arbitrary<ModelCase> = fc.record({
  orders: fc.array(orderScript, { minLength: 1, maxLength: 3 }),
  webhooks: fc.record({ dropRate: fc.constantFrom(0, 0, 0.3, 1), duplicateRate: fc.constantFrom(0, 0, 0.3), reorder: fc.boolean() }),
  workerKillsAtMs: fc.oneof({ weight: 2, arbitrary: fc.constant<number[]>([]) }, { weight: 1, arbitrary: fc.array(fc.integer({ min: 200, max: 4_000 }), { minLength: 1, maxLength: 2 }) }),
});

/** The lines a `ship` command names, by id. */
export function lineIds(lines: number[]): string[] {
  return lines.map((i) => LINES[i]!.id);
}
