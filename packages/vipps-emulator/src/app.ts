import Fastify, { type FastifyInstance } from 'fastify';
import { type EmulatorConfig } from './config';
import { AccessTokenIssuer } from './auth/accessTokens';
import { type EmulatorContext } from './context';
import { FaultInjector } from './faults';
import { registerContentParsers } from './http/contentParsers';
import { registerErrorHandling } from './http/errorHandler';
import { clientErrorHandler, frameworkErrorHandler, MAX_PARAM_LENGTH } from './http/frameworkErrors';
import { type EmulatorOptions, systemClock } from './options';
import { PaymentService } from './payments/paymentService';
import { DEFAULT_STATE_SAVE_DELAY_MS, StateAutosave } from './persistence/autosave';
import { loadState } from './persistence/loadState';
import { takeSnapshot } from './persistence/snapshot';
import { accessTokenRoutes } from './routes/accessToken';
import { controlRoutes } from './routes/control';
import { epaymentRoutes } from './routes/epayment';
import { landingRoutes } from './routes/landing';
import { ledgerControlRoutes } from './routes/ledgerControl';
import { orderManagementRoutes } from './routes/orderManagement';
import { reportRoutes } from './routes/report';
import { webhookRoutes } from './routes/webhooks';
import { currencyOf } from './salesUnits';
import { EmulatorState } from './state/emulatorState';
import { WebhookDispatcher } from './webhooks/dispatcher';

export interface Emulator {
  app: FastifyInstance;
  state: EmulatorState;
  context: EmulatorContext;
  /** Sets the base of landing-page URLs handed out from now on. */
  setPublicUrl(url: string): void;
  /**
   * Stops timers and the server; with a state file, writes it one last time. `saveState: false`
   * leaves the file alone (startEmulator, when the port is taken: maybe by an emulator that owns it).
   */
  close(options?: { saveState?: boolean }): Promise<void>;
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

/**
 * Builds the emulator without listening. With config.stateFile it first loads that file (a
 * missing file is a fresh start; an unusable one throws a StateFileError naming it), then saves
 * changes back to it, debounced, and on close.
 */
export function buildEmulator(config: EmulatorConfig, options: EmulatorOptions = {}): Emulator {
  const clock = options.clock ?? systemClock;
  let publicUrl = (options.publicUrl ?? config.publicUrl).replace(/\/+$/, '');
  const configured = config.units ? config.units.map((u) => u.msn) : [config.credentials.msn];
  const acceptedMsns = [...configured, ...(options.additionalMsns ?? []).filter((m) => !configured.includes(m))];
  const state = new EmulatorState(clock, {
    currencyOf: (msn) => currencyOf(config, msn),
    msns: acceptedMsns,
    defaultFee: { fixedMinor: config.feeFixedMinor, percentBasisPoints: config.feePercentBasisPoints },
    timeZone: config.ledgerTimeZone,
    cutoffMinutes: config.ledgerCutoffMinutes,
    autoClose: config.ledgerAutoClose,
  });
  const restored = config.stateFile === undefined ? undefined : loadState(config.stateFile, state);

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
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
  });
  app.decorateRequest('vippsMsn', '');

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
  const tokens = new AccessTokenIssuer(clock, config.tokenTtlSeconds, restored?.accessTokenKey);
  const autosave =
    config.stateFile === undefined
      ? undefined
      : new StateAutosave(
          config.stateFile,
          () => takeSnapshot(state, tokens.exportKey(), clock.now()),
          options.stateSaveDelayMs ?? DEFAULT_STATE_SAVE_DELAY_MS,
          app.log,
        );
  state.changes.listen(autosave && (() => autosave.changed()));
  // After the listener, so payments that expired while the emulator was stopped get saved too.
  if (restored) payments.resumeAfterRestart();

  const context: EmulatorContext = {
    config,
    clock,
    state,
    faults,
    payments,
    dispatcher,
    tokens,
    acceptedMsns,
    publicUrl: () => publicUrl,
    // The token signing key is kept: tokens stay valid across a reset, with or without a state file.
    reset: async () => {
      dispatcher.reset();
      payments.expiry.clear();
      faults.clear();
      state.clear();
      await autosave?.save();
    },
  };

  registerContentParsers(app);
  registerErrorHandling(app);
  void app.register(accessTokenRoutes(context));
  void app.register(epaymentRoutes(context));
  void app.register(webhookRoutes(context));
  void app.register(orderManagementRoutes(context));
  void app.register(reportRoutes(context));
  void app.register(landingRoutes(context));
  void app.register(controlRoutes(context));
  void app.register(ledgerControlRoutes(context));

  return {
    app,
    state,
    context,
    setPublicUrl: (url) => {
      publicUrl = url.replace(/\/+$/, '');
    },
    close: async ({ saveState = true } = {}) => {
      dispatcher.reset();
      payments.expiry.stop();
      try {
        await app.close();
      } finally {
        // After app.close(): requests still in flight have finished, so their changes are included.
        await autosave?.close(saveState);
      }
    },
  };
}
