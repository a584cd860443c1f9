// What a client may see of an error: stable codes and safe details, never URLs, stacks or services.
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError, OPAQUE_INTERNAL_MESSAGE } from '../../../common/errors';
import type { Logger } from '../../../common/log';
import { createErrorFormatter } from './error-masking';

interface Call {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

function recordingLogger(calls: Call[] = []): Logger & { calls: Call[] } {
  const make = (base: Record<string, unknown>): Logger => ({
    debug: (msg, fields) => calls.push({ level: 'debug', msg, fields: { ...base, ...fields } }),
    info: (msg, fields) => calls.push({ level: 'info', msg, fields: { ...base, ...fields } }),
    warn: (msg, fields) => calls.push({ level: 'warn', msg, fields: { ...base, ...fields } }),
    error: (msg, fields) => calls.push({ level: 'error', msg, fields: { ...base, ...fields } }),
    child: (fields) => make({ ...base, ...fields }),
  });
  return Object.assign(make({}), { calls });
}

const SUBGRAPH_URL = 'http://127.0.0.1:4001/graphql';
const LEAKS = ['127.0.0.1', '4001', 'http://', 'payments-subgraph', 'stacktrace', 'at Object.', 'serviceName', 'exception', 'sk_test_'];

function expectNoLeak(value: unknown): void {
  const text = JSON.stringify(value);
  for (const leak of LEAKS) expect(text).not.toContain(leak);
}

/** A subgraph error as the gateway sees it: our extensions plus what Apollo adds. */
function fromSubgraph(message: string, extensions: Record<string, unknown>, path: (string | number)[] = ['createPluginPaymentIntent']): [GraphQLFormattedError, unknown] {
  const withNoise = {
    ...extensions,
    serviceName: 'payments-subgraph',
    stacktrace: ['Error: x', '    at Object.<anonymous> (/app/dist/subgraphs/payments/src/resolvers.js:10:5)'],
    exception: { stacktrace: ['at Object.x'], url: SUBGRAPH_URL },
    variables: { input: { secret: 'sk_test_abc' } },
  };
  const formatted: GraphQLFormattedError = { message, path, locations: [{ line: 2, column: 3 }], extensions: withNoise };
  return [formatted, new GraphQLError(message, { path, extensions: withNoise })];
}

describe('createErrorFormatter', () => {
  test('our codes from a subgraph keep message, code, kind and safe details; noise is dropped', () => {
    const log = recordingLogger();
    const format = createErrorFormatter(log);
    const [formatted, error] = fromSubgraph('total must be 32.49 USD, the catalog price of these plugins.', {
      code: 'TOTAL_MISMATCH',
      kind: 'BAD_USER_INPUT',
      expectedTotal: '32.49',
      expectedAmountMinor: '3249',
      currency: 'USD',
    });
    const out = format(formatted, error);
    expect(out).toEqual({
      message: 'total must be 32.49 USD, the catalog price of these plugins.',
      locations: [{ line: 2, column: 3 }],
      path: ['createPluginPaymentIntent'],
      extensions: { code: 'TOTAL_MISMATCH', kind: 'BAD_USER_INPUT', expectedTotal: '32.49', expectedAmountMinor: '3249', currency: 'USD' },
    });
    expectNoLeak(out);
    expect(log.calls).toEqual([]);
  });

  test.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['INVALID_PLUGIN_ID', { code: 'INVALID_PLUGIN_ID', index: 2 }, { code: 'INVALID_PLUGIN_ID', kind: 'BAD_USER_INPUT', index: 2 }],
    ['CURRENCY_MISMATCH', { code: 'CURRENCY_MISMATCH', pluginId: 'p', pluginCurrency: 'EUR' }, { code: 'CURRENCY_MISMATCH', kind: 'BAD_USER_INPUT', pluginId: 'p', pluginCurrency: 'EUR' }],
    ['IDEMPOTENCY_KEY_REUSED', { code: 'IDEMPOTENCY_KEY_REUSED' }, { code: 'IDEMPOTENCY_KEY_REUSED', kind: 'CONFLICT' }],
    ['PAYMENT_REJECTED', { code: 'PAYMENT_REJECTED', reason: 'card_declined' }, { code: 'PAYMENT_REJECTED', kind: 'BAD_USER_INPUT', reason: 'card_declined' }],
    ['LEDGER_UNAVAILABLE', { code: 'LEDGER_UNAVAILABLE', retryable: true }, { code: 'LEDGER_UNAVAILABLE', kind: 'UNAVAILABLE', retryable: true }],
    ['UNAUTHENTICATED', { code: 'UNAUTHENTICATED' }, { code: 'UNAUTHENTICATED', kind: 'UNAUTHENTICATED' }],
    ['FORBIDDEN', { code: 'FORBIDDEN', requiredScope: 'payments:write' }, { code: 'FORBIDDEN', kind: 'FORBIDDEN', requiredScope: 'payments:write' }],
  ])('%s keeps exactly its safe extensions', (_name, extensions, expected) => {
    const [formatted, error] = fromSubgraph('m', extensions);
    const out = createErrorFormatter(recordingLogger())(formatted, error);
    expect(out.extensions).toEqual(expected);
    expect(out.message).toBe('m');
  });

