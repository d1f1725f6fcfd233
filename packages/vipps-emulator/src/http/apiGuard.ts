import { setTimeout as sleep } from 'node:timers/promises';
import { STATUS_CODES } from 'node:http';
import { type FastifyReply, type FastifyRequest, type preHandlerAsyncHookHandler } from 'fastify';
import { subscriptionKeyFingerprint } from '../auth/accessTokens';
import { msnsOfSubscriptionKey } from '../salesUnits';
import { type EmulatorContext } from '../context';
import { faultResponse } from '../faults';
import { apiProblem, gatewayError } from '../problems';
import { ApiError, type ApiResponse, jsonResponse, sendApiResponse } from './apiResponse';
import { badRequest, headerValue, referenceOf } from './requestParsing';
import { type ApiKind, type OperationName } from './routeConfig';

/**
 * What happens to every Vipps API request before its handler, in the order a real request meets
 * it: injected latency, the gateway's token and subscription-key check (401), header rules
 * (Vipps-System-*, Merchant-Serial-Number), injected faults, and the per-reference rate limits.
 */

export interface GuardOptions {
  api: Extract<ApiKind, 'epayment' | 'webhooks' | 'orderManagement' | 'report'>;
  /** ePayment and Order Management require the MSN header; Webhooks and Report fall back to the configured MSN. */
  msnRequired: boolean;
  /** 30 in the ePayment and Webhooks specs, 100 in Order Management. */
  systemHeaderMaxLength: number;
}

const SYSTEM_HEADERS = ['Vipps-System-Name', 'Vipps-System-Version', 'Vipps-System-Plugin-Name', 'Vipps-System-Plugin-Version'];

/** Real limits per reference and minute (vipps-api.md §2.9). */
const WRITE_LIMITED: ReadonlySet<OperationName> = new Set(['createPayment', 'capturePayment', 'cancelPayment', 'refundPayment']);
const READ_LIMITED: ReadonlySet<OperationName> = new Set(['getPayment', 'getPaymentEventLog']);
const WRITE_LIMIT = 5;
const READ_LIMIT = 120;

export async function applyLatency(ctx: EmulatorContext): Promise<void> {
  const latency = ctx.faults.latencyMs();
  if (latency > 0) await sleep(latency);
}

export function apiGuard(ctx: EmulatorContext, options: GuardOptions): preHandlerAsyncHookHandler {
  return async (request) => {
    await applyLatency(ctx);
    const subscriptionKey = authenticate(ctx, request);
    checkSystemHeaders(request, options);
    request.vippsMsn = resolveMsn(ctx, request, options, subscriptionKey);
    const operation = request.routeOptions.config.operation;
    if (!operation) return;
    const reference = referenceOf(request);
    const hit = ctx.faults.before(operation, reference);
    if (hit) throw new ApiError(faultResponse(options.api, hit, request.url));
    enforceRateLimit(ctx, operation, reference, request.vippsMsn, subscriptionKey);
  };
}

/** Returns the subscription key the (valid) token was issued for. */
function authenticate(ctx: EmulatorContext, request: FastifyRequest): string {
  const subscriptionKey = headerValue(request, 'Ocp-Apim-Subscription-Key');
  if (!subscriptionKey) {
    throw new ApiError(gatewayError(401, 'Access denied due to missing subscription key. Send the Ocp-Apim-Subscription-Key header.'));
  }
  if (subscriptionKey !== ctx.config.credentials.subscriptionKey && msnsOfSubscriptionKey(ctx.config, subscriptionKey).length === 0) {
    throw new ApiError(gatewayError(401, 'Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription.'));
  }
  const match = /^Bearer ([^\s]+)$/.exec(headerValue(request, 'Authorization') ?? '');
  if (!match?.[1]) {
    throw new ApiError(gatewayError(401, 'Access denied: the Authorization header must be "Bearer <access token>".'));
  }
  const verified = ctx.tokens.verify(match[1]);
  if (!verified.ok) throw new ApiError(gatewayError(401, `Access denied: ${verified.reason}.`));
  if (verified.claims.skh !== subscriptionKeyFingerprint(subscriptionKey)) {
    throw new ApiError(gatewayError(401, 'Access denied: the access token was issued for another subscription key.'));
  }
  return subscriptionKey;
}

