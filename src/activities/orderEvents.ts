import { ApplicationFailure } from '@temporalio/activity';
import axios from 'axios';
import { signWebhook, signingTarget } from '@vipps-orders/vipps';
import type { OrderEventDelivery } from '../workflows/messages/orderEvents';

export interface OrderEventSigning {
  /** ORDER_EVENTS_SECRET: the shop verifies each event's signature with it. Unset: deliveries fail (and are retried) until it is set. */
  secret?: string;
}

const TIMEOUT_MS = 10_000;

/**
 * Posts one order event, signed the way Vipps signs its webhooks (HMAC-SHA256 over method, path,
 * date, host and the body's SHA-256), so a shop verifies both with the same code. Only a 2xx
 * counts as delivered; anything else is thrown and retried by Temporal with backoff.
 */
export function orderEventActivities({ secret }: OrderEventSigning): { deliverOrderEvent(input: OrderEventDelivery): Promise<{ status: number }> } {
  return {
    async deliverOrderEvent({ url, event }) {
      if (!secret) throw ApplicationFailure.retryable('ORDER_EVENTS_SECRET is not set on the worker: order events cannot be signed', 'OrderEventsNotConfigured');
      const body = JSON.stringify(event);
      const headers = signWebhook({ secret, ...signingTarget(url), body });
      let status: number;
      try {
        const res = await axios.post(url, body, {
          headers: { ...headers, 'content-type': 'application/json', 'x-order-event-id': event.eventId },
          timeout: TIMEOUT_MS,
          maxRedirects: 0,
          // Every status is an answer here; only a 2xx is a delivery.
          validateStatus: () => true,
          responseType: 'text',
        });
        status = res.status;
      } catch (err) {
        throw ApplicationFailure.retryable(`the shop's event endpoint did not answer: ${err instanceof Error ? err.message : String(err)}`, 'OrderEventNotDelivered');
      }
      if (status < 200 || status > 299) throw ApplicationFailure.retryable(`the shop's event endpoint answered ${status}`, 'OrderEventNotDelivered', { status });
      return { status };
    },
  };
}
