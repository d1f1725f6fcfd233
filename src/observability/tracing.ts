/**
 * OpenTelemetry tracing: one trace from the HTTP request through the Temporal client, the workflow
 * and the activity to the Vipps call. Off unless the standard OTEL_* variables ask for an exporter
 * (OTEL_TRACES_EXPORTER=otlp|console, or an OTLP endpoint); OTEL_SDK_DISABLED=true forces it off.
 *
 * The Temporal plugin is installed on clients and workers either way, so the workflow bundle (which
 * includes its workflow interceptors) is the same whether tracing is on or off; with it off there
 * is no tracer provider and no exporter, and nothing leaves the process.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { Resource, detectResourcesSync, envDetectorSync } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, NoopSpanProcessor, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { OpenTelemetryPlugin } from '@temporalio/interceptors-opentelemetry';
import { z } from 'zod';
import { parseEnv } from '../config';

type Env = Record<string, string | undefined>;

const EXPORTERS = ['otlp', 'console', 'none'] as const;

const OtelEnv = z.object({
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).optional(),
  OTEL_TRACES_EXPORTER: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(EXPORTERS, { message: `each must be one of ${EXPORTERS.join(', ')}` })))
    .optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
  // The exporter here speaks OTLP over HTTP with protobuf, the protocol the specification defaults to.
  OTEL_EXPORTER_OTLP_PROTOCOL: z.literal('http/protobuf', { message: 'only http/protobuf is supported' }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.literal('http/protobuf', { message: 'only http/protobuf is supported' }).optional(),
});

export type TraceExporterName = (typeof EXPORTERS)[number];

/** Which exporters the environment asks for; empty means tracing is off. */
export function tracingExporters(env: Env = process.env): TraceExporterName[] {
  const e = parseEnv(OtelEnv, env, 'OpenTelemetry');
  if (e.OTEL_SDK_DISABLED === 'true') return [];
  const named = e.OTEL_TRACES_EXPORTER ?? (e.OTEL_EXPORTER_OTLP_ENDPOINT || e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? ['otlp'] : []);
  return named.filter((n) => n !== 'none');
}

export interface Tracing {
  enabled: boolean;
  /** For `new Client({ plugins })`, `Worker.create({ plugins })` and `bundleWorkflowCode({ plugins })`. */
  temporalPlugin: OpenTelemetryPlugin;
  /** The Fastify plugin that names request spans by route; undefined when tracing is off. */
  fastifyPlugin?: ReturnType<FastifyOtelInstrumentation['plugin']>;
  /** Flushes spans not exported yet. */
  shutdown(): Promise<void>;
}

let current: Tracing | undefined;

export interface TracingOptions {
  env?: Env;
  /** `service.name` unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say otherwise. */
  serviceName?: string;
  /** Tests: collect spans here (e.g. an in-memory exporter) whatever the environment says. */
  spanProcessor?: SpanProcessor;
}

/**
 * Sets tracing up once per process (the tracer provider and the HTTP instrumentation are global);
 * later calls return the first setup.
 */