function checkSystemHeaders(request: FastifyRequest, options: GuardOptions): void {
  for (const name of SYSTEM_HEADERS) {
    const value = headerValue(request, name);
    if (value !== undefined && value.length > options.systemHeaderMaxLength) {
      throw badRequest(options.api, request, name, `must be at most ${options.systemHeaderMaxLength} characters`);
    }
  }
}

function resolveMsn(ctx: EmulatorContext, request: FastifyRequest, options: GuardOptions, subscriptionKey: string): string {
  // With sales units, a key set acts only for its own units' MSNs (partner keys: several).
  const allowed = ctx.config.units ? msnsOfSubscriptionKey(ctx.config, subscriptionKey) : ctx.acceptedMsns;
  const msn = headerValue(request, 'Merchant-Serial-Number');
  if (msn === undefined || msn === '') {
    if (options.msnRequired) throw badRequest(options.api, request, 'Merchant-Serial-Number', 'header is required');
    return allowed[0] ?? ctx.config.credentials.msn;
  }
  if (!/^[0-9]{4,10}$/.test(msn)) throw badRequest(options.api, request, 'Merchant-Serial-Number', 'must be 4 to 10 digits');
  if (!allowed.includes(msn)) {
    throw new ApiError(
      apiProblem(options.api, {
        status: 403,
        title: 'Forbidden',
        path: request.url,
        detail: `The subscription key is not allowed to act for Merchant-Serial-Number ${msn}`,
      }),
    );
  }
  return msn;
}

function enforceRateLimit(
  ctx: EmulatorContext,
  operation: OperationName,
  reference: string | undefined,
  msn: string,
  subscriptionKey: string,
): void {
  if (!ctx.faults.rateLimitsEnforced || reference === undefined) return;
  let retryAfter: number | undefined;
  if (WRITE_LIMITED.has(operation)) retryAfter = ctx.state.rateLimiter.hit(`${msn}|${operation}|${reference}`, WRITE_LIMIT);
  else if (READ_LIMITED.has(operation)) retryAfter = ctx.state.rateLimiter.hit(`${subscriptionKey}|${operation}|${reference}`, READ_LIMIT);
  if (retryAfter !== undefined) {
    throw new ApiError(
      gatewayError(429, `Rate limit is exceeded. Try again in ${retryAfter} seconds.`, { 'retry-after': String(retryAfter) }),
    );
  }
}

/** What a reverse proxy sends for an error of its own: an HTML page, nothing of Vipps' problem shape. */
function proxyPage(status: number): ApiResponse {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return { status, contentType: 'text/html', body: `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center><hr><center>proxy</center></body></html>` };
}

/**
 * Sends an operation's answer, unless a `when: after` fault spoils it (the operation did run): an
 * error instead, a 2xx body that does not parse, or the real answer too late.
 */
export async function finish(ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply, response: ApiResponse): Promise<FastifyReply> {
  const { api, operation } = request.routeOptions.config;
  const hit = operation ? ctx.faults.after(operation, referenceOf(request)) : undefined;
  if (!hit || !api) return sendApiResponse(reply, response);
  if (hit.answer === 'slow') {
    await sleep(hit.delayMs ?? 0);
    return sendApiResponse(reply, response);
  }
  if (hit.answer === 'corrupt') return sendApiResponse(reply, jsonResponse(200, { corrupted: 'this body is not the API schema' }));
  if (hit.answer === 'bare') return sendApiResponse(reply, proxyPage(hit.status));
  return sendApiResponse(reply, faultResponse(api, hit, request.url));
}
