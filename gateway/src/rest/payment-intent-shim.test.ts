// The legacy REST body: shape errors are refused here with the same codes the subgraph would use.
import { AppError } from '../../../common/errors';
import { parseBody, SHIM_OPERATION } from './payment-intent-shim';

const A = '4f1c2a9e-8d3b-4c6a-9e2f-1a2b3c4d5e6f';

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw new Error(`expected an AppError, got ${String(err)}`);
  }
  throw new Error('expected an AppError, nothing was thrown');
}

const raw = (text: string) => Buffer.from(text, 'utf8');
const json = (value: unknown) => raw(JSON.stringify(value));

describe('parseBody', () => {
  test('a valid legacy body passes unchanged', () => {
    expect(parseBody(json({ total: 12.5, currency: 'usd', plugins: [A] }))).toEqual({ total: 12.5, currency: 'usd', plugins: [A] });
  });

  test('the total keeps its exact JSON number (no rounding here)', () => {
    expect(parseBody(raw(`{"total": 0.30000000000000004, "currency": "usd", "plugins": ["${A}"]}`)).total).toBe(0.1 + 0.2);
  });

  test('extra fields are dropped, including __proto__ and constructor', () => {
    const body = raw(`{"total": 12.5, "currency": "usd", "plugins": ["${A}"], "clientId": "auth0|evil", "amountMinor": 1, "__proto__": {"polluted": true}, "constructor": 1}`);
    const input = parseBody(body);
    expect(input).toEqual({ total: 12.5, currency: 'usd', plugins: [A] });
    expect(Object.keys(input).sort()).toEqual(['currency', 'plugins', 'total']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('idempotencyKey is passed through as given (validated by the subgraph)', () => {
    expect(parseBody(json({ total: 12.5, currency: 'usd', plugins: [A], idempotencyKey: 'order-0001' }))).toEqual({
      total: 12.5,
      currency: 'usd',
      plugins: [A],
      idempotencyKey: 'order-0001',
    });
    expect(parseBody(json({ total: 12.5, currency: 'usd', plugins: [A], idempotencyKey: 'x y' })).idempotencyKey).toBe('x y');
  });

  test('no idempotencyKey means no key in the input', () => {
    expect('idempotencyKey' in parseBody(json({ total: 12.5, currency: 'usd', plugins: [A] }))).toBe(false);
  });

  test('plugin ids are not validated here beyond being strings (the subgraph owns UUID checks)', () => {
    expect(parseBody(json({ total: 1, currency: 'usd', plugins: ['not-a-uuid'] })).plugins).toEqual(['not-a-uuid']);
    expect(parseBody(json({ total: 1, currency: 'usd', plugins: [] })).plugins).toEqual([]);
  });

  test.each(['', '{', '{"total": 12.5,}', "{'total': 1}", 'undefined', 'NaN', '{"total": NaN}', '\u00ef\u00bb\u00bf{}', '{"a":1}{"b":2}'])(
    'malformed JSON %p is MALFORMED_JSON',
    (text) => {
      const err = errorOf(() => parseBody(raw(text)));
      expect(err.code).toBe('MALFORMED_JSON');
      expect(err.status).toBe(400);
    },
  );

  test('invalid UTF-8 bytes are MALFORMED_JSON, not a crash', () => {
    expect(errorOf(() => parseBody(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]))).code).toBe('MALFORMED_JSON');
  });

  test.each(['[]', `[{"total":1,"currency":"usd","plugins":["${A}"]}]`, 'null', '"string"', '12.5', 'true'])('non-object body %p is INVALID_BODY', (text) => {
    expect(errorOf(() => parseBody(raw(text))).code).toBe('INVALID_BODY');
  });

  test.each<[string, unknown]>([
    ['string', '12.5'],
    ['missing', undefined],
    ['null', null],
    ['object', { amount: 12.5 }],
    ['array', [12.5]],
    ['boolean', true],
  ])('total as %s is INVALID_AMOUNT', (_name, total) => {
    expect(errorOf(() => parseBody(json({ total, currency: 'usd', plugins: [A] }))).code).toBe('INVALID_AMOUNT');
  });

  test.each<[string, unknown]>([
    ['number', 840],
    ['missing', undefined],
    ['null', null],
    ['array', ['usd']],
  ])('currency as %s is INVALID_CURRENCY', (_name, currency) => {
    expect(errorOf(() => parseBody(json({ total: 12.5, currency, plugins: [A] }))).code).toBe('INVALID_CURRENCY');
  });

  test.each<[string, unknown]>([
    ['string', A],
    ['missing', undefined],
    ['null', null],
    ['object', { 0: A }],
  ])('plugins as %s is INVALID_BODY', (_name, plugins) => {
    expect(errorOf(() => parseBody(json({ total: 12.5, currency: 'usd', plugins }))).code).toBe('INVALID_BODY');
  });

  test.each<[string, unknown[]]>([
    ['a number', [A, 123]],
    ['null', [null]],
    ['an object', [{ id: A }]],
    ['a nested array', [[A]]],
  ])('plugins with %s is INVALID_PLUGIN_ID', (_name, plugins) => {
    expect(errorOf(() => parseBody(json({ total: 12.5, currency: 'usd', plugins }))).code).toBe('INVALID_PLUGIN_ID');
  });

  test('checks run in a fixed order: total, then currency, then plugins', () => {
    expect(errorOf(() => parseBody(json({ total: 'x', currency: 1, plugins: 'y' }))).code).toBe('INVALID_AMOUNT');
    expect(errorOf(() => parseBody(json({ total: 1, currency: 1, plugins: 'y' }))).code).toBe('INVALID_CURRENCY');
    expect(errorOf(() => parseBody(json({ total: 1, currency: 'usd', plugins: 'y' }))).code).toBe('INVALID_BODY');
  });

  test('the message never echoes the body', () => {
    const err = errorOf(() => parseBody(raw('{"total": "sk_test_secretvalue"')));
    expect(err.message).not.toContain('sk_test_secretvalue');
  });
});

describe('SHIM_OPERATION', () => {
  test('is the CreatePluginPaymentIntent mutation read from schema/operations', () => {
    expect(SHIM_OPERATION).toMatch(/mutation CreatePluginPaymentIntent\(\$input: CreatePluginPaymentIntentInput!\)/);
    expect(SHIM_OPERATION).toContain('clientSecret');
  });
});