  test('a kind sent by the subgraph is recomputed from the code, not trusted', () => {
    const [formatted, error] = fromSubgraph('m', { code: 'INVALID_BODY', kind: 'INTERNAL' });
    expect(createErrorFormatter(recordingLogger())(formatted, error).extensions).toEqual({ code: 'INVALID_BODY', kind: 'BAD_USER_INPUT' });
  });

  test('an AppError thrown in the gateway keeps its code, kind and details', () => {
    const app = new AppError('UNAUTHENTICATED', 'An Auth0 access token is required.');
    const error = new GraphQLError(app.message, { originalError: app });
    const out = createErrorFormatter(recordingLogger())({ message: app.message, extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['x'] } }, error);
    expect(out).toEqual({ message: 'An Auth0 access token is required.', path: undefined, extensions: { code: 'UNAUTHENTICATED', kind: 'UNAUTHENTICATED' } });
  });

  test('an unknown error becomes INTERNAL with the opaque message and no URL, stack or service', () => {
    const log = recordingLogger();
    const [formatted, error] = fromSubgraph(`Cannot read properties of undefined (reading 'id') while calling ${SUBGRAPH_URL} with sk_test_abc`, {
      code: 'INTERNAL_SERVER_ERROR',
    });
    const out = createErrorFormatter(log)(formatted, error);
    expect(out).toEqual({ message: OPAQUE_INTERNAL_MESSAGE, path: ['createPluginPaymentIntent'], extensions: { code: 'INTERNAL', kind: 'INTERNAL' } });
    expectNoLeak(out);
    expect(log.calls.map((c) => c.level)).toEqual(['error']);
  });

  test('an error with no extensions at all is INTERNAL', () => {
    const out = createErrorFormatter(recordingLogger())({ message: 'boom' }, new Error('boom'));
    expect(out).toEqual({ message: OPAQUE_INTERNAL_MESSAGE, path: undefined, extensions: { code: 'INTERNAL', kind: 'INTERNAL' } });
  });

  test('our INTERNAL code from a subgraph is opaque too (its message may carry anything)', () => {
    const [formatted, error] = fromSubgraph(`cassandra at 10.0.0.5:9042 said no; see ${SUBGRAPH_URL}`, { code: 'INTERNAL' });
    const out = createErrorFormatter(recordingLogger())(formatted, error);
    expect(out.message).toBe(OPAQUE_INTERNAL_MESSAGE);
    expect(out.extensions).toEqual({ code: 'INTERNAL', kind: 'INTERNAL' });
    expectNoLeak(out);
  });

  test.each([
    `request to ${SUBGRAPH_URL} failed, reason: connect ECONNREFUSED 127.0.0.1:4001`,
    'fetch failed',
    `request to ${SUBGRAPH_URL} failed, reason: socket hang up`,
    'connect ETIMEDOUT 10.0.0.7:4001',
  ])('an unreachable subgraph (%s) becomes UNAVAILABLE without the URL', (message) => {
    const log = recordingLogger();
    const [formatted, error] = fromSubgraph(message, { code: 'INTERNAL_SERVER_ERROR' });
    const out = createErrorFormatter(log)(formatted, error);
    expect(out).toEqual({
      message: 'A backing service is unavailable; try again shortly.',
      path: ['createPluginPaymentIntent'],
      extensions: { code: 'UNAVAILABLE', kind: 'UNAVAILABLE', retryable: true },
    });
    expectNoLeak(out);
    expect(log.calls.map((c) => c.level)).toEqual(['warn']);
  });

  // DESIGN.md "Errors": no subgraph URLs in any response *or log line*.
  test('the log line for an unreachable subgraph does not carry its URL either', () => {
    const log = recordingLogger();
    const [formatted, error] = fromSubgraph(`request to ${SUBGRAPH_URL} failed, reason: connect ECONNREFUSED 127.0.0.1:4001`, {
      code: 'INTERNAL_SERVER_ERROR',
    });
    createErrorFormatter(log)(formatted, error);
    expect(JSON.stringify(log.calls)).not.toContain(SUBGRAPH_URL);
    expect(JSON.stringify(log.calls)).not.toContain('127.0.0.1:4001');
  });

  test.each(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_USER_INPUT', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'OPERATION_RESOLUTION_FAILURE'])(
    "Apollo's %s passes as a BAD_USER_INPUT kind with its message",
    (code) => {
      const log = recordingLogger();
      const [formatted, error] = fromSubgraph('Cannot query field "secretField" on type "Query".', { code }, []);
      const out = createErrorFormatter(log)(formatted, error);
      expect(out).toEqual({
        message: 'Cannot query field "secretField" on type "Query".',
        locations: [{ line: 2, column: 3 }],
        path: [],
        extensions: { code, kind: 'BAD_USER_INPUT' },
      });
      expect(log.calls).toEqual([]);
    },
  );

  test('an unknown code with a timeout message is UNAVAILABLE and does not leak the URL', () => {
    const [formatted, error] = fromSubgraph(`upstream timeout calling ${SUBGRAPH_URL}`, { code: 'DOWNSTREAM_SERVICE_ERROR' });
    const out = createErrorFormatter(recordingLogger())(formatted, error);
    expect(out.extensions).toEqual({ code: 'UNAVAILABLE', kind: 'UNAVAILABLE', retryable: true });
    expectNoLeak(out);
  });
});
