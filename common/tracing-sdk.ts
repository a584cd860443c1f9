/**
 * The OpenTelemetry SDK as we run it, loaded by tracing.ts only when tracing is on.
 * Spans: incoming and outgoing HTTP (node:http: our servers, the gateway's subgraph fetches,
 * stripe-node), fetch (undici: payments -> catalog, Auth0), cassandra-driver queries, Apollo
 * gateway's own plan/fetch spans (it uses the global API), and our explicit `traced` spans.
 * Exporters, batching and sampling read their standard OTEL_* variables themselves.
 */
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { W3CTraceContextPropagator, diagLogLevelFromString } from '@opentelemetry/core';
import { NodeTracerProvider, BatchSpanProcessor, ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { detectResources, envDetector, hostDetector, processDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { CassandraDriverInstrumentation } from '@opentelemetry/instrumentation-cassandra-driver';
import { createLogger } from './log';
import type { Tracing, TracingSettings } from './tracing';

/** Probes and scrapes would drown the traces; ignoring them also suppresses their Cassandra spans. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const SHUTDOWN_BUDGET_MS = 3_000;

export function startSdk(settings: TracingSettings): Tracing {
  const log = createLogger(settings.serviceName).child({ component: 'opentelemetry' });
  diag.setLogger(diagToLog(log), diagLogLevelFromString(settings.diagLevel) ?? DiagLogLevel.WARN);

  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (envDetector) override the default name.
  const resource = resourceFromAttributes({ 'service.name': settings.serviceName }).merge(
    detectResources({ detectors: [envDetector, processDetector, hostDetector] }),
  );
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: settings.exporters.map((name) => new BatchSpanProcessor(exporter(name, settings))),
  });
  // Trace context only: a client's W3C baggage is not forwarded past the gateway.
  provider.register({ propagator: new W3CTraceContextPropagator() });

  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '/').split('?')[0]),
      }),
      new UndiciInstrumentation(),
      // Statements are always parameterised (`?`), so their text carries no values.
      new CassandraDriverInstrumentation({ enhancedDatabaseReporting: true }),
    ],
  });
  log.info('tracing on', { exporters: settings.exporters, protocol: settings.protocol });
  return {
    settings,
    // Bounded: an unreachable collector must not hold a terminating pod past its grace period.
    shutdown: async () => {
      let timer: NodeJS.Timeout | undefined;
      const flushed = provider.shutdown().catch((err) => log.warn('spans not flushed at shutdown', { err }));
      await Promise.race([flushed, new Promise<void>((resolve) => { timer = setTimeout(resolve, SHUTDOWN_BUDGET_MS); })]);
      clearTimeout(timer);
    },
  };
}

function exporter(name: TracingSettings['exporters'][number], settings: TracingSettings): SpanExporter {
  if (name === 'console') return new ConsoleSpanExporter();
  // Loaded on demand: only one of the two serializers is ever needed.
  if (settings.protocol === 'http/json') {
    const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter();
  }
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter();
}

/** The SDK's own diagnostics (failed exports...) as our JSON log lines. */
function diagToLog(log: ReturnType<typeof createLogger>): DiagLogger {
  const line = (write: (msg: string, fields?: Record<string, unknown>) => void) => (message: string, ...args: unknown[]) =>
    write(message, args.length ? { details: args.map((a) => (a instanceof Error ? a : String(a))) } : undefined);
  return { error: line(log.error), warn: line(log.warn), info: line(log.info), debug: line(log.debug), verbose: line(log.debug) };
}
