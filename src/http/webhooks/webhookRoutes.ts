import type { FastifyInstance } from 'fastify';
import { formatIssues, PaymentWebhookEvent, signingTarget, verifyWebhook } from '@vipps-orders/vipps';
import type { WebhookSecretRef } from '@vipps-orders/vipps/sales-units';
import type { OrderClient } from '../../orders/orderClient';
import { OrderCommandError } from '../../orders/errors';
import type { WebhookOutcome } from '../../observability/serviceMetrics';
import { webhookSchema } from '../schemas/webhook';
import { RecentWebhookEvents, webhookEventKey } from './webhookDuplicates';
import { documentOnly } from '../zodCompilers';
import { WebhookProbe } from './webhookProbe';
import { WebhookSecrets } from './webhookSecrets';

export interface WebhookRouteOptions {
  orders: OrderClient;
  /** The URL registered with Vipps; the signature covers its path and host, not what a proxy forwards. */
  webhookUrl: string;
  /** The one-unit receiver's secret: VIPPS_WEBHOOK_SECRET, or VIPPS_WEBHOOK_SECRET_FILE (re-read while running). */
  secretRefs?: WebhookSecretRef[];
  clockSkewMs: number;
  /** Told the outcome of every delivery and the receiver's sales unit (metrics). */
  onOutcome?: (outcome: WebhookOutcome, salesUnit: string) => void;
}

export const WEBHOOK_PATH = '/webhooks/vipps';
const BODY_LIMIT = 64 * 1024;

/**
 * Receives Vipps webhooks: verify the signature on the raw bytes, parse, signal the order.
 * It answers 2xx only once Temporal has accepted the signal, so Vipps retries while we are down.
 * With SALES_UNITS_FILE each unit has its own path, `/webhooks/vipps/<unit>`, registered with
 * Vipps for that unit: the secret is chosen by the path before the body is read, and the order is
 * looked for in that unit only. During a rotation a unit accepts both of its secrets; secrets kept
 * in files are read again while the service runs (WebhookSecrets), and a signed probe body
 * (`{"probe": …}`) is answered without Temporal, so the rotation can see the new one accepted.
 */