export function setupTracing({ env = process.env, serviceName = 'vipps-temporal-orders', spanProcessor }: TracingOptions = {}): Tracing {
  if (current) return current;
  const resource = new Resource({ 'service.name': serviceName }).merge(detectResourcesSync({ detectors: [envDetectorSync] }));
  const processors = spanProcessor ? [spanProcessor] : tracingExporters(env).map(processorFor);
  if (processors.length === 0) {
    current = { enabled: false, temporalPlugin: new OpenTelemetryPlugin({ resource, spanProcessor: new NoopSpanProcessor() }), shutdown: () => Promise.resolve() };
    return current;
  }
  const provider = new NodeTracerProvider({ resource, spanProcessors: processors });
  // The W3C trace context propagator (or OTEL_PROPAGATORS) and the async-hooks context manager.
  provider.register();
  const fastifyOtel = new FastifyOtelInstrumentation({ registerOnInitialization: false, ignorePaths: ({ url }) => NOT_TRACED.test(url) });
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // Incoming requests to the service and outgoing ones, which is how axios calls Vipps.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => NOT_TRACED.test(req.url ?? '') }),
      fastifyOtel,
    ],
  });
  // The instrumentation patches a module when it is next required; these are loaded long before
  // this runs (Fastify, axios), so require them once more now.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('http');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('https');
  const shared = processors.length === 1 ? processors[0]! : new FanOutSpanProcessor(processors);
  current = {
    enabled: true,
    temporalPlugin: new OpenTelemetryPlugin({ resource, spanProcessor: new WorkflowSpanScrubber(shared) }),
    fastifyPlugin: fastifyOtel.plugin(),
    async shutdown() {
      await provider.shutdown();
      // Leaves the process as it found it (tests set tracing up and down in one process).
      unregister();
      trace.disable();
      context.disable();
      propagation.disable();
      current = undefined;
    },
  };
  return current;
}

let off: Tracing | undefined;

/** The setup of this process so far, or an off one (which a later setupTracing may still replace). */
export function currentTracing(): Tracing {
  if (current) return current;
  off ??= { enabled: false, temporalPlugin: new OpenTelemetryPlugin({ resource: new Resource({}), spanProcessor: new NoopSpanProcessor() }), shutdown: () => Promise.resolve() };
  return off;
}

/** The trace id of the active span, for log lines; undefined outside a trace. */
export function activeTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context && context.traceId !== INVALID_TRACE_ID ? context.traceId : undefined;
}

const INVALID_TRACE_ID = '00000000000000000000000000000000';
const NOT_TRACED = /^\/(metrics|healthz|readyz)(\?|$)/;

function processorFor(name: TraceExporterName): SpanProcessor {
  // OTLPTraceExporter and BatchSpanProcessor read their OTEL_EXPORTER_OTLP_* and OTEL_BSP_* settings themselves.
  return new BatchSpanProcessor(name === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter());
}

/**
 * The SDK copies the whole WorkflowInfo onto every workflow span: its memo (the order summary with
 * the description), search attributes, last result and more. Only these attributes, the SDK
 * interceptors' own (`temporal…`, `run_id`) and namespaced ones (`http.…`) leave the worker.
 */
const SAFE_WORKFLOW_ATTRIBUTES = new Set(['workflowId', 'runId', 'workflowType', 'taskQueue', 'namespace', 'attempt', 'historyLength', 'firstExecutionRunId', 'originalExecutionRunId', 'continuedFromExecutionRunId', 'currentBuildId', 'run_id']);

function safeWorkflowAttribute(key: string): boolean {
  return SAFE_WORKFLOW_ATTRIBUTES.has(key) || /^temporal[A-Z]/.test(key) || key.includes('.');
}

class WorkflowSpanScrubber implements SpanProcessor {
  constructor(private readonly inner: SpanProcessor) {}
  onStart(...args: Parameters<SpanProcessor['onStart']>): void {
    this.inner.onStart(...args);
  }
  onEnd(span: ReadableSpan): void {
    // Workflow spans arrive as plain objects (rebuilt from the workflow sandbox), so a copy keeps them whole.
    const attributes = Object.fromEntries(Object.entries(span.attributes).filter(([key]) => safeWorkflowAttribute(key)));
    this.inner.onEnd({ ...span, attributes });
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/** With two exporters, workflow spans go to both. */
class FanOutSpanProcessor implements SpanProcessor {
  constructor(private readonly processors: SpanProcessor[]) {}
  onStart(...args: Parameters<SpanProcessor['onStart']>): void {
    for (const p of this.processors) p.onStart(...args);
  }
  onEnd(...args: Parameters<SpanProcessor['onEnd']>): void {
    for (const p of this.processors) p.onEnd(...args);
  }
  async forceFlush(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.forceFlush()));
  }
  async shutdown(): Promise<void> {
    await Promise.all(this.processors.map((p) => p.shutdown()));
  }
}
