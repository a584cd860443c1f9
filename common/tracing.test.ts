// Tracing is off unless the standard OTEL_* environment asks for it, and then the SDK is not even loaded.
import { tracingSettings } from './tracing';

describe('tracingSettings', () => {
  test.each<[string, Record<string, string>]>([
    ['an empty environment', {}],
    ['only a service name', { OTEL_SERVICE_NAME: 'x' }],
    ['only a protocol', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }],
    ['OTEL_TRACES_EXPORTER=none despite an endpoint', { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }],
    ['OTEL_SDK_DISABLED=true despite an exporter', { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' }],
    ['OTEL_SDK_DISABLED=TRUE despite an endpoint', { OTEL_SDK_DISABLED: 'TRUE', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }],
    ['a blank endpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }],
  ])('off for %s', (_name, env) => {
    expect(tracingSettings(env, 'gateway')).toBeUndefined();
  });

  test.each<[string, Record<string, string>]>([
    ['an OTLP endpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }],
    ['a traces endpoint', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }],
    ['OTEL_TRACES_EXPORTER=otlp (the SDK default endpoint)', { OTEL_TRACES_EXPORTER: 'otlp' }],
    ['OTEL_SDK_DISABLED=false and an endpoint', { OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }],
  ])('on for %s, named after the deployable, OTLP over http/protobuf', (_name, env) => {
    expect(tracingSettings(env, 'gateway')).toEqual({ serviceName: 'gateway', exporters: ['otlp'], protocol: 'http/protobuf', diagLevel: 'warn' });
  });

  test('OTEL_SERVICE_NAME, the protocol (traces-specific first), several exporters and OTEL_LOG_LEVEL are honoured', () => {
    expect(
      tracingSettings(
        { OTEL_TRACES_EXPORTER: 'otlp, console,otlp', OTEL_SERVICE_NAME: 'jtm-gw', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'HTTP/JSON', OTEL_LOG_LEVEL: 'DEBUG' },
        'gateway',
      ),
    ).toEqual({ serviceName: 'jtm-gw', exporters: ['otlp', 'console'], protocol: 'http/json', diagLevel: 'debug' });
  });

  test('values we cannot honour are configuration errors, not silently ignored', () => {
    expect(() => tracingSettings({ OTEL_TRACES_EXPORTER: 'zipkin' }, 'gateway')).toThrow(/OTEL_TRACES_EXPORTER: "zipkin" is not supported/);
    expect(() => tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'gateway')).toThrow(/"grpc" is not supported/);
    // Off wins: nothing is validated when nothing is asked for.
    expect(tracingSettings({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'zipkin' }, 'gateway')).toBeUndefined();
  });
});

describe('startTracing', () => {
  // The SDK module is replaced by a recorder: loading it at all is what these tests look for.
  let sdkLoads: number;
  let started: unknown[];
  let tracing: typeof import('./tracing');
  beforeEach(() => {
    sdkLoads = 0;
    started = [];
    jest.resetModules();
    jest.doMock('./tracing-sdk', () => {
      sdkLoads += 1;
      return { startSdk: (settings: unknown) => { started.push(settings); return { settings, shutdown: async () => {} }; } };
    });
    tracing = require('./tracing') as typeof import('./tracing');
  });
  afterEach(() => jest.dontMock('./tracing-sdk'));

  test('without OTEL_* asking for it: nothing started, the SDK never loaded, traced() just runs the function', async () => {
    expect(tracing.startTracing('payments', { PATH: '/usr/bin', OTEL_SERVICE_NAME: 'x' })).toBeUndefined();
    expect(tracing.startTracing('payments', { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBeUndefined();
    let sawSpan: unknown = 'not called';
    await expect(tracing.traced('stripe.create_intent', {}, async (span) => { sawSpan = span; return 42; })).resolves.toBe(42);
    expect(sawSpan).toBeUndefined();
    expect(tracing.traceFields()).toEqual({});
    expect(sdkLoads).toBe(0);
    expect(started).toEqual([]);
  });

  test('with an endpoint: the SDK is loaded and started once, with the deployable name', () => {
    const handle = tracing.startTracing('payments', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' });
    expect(handle?.settings.serviceName).toBe('payments');
    expect(sdkLoads).toBe(1);
    expect(started).toEqual([{ serviceName: 'payments', exporters: ['otlp'], protocol: 'http/protobuf', diagLevel: 'warn' }]);
  });
});
