import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrfProtection from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { demoPageSchema, esc } from '../pages/html';
import { sendPage } from './merchantHtml';

/**
 * The merchant pages' login: the operator enters ORDER_API_KEY once and gets a session cookie
 * (HttpOnly, SameSite=Strict, Secure over https, signed with a key derived from PAGE_SECRET and the
 * API key, so rotating either logs everyone out). Every POST is checked three ways: the session,
 * a CSRF token bound to it (@fastify/csrf-protection, in each form), and Origin/Referer.
 */
export interface MerchantAuthOptions {
  apiKey: string;
  pageSecret: string;
  /** Where browsers reach the service (PUBLIC_URL): its origin is accepted besides the request's own. */
  publicUrl: string;
}

export const SESSION_COOKIE = 'merchant_session';
const SESSION_HOURS = 12;
const ANONYMOUS = 'login';

declare module 'fastify' {
  interface FastifyRequest {
    /** The merchant session's id, once the session cookie checked out. */
    merchantSession?: string;
  }
}

/** Equal strings, in time that says nothing about where they differ. */
export function sameSecret(presented: string, expected: string): boolean {
  return timingSafeEqual(createHash('sha256').update(presented).digest(), createHash('sha256').update(expected).digest());
}

function derivedKey(pageSecret: string, purpose: string, apiKey: string): string {
  return createHmac('sha256', pageSecret).update(`${purpose}\0${createHash('sha256').update(apiKey).digest('hex')}`).digest('base64url');
}

/** Only paths of the merchant pages themselves: never another site, never `//host`. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/merchant(\/[A-Za-z0-9/_-]*)?(\?[^\s]*)?$/.test(next) ? next : '/merchant';
}

const LoginForm = z.object({ key: z.string().max(500).default(''), next: z.string().max(500).optional() });

function isHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

/**
 * A browser's POST from another site says so: Sec-Fetch-Site, or an Origin (else Referer) that is
 * neither this request's own origin nor PUBLIC_URL's. Clients that send none of them (curl) still
 * need the session and the CSRF token.
 */
export function crossSite(request: FastifyRequest, publicUrl: string): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const allowed = new Set([`${request.protocol}://${request.host}`, new URL(publicUrl).origin]);
  const origin = request.headers.origin;
  if (origin !== undefined) return !allowed.has(origin);
  const referer = request.headers.referer;
  if (referer === undefined) return false;
  return !URL.canParse(referer) || !allowed.has(new URL(referer).origin);
}

const html = sendPage;

function loginPage(reply: FastifyReply, status: number, next: string, message?: string): FastifyReply {
  const csrf = reply.generateCsrf({ userInfo: ANONYMOUS, secure: isHttps(reply.request) });
  return html(
    reply,
    status,
    'Merchant login',
    `<h1>Merchant login</h1>${message ? `<p class="notice error" role="alert" id="message">${esc(message)}</p>` : ''}
     <form method="post" action="/merchant/login">
       <input type="hidden" name="_csrf" value="${esc(csrf)}"><input type="hidden" name="next" value="${esc(next)}">
       <div class="field"><label for="key">API key (ORDER_API_KEY)</label><input type="password" name="key" id="key" autocomplete="current-password" required style="width:20rem"></div>
       <p><button type="submit" id="login">Log in</button></p>
     </form>`,
  );
}

