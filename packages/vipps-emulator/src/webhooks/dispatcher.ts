import { setTimeout as sleep } from 'node:timers/promises';
import { type FastifyBaseLogger } from 'fastify';
import { type PaymentEventName, webhookEventTypeFor } from '@vipps-orders/vipps/schemas';
import { signingTarget, signWebhook } from '@vipps-orders/vipps';
import { type FaultInjector } from '../faults';
import { type Payment, type PaymentEventRecord } from '../payments/paymentMachine';
import { toWebhookEvent } from '../payments/paymentViews';
import { type DeliveryLog, type DeliveryLogEntry } from './deliveryLog';
import { type WebhookRegistration, type WebhookRegistry } from './registrations';

export interface DispatcherSettings {
  /** A delivery fails when the receiver has not answered 2xx within this time. */
  timeoutMs: number;
  /** Wait before retry n (1-based) is entry n-1; the last entry repeats. */
  retryScheduleMs: readonly number[];
  /** Give up on an event once retrying would exceed this age. */
  maxAgeMs: number;
}

interface Delivery {
  registration: WebhookRegistration;
  reference: string;
  eventName: PaymentEventName;
  pspReference: string;
  /** Serialized once, so every attempt (and the signature) covers the same bytes. */
  body: string;
  /** Real time: retry and give-up decisions are about wall-clock network behaviour. */
  queuedAt: number;
  attempts: number;
  copy: number;
}

interface Queue {
  items: Delivery[];
  running: boolean;
  /** The first half of a pair held back by the reorder fault. */
  held?: { deliveries: Delivery[]; timer: NodeJS.Timeout };
}

/**
 * Delivers payment events to registered webhooks: at least once, and in order per payment per
 * registration. Each (registration, reference) pair has its own FIFO queue drained by one loop;
 * the head is retried on the configured schedule until it succeeds or gets too old, and nothing
 * behind it is sent meanwhile, exactly the blocking behaviour the real service documents.
 * Other payments and other registrations are not held up.
 */
export class WebhookDispatcher {
  private readonly queues = new Map<string, Queue>();
  private abort = new AbortController();

  constructor(
    private readonly registry: WebhookRegistry,
    private readonly faults: FaultInjector,
    private readonly log: DeliveryLog,
    private readonly settings: DispatcherSettings,
    private readonly logger: FastifyBaseLogger,
  ) {}

  /** Number of events waiting or being retried, over all queues. */
  get pending(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.items.length + (q.held?.deliveries.length ?? 0);
    return n;
  }

  publish(payment: Payment, event: PaymentEventRecord): void {
    const subscribers = this.registry.subscribers(payment.msn, webhookEventTypeFor(event.name));
    if (subscribers.length === 0) return;
    const body = JSON.stringify(toWebhookEvent(payment, event));
    for (const registration of subscribers) {
      const delivery: Delivery = {
        registration,
        reference: payment.reference,
        eventName: event.name,
        pspReference: event.pspReference,
        body,
        queuedAt: Date.now(),
        attempts: 0,
        copy: 1,
      };
      if (this.faults.shouldDropWebhook()) {
        this.record(delivery, { attempt: 0, outcome: 'dropped', durationMs: 0 });
        continue;
      }
      const deliveries = [delivery];
      if (this.faults.shouldDuplicateWebhook()) deliveries.push({ ...delivery, copy: 2 });
      this.accept(`${registration.id}\n${payment.reference}`, deliveries);
    }
  }

  /** Drops every queued delivery and stops the loops (used by reset and close). */
  reset(): void {
    this.abort.abort();
    this.abort = new AbortController();
    for (const q of this.queues.values()) if (q.held) clearTimeout(q.held.timer);
    this.queues.clear();
  }

