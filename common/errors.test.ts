// The closed error table: each code's kind and HTTP status, mapped once for GraphQL and REST.
import { GraphQLError } from 'graphql';
import { AppError, ERROR_CODES, HTTP_STATUS, OPAQUE_INTERNAL_MESSAGE, isErrorCode, kindOfCode, type ErrorCode, type ErrorKind } from './errors';

/** Independent expectation of the whole closed set. */
const EXPECTED: Record<string, [ErrorKind, number]> = {
  BAD_USER_INPUT: ['BAD_USER_INPUT', 400],
  MALFORMED_JSON: ['BAD_USER_INPUT', 400],
  INVALID_BODY: ['BAD_USER_INPUT', 400],
  INVALID_PLUGIN_ID: ['BAD_USER_INPUT', 400],
  NO_PLUGINS: ['BAD_USER_INPUT', 400],
  TOO_MANY_PLUGINS: ['BAD_USER_INPUT', 400],
  DUPLICATE_PLUGIN: ['BAD_USER_INPUT', 400],
  UNKNOWN_PLUGIN: ['BAD_USER_INPUT', 400],
  PLUGIN_NOT_FOR_SALE: ['BAD_USER_INPUT', 400],
  INVALID_CURRENCY: ['BAD_USER_INPUT', 400],
  UNSUPPORTED_CURRENCY: ['BAD_USER_INPUT', 400],
  CURRENCY_MISMATCH: ['BAD_USER_INPUT', 400],
  INVALID_AMOUNT: ['BAD_USER_INPUT', 400],
  AMOUNT_TOO_PRECISE: ['BAD_USER_INPUT', 400],
  AMOUNT_BELOW_MINIMUM: ['BAD_USER_INPUT', 400],
  AMOUNT_ABOVE_MAXIMUM: ['BAD_USER_INPUT', 400],
  TOTAL_MISMATCH: ['BAD_USER_INPUT', 400],
  INVALID_IDEMPOTENCY_KEY: ['BAD_USER_INPUT', 400],
  PAYMENT_REJECTED: ['BAD_USER_INPUT', 400],
  INVALID_PAGE_SIZE: ['BAD_USER_INPUT', 400],
  UNAUTHENTICATED: ['UNAUTHENTICATED', 401],
  FORBIDDEN: ['FORBIDDEN', 403],
  IDEMPOTENCY_KEY_REUSED: ['CONFLICT', 409],
  IDEMPOTENCY_KEY_IN_PROGRESS: ['CONFLICT', 409],
  UNAVAILABLE: ['UNAVAILABLE', 503],
  LEDGER_UNAVAILABLE: ['UNAVAILABLE', 503],
  PAYMENT_PROVIDER_UNAVAILABLE: ['UNAVAILABLE', 503],
  IDENTITY_PROVIDER_UNAVAILABLE: ['UNAVAILABLE', 503],
  CATALOG_UNAVAILABLE: ['UNAVAILABLE', 503],
  INTERNAL: ['INTERNAL', 500],
};

describe('the error table', () => {
  test('the set of codes is exactly the expected closed set', () => {
    expect(Object.keys(ERROR_CODES).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  test('the kinds and their HTTP statuses', () => {
    expect(HTTP_STATUS).toEqual({ BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, CONFLICT: 409, UNAVAILABLE: 503, INTERNAL: 500 });
  });

  test.each(Object.entries(EXPECTED))('%s -> %j', (code, [kind, status]) => {
    const err = new AppError(code as ErrorCode, 'm');
    expect(ERROR_CODES[code as ErrorCode]).toBe(kind);
    expect(err.kind).toBe(kind);
    expect(err.status).toBe(status);
    expect(kindOfCode(code)).toBe(kind);
    expect(isErrorCode(code)).toBe(true);
  });

  test('every kind is used by at least one code', () => {
    const kinds = new Set(Object.values(ERROR_CODES));
    expect([...kinds].sort()).toEqual(Object.keys(HTTP_STATUS).sort());
  });
});

describe('kindOfCode and isErrorCode', () => {
  test.each(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE'])(
    "Apollo's %s is BAD_USER_INPUT",
    (code) => {
      expect(kindOfCode(code)).toBe('BAD_USER_INPUT');
      expect(isErrorCode(code)).toBe(false);
    },
  );

  test.each<[string, unknown]>([
    ['INTERNAL_SERVER_ERROR', 'INTERNAL_SERVER_ERROR'],
    ['DOWNSTREAM_SERVICE_ERROR', 'DOWNSTREAM_SERVICE_ERROR'],
    ['lower-case ours', 'bad_user_input'],
    ['undefined', undefined],
    ['null', null],
    ['number', 400],
    ['object', { code: 'FORBIDDEN' }],
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['hasOwnProperty', 'hasOwnProperty'],
    ['toString', 'toString'],
  ])('%s is INTERNAL and not one of ours', (_name, code) => {
    expect(kindOfCode(code)).toBe('INTERNAL');
    expect(isErrorCode(code)).toBe(false);
  });
});

describe('AppError', () => {
  test('is an Error with name, code, kind, status and details', () => {
    const err = new AppError('TOTAL_MISMATCH', 'total must be 32.49 USD', { expectedTotal: '32.49' });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('AppError');
    expect(err.message).toBe('total must be 32.49 USD');
    expect(err.code).toBe('TOTAL_MISMATCH');
    expect(err.kind).toBe('BAD_USER_INPUT');
    expect(err.status).toBe(400);
    expect(err.details).toEqual({ expectedTotal: '32.49' });
  });

  test('details default to an empty object', () => {
    expect(new AppError('INTERNAL', 'x').details).toEqual({});
  });

  test('toGraphQLError carries the message, code, kind and details as extensions', () => {
    const details = { expectedTotal: '32.49', expectedAmountMinor: '3249', currency: 'USD' };
    const gql = new AppError('TOTAL_MISMATCH', 'total must be 32.49 USD', details).toGraphQLError();
    expect(gql).toBeInstanceOf(GraphQLError);
    expect(gql.message).toBe('total must be 32.49 USD');
    expect(gql.extensions).toEqual({ code: 'TOTAL_MISMATCH', kind: 'BAD_USER_INPUT', ...details });
    expect(gql.toJSON()).toEqual({ message: 'total must be 32.49 USD', extensions: { code: 'TOTAL_MISMATCH', kind: 'BAD_USER_INPUT', ...details } });
  });

  test.each(Object.keys(EXPECTED))('toGraphQLError for %s', (code) => {
    const gql = new AppError(code as ErrorCode, 'm').toGraphQLError();
    expect(gql.extensions).toEqual({ code, kind: EXPECTED[code][0] });
  });

  test('the opaque message says nothing specific', () => {
    expect(OPAQUE_INTERNAL_MESSAGE).toBe('Internal error. It has been logged; retrying will not help until it is fixed.');
  });
});
