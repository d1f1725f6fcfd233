import { type Amount } from '@vipps-orders/vipps/schemas';
import { COMPANY_LOOK, faviconOf, type LandingLook } from './landingLook';
import { type LandingTexts } from './landingTexts';

/**
 * The landing page is the emulator's stand-in for the customer's phone: it shows what the app
 * would show and offers Approve / Reject, in the brand and language of the payment's unit (see
 * landingLook.ts). Plain server-rendered HTML with inline CSS and no external assets, so it works
 * offline and in headless browsers. Every interpolated value goes through `escapeHtml`; merchant
 * names and descriptions are caller-controlled text.
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
  body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center; background: var(--tint); color: #1d1a23; }
  main { background: #fff; border-radius: 16px; box-shadow: 0 4px 24px rgba(40, 20, 80, .12); padding: 32px; width: min(420px, 92vw); }
  .brand { font-size: 28px; font-weight: 800; letter-spacing: -.01em; color: var(--mark); margin: 0 0 12px; }
  .badge { display: inline-block; font-size: 12px; letter-spacing: .04em; text-transform: uppercase; background: var(--mark); color: #fff; border-radius: 999px; padding: 4px 10px; margin: 0 0 16px; }
  h1 { font-size: 22px; margin: 0 0 8px; }
  .amount { font-size: 34px; font-weight: 700; margin: 8px 0; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: 4px 12px; font-size: 14px; color: #4a4553; }
  dt { font-weight: 600; }
  dd { margin: 0; word-break: break-all; }
  .actions { display: flex; gap: 12px; margin-top: 24px; }
  .actions form { flex: 1; }
  button { width: 100%; border: 0; border-radius: 999px; padding: 14px; font-size: 16px; font-weight: 600; cursor: pointer; }
  .branded .actions { flex-direction: column; }
  .branded button { font-size: 19px; font-weight: 700; }
  #approve { background: var(--accent); color: #fff; }
  #reject { background: #e8e4f0; color: #1d1a23; }
  .state { font-size: 20px; font-weight: 700; }
  a { color: var(--link); }
`;

function page(look: LandingLook, title: string, body: string): string {
  const { colours, brand } = look;
  // White on the brand colours reaches a contrast of 3:1 only, enough for large text: the
  // branded buttons' text is large (.branded button), so they take a row each to fit a phone.
  const vars = `:root { --mark: ${colours.mark}; --accent: ${colours.accent}; --tint: ${colours.tint}; --link: ${colours.link}; }`;
  return `<!doctype html>
<html lang="${look.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(brand ? `${title} – ${brand}` : title)}</title>
<link rel="icon" type="image/svg+xml" href="${faviconOf(look)}">
<style>${vars}${STYLE}</style>
</head>
<body>
<main${brand ? ' class="branded"' : ''}>
${brand ? `<p id="brand" class="brand">${escapeHtml(brand)}</p>\n` : ''}<p class="badge">${escapeHtml(look.t.badge)}</p>
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

function summary(view: Omit<LandingView, 'token'>, t: LandingTexts): string {
  const phone = view.maskedPhoneNumber
    ? `<dt>${escapeHtml(t.phone)}</dt><dd id="phone">${escapeHtml(view.maskedPhoneNumber)}</dd>`
    : '';
  return `<h1 id="merchant">${escapeHtml(view.merchantName)}</h1>
<p id="amount" class="amount">${escapeHtml(formatAmount(view.amount))}</p>
<p id="description">${escapeHtml(view.description ?? '')}</p>
<dl><dt>${escapeHtml(t.reference)}</dt><dd id="reference">${escapeHtml(view.reference)}</dd>${phone}</dl>`;
}

const stateHtml = (state: string) => `<span id="state" class="state">${escapeHtml(state)}</span>`;

export function renderPaymentPage(view: LandingView, look: LandingLook): string {
  const { t } = look;
  const token = escapeHtml(view.token);
  return page(
    look,
    t.payTitle(view.merchantName),
    `${summary(view, t)}
<div class="actions">
<form method="post" action="/landing/approve"><input type="hidden" name="token" value="${token}"><button id="approve" type="submit">${escapeHtml(t.approve(look.brand))}</button></form>
<form method="post" action="/landing/reject"><input type="hidden" name="token" value="${token}"><button id="reject" type="submit">${escapeHtml(t.reject)}</button></form>
</div>`,
  );
}

/** A payment that is no longer waiting for the user: its state instead of the buttons. */
export function renderStatePage(view: Omit<LandingView, 'token'> & { state: string; returnUrl?: string }, look: LandingLook): string {
  const { t } = look;
  const back = view.returnUrl ? `<p><a id="return" href="${escapeHtml(view.returnUrl)}">${escapeHtml(t.backTo(view.merchantName))}</a></p>` : '';
  return page(
    look,
    t.stateTitle(view.state),
    `${summary(view, t)}
<p>${t.thisPaymentIs(stateHtml(view.state))}</p>
${back}`,
  );
}

export function renderClosePage(state: string, look: LandingLook): string {
  const { t } = look;
  return page(look, t.doneTitle, `<p>${t.thePaymentIs(stateHtml(state))}</p><p id="close">${escapeHtml(t.closePage)}</p>`);
}

/** No payment, so no unit to take a brand from. */
export function renderNotFoundPage(): string {
  const { t } = COMPANY_LOOK;
  return page(COMPANY_LOOK, t.notFoundTitle, `<h1>${escapeHtml(t.notFoundTitle)}</h1><p id="not-found">${escapeHtml(t.notFound)}</p>`);
}