/** Registers the login routes and returns the guards the merchant routes use. */
export async function merchantAuth(app: FastifyInstance, opts: MerchantAuthOptions) {
  await app.register(fastifyCookie, { secret: derivedKey(opts.pageSecret, 'merchant-session', opts.apiKey) });
  await app.register(fastifyCsrfProtection, {
    cookieKey: 'merchant_csrf',
    cookieOpts: { path: '/merchant', sameSite: 'strict', httpOnly: true, signed: true },
    getUserInfo: (request) => request.merchantSession ?? ANONYMOUS,
    csrfOpts: { hmacKey: derivedKey(opts.pageSecret, 'merchant-csrf', opts.apiKey) },
  });

  const pageTokens = new WeakMap<FastifyReply, string>();
  const sessionOf = (request: FastifyRequest): string | undefined => {
    const raw = request.cookies[SESSION_COOKIE];
    if (!raw) return undefined;
    const { valid, value } = request.unsignCookie(raw);
    const [issued, id] = valid && value ? value.split('.') : [];
    if (!issued || !id || Date.now() - Number(issued) > SESSION_HOURS * 3600_000) return undefined;
    return id;
  };
  const csrfChecked = (request: FastifyRequest, reply: FastifyReply) =>
    new Promise<boolean>((resolve) => {
      // The plugin answers a bad token itself (through the error handler below); `done` means it passed.
      void reply.then(() => resolve(false), () => resolve(false));
      app.csrfProtection(request, reply, () => resolve(true));
    });
  const refusedAsCrossSite = (request: FastifyRequest, reply: FastifyReply) => {
    if (!crossSite(request, opts.publicUrl)) return false;
    request.log.warn({ origin: request.headers.origin, site: request.headers['sec-fetch-site'] }, 'cross-site POST to a merchant page refused');
    void html(reply, 403, 'Refused', '<h1>Refused</h1><p>This form was not sent from the merchant page.</p><p><a href="/merchant">Orders</a></p>');
    return true;
  };

  // A bad or missing CSRF token is a page that says what to do, not JSON.
  app.setErrorHandler((err: Error & { code?: string }, _request, reply) => {
    if (err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET') {
      return html(reply, 403, 'Refused', '<h1>Refused</h1><p>The form has expired or did not come from this site. Reload the page and try again.</p><p><a href="/merchant">Orders</a></p>');
    }
    throw err;
  });

  const doc = (summary: string, ...statuses: number[]) => demoPageSchema(summary, statuses);
  app.get('/merchant/login', { schema: doc('Merchant login page', 200) }, (request, reply) => loginPage(reply, 200, safeNext((request.query as { next?: unknown }).next)));

  app.post('/merchant/login', { schema: doc('Merchant login: the API key for a session cookie', 303, 401, 403) }, async (request, reply) => {
    if (refusedAsCrossSite(request, reply)) return reply;
    if (!(await csrfChecked(request, reply))) return reply;
    const form = LoginForm.safeParse(request.body ?? {});
    const next = safeNext(form.data?.next);
    if (!form.success || !sameSecret(form.data.key, opts.apiKey)) {
      request.log.warn('merchant login with a wrong key');
      return loginPage(reply, 401, next, 'That is not the API key.');
    }
    const session = `${Date.now()}.${randomBytes(18).toString('base64url')}`;
    void reply.setCookie(SESSION_COOKIE, session, { path: '/merchant', httpOnly: true, sameSite: 'strict', secure: isHttps(request), signed: true, maxAge: SESSION_HOURS * 3600 });
    return reply.redirect(next, 303);
  });

  app.post('/merchant/logout', { schema: doc('Merchant logout', 303, 403) }, async (request, reply) => {
    if (refusedAsCrossSite(request, reply)) return reply;
    request.merchantSession = sessionOf(request);
    if (request.merchantSession && !(await csrfChecked(request, reply))) return reply;
    void reply.clearCookie(SESSION_COOKIE, { path: '/merchant' });
    return reply.redirect('/merchant/login', 303);
  });

  return {
    /** For pages: no session, on to the login page (and back here after it). */
    page: async (request: FastifyRequest, reply: FastifyReply) => {
      request.merchantSession = sessionOf(request);
      if (!request.merchantSession) return reply.redirect(`/merchant/login?next=${encodeURIComponent(request.url)}`, 303);
    },
    /** For buttons: a session, a same-site request and the CSRF token of that session. */
    action: async (request: FastifyRequest, reply: FastifyReply) => {
      if (refusedAsCrossSite(request, reply)) return reply;
      request.merchantSession = sessionOf(request);
      if (!request.merchantSession) return html(reply, 401, 'Log in', '<h1>Log in first</h1><p><a href="/merchant/login">Merchant login</a></p>');
      if (!(await csrfChecked(request, reply))) return reply;
    },
    /**
     * The hidden field every form of a logged-in page carries. One token per page: without the
     * secret cookie each generateCsrf would mint a new secret, and only the last form would work.
     */
    csrfField: (reply: FastifyReply) => {
      let token = pageTokens.get(reply);
      if (!token) {
        token = reply.generateCsrf({ userInfo: reply.request.merchantSession ?? ANONYMOUS, secure: isHttps(reply.request) });
        pageTokens.set(reply, token);
      }
      return `<input type="hidden" name="_csrf" value="${esc(token)}">`;
    },
  };
}

export type MerchantGuards = Awaited<ReturnType<typeof merchantAuth>>;