export default function webhookRoutes(app: FastifyInstance, opts: WebhookRouteOptions): void {
  const recent = new RecentWebhookEvents();

  // Keep the exact bytes: re-serialized JSON would not match the signed content hash.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));

  // The unprefixed path serves the one unit of a one-unit deployment (VIPPS_WEBHOOK_SECRET).
  const receivers: Receiver[] = [];
  if (!opts.orders.units?.fromFile || opts.orders.salesUnit) receivers.push({ path: WEBHOOK_PATH, url: opts.webhookUrl, secrets: new WebhookSecrets(opts.secretRefs?.length ? opts.secretRefs : (opts.orders.salesUnit?.webhookSecretRefs ?? [])), orders: opts.orders, missing: 'VIPPS_WEBHOOK_SECRET is not set' });
  const units = opts.orders.units;
  if (units?.fromFile) {
    for (const unit of units.registry.units) {
      receivers.push({ path: `${WEBHOOK_PATH}/${unit.name}`, url: unitWebhookUrl(opts.webhookUrl, unit.name), secrets: new WebhookSecrets(unit.webhookSecretRefs), orders: opts.orders.forUnit(unit.name), unit: unit.name, missing: `sales unit ${unit.name} has no webhook secret${unit.webhookSecretRefs.some((r) => 'file' in r) ? ' (its secret file is missing or empty: run npm run webhooks:register)' : 's'}` });
    }
  }
  for (const receiver of receivers) {
    const target = signingTarget(receiver.url);
    const unitLabel = receiver.unit ?? opts.orders.salesUnit?.name ?? 'default';
    const outcome = (o: WebhookOutcome) => opts.onOutcome?.(o, unitLabel);
    // The schema documents the event; the handler parses it itself, after checking the signature on the raw bytes.
    app.post(receiver.path, { bodyLimit: BODY_LIMIT, schema: webhookSchema, validatorCompiler: documentOnly }, async (request, reply) => {
      const secrets = receiver.secrets.current();
      if (secrets.length === 0) {
        request.log.error(`${receiver.missing}: refusing webhooks until it is (Vipps will retry)`);
        outcome('not_configured');
        return reply.code(503).send({ error: 'not_configured', message: 'webhook secret not configured' });
      }
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const verify = (list: readonly string[]) => list.map((secret) => verifyWebhook({ secret, ...target, rawBody: raw, headers: request.headers, clockSkewMs: opts.clockSkewMs }));
      let verdicts = verify(secrets);
      if (!verdicts.some((v) => v.ok)) {
        // Perhaps signed with a secret a rotation has just written to the file.
        const fresh = await receiver.secrets.recheck();
        if (fresh) verdicts = verify(fresh);
      }
      const verdict = verdicts.find((v) => v.ok) ?? verdicts[0]!;
      if (!verdict.ok) {
        request.log.warn({ reason: verdict.reason, salesUnit: receiver.unit }, 'webhook rejected: bad signature');
        outcome('bad_signature');
        return reply.code(401).send({ error: 'invalid_signature', message: verdict.reason });
      }

      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        outcome('malformed');
        return reply.code(400).send({ error: 'invalid_request', message: 'body is not JSON' });
      }
      if (WebhookProbe.safeParse(json).success) {
        request.log.info({ salesUnit: receiver.unit, secretIndex: verdicts.indexOf(verdict) }, 'webhook probe accepted');
        outcome('probe');
        return reply.code(200).send({ status: 'probe' });
      }
      const parsed = PaymentWebhookEvent.safeParse(json);
      if (!parsed.success) {
        outcome('malformed');
        return reply.code(400).send({ error: 'invalid_request', message: formatIssues(parsed.error) });
      }
      const event = parsed.data;
      const log = request.log.child({ orderId: event.reference, workflowId: receiver.orders.workflowId(event.reference), ...(receiver.unit && { salesUnit: receiver.unit }), event: event.name, pspReference: event.pspReference });
      const key = `${receiver.unit ?? ''}|${webhookEventKey(event)}`;
      if (recent.has(key)) {
        log.info({ outcome: 'duplicate' }, 'webhook already signalled to the order: acknowledged without signal');
        outcome('duplicate');
        return reply.code(200).send({ status: 'ignored' });
      }

      try {
        const result = await receiver.orders.notifyPaymentEvent(event.reference, {
          name: event.name,
          pspReference: event.pspReference,
          timestamp: event.timestamp,
          success: event.success,
          amount: event.amount,
          ...(event.idempotencyKey != null && { idempotencyKey: event.idempotencyKey }),
        });
        if (result === 'unknown-order') {
          log.warn({ outcome: result }, 'webhook for an unknown or settled order; acknowledged so Vipps stops retrying');
          outcome('unknown_order');
          return reply.code(200).send({ status: 'unknown-order' });
        }
        // Our own captures, refunds and releases are known from their answers, and an authorization
        // the order has already seen changes nothing: acknowledged without a (billed) signal.
        log.info({ outcome: result }, result === 'signalled' ? 'webhook signalled to the order' : 'webhook acknowledged without signal');
        if (result === 'signalled') recent.remember(key);
        outcome(result === 'signalled' ? 'signalled' : 'not_needed');
        return reply.code(200).send({ status: result === 'signalled' ? 'accepted' : 'ignored' });
      } catch (err) {
        if (err instanceof OrderCommandError && err.code === 'temporal_unavailable') {
          log.error('Temporal unreachable: answering 503 so Vipps retries');
          outcome('temporal_unavailable');
          return reply.code(503).header('Retry-After', '5').send({ error: 'temporal_unavailable', message: 'try again later' });
        }
        throw err;
      }
    });
  }
}

interface Receiver {
  path: string;
  /** The URL Vipps signs (the registered one). */
  url: string;
  secrets: WebhookSecrets;
  orders: OrderClient;
  unit?: string;
  /** What to log when no secret is configured. */
  missing: string;
}

/** The URL to register with Vipps for one sales unit: the service's webhook URL with the unit's name. */
export function unitWebhookUrl(webhookUrl: string, salesUnit: string): string {
  return `${webhookUrl.replace(/\/+$/, '')}/${encodeURIComponent(salesUnit)}`;
}
