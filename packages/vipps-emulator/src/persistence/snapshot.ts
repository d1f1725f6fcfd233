import { invariantViolations } from '../payments/paymentMachine';
import { type EmulatorState } from '../state/emulatorState';
import { type StateFileContent, STATE_FILE_VERSION } from './stateFileSchema';

/**
 * Between the in-memory stores and the state file. Saved: payments (with events, landing tokens
 * and deadlines), idempotency records, webhook registrations (with secrets), Order Management
 * receipts and categories, the ledger, the settlement ledgers (Report API) and the token signing key.
 *
 * Not saved, on purpose: webhook deliveries still queued or being retried (events not yet
 * delivered at shutdown are not re-sent after a restart; the shop's polling covers them), the
 * delivery log (a debugging aid for the current run), rate-limit windows and fault switches
 * (test set-up that should not outlive the run that made it).
 */

export function takeSnapshot(state: EmulatorState, accessTokenKey: Buffer, now: number): StateFileContent {
  return {
    version: STATE_FILE_VERSION,
    savedAt: new Date(now).toISOString(),
    accessTokenKey: accessTokenKey.toString('base64url'),
    payments: [...state.payments.oldestFirst()],
    idempotency: [...state.idempotency.all()],
    webhooks: state.webhooks.all(),
    orders: state.orders.all(),
    ledger: state.ledger.list(),
    settlement: state.settlement.snapshot(),
  };
}

/**
 * Fills empty stores from a parsed state file. The schema checked the shapes; this checks what a
 * schema cannot (payment invariants, duplicates) and throws a plain Error naming the record.
 */
export function restoreSnapshot(state: EmulatorState, content: StateFileContent): void {
  for (const payment of content.payments) {
    const violations = invariantViolations(payment);
    if (violations.length > 0) throw new Error(`payment ${payment.msn}/${payment.reference}: ${violations.join('; ')}`);
    state.payments.insert(payment);
  }
  for (const { msn, key, record } of content.idempotency) state.idempotency.save(msn, key, record);
  for (const registration of content.webhooks) state.webhooks.restore(registration);
  for (const { msn, paymentType, orderId, receipt, category } of content.orders) {
    if (receipt && !state.orders.addReceipt(msn, paymentType, orderId, receipt)) {
      throw new Error(`order ${msn}/${paymentType}/${orderId} appears twice`);
    }
    if (category) state.orders.putCategory(msn, paymentType, orderId, category);
  }
  // Appending in order re-creates the sequence numbers and the totals per currency.
  content.ledger.forEach(({ seq, ...entry }, i) => {
    if (seq !== i + 1) throw new Error(`ledger entry ${i + 1} has seq ${seq}`);
    state.ledger.append(entry);
  });
  if (content.settlement) {
    if (content.settlement.appliedMovements > content.ledger.length) throw new Error('the settlement ledgers are ahead of the money movements');
    state.settlement.restore(content.settlement);
  }
}
