// mapStripeError with the real error classes of the stripe package: the outcome decides whether
// the ledger records a failure (rejected) or keeps the entry pending (unavailable, misconfigured).
import Stripe from 'stripe';
import { ProviderError } from './payment-provider';
import { mapStripeError } from './stripe-provider';

const E = Stripe.errors;

function mapped(err: unknown): { outcome: string; reason: string } {
  const result = mapStripeError(err);
  expect(result).toBeInstanceOf(ProviderError);
  return { outcome: result.outcome, reason: result.reason };
}

describe('mapStripeError', () => {
  test.each<[string, unknown, string, string]>([
    ['card declined', new E.StripeCardError({ message: 'Your card was declined.', code: 'card_declined', decline_code: 'insufficient_funds' }), 'rejected', 'card_declined'],
    ['card error without code', new E.StripeCardError({ message: 'x' }), 'rejected', 'StripeCardError'],
    ['invalid request', new E.StripeInvalidRequestError({ message: 'x', code: 'amount_too_small', param: 'amount' }), 'rejected', 'amount_too_small'],
    ['resource missing', new E.StripeInvalidRequestError({ message: 'x', code: 'resource_missing' }), 'rejected', 'resource_missing'],
    ['invalid request without code', new E.StripeInvalidRequestError({ message: 'x' }), 'rejected', 'StripeInvalidRequestError'],
    ['idempotency', new E.StripeIdempotencyError({ message: 'Keys for idempotent requests can only be used with the same parameters', type: 'idempotency_error' }), 'rejected', 'idempotency_error'],
    ['idempotency with a code', new E.StripeIdempotencyError({ message: 'x', code: 'something_else' }), 'rejected', 'idempotency_error'],
    ['authentication', new E.StripeAuthenticationError({ message: 'Invalid API Key provided: sk_test_****' }), 'misconfigured', 'StripeAuthenticationError'],
    ['permission', new E.StripePermissionError({ message: 'x', code: 'secret_key_required' }), 'misconfigured', 'secret_key_required'],
    ['connection', new E.StripeConnectionError({ message: 'An error occurred with our connection to Stripe.' }), 'unavailable', 'StripeConnectionError'],
    ['api (5xx)', new E.StripeAPIError({ message: 'x', statusCode: 500 }), 'unavailable', 'StripeAPIError'],
    ['rate limit', new E.StripeRateLimitError({ message: 'x', code: 'rate_limit' }), 'unavailable', 'rate_limit'],
    ['plain Error', new Error('boom'), 'unavailable', 'unknown'],
    ['Node socket error', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'unavailable', 'ECONNRESET'],
    ['string', 'boom', 'unavailable', 'unknown'],
    ['empty object', {}, 'unavailable', 'unknown'],
  ])('%s -> %s (%s)', (_name, err, outcome, reason) => {
    expect(mapped(err)).toEqual({ outcome, reason });
  });

  test('errors built by stripe-node from raw API responses map the same way', () => {
    expect(mapped(E.StripeError.generate({ statusCode: 402, type: 'card_error', code: 'expired_card', message: 'x' }))).toEqual({ outcome: 'rejected', reason: 'expired_card' });
    expect(mapped(E.StripeError.generate({ statusCode: 400, type: 'idempotency_error', message: 'x' }))).toEqual({ outcome: 'rejected', reason: 'idempotency_error' });
    expect(mapped(E.StripeError.generate({ statusCode: 400, type: 'invalid_request_error', code: 'parameter_unknown', message: 'x' }))).toEqual({ outcome: 'rejected', reason: 'parameter_unknown' });
    expect(mapped(E.StripeError.generate({ statusCode: 401, type: 'invalid_request_error', message: 'x' }))).toEqual({ outcome: 'misconfigured', reason: 'StripeAuthenticationError' });
    expect(mapped(E.StripeError.generate({ statusCode: 403, type: 'invalid_request_error', message: 'x' }))).toEqual({ outcome: 'misconfigured', reason: 'StripePermissionError' });
    expect(mapped(E.StripeError.generate({ statusCode: 429, type: 'invalid_request_error', code: 'rate_limit', message: 'x' }))).toEqual({ outcome: 'unavailable', reason: 'rate_limit' });
    expect(mapped(E.StripeError.generate({ statusCode: 400, type: 'invalid_request_error', code: 'rate_limit', message: 'x' }))).toEqual({ outcome: 'unavailable', reason: 'rate_limit' });
    expect(mapped(E.StripeError.generate({ statusCode: 500, type: 'api_error', message: 'x' }))).toEqual({ outcome: 'unavailable', reason: 'StripeAPIError' });
  });

  // Stripe answers 409 idempotency_key_in_use while a request with the same key is still running:
  // the outcome is unknown, so the entry must stay pending (never recorded as failed).
  test('a concurrent request with the same idempotency key is unavailable, not rejected', () => {
    expect(mapped(E.StripeError.generate({ statusCode: 409, type: 'invalid_request_error', code: 'idempotency_key_in_use', message: 'x' }))).toEqual({
      outcome: 'unavailable',
      reason: 'idempotency_key_in_use',
    });
    expect(mapped(new E.StripeInvalidRequestError({ message: 'x', code: 'idempotency_key_in_use', statusCode: 409 }))).toEqual({
      outcome: 'unavailable',
      reason: 'idempotency_key_in_use',
    });
  });

  test('a ProviderError passes through unchanged', () => {
    const original = new ProviderError('rejected', 'missing_client_secret');
    expect(mapStripeError(original)).toBe(original);
  });

  test('the reason is capped at 80 characters and never the message', () => {
    const err = new E.StripeInvalidRequestError({ message: 'secret message sk_test_123', code: 'c'.repeat(200) });
    const result = mapStripeError(err);
    expect(result.reason).toBe('c'.repeat(80));
    expect(result.message).not.toContain('sk_test_123');
  });

  test.each<[string, unknown]>([
    ['null', null],
    ['undefined', undefined],
  ])('%s thrown by a client is an unavailable outcome, not a TypeError', (_name, err) => {
    expect(mapped(err)).toEqual({ outcome: 'unavailable', reason: 'unknown' });
  });
});
