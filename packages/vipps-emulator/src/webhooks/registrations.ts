import { randomBytes } from 'node:crypto';
import { type ExtraDetail, PAYMENT_WEBHOOK_EVENTS, type RegisterWebhookRequest } from '@vipps-orders/vipps/schemas';
import { newUuid } from '../ids';
import { type OnChange } from '../state/changeFeed';
import { webhookUrlProblem } from '../urlRules';

/** The Webhooks API allows at most 25 registrations per event type per sales unit. */
export const MAX_REGISTRATIONS_PER_EVENT = 25;

const KNOWN_EVENTS: ReadonlySet<string> = new Set(PAYMENT_WEBHOOK_EVENTS);

export interface WebhookRegistration {
  id: string;
  msn: string;
  url: string;
  events: string[];
  /** HMAC key; handed out once, at registration. */
  secret: string;
  createdAt: number;
}

export type RegisterResult = { ok: true; registration: WebhookRegistration } | { ok: false; fields: ExtraDetail[]; detail: string };

/** Registrations per MSN with an index by event type, so publishing an event never scans them all. */
export class WebhookRegistry {
  private readonly byMsn = new Map<string, Map<string, WebhookRegistration>>();
  private readonly byEvent = new Map<string, Set<string>>();

  constructor(private readonly onChange: OnChange = () => undefined) {}

  register(msn: string, request: RegisterWebhookRequest, httpHosts: readonly string[], now: number): RegisterResult {
    const fields: ExtraDetail[] = [];
    const urlProblem = webhookUrlProblem(request.url, httpHosts);
    if (urlProblem) fields.push({ name: 'url', reason: urlProblem });
    const events = [...new Set(request.events)];
    request.events.forEach((event, i) => {
      if (!KNOWN_EVENTS.has(event)) fields.push({ name: `events[${i}]`, reason: `unknown event type "${event}"` });
    });
    if (fields.length > 0) return { ok: false, fields, detail: 'One or more validation errors occurred.' };
    for (const event of events) {
      if ((this.byEvent.get(`${msn}\n${event}`)?.size ?? 0) >= MAX_REGISTRATIONS_PER_EVENT) {
        return {
          ok: false,
          fields: [{ name: 'events', reason: `at most ${MAX_REGISTRATIONS_PER_EVENT} webhooks may be registered for ${event}` }],
          detail: `The limit of ${MAX_REGISTRATIONS_PER_EVENT} registrations per event type is reached`,
        };
      }
    }
    const registration: WebhookRegistration = {
      id: newUuid(),
      msn,
      url: request.url,
      events,
      secret: randomBytes(30).toString('base64url'),
      createdAt: now,
    };
    this.add(registration);
    return { ok: true, registration };
  }

  /** Puts back a registration from the state file, with its id and secret unchanged. */
  restore(registration: WebhookRegistration): void {
    if (this.get(registration.msn, registration.id)) throw new Error(`webhook ${registration.id} exists`);
    this.add(registration);
  }

  /** Every registration of every MSN (for the state file). */
  all(): WebhookRegistration[] {
    return [...this.byMsn.values()].flatMap((registrations) => [...registrations.values()]);
  }

  private add(registration: WebhookRegistration): void {
    let registrations = this.byMsn.get(registration.msn);
    if (!registrations) {
      registrations = new Map();
      this.byMsn.set(registration.msn, registrations);
    }
    registrations.set(registration.id, registration);
    for (const event of registration.events) {
      const key = `${registration.msn}\n${event}`;
      const ids = this.byEvent.get(key) ?? new Set<string>();
      ids.add(registration.id);
      this.byEvent.set(key, ids);
    }
    this.onChange();
  }

  list(msn: string): WebhookRegistration[] {
    return [...(this.byMsn.get(msn)?.values() ?? [])];
  }

  get(msn: string, id: string): WebhookRegistration | undefined {
    return this.byMsn.get(msn)?.get(id);
  }

  delete(msn: string, id: string): boolean {
    const registration = this.byMsn.get(msn)?.get(id);
    if (!registration) return false;
    this.byMsn.get(msn)?.delete(id);
    for (const event of registration.events) this.byEvent.get(`${msn}\n${event}`)?.delete(id);
    this.onChange();
    return true;
  }

  subscribers(msn: string, eventType: string): WebhookRegistration[] {
    const ids = this.byEvent.get(`${msn}\n${eventType}`);
    if (!ids) return [];
    const registrations = this.byMsn.get(msn);
    return [...ids].flatMap((id) => registrations?.get(id) ?? []);
  }

  clear(): void {
    this.byMsn.clear();
    this.byEvent.clear();
    this.onChange();
  }
}
