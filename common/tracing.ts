/**
 * OpenTelemetry tracing, off unless the standard OTEL_* environment asks for it:
 * OTEL_TRACES_EXPORTER=otlp|console, or an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT,
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) with OTEL_TRACES_EXPORTER unset. OTEL_SDK_DISABLED=true
 * and OTEL_TRACES_EXPORTER=none win. When off, the SDK is never loaded and `traced` calls its
 * function directly, so the cost is one boolean check.
 *
 * Each deployable's `src/tracing.ts` calls `startTracing` and is main.ts's first import: the
 * instrumentations patch http, undici and cassandra-driver only if they load before the code
 * that uses them (CommonJS require order).
 */
import { SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { ConfigError } from './env';

export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface TracingSettings {
  serviceName: string;
  exporters: Array<'otlp' | 'console'>;
  /** How the OTLP exporter sends; the endpoint, headers, timeout... it reads from OTEL_* itself. */
  protocol: OtlpProtocol;
  /** OTEL_LOG_LEVEL, for the SDK's own diagnostics (export failures...). */
  diagLevel: string;
}

export interface Tracing {
  settings: TracingSettings;
  /** Exports what is buffered and stops; call after the server has drained. */
  shutdown(): Promise<void>;
}

type Env = Record<string, string | undefined>;

const value = (env: Env, name: string) => env[name]?.trim() || undefined;

/** What the environment asks for, or undefined when tracing stays off. Throws ConfigError on values we cannot honour. */
export function tracingSettings(env: Env, defaultServiceName: string): TracingSettings | undefined {
  if (value(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return undefined;
  const named = value(env, 'OTEL_TRACES_EXPORTER')?.toLowerCase().split(',').map((s) => s.trim()).filter(Boolean);
  const endpoint = value(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? value(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  // The spec's default exporter is otlp; ours is none unless an endpoint says where to send.
  const asked = named ?? (endpoint ? ['otlp'] : []);
  if (asked.includes('none') || asked.length === 0) return undefined;
  for (const name of asked) {
    if (name !== 'otlp' && name !== 'console') throw new ConfigError(`OTEL_TRACES_EXPORTER: "${name}" is not supported (otlp, console or none)`);
  }
  const protocol = (value(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? value(env, 'OTEL_EXPORTER_OTLP_PROTOCOL') ?? 'http/protobuf').toLowerCase();
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    throw new ConfigError(`OTEL_EXPORTER_OTLP_PROTOCOL: "${protocol}" is not supported (http/protobuf or http/json)`);
  }
  return {
    serviceName: value(env, 'OTEL_SERVICE_NAME') ?? defaultServiceName,
    exporters: [...new Set(asked)] as TracingSettings['exporters'],
    protocol,
    diagLevel: (value(env, 'OTEL_LOG_LEVEL') ?? 'warn').toLowerCase(),
  };
}

let active = false;

/**
 * Starts the SDK when the environment asks for it, before the rest of the deployable loads.
 * A value we cannot honour ends the process like any other configuration error.
 */
export function startTracing(defaultServiceName: string, env: Env = process.env): Tracing | undefined {
  let settings: TracingSettings | undefined;
  try {
    settings = tracingSettings(env, defaultServiceName);
  } catch (err) {
    process.stderr.write(`configuration error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  if (!settings) return undefined;
  // Required here, not imported: with tracing off the SDK is never loaded.
  const { startSdk } = require('./tracing-sdk') as typeof import('./tracing-sdk');
  const tracing = startSdk(settings);
  active = true;
  return tracing;
}

/** Runs `fn` inside a span (status ERROR when it throws); without tracing, just runs it. */
export async function traced<T>(name: string, attributes: Attributes, fn: (span?: Span) => Promise<T>): Promise<T> {
  if (!active) return fn();
  return trace.getTracer('jtm').startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      // The class name only: messages may carry what a span must not (callers add safe details).
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** The active trace and span ids, for log lines; empty without tracing or outside a span. */
export function traceFields(): { traceId?: string; spanId?: string } {
  if (!active) return {};
  const context = trace.getActiveSpan()?.spanContext();
  return context ? { traceId: context.traceId, spanId: context.spanId } : {};
}
