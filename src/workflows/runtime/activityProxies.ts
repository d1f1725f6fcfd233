import { proxyActivities, type ActivityInterfaceFor, type ActivityOptions, type RetryPolicy } from '@temporalio/workflow';
import { VIPPS_ACTIVITIES, type OrderActivities } from '../messages/activityContract';
import { followActivities } from './activityTime';
import type { DecisionClock } from './decisionClock';
import type { OrderPolicy } from '../messages/requests';

/**
 * Transient failures (5xx, 429, network, timeouts) are retried with backoff; an activity may
 * shorten or lengthen the next delay to honour Retry-After. Every retry repeats the same
 * Idempotency-Key, so a retry can never move money twice. Definite refusals come back as values.
 */
const retry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' };

export interface WorkflowActivities {
  /** Reading a payment: a failed read is simply tried again at the next look, so give up soon. */
  read: ActivityInterfaceFor<OrderActivities>;
  /** Creating the payment: the customer is waiting for the landing page. */
  create: ActivityInterfaceFor<OrderActivities>;
  /**
   * Capture, cancel and refund: quick retries with the same key for `callRetryWindowMs`; if Vipps
   * still has not answered, the outcome is unknown and the workflow resolves it (event log, then
   * the same key again, slower and slower) rather than holding one activity open for hours.
   */
  money: ActivityInterfaceFor<OrderActivities>;
  receipt: ActivityInterfaceFor<OrderActivities>;
  /** Order events to the shop: retried with backoff for up to three days, then given up (noted on the order). */
  events: ActivityInterfaceFor<OrderActivities>;
}

/** A shop that is down for a while gets its events when it is back; one that stays down is not retried forever. */
const EVENTS_RETRY: RetryPolicy = { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '10m' };
export const ORDER_EVENTS_WINDOW_MS = 3 * 24 * 3600_000;

const START_TO_CLOSE_MS = 20_000;

/** How long one look at the payment may take, retries included. */
export function readWindowMs(policy: Pick<OrderPolicy, 'callRetryWindowMs'>): number {
  return Math.min(policy.callRetryWindowMs, 60_000);
}

/** With a clock, every result, failure and timeout of these activities moves it (activityTime.ts). */
export function activityProxies(policy: Pick<OrderPolicy, 'callRetryWindowMs'>, clock?: DecisionClock, salesUnit?: string): WorkflowActivities {
  const window = policy.callRetryWindowMs;
  const proxies = (scheduleToCloseMs: number, retryPolicy: RetryPolicy = retry): ActivityInterfaceFor<OrderActivities> => {
    const options: ActivityOptions = { startToCloseTimeout: START_TO_CLOSE_MS, scheduleToCloseTimeout: scheduleToCloseMs, retry: retryPolicy };
    const acts = forSalesUnit(proxyActivities<OrderActivities>(options), salesUnit);
    return clock ? followActivities(acts, clock, { startToCloseMs: START_TO_CLOSE_MS, scheduleToCloseMs }) : acts;
  };
  return {
    read: proxies(readWindowMs(policy)),
    // A crashed worker must not fail a customer's payment: a minute at least, whatever the money window.
    create: proxies(Math.max(window, 60_000)),
    money: proxies(window),
    receipt: proxies(Math.max(window, 30 * 60_000)),
    events: proxies(ORDER_EVENTS_WINDOW_MS, EVENTS_RETRY),
  };
}

type AnyActivity = ((...args: unknown[]) => Promise<unknown>) & { executeWithOptions(options: unknown, args: unknown[]): Promise<unknown> };

/**
 * Every Vipps call of an order goes to its own sales unit: the unit's name is added here, after
 * each call's one argument, so no call site can forget it. Orders that name no unit (a one-unit
 * deployment's) call exactly as before.
 */
function forSalesUnit(acts: ActivityInterfaceFor<OrderActivities>, salesUnit: string | undefined): ActivityInterfaceFor<OrderActivities> {
  if (salesUnit === undefined) return acts;
  const vipps: ReadonlySet<string | symbol> = new Set(VIPPS_ACTIVITIES);
  return new Proxy(acts, {
    get(target, name) {
      const fn = (target as unknown as Record<string | symbol, AnyActivity>)[name]!;
      if (!vipps.has(name)) return fn;
      const withUnit = (...args: unknown[]) => fn(args[0], salesUnit);
      withUnit.executeWithOptions = (options: unknown, args: unknown[]) => fn.executeWithOptions(options, [args[0], salesUnit]);
      return withUnit;
    },
  });
}
