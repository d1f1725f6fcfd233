/**
 * The order's timeline as a merchant reads it. The workflow writes its entries for logs and the
 * Temporal UI (`status AWAITING_SHIPMENT`, `capture:box-1`, ISO instants), and they are history:
 * old orders keep the words they were written with. So they are translated here, when shown, and
 * an entry nothing here knows is shown as written (the raw entry stays in the row's `title`).
 */
import type { OrderAlert, OrderView } from '../../workflows/messages';
import { amount, amountsInText, datesInText } from './merchantFormat';
import { ALERT_LABELS, REFUND_WORDS, STATUS_WORDS } from './merchantView';

export interface TimelineRow {
  at: string;
  step: string;
  detail?: string;
}

/** What a Vipps MobilePay webhook says happened, by its event name. */
const EVENT_WORDS: Record<string, string> = {
  CREATED: 'payment created',
  AUTHORIZED: 'the customer approved the payment',
  ABORTED: 'the customer stopped the payment',
  EXPIRED: 'the payment expired before it was approved',
  CANCELLED: 'reservation released',
  CAPTURED: 'money captured',
  REFUNDED: 'money refunded',
  TERMINATED: 'the payment was cancelled before it was approved',
};

/** The workflow's step names (its activities and money operations). */
const STEP_WORDS: Record<string, string> = {
  createPayment: 'creating the payment',
  getPayment: 'reading the payment',
  capturePayment: 'the capture',
  capture: 'the capture',
  cancelPayment: 'the release',
  release: 'the release',
  refundPayment: 'the refund',
  refund: 'the refund',
  void: 'cancelling the payment',
  getPaymentEvents: 'reading the payment’s event log',
  voidPayment: 'cancelling the payment',
  attachReceipt: 'attaching the receipt',
  deliverOrderEvent: 'telling the shop (order event)',
};

/** Payment states (Vipps') as they appear inside details: `the payment is AUTHORIZED`. */
const PAYMENT_STATES = new Set(['CREATED', 'AUTHORIZED', 'ABORTED', 'EXPIRED', 'TERMINATED']);

/** A step of the workflow (`capturePayment`) in words, for "Error in …" and the last error. */
export function stepWords(step: string): string {
  return STEP_WORDS[step] ?? step;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** `capture:box-1` → `capture for shipment box-1`: the money operation's id, named by what it is for. */
function operationIds(text: string): string {
  return text.replace(/\b(capture|refund|release|void):([A-Za-z0-9-]+)\b/g, (_all, kind: string, id: string) => {
    if (kind === 'capture') return `capture for shipment ${id}`;
    if (kind === 'refund') return `refund ${id}`;
    if (kind === 'release') return 'release of the reservation';
    return 'cancellation of the payment';
  });
}

/** Enum values inside free text, in words: order statuses, alerts, payment states. */
function enumsInText(text: string): string {
  return text.replace(/\b[A-Z][A-Z_]{3,}\b/g, (token) => {
    if (token in STATUS_WORDS) return `“${STATUS_WORDS[token]}”`;
    if (token in ALERT_LABELS) return `“${ALERT_LABELS[token as OrderAlert]}”`;
    if (PAYMENT_STATES.has(token)) return token.toLowerCase();
    return token;
  });
}

/** The aggregate the workflow writes as JSON when money moved outside it. */
function aggregateWords(detail: string, currency: string): string | undefined {
  try {
    const parsed = JSON.parse(detail) as Record<string, unknown>;
    const parts = ['authorized', 'captured', 'cancelled', 'refunded'].filter((k) => typeof parsed[k] === 'number').map((k) => `${k === 'cancelled' ? 'released' : k} ${amount(parsed[k] as number, currency)}`);
    return parts.length ? `Vipps MobilePay now shows ${parts.join(', ')}` : undefined;
  } catch {
    return undefined;
  }
}

function readableText(text: string): string {
  return enumsInText(amountsInText(datesInText(operationIds(text))));
}

/** One entry in words: what happened, and the detail. */
export function readableEntry(row: TimelineRow, currency: string): { what: string; detail: string } {
  const { step } = row;
  const detail = row.detail ?? '';
  let what: string | undefined;
  const status = /^status ([A-Z_]+)$/.exec(step)?.[1];
  if (status) what = `Status: ${STATUS_WORDS[status] ?? status}`;
  const event = /^webhook ([A-Z_]+)$/.exec(step)?.[1];
  if (event) what = `Vipps MobilePay: ${EVENT_WORDS[event] ?? event.toLowerCase()}`;
  const failedStep = /^error in (\S+)$/.exec(step)?.[1];
  if (failedStep) what = `Error in ${stepWords(failedStep)}`;
  const acknowledged = /^([A-Z_]+) acknowledged$/.exec(step)?.[1];
  if (acknowledged) what = `Acknowledged: ${ALERT_LABELS[acknowledged as OrderAlert] ?? acknowledged}`;
  const aggregate = step === 'payment changed outside this workflow' ? aggregateWords(detail, currency) : undefined;
  return {
    what: capitalized(what ?? readableText(step)),
    detail: capitalized(aggregate ?? readableText(detail)),
  };
}

/** The order's own timeline, with the refunds made after settlement (each by a workflow of its own) in their place. */
export function timelineRows(view: OrderView): TimelineRow[] {
  const rows: TimelineRow[] = [...view.timeline];
  for (const r of view.refunds) {
    if (rows.some((t) => `${t.step} ${t.detail ?? ''}`.split(/[^A-Za-z0-9-]+/).includes(r.refundId))) continue;
    const at = r.refundedAt ?? r.requestedAt;
    const failure = r.error ? ` (${r.error.message})` : '';
    rows.push({ at: at ?? '', step: `${REFUND_WORDS[r.status]} after settlement`, detail: `refund ${r.refundId}: ${amount(r.amount.value, r.amount.currency)}${failure}` });
  }
  return rows.sort((a, b) => a.at.localeCompare(b.at));
}