  private accept(key: string, deliveries: Delivery[]): void {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { items: [], running: false };
      this.queues.set(key, queue);
    }
    const q = queue;
    if (q.held) {
      clearTimeout(q.held.timer);
      const held = q.held.deliveries;
      q.held = undefined;
      q.items.push(...deliveries, ...held);
    } else if (this.faults.reorderWebhooks) {
      const timer = setTimeout(() => {
        if (q.held?.deliveries !== deliveries) return;
        q.held = undefined;
        q.items.push(...deliveries);
        this.run(key, q);
      }, this.faults.reorderWindowMs);
      timer.unref();
      q.held = { deliveries, timer };
      return;
    } else {
      q.items.push(...deliveries);
    }
    this.run(key, q);
  }

  private run(key: string, q: Queue): void {
    if (q.running) return;
    q.running = true;
    void this.drain(key, q, this.abort.signal);
  }

  private async drain(key: string, q: Queue, signal: AbortSignal): Promise<void> {
    try {
      for (let d = q.items[0]; d && !signal.aborted; d = q.items[0]) {
        if (!this.registry.get(d.registration.msn, d.registration.id)) {
          this.record(d, { attempt: d.attempts, outcome: 'cancelled', durationMs: 0, error: 'registration deleted' });
          q.items.shift();
          continue;
        }
        const delayMs = this.faults.webhookDelayMs();
        if (delayMs > 0) await sleep(delayMs, undefined, { signal, ref: false });
        d.attempts += 1;
        const delivered = await this.attempt(d, signal);
        if (signal.aborted) return;
        if (delivered) {
          q.items.shift();
          continue;
        }
        const schedule = this.settings.retryScheduleMs;
        const waitMs = schedule[Math.min(d.attempts - 1, schedule.length - 1)] ?? 0;
        if (Date.now() + waitMs - d.queuedAt > this.settings.maxAgeMs) {
          this.record(d, { attempt: d.attempts, outcome: 'gave-up', durationMs: 0 });
          this.logger.warn({ registrationId: d.registration.id, reference: d.reference, event: d.eventName }, 'webhook given up');
          q.items.shift();
          continue;
        }
        await sleep(waitMs, undefined, { signal, ref: false });
      }
    } catch (err) {
      if (!signal.aborted) this.logger.error({ err }, 'webhook delivery loop failed');
    } finally {
      q.running = false;
      if (q.items.length === 0 && !q.held && this.queues.get(key) === q) this.queues.delete(key);
    }
  }

  private async attempt(d: Delivery, signal: AbortSignal): Promise<boolean> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    if (this.faults.shouldFailDeliveryAttempt()) {
      this.record(d, { attempt: d.attempts, outcome: 'fault', durationMs: 0, error: 'failNextDeliveries' });
      return false;
    }
    // Signed over the registered URL's host and path, with the current date, as Vipps does.
    const signed = signWebhook({ secret: d.registration.secret, ...signingTarget(d.registration.url), body: d.body });
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    try {
      const response = await fetch(d.registration.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signed },
        body: d.body,
        redirect: 'manual',
        signal: AbortSignal.any([signal, timeout]),
      });
      await response.arrayBuffer();
      const delivered = response.status >= 200 && response.status < 300;
      this.record(d, {
        attempt: d.attempts,
        outcome: delivered ? 'delivered' : 'failed',
        httpStatus: response.status,
        durationMs: elapsed(),
      });
      return delivered;
    } catch (err) {
      if (signal.aborted) return false;
      const message = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      this.record(d, { attempt: d.attempts, outcome: timeout.aborted ? 'timeout' : 'network-error', durationMs: elapsed(), error: message });
      return false;
    }
  }

  private record(
    d: Delivery,
    result: Pick<DeliveryLogEntry, 'attempt' | 'outcome' | 'durationMs'> & Partial<Pick<DeliveryLogEntry, 'httpStatus' | 'error'>>,
  ): void {
    const entry = this.log.add({
      at: new Date().toISOString(),
      registrationId: d.registration.id,
      url: d.registration.url,
      msn: d.registration.msn,
      reference: d.reference,
      eventName: d.eventName,
      pspReference: d.pspReference,
      copy: d.copy,
      ...result,
    });
    this.logger.debug({ delivery: entry }, 'webhook delivery');
  }
}
