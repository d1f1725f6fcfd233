/**
 * One pino logger shape for the service and the worker: JSON lines, the active trace id on every
 * line inside a trace, and redaction of anything that could carry a secret or personal data as a
 * second line of defence (the first is not logging such values at all; test/observability checks
 * the output of a whole order run).
 */
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogLevel, LogMetadata, Logger as TemporalLogger } from '@temporalio/common';
import { activeTraceId } from './tracing';

export type AppLogger = PinoLogger;

/** Field paths that must never be printed, wherever a careless log call puts them. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-ms-content-sha256"]',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'phoneNumber',
  '*.phoneNumber',
  'customer',
  '*.customer',
  'sealedCustomerPhone',
  '*.sealedCustomerPhone',
  'redirectUrl',
  '*.redirectUrl',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'clientSecret',
  '*.clientSecret',
  'subscriptionKey',
  '*.subscriptionKey',
  'taskToken',
];

export interface LoggerOptions {
  level: string;
  /** `service` or `worker`, on every line. */
  name: string;
  /** Where lines go (tests capture them); stdout by default. */
  destination?: DestinationStream;
}

export function createLogger({ level, name, destination }: LoggerOptions): AppLogger {
  return pino(
    {
      level,
      name,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Inside a traced request or activity every line names its trace, so logs and spans join up.
      mixin: () => {
        const traceId = activeTraceId();
        return traceId ? { trace_id: traceId } : {};
      },
    },
    destination,
  );
}

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/**
 * The Temporal SDK's logger interface over pino, for `Runtime.install({ logger })`: workflow and
 * activity log lines then carry the SDK's own attributes (workflowId, activityType, …), the trace
 * id the OpenTelemetry interceptors add, and the order id ours adds.
 */
export function temporalLogger(logger: AppLogger): TemporalLogger {
  const log = (level: LogLevel, message: string, meta: LogMetadata = {}) => {
    // The SDK passes failures as `error`; pino's error serializer (message, type, stack) reads `err`.
    const { error, ...rest } = meta;
    logger[PINO_LEVEL[level]](error instanceof Error ? { ...rest, err: error } : meta, message);
  };
  return {
    log,
    trace: (message, meta) => log('TRACE', message, meta),
    debug: (message, meta) => log('DEBUG', message, meta),
    info: (message, meta) => log('INFO', message, meta),
    warn: (message, meta) => log('WARN', message, meta),
    error: (message, meta) => log('ERROR', message, meta),
  };
}
