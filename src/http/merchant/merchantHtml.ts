/**
 * The merchant pages' own HTML shell. They are an operator's tables (orders, amounts, buttons in a
 * row), wider than the customer's pages and styled apart from them, so the two can change without
 * each other. Every interpolated value goes through `esc`.
 */
import type { FastifyReply } from 'fastify';
import { esc } from '../pages/html';
import { STATUS_CLASS, STATUS_WORDS } from './merchantView';

const STYLE = `
  *, *::before, *::after { box-sizing: border-box; }
  body { font-family: system-ui, sans-serif; margin: 0; background: #f4f3f0; color: #1d1d1d; line-height: 1.4; }
  main { max-width: 1080px; margin: 1.5rem auto; background: #fff; border-radius: 12px; padding: 1.5rem 2rem 2rem; box-shadow: 0 2px 10px rgba(0,0,0,.06); }
  h1 { margin: 0 0 1rem; font-size: 1.5rem; display: flex; flex-wrap: wrap; align-items: center; gap: .4rem .8rem; }
  h2 { font-size: 1.1rem; margin: 1.8rem 0 .4rem; }
  a { color: #0b5cad; }
  table { border-collapse: collapse; width: 100%; margin: .4rem 0 .4rem; }
  th, td { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid #ebe9e4; vertical-align: top; }
  th { font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; color: #666; font-weight: 600; white-space: nowrap; }
  .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
  .nowrap, time { white-space: nowrap; }
  .scroll { overflow-x: auto; }
  td.order-id a { white-space: nowrap; }
  td.actions { white-space: nowrap; text-align: right; width: 1%; }
  td.actions form + form { margin-left: .35rem; }
  .status { display: inline-block; padding: .15rem .6rem; border-radius: 10px; background: #eee; font-size: .85rem; font-weight: 600; }
  .ok { background: #dff5e3; color: #135c24; } .bad { background: #fde2e1; color: #8a1c14; } .wait { background: #fff3cd; color: #6b4e00; }
  button { background: #ff5b24; color: #fff; border: 0; border-radius: 8px; padding: .55rem 1rem; font-size: .95rem; cursor: pointer; white-space: nowrap; font-family: inherit; }
  button.secondary { background: #4d4d4d; } button.small { padding: .3rem .65rem; font-size: .85rem; }
  button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #0b5cad; outline-offset: 2px; }
  form.inline { display: inline; }
  input, select { padding: .4rem .5rem; font-size: .95rem; border: 1px solid #bbb; border-radius: 6px; font-family: inherit; }
  label { font-weight: 600; font-size: .9rem; }
  .muted { color: #666; font-size: .9rem; } .sub { display: block; color: #666; font-size: .85rem; margin-top: .15rem; }
  .notice { padding: .7rem .9rem; border-radius: 8px; margin: 0 0 1rem; border-left: 5px solid; }
  .notice.success { background: #e6f5e9; border-color: #2e8540; color: #123d1c; }
  .notice.error { background: #fde8e6; border-color: #c0392b; color: #6e1610; font-weight: 600; }
  .order-alert { background: #fff4e5; border: 1px solid #f0c27b; padding: .6rem .8rem; border-radius: 8px; margin: 0 0 .6rem; }
  dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1.4rem; margin: 0 0 1rem; align-items: baseline; }
  dl.summary dt { color: #666; } dl.summary dd { margin: 0; }
  .total { font-size: 1.25rem; font-weight: 700; }
  .panel { display: flex; flex-wrap: wrap; gap: 1rem 1.5rem; align-items: flex-end; padding: 1rem; background: #faf9f7; border: 1px solid #ebe9e4; border-radius: 10px; margin: 0 0 1rem; }
  .panel > form, .panel > .buttons { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; }
  .field { display: flex; flex-direction: column; gap: .3rem; }
  .field .row { display: flex; gap: .5rem; align-items: center; }
  .field .hint { font-size: .85rem; color: #555; font-weight: normal; }
  .amount-input { width: 9rem; text-align: right; }
  .filter { display: flex; gap: .5rem; align-items: center; margin: 0 0 .5rem; }
  footer { margin-top: 1.2rem; }
  /* A narrow window may break a time after its date, and an order id at its hyphens, before a table scrolls. */
  @media (max-width: 960px) { time, td.order-id a { white-space: normal; } }
  nav.top { display: flex; justify-content: flex-end; align-items: center; gap: .6rem; margin: -.5rem 0 .5rem; font-size: .9rem; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

/** The way between the pages, and out: on top of every page behind the login. */
export function topNav(logoutForm: string, links: { payouts?: boolean } = {}): string {
  const payouts = links.payouts ? `<span aria-hidden="true">·</span><a href="/merchant/payouts">Payouts</a>` : '';
  return `<nav class="top"><a href="/merchant">Orders</a>${payouts}<span aria-hidden="true">·</span><a href="/">Shop</a>${logoutForm}</nav>`;
}

/** A table that scrolls sideways inside the page when the window is too narrow for it. */
export const scrolling = (tableHtml: string) => `<div class="scroll">${tableHtml}</div>`;

/** A whole merchant page. */
export function merchantPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><link rel="icon" type="image/svg+xml" href="/favicon.svg"><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

/** Pages that say who may see them: never cached, by the browser or anything between. */
export function sendPage(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(merchantPage(title, body));
}

/** The order's status in words; the raw value stays in `data-status` (tests, scripts) and on hover. */
export function statusBadge(status: string): string {
  return `<span class="status ${STATUS_CLASS[status] ?? ''}" data-testid="status" data-status="${esc(status)}" title="${esc(status)}">${esc(STATUS_WORDS[status] ?? status)}</span>`;
}

export interface Column {
  head: string;
  /** `num` right-aligns and keeps the cell on one line (amounts). */
  className?: string;
}

/** A table of cells that are HTML already (each made with `cell` or escaped by its maker). */
export function table(columns: (Column | string)[], rows: string[][], empty = 'None.'): string {
  const cols = columns.map((c) => (typeof c === 'string' ? { head: c } : c));
  const head = cols.map((c) => `<th${c.className ? ` class="${c.className}"` : ''} scope="col">${esc(c.head)}</th>`).join('');
  const body = rows.length ? rows.map((r) => `<tr>${r.join('')}</tr>`).join('') : `<tr><td colspan="${cols.length}" class="muted">${esc(empty)}</td></tr>`;
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** A cell of plain text. */
export function cell(text: string, className?: string): string {
  return `<td${className ? ` class="${className}"` : ''}>${esc(text)}</td>`;
}

export const hidden = (name: string, value: string) => `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`;

/** A page that is only a heading, a sentence and the way back. */
export function messagePage(reply: FastifyReply, status: number, title: string, text: string, links = '<a href="/merchant">All orders</a>'): FastifyReply {
  return sendPage(reply, status, title, `<h1>${esc(title)}</h1><p>${esc(text)}</p><p>${links}</p>`);
}
