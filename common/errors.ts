/**
 * The closed set of error kinds, mapped once to GraphQL `extensions.code` semantics and to HTTP
 * status (used by GraphQL responses and the REST shim alike). Anything not an AppError becomes
 * an opaque INTERNAL error: no stack, no upstream URL, no variables.
 */
import { GraphQLError } from 'graphql';

export type ErrorKind =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CONFLICT'
  | 'UNAVAILABLE'
  | 'INTERNAL';

export const HTTP_STATUS: Record<ErrorKind, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CONFLICT: 409,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

/**
 * Stable, specific error codes. A code belongs to exactly one kind; clients may switch on either.
 */
export const ERROR_CODES = {
  // bad input
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  MALFORMED_JSON: 'BAD_USER_INPUT',
  INVALID_BODY: 'BAD_USER_INPUT',
  INVALID_PLUGIN_ID: 'BAD_USER_INPUT',
  NO_PLUGINS: 'BAD_USER_INPUT',
  TOO_MANY_PLUGINS: 'BAD_USER_INPUT',
  DUPLICATE_PLUGIN: 'BAD_USER_INPUT',
  UNKNOWN_PLUGIN: 'BAD_USER_INPUT',
  PLUGIN_NOT_FOR_SALE: 'BAD_USER_INPUT',
  INVALID_CURRENCY: 'BAD_USER_INPUT',
  UNSUPPORTED_CURRENCY: 'BAD_USER_INPUT',
  CURRENCY_MISMATCH: 'BAD_USER_INPUT',
  INVALID_AMOUNT: 'BAD_USER_INPUT',
  AMOUNT_TOO_PRECISE: 'BAD_USER_INPUT',
  AMOUNT_BELOW_MINIMUM: 'BAD_USER_INPUT',
  AMOUNT_ABOVE_MAXIMUM: 'BAD_USER_INPUT',
  TOTAL_MISMATCH: 'BAD_USER_INPUT',
  INVALID_IDEMPOTENCY_KEY: 'BAD_USER_INPUT',
  PAYMENT_REJECTED: 'BAD_USER_INPUT',
  INVALID_PAGE_SIZE: 'BAD_USER_INPUT',
  // auth
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  // state
  IDEMPOTENCY_KEY_REUSED: 'CONFLICT',
  IDEMPOTENCY_KEY_IN_PROGRESS: 'CONFLICT',
  // dependencies
  UNAVAILABLE: 'UNAVAILABLE',
  LEDGER_UNAVAILABLE: 'UNAVAILABLE',
  PAYMENT_PROVIDER_UNAVAILABLE: 'UNAVAILABLE',
  IDENTITY_PROVIDER_UNAVAILABLE: 'UNAVAILABLE',
  CATALOG_UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  readonly kind: ErrorKind;
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Safe, structured facts for the client (e.g. the expected total). Never secrets. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.kind = ERROR_CODES[code];
  }

  get status(): number {
    return HTTP_STATUS[this.kind];
  }

  /** The GraphQL error a subgraph resolver throws. */
  toGraphQLError(): GraphQLError {
    return new GraphQLError(this.message, {
      extensions: { code: this.code, kind: this.kind, ...this.details },
    });
  }
}

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CODES, code);
}

/** Kind for a GraphQL extensions.code seen in a response (ours, or Apollo's own codes). */
export function kindOfCode(code: unknown): ErrorKind {
  if (isErrorCode(code)) return ERROR_CODES[code];
  switch (code) {
    case 'GRAPHQL_PARSE_FAILED':
    case 'GRAPHQL_VALIDATION_FAILED':
    case 'BAD_REQUEST':
    case 'PERSISTED_QUERY_NOT_FOUND':
    case 'PERSISTED_QUERY_NOT_SUPPORTED':
    case 'OPERATION_RESOLUTION_FAILURE':
      return 'BAD_USER_INPUT';
    default:
      return 'INTERNAL';
  }
}

export const OPAQUE_INTERNAL_MESSAGE = 'Internal error. It has been logged; retrying will not help until it is fixed.';
