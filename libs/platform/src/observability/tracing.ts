import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import pg from 'pg';

/** W3C trace context as it travels in message headers (and is stored with an outbox row). */
export type TraceCarrier = Record<string, string>;

export interface TracingOptions {
  /** Where spans go instead of the OTLP exporter the environment describes (tests: an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
  env?: Record<string, string | undefined>;
}

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry tracing for this process, from the standard OTEL_* variables: spans are
 * exported over OTLP (OTEL_EXPORTER_OTLP_PROTOCOL http/protobuf or http/json) only when
 * OTEL_EXPORTER_OTLP_ENDPOINT (or its traces variant) is set; without it spans are still made, so
 * every log line names its trace, and dropped as they end. OTEL_SDK_DISABLED=true turns tracing off.
 * No module loader hook: the modules we trace are instrumented explicitly (pg here; HTTP, request-reply,
 * the outbox and consumers by the platform's own spans), so the same spans exist under Jest's ESM.
 */
export function startTracing(serviceName: string, { spanProcessors, env = process.env }: TracingOptions = {}): void {
  if (sdk || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return;
  const exporting = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || serviceName,
    // Undefined: the processors OTEL_TRACES_EXPORTER and the OTLP variables describe.
    spanProcessors: spanProcessors ?? (exporting ? undefined : [new NoopSpanProcessor()]),
    // Metrics are Prometheus's (GET /metrics), logs are pino's: the SDK exports neither.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  instrumentPg();
}

/** Hands the spans still buffered to the exporter (before the process exits). */
export async function flushTracing(): Promise<void> {
  const provider = trace.getTracerProvider() as { getDelegate?: () => { forceFlush?: () => Promise<void> } };
  await provider.getDelegate?.().forceFlush?.();
}

/** Flushes and stops tracing (tests, shutdown); a later startTracing starts it again. */
export async function stopTracing(): Promise<void> {
  const stopping = sdk;
  sdk = undefined;
  await stopping?.shutdown();
  trace.disable();
  propagation.disable();
  context.disable();
}

/** Spans for every SQL statement run inside a traced operation (never with its values), on the pg this process loaded. */
function instrumentPg(): void {
  const instrumentation = new PgInstrumentation({ enabled: false, requireParentSpan: true, ignoreConnectSpans: true });
  for (const definition of instrumentation.getModuleDefinitions()) {
    if (definition.name === 'pg') definition.patch?.(pg, undefined);
  }
}

export const tracer = () => trace.getTracer('shop');

/** The active trace context as headers (`traceparent`, `tracestate`); empty outside a trace. */
export function traceCarrier(from: Context = context.active()): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(from, carrier);
  return carrier;
}

/** The trace context a message or request carried, to continue its trace. */
export function contextFrom(carrier: Record<string, unknown> | undefined): Context {
  return carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
}

/** The ids of the active span, for log lines; empty outside a trace. */
export function traceIds(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? { trace_id: spanContext.traceId, span_id: spanContext.spanId } : {};
}

/**
 * Runs `work` in a new span (a child of `parent`, by default the active context), ending it when
 * `work` settles and marking it as an error when it throws.
 */
export function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes; parent?: Context },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent);
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      return await work(span);
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Marks a span as failed by `error`. */
export function failed(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error)?.message });
}

export { SpanKind };
