import Fastify, { type FastifyInstance } from 'fastify';
import { type EmulatorConfig } from '../config';
import { AccessTokenIssuer } from './auth/accessTokens';
import { type EmulatorContext } from './context';
import { FaultInjector } from './faults';
import { registerContentParsers } from './http/contentParsers';
import { registerErrorHandling } from './http/errorHandler';
import { type EmulatorOptions, systemClock } from './options';
import { PaymentService } from './payments/paymentService';
import { accessTokenRoutes } from './routes/accessToken';
import { controlRoutes } from './routes/control';
import { epaymentRoutes } from './routes/epayment';
import { landingRoutes } from './routes/landing';
import { orderManagementRoutes } from './routes/orderManagement';
import { webhookRoutes } from './routes/webhooks';
import { EmulatorState } from './state/emulatorState';
import { WebhookDispatcher } from './webhooks/dispatcher';

export interface Emulator {
  app: FastifyInstance;
  state: EmulatorState;
  context: EmulatorContext;
  /** Sets the base of landing-page URLs handed out from now on. */
  setPublicUrl(url: string): void;
  close(): Promise<void>;
}

/** Secrets travel in headers; none of them may reach a log line. */
const REDACTED_HEADERS = [
  'req.headers.authorization',
  'req.headers["client_secret"]',
  'req.headers["client_id"]',
  'req.headers["ocp-apim-subscription-key"]',
];

/** Landing tokens in query strings are bearer secrets for a payment. */
function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&]*/g, '$1[redacted]');
}

export function buildEmulator(config: EmulatorConfig, options: EmulatorOptions = {}): Emulator {
  const clock = options.clock ?? systemClock;
  let publicUrl = (options.publicUrl ?? config.publicUrl).replace(/\/+$/, '');

  const app = Fastify({
    logger: {
      level: config.logLevel,
      ...(options.logStream ? { stream: options.logStream } : {}),
      redact: { paths: REDACTED_HEADERS, censor: '[redacted]' },
      // Only method and URL of requests: bodies hold phone numbers, headers hold credentials.
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }),
      },
    },
  });
  app.decorateRequest('vippsMsn', '');

  const state = new EmulatorState(clock);
  const faults = new FaultInjector(options.random);
  const dispatcher = new WebhookDispatcher(
    state.webhooks,
    faults,
    state.deliveries,
    {
      timeoutMs: config.webhookTimeoutMs,
      retryScheduleMs: config.webhookRetryScheduleMs.length > 0 ? config.webhookRetryScheduleMs : [1000],
      maxAgeMs: config.webhookMaxAgeMs,
    },
    app.log,
  );
  const payments = new PaymentService(config, state, clock, dispatcher, () => publicUrl);

  const context: EmulatorContext = {
    config,
    clock,
    state,
    faults,
    payments,
    dispatcher,
    tokens: new AccessTokenIssuer(clock, config.tokenTtlSeconds),
    acceptedMsns: [config.credentials.msn, ...(options.additionalMsns ?? []).filter((m) => m !== config.credentials.msn)],
    publicUrl: () => publicUrl,
    reset: () => {
      dispatcher.reset();
      payments.expiry.clear();
      faults.clear();
      state.clear();
    },
  };

  registerContentParsers(app);
  registerErrorHandling(app);
  void app.register(accessTokenRoutes(context));
  void app.register(epaymentRoutes(context));
  void app.register(webhookRoutes(context));
  void app.register(orderManagementRoutes(context));
  void app.register(landingRoutes(context));
  void app.register(controlRoutes(context));

  return {
    app,
    state,
    context,
    setPublicUrl: (url) => {
      publicUrl = url.replace(/\/+$/, '');
    },
    close: async () => {
      dispatcher.reset();
      payments.expiry.stop();
      await app.close();
    },
  };
}
