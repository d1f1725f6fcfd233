import { asyncLocalStorage } from '@temporalio/activity';
import type { MetricMeter } from '@temporalio/common';
import type { VippsClientOptions } from '@vipps-orders/vipps';
import type { AppLogger } from './logger';

type VippsRequestEvent = Parameters<NonNullable<VippsClientOptions['onRequest']>>[0];

/** Seconds; Vipps answers in tens to hundreds of milliseconds, and the client gives up at VIPPS_TIMEOUT_MS. */
export const VIPPS_DURATION_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
export const VIPPS_DURATION_METRIC = 'vipps_api_request_duration_seconds';

/**
 * The Vipps client's `onRequest` hook: every call to Vipps counted by operation, outcome, HTTP
 * status and Vipps error code, its latency recorded, and one log line. The metrics go through the
 * Temporal SDK's metric meter, so the worker has a single Prometheus endpoint (the Runtime's).
 * Inside an activity the line goes through the activity's logger, which adds the workflow id,
 * the order id and the trace id; the event itself carries no header, body or key.
 */
export function observeVippsCalls(meter: MetricMeter, fallback: AppLogger): NonNullable<VippsClientOptions['onRequest']> {
  const requests = meter.createCounter('vipps_api_requests', undefined, 'Calls to the Vipps MobilePay APIs by operation, outcome, HTTP status and Vipps error code');
  const duration = meter.createHistogram(VIPPS_DURATION_METRIC, 'float', 's', 'Latency of calls to the Vipps MobilePay APIs');
  return (event: VippsRequestEvent) => {
    const tags = {
      operation: event.operation,
      outcome: event.ok ? 'ok' : 'error',
      // The client reports the status of failures only; a success is some 2xx, a timeout or network failure has none.
      status: event.ok ? '2xx' : event.status !== undefined ? String(event.status) : 'none',
      error_code: event.errorCode !== undefined ? String(event.errorCode) : 'none',
    };
    requests.add(1, tags);
    duration.record(event.durationMs / 1000, { operation: event.operation, outcome: tags.outcome });
    const line = { vippsOperation: event.operation, outcome: tags.outcome, status: tags.status, errorCode: tags.error_code, durationMs: event.durationMs };
    const activity = asyncLocalStorage.getStore();
    if (activity) {
      if (event.ok) activity.log.info('vipps call', line);
      else activity.log.warn('vipps call failed', line);
    } else if (event.ok) fallback.info(line, 'vipps call');
    else fallback.warn(line, 'vipps call failed');
  };
}
