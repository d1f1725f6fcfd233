import { z } from 'zod';
import { formatMoney } from '../../workflows/messages/money';

/** Minimal server-rendered HTML: every interpolated value goes through `esc`. */

export function esc(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Minor units for people, the same way the workflow writes them in timelines. */
export function money(value: number, currency: string): string {
  return formatMoney({ value, currency });
}

const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0; background: #f6f4f1; color: #1d1d1d; }
  main { max-width: 760px; margin: 2rem auto; background: #fff; border-radius: 12px; padding: 2rem; box-shadow: 0 2px 10px rgba(0,0,0,.06); }
  h1 { margin-top: 0; font-size: 1.6rem; }
  table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
  th, td { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid #eee; vertical-align: top; }
  .status { display: inline-block; padding: .15rem .55rem; border-radius: 999px; background: #eee; font-size: .85rem; font-weight: 600; }
  .ok { background: #dff5e3; color: #135c24; } .bad { background: #fde2e1; color: #8a1c14; } .wait { background: #fff3cd; color: #6b4e00; }
  button, .button { background: #ff5b24; color: #fff; border: 0; border-radius: 8px; padding: .6rem 1.1rem; font-size: 1rem; cursor: pointer; text-decoration: none; display: inline-block; }
  button.secondary { background: #555; } button.small { padding: .3rem .6rem; font-size: .85rem; }
  form.inline { display: inline; } input { padding: .35rem; font-size: .9rem; width: 7rem; }
  .muted { color: #666; font-size: .9rem; } .notice { background: #fff3cd; padding: .6rem .8rem; border-radius: 8px; }
  .alert { background: #fde2e1; padding: .6rem .8rem; border-radius: 8px; color: #8a1c14; }
  dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1.2rem; } dl.summary dt { color: #666; } dl.summary dd { margin: 0; }
  .total { font-size: 1.3rem; font-weight: 700; } h2 { font-size: 1.15rem; margin-top: 1.6rem; }
  th.amount, td.amount { text-align: right; white-space: nowrap; } .button.secondary { background: #555; }
  .actions { display: flex; flex-wrap: wrap; gap: .6rem; } tr.sum td { vertical-align: baseline; }
  h1 { overflow-wrap: break-word; hyphens: auto; }
  @media (max-width: 600px) { main { margin: 0; border-radius: 0; padding: 1.2rem; } }
`;

/** A refresh target: `url` after `seconds`, or the same page. */
export interface Refresh {
  seconds: number;
  url?: string;
}

/** `lang` is the page's language tag (the customer's pages: their locale; the merchant's: English). */
export function page(title: string, body: string, opts: { refresh?: Refresh; refreshSeconds?: number; lang?: string } = {}): string {
  const refresh = opts.refresh ?? (opts.refreshSeconds ? { seconds: opts.refreshSeconds } : undefined);
  const meta = refresh ? `<meta http-equiv="refresh" content="${refresh.seconds}${refresh.url ? `; url=${esc(refresh.url)}` : ''}">` : '';
  return `<!doctype html>
<html lang="${esc(opts.lang ?? 'en')}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${meta}
<title>${esc(title)}</title><link rel="icon" type="image/svg+xml" href="/favicon.svg"><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

/** A timestamp for people: `2026-11-28 09:26 UTC`. */
export function when(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The shop's icon: a ball of yarn on the brand orange, drawn here (no external asset). */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#ff5b24"/><circle cx="32" cy="32" r="18" fill="#fff"/><path d="M16 28c10-6 22-6 32 2M15 36c12-4 24-2 34 6M22 18c8 8 12 20 10 32M34 14c6 10 8 22 4 34" fill="none" stroke="#ff5b24" stroke-width="3" stroke-linecap="round"/></svg>`;

const PAGE_RESPONSES: Record<number, string> = {
  200: 'the page',
  303: 'done, or not logged in: on to the next page (Location)',
  400: 'the request is not valid (a page saying why)',
  401: 'not logged in, or a wrong key (a page saying so)',
  403: 'refused: a cross-site request, or a missing or stale CSRF token (a page saying so)',
  404: 'no such order (a page saying so)',
};

/** The OpenAPI description of a demo page: HTML, or a redirect. */
export function demoPageSchema(summary: string, statuses: number[]) {
  const response = Object.fromEntries(
    statuses.map((status) => [status, status === 303 ? z.null().meta({ description: PAGE_RESPONSES[status] }) : { description: PAGE_RESPONSES[status] ?? 'a page', content: { 'text/html': { schema: z.string() } } }]),
  );
  return { tags: ['Demo shop'], summary, response };
}
