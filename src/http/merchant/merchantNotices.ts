/**
 * What the order page says after a button: a fixed set of codes in the URL (`?notice=shipped`),
 * each with its text here, filled in only from the order as it is now. Text from the URL itself is
 * never shown, so nobody can send the merchant a link that makes their own page say something
 * (a fake "call support at …"). An unknown code shows nothing.
 */
import { z } from 'zod';
import type { OrderErrorCode } from '../../orders/errors';
import type { OrderView } from '../../workflows/messages';
import { RefundId } from '../../workflows/messages/commandSchemas';
import { esc } from '../pages/html';
import { amount } from './merchantFormat';
import { actionsFor, STATUS_WORDS } from './merchantView';

const SUCCESS = ['shipped', 'cancelled', 'capture-retried', 'acknowledged', 'refunded', 'accepted'] as const;
const ERRORS = ['form-expired', 'refund-amount', 'refund-too-much', 'reason-missing', 'conflict', 'invalid', 'refused', 'busy', 'unavailable', 'failed'] as const;
export type NoticeCode = (typeof SUCCESS)[number] | (typeof ERRORS)[number];

const NoticeCodeSchema = z.enum([...SUCCESS, ...ERRORS]);

export interface Notice {
  kind: 'success' | 'error';
  text: string;
}

/** Where a button sends the browser back to: the order's page with the notice's code (and the refund it is about). */
export function withNotice(path: string, code: NoticeCode, refundId?: string): string {
  const query = new URLSearchParams({ notice: code, ...(refundId && { refund: refundId }) });
  return `${path}?${query.toString()}`;
}

/** A refused command's notice, by its error code (the full message goes to the log, not the URL). */
export function noticeForError(code: OrderErrorCode): NoticeCode {
  switch (code) {
    case 'order_conflict':
      return 'conflict';
    case 'invalid_command':
      return 'invalid';
    case 'vipps_rejected':
      return 'refused';
    case 'still_processing':
      return 'busy';
    case 'temporal_unavailable':
      return 'unavailable';
    default:
      return 'failed';
  }
}

const status = (view: OrderView) => STATUS_WORDS[view.status] ?? view.status;

function refundNotice(view: OrderView, refundId: string | undefined): Notice {
  const c = view.amount.currency;
  const inAll = amount(view.payment.aggregate.refunded, c);
  const refund = refundId === undefined ? undefined : view.refunds.find((r) => r.refundId === refundId);
  if (!refund) return { kind: 'success', text: `Refund sent. ${inAll} refunded in all.` };
  const what = amount(refund.amount.value, refund.amount.currency);
  if (refund.status === 'REFUNDED') return { kind: 'success', text: `Refunded ${what} (${inAll} refunded in all).` };
  if (refund.status === 'REFUND_FAILED') return { kind: 'error', text: `Vipps MobilePay refused the refund of ${what}${refund.error ? `: ${refund.error.message}` : '.'}` };
  return { kind: 'success', text: `Refund of ${what} sent to Vipps MobilePay; this page shows the outcome when it comes.` };
}

const captured = (view: OrderView) => amount(view.payment.aggregate.captured, view.amount.currency);

const SUCCESS_TEXTS: Record<Exclude<(typeof SUCCESS)[number], 'refunded'>, (view: OrderView) => string> = {
  shipped: (view) => `Marked shipped: ${captured(view)} captured so far. ${status(view)}.`,
  cancelled: (view) => {
    if (view.status === 'CANCELLED') return 'Cancelled: the reservation is released and nothing was charged.';
    if (view.cancel?.status === 'REQUESTED') return 'Cancel requested: what was not captured is being released.';
    return `The rest is cancelled: ${amount(view.payment.aggregate.cancelled, view.amount.currency)} released, ${captured(view)} captured.`;
  },
  'capture-retried': (view) => `Capture retried: ${captured(view)} captured so far.`,
  acknowledged: (view) => `Alert acknowledged. Status: ${status(view)}.`,
  accepted: () => 'The order took the command and is still at it. Reload this page in a moment to see the outcome.',
};

const ERROR_TEXTS: Record<(typeof ERRORS)[number], (view: OrderView) => string> = {
  'form-expired': () => 'The form was out of date. Reload the page and try again.',
  'refund-amount': (view) => `Write the amount to refund in ${view.amount.currency}, more than 0 and with at most two decimals, like 49.50.`,
  'refund-too-much': (view) => `That is more than can be refunded: at most ${amount(actionsFor(view).refundable, view.amount.currency)}.`,
  'reason-missing': () => 'Write why you acknowledge the alert (at least 3 characters).',
  conflict: () => 'The order did not take that in its current state. This page shows it as it is now.',
  invalid: () => 'The order refused that command as not valid for it.',
  refused: () => 'Vipps MobilePay refused. The timeline below says why.',
  busy: () => 'The order has not answered yet. Reload this page in a moment to see the outcome.',
  unavailable: () => 'Temporal could not be reached. Try again in a moment.',
  failed: () => 'That did not go through. The service log says why.',
};

/** The notice the query names, in words from `view`; undefined for no code or one not in the set. */
export function noticeFrom(query: unknown, view: OrderView): Notice | undefined {
  const q = (query ?? {}) as { notice?: unknown; refund?: unknown };
  const code = NoticeCodeSchema.safeParse(q.notice);
  if (!code.success) return undefined;
  if (code.data === 'refunded') {
    const refundId = RefundId.safeParse(q.refund);
    return refundNotice(view, refundId.success ? refundId.data : undefined);
  }
  if (code.data in SUCCESS_TEXTS) return { kind: 'success', text: SUCCESS_TEXTS[code.data as keyof typeof SUCCESS_TEXTS](view) };
  return { kind: 'error', text: ERROR_TEXTS[code.data as keyof typeof ERROR_TEXTS](view) };
}

/** Success is a polite status message, an error an alert: screen readers announce them so, and they look apart. */
export function noticeHtml(notice: Notice | undefined): string {
  if (!notice) return '';
  const role = notice.kind === 'success' ? 'status' : 'alert';
  return `<p class="notice ${notice.kind}" role="${role}" id="message">${esc(notice.text)}</p>`;
}
