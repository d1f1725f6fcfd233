import { type Amount } from '@vipps-orders/vipps/schemas';

/**
 * The landing page is the emulator's stand-in for the customer's phone: it shows what the app
 * would show and offers Approve / Reject. Plain server-rendered HTML with inline CSS and no
 * external assets, so it works offline and in headless browsers. Every interpolated value goes
 * through `escapeHtml`; merchant names and descriptions are caller-controlled text.
 */

const LOCALE_BY_CURRENCY: Record<Amount['currency'], string> = {
  NOK: 'nb-NO',
  DKK: 'da-DK',
  EUR: 'fi-FI',
  SEK: 'sv-SE',
  USD: 'en-US',
  GBP: 'en-GB',
};

/** All supported currencies have two decimals, so minor units / 100. */
export function formatAmount(amount: Amount): string {
  return new Intl.NumberFormat(LOCALE_BY_CURRENCY[amount.currency], { style: 'currency', currency: amount.currency }).format(
    amount.value / 100,
  );
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
  :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center; background: #f3f1f8; color: #1d1a23; }
  main { background: #fff; border-radius: 16px; box-shadow: 0 4px 24px rgba(40, 20, 80, .12); padding: 32px; width: min(420px, 92vw); }
  .badge { display: inline-block; font-size: 12px; letter-spacing: .04em; text-transform: uppercase; background: #ff5b24; color: #fff; border-radius: 999px; padding: 4px 10px; margin: 0 0 16px; }
  h1 { font-size: 22px; margin: 0 0 8px; }
  .amount { font-size: 34px; font-weight: 700; margin: 8px 0; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: 4px 12px; font-size: 14px; color: #4a4553; }
  dt { font-weight: 600; }
  dd { margin: 0; word-break: break-all; }
  .actions { display: flex; gap: 12px; margin-top: 24px; }
  .actions form { flex: 1; }
  button { width: 100%; border: 0; border-radius: 999px; padding: 14px; font-size: 16px; font-weight: 600; cursor: pointer; }
  #approve { background: #5a2bd7; color: #fff; }
  #reject { background: #e8e4f0; color: #1d1a23; }
  .state { font-size: 20px; font-weight: 700; }
  a { color: #5a2bd7; }
`;

/** A plain Vipps-orange tile, inline: the page loads nothing from elsewhere. */
const FAVICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8" fill="#ff5b24"/><path d="M9 11l7 12 7-12" fill="none" stroke="#fff" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/></svg>')}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" type="image/svg+xml" href="${FAVICON}">
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="badge">Vipps MobilePay emulator · test only</p>
${body}
</main>
</body>
</html>
`;
}

export interface LandingView {
  merchantName: string;
  amount: Amount;
  description?: string;
  reference: string;
  maskedPhoneNumber?: string;
  token: string;
}

function summary(view: Omit<LandingView, 'token'>): string {
  const phone = view.maskedPhoneNumber
    ? `<dt>Phone</dt><dd id="phone">${escapeHtml(view.maskedPhoneNumber)}</dd>`
    : '';
  return `<h1 id="merchant">${escapeHtml(view.merchantName)}</h1>
<p id="amount" class="amount">${escapeHtml(formatAmount(view.amount))}</p>
<p id="description">${escapeHtml(view.description ?? '')}</p>
<dl><dt>Reference</dt><dd id="reference">${escapeHtml(view.reference)}</dd>${phone}</dl>`;
}

export function renderPaymentPage(view: LandingView): string {
  const token = escapeHtml(view.token);
  return page(
    `Pay ${view.merchantName}`,
    `${summary(view)}
<div class="actions">
<form method="post" action="/landing/approve"><input type="hidden" name="token" value="${token}"><button id="approve" type="submit">Approve</button></form>
<form method="post" action="/landing/reject"><input type="hidden" name="token" value="${token}"><button id="reject" type="submit">Reject</button></form>
</div>`,
  );
}

/** A payment that is no longer waiting for the user: its state instead of the buttons. */
export function renderStatePage(view: Omit<LandingView, 'token'> & { state: string; returnUrl?: string }): string {
  const back = view.returnUrl ? `<p><a id="return" href="${escapeHtml(view.returnUrl)}">Back to ${escapeHtml(view.merchantName)}</a></p>` : '';
  return page(
    `Payment ${view.state}`,
    `${summary(view)}
<p>This payment is <span id="state" class="state">${escapeHtml(view.state)}</span>.</p>
${back}`,
  );
}

export function renderClosePage(state: string): string {
  return page('Done', `<p>The payment is <span id="state" class="state">${escapeHtml(state)}</span>.</p><p id="close">You can close this page.</p>`);
}

export function renderNotFoundPage(): string {
  return page('Payment not found', '<h1>Payment not found</h1><p id="not-found">This link is unknown or no longer valid.</p>');
}
