// validateRequest refuses bad input before any I/O; each case asserts the exact code and details.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { AppError } from '../../../../common/errors';
import { requestHash, validateIdempotencyKey, validateRequest, type IntentRequestInput } from './validate';

const A = '4f1c2a9e-8d3b-4c6a-9e2f-1a2b3c4d5e6f';
const B = '0b6f3c1e-2a4d-4e8f-a1b2-c3d4e5f60718';
const C = '9d2e7f10-5c3b-4a1d-b8e9-0f1e2d3c4b5a';
const V1 = 'e7b4a1c0-3f0a-11ef-9a6b-0242ac120002'; // a Cassandra timeuuid
const MAX = 5;

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw new Error(`expected an AppError, got ${String(err)}`);
  }
  throw new Error('expected an AppError, nothing was thrown');
}

const ok = (over: Partial<IntentRequestInput> = {}): IntentRequestInput => ({ total: 19.99, currency: 'usd', plugins: [A], ...over });

describe('validateRequest: a valid request', () => {
  test('returns the rule, exact minor units and lower-case ids in order', () => {
    const valid = validateRequest(ok({ total: 32.49, plugins: [A, B.toUpperCase(), V1] }), MAX);
    expect(valid).toEqual({
      currency: { code: 'USD', exponent: 2, minimumMinor: 50n, stepMinor: 1n },
      totalMinor: 3249n,
      pluginIds: [A, B, V1],
      idempotencyKey: undefined,
    });
  });

  test('upper-case UUIDs are accepted and lower-cased', () => {
    expect(validateRequest(ok({ plugins: [A.toUpperCase()] }), MAX).pluginIds).toEqual([A]);
  });

  test('v1 timeuuids are accepted', () => {
    expect(validateRequest(ok({ plugins: [V1] }), MAX).pluginIds).toEqual([V1]);
  });

  test('exactly maxPlugins is accepted', () => {
    const ids = Array.from({ length: MAX }, (_, i) => `4f1c2a9e-8d3b-4c6a-9e2f-1a2b3c4d5e6${i}`);
    expect(validateRequest(ok({ plugins: ids }), MAX).pluginIds).toEqual(ids);
  });

  test('zero-decimal and three-decimal totals', () => {
    expect(validateRequest(ok({ total: 500, currency: 'JPY' }), MAX).totalMinor).toBe(500n);
    expect(validateRequest(ok({ total: 18.6, currency: 'kwd' }), MAX).totalMinor).toBe(18600n);
  });

  test('the input is not mutated', () => {
    const input = ok({ plugins: [A.toUpperCase(), B] });
    const copy = JSON.parse(JSON.stringify(input));
    validateRequest(input, MAX);
    expect(input).toEqual(copy);
  });
});

describe('validateRequest: plugin ids', () => {
  test.each<[string, unknown]>([
    ['nil UUID', '00000000-0000-0000-0000-000000000000'],
    ['max UUID', 'ffffffff-ffff-ffff-ffff-ffffffffffff'],
    ['garbage', 'not-a-uuid'],
    ['empty string', ''],
    ['no dashes', '4f1c2a9e8d3b4c6a9e2f1a2b3c4d5e6f'],
    ['braces', `{${A}}`],
    ['urn prefix', `urn:uuid:${A}`],
    ['trailing newline', `${A}\n`],
    ['leading space', ` ${A}`],
    ['one char short', A.slice(0, -1)],
    ['non-hex', A.replace('4f', 'zz')],
    ['version 0', A.replace('-4c6a-', '-0c6a-')],
    ['version 9', A.replace('-4c6a-', '-9c6a-')],
    ['variant c', A.replace('-9e2f-', '-ce2f-')],
    ['number', 123],
    ['null', null],
    ['object', { id: A }],
  ])('%s at index 1 is INVALID_PLUGIN_ID with details.index 1', (_name, bad) => {
    const err = errorOf(() => validateRequest(ok({ plugins: [A, bad] }), MAX));
    expect(err.code).toBe('INVALID_PLUGIN_ID');
    expect(err.details).toEqual({ index: 1 });
  });

  test('the first bad index is reported', () => {
    expect(errorOf(() => validateRequest(ok({ plugins: ['x', 'y'] }), MAX)).details).toEqual({ index: 0 });
    expect(errorOf(() => validateRequest(ok({ plugins: [A, B, 'y'] }), MAX)).details).toEqual({ index: 2 });
  });

  test.each<[string, unknown]>([
    ['empty array', []],
    ['missing', undefined],
    ['null', null],
    ['a string', A],
    ['an object', { 0: A, length: 1 }],
  ])('%s is NO_PLUGINS', (_name, plugins) => {
    expect(errorOf(() => validateRequest(ok({ plugins }), MAX)).code).toBe('NO_PLUGINS');
  });

  test('maxPlugins + 1 is TOO_MANY_PLUGINS with details.maxPlugins', () => {
    const ids = Array.from({ length: MAX + 1 }, (_, i) => `4f1c2a9e-8d3b-4c6a-9e2f-1a2b3c4d5e6${i}`);
    const err = errorOf(() => validateRequest(ok({ plugins: ids }), MAX));
    expect(err.code).toBe('TOO_MANY_PLUGINS');
    expect(err.details).toEqual({ maxPlugins: MAX });
  });

  test('a huge list is refused by count before each id is looked at', () => {
    const err = errorOf(() => validateRequest(ok({ plugins: new Array(100_000).fill('x') }), MAX));
    expect(err.code).toBe('TOO_MANY_PLUGINS');
  });

  test('an exact duplicate is DUPLICATE_PLUGIN', () => {
    const err = errorOf(() => validateRequest(ok({ plugins: [A, B, A] }), MAX));
    expect(err.code).toBe('DUPLICATE_PLUGIN');
    expect(err.details).toEqual({ pluginId: A });
  });

  test('a duplicate differing only in case is DUPLICATE_PLUGIN', () => {
    const err = errorOf(() => validateRequest(ok({ plugins: [A, A.toUpperCase()] }), MAX));
    expect(err.code).toBe('DUPLICATE_PLUGIN');
    expect(err.details).toEqual({ pluginId: A });
  });
});

describe('validateRequest: currency and total', () => {
  test('currency errors', () => {
    expect(errorOf(() => validateRequest(ok({ currency: 'us' }), MAX)).code).toBe('INVALID_CURRENCY');
    expect(errorOf(() => validateRequest(ok({ currency: 840 }), MAX)).code).toBe('INVALID_CURRENCY');
    expect(errorOf(() => validateRequest(ok({ currency: 'XYZ' }), MAX)).code).toBe('UNSUPPORTED_CURRENCY');
  });

  test.each<[string, unknown, string]>([
    ['string total', '19.99', 'INVALID_AMOUNT'],
    ['zero', 0, 'INVALID_AMOUNT'],
    ['negative', -19.99, 'INVALID_AMOUNT'],
    ['NaN', NaN, 'INVALID_AMOUNT'],
    ['missing', undefined, 'INVALID_AMOUNT'],
    ['too precise', 19.999, 'AMOUNT_TOO_PRECISE'],
    ['float sum', 0.1 + 0.2, 'AMOUNT_TOO_PRECISE'],
  ])('%s -> %s', (_name, total, code) => {
    expect(errorOf(() => validateRequest(ok({ total }), MAX)).code).toBe(code);
  });

  test('a JPY total with decimals is AMOUNT_TOO_PRECISE', () => {
    expect(errorOf(() => validateRequest(ok({ total: 500.5, currency: 'jpy' }), MAX)).code).toBe('AMOUNT_TOO_PRECISE');
  });
});

describe('validateIdempotencyKey', () => {
  test.each<[string, unknown]>([
    ['undefined', undefined],
    ['null', null],
    ['empty', ''],
  ])('%s means no key', (_name, raw) => {
    expect(validateIdempotencyKey(raw)).toBeUndefined();
  });

  test.each<[string, string]>([
    ['8 chars', 'abcdefgh'],
    ['200 chars', 'k'.repeat(200)],
    ['every allowed char class', 'Az09_-.:'],
    ['a UUID', A],
    ['prefixed', 'order:2024-01-01.retry_1'],
  ])('%s is accepted unchanged', (_name, key) => {
    expect(validateIdempotencyKey(key)).toBe(key);
  });

  test.each<[string, unknown]>([
    ['7 chars', 'abcdefg'],
    ['201 chars', 'k'.repeat(201)],
    ['space inside', 'abcd efgh'],
    ['leading space', ' abcdefgh'],
    ['trailing newline', 'abcdefgh\n'],
    ['unicode letter', 'abcdéfgh'],
    ['emoji', 'abcdefg😀'],
    ['slash', 'abcd/efgh'],
    ['quote', 'abcd"efgh'],
    ['comma', 'abcd,efgh'],
    ['number', 12345678],
    ['array', ['abcdefgh']],
    ['object', { key: 'abcdefgh' }],
    ['whitespace only', '        '],
  ])('%s is INVALID_IDEMPOTENCY_KEY', (_name, raw) => {
    expect(errorOf(() => validateIdempotencyKey(raw)).code).toBe('INVALID_IDEMPOTENCY_KEY');
  });

  test('length boundaries hold for every length', () => {
    for (let n = 0; n <= 210; n++) {
      const key = 'x'.repeat(n);
      if (n === 0) expect(validateIdempotencyKey(key)).toBeUndefined();
      else if (n >= 8 && n <= 200) expect(validateIdempotencyKey(key)).toBe(key);
      else expect(errorOf(() => validateIdempotencyKey(key)).code).toBe('INVALID_IDEMPOTENCY_KEY');
    }
  });
});

describe('validateRequest: idempotency key from the body and the header', () => {
  const key = 'order-0001';
  test('body only', () => {
    expect(validateRequest(ok({ idempotencyKey: key }), MAX).idempotencyKey).toBe(key);
  });
  test('header only', () => {
    expect(validateRequest(ok(), MAX, key).idempotencyKey).toBe(key);
  });
  test('both, equal', () => {
    expect(validateRequest(ok({ idempotencyKey: key }), MAX, key).idempotencyKey).toBe(key);
  });
  test('both, different: INVALID_IDEMPOTENCY_KEY', () => {
    const err = errorOf(() => validateRequest(ok({ idempotencyKey: key }), MAX, 'order-0002'));
    expect(err.code).toBe('INVALID_IDEMPOTENCY_KEY');
  });
  test('both, differing only in case: a conflict (keys are case-sensitive)', () => {
    expect(errorOf(() => validateRequest(ok({ idempotencyKey: key }), MAX, key.toUpperCase())).code).toBe('INVALID_IDEMPOTENCY_KEY');
  });
  test('an invalid header key is refused even without a body key', () => {
    expect(errorOf(() => validateRequest(ok(), MAX, 'short')).code).toBe('INVALID_IDEMPOTENCY_KEY');
  });
  test('an invalid body key is refused even with a valid header key', () => {
    expect(errorOf(() => validateRequest(ok({ idempotencyKey: 'bad key!' }), MAX, key)).code).toBe('INVALID_IDEMPOTENCY_KEY');
  });
  test('an empty header falls back to the body key', () => {
    expect(validateRequest(ok({ idempotencyKey: key }), MAX, '').idempotencyKey).toBe(key);
  });
});

describe('refuse before anything: any invalid field makes the whole request fail', () => {
  const badFields: Record<keyof IntentRequestInput, unknown[]> = {
    total: ['19.99', 0, -1, NaN, 19.999],
    currency: ['us', 1, 'XYZ', null],
    plugins: [[], ['x'], [A, A], null],
    idempotencyKey: ['short', 12345678, 'has space!'],
  };
  const fields = Object.keys(badFields) as (keyof IntentRequestInput)[];

  test('every non-empty combination of bad fields throws a BAD_USER_INPUT AppError, never returns', () => {
    fc.assert(
      fc.property(
        fc.subarray(fields, { minLength: 1 }),
        fc.nat(),
        fc.boolean(),
        (chosen, pick, viaHeader) => {
          const input: IntentRequestInput = ok({ plugins: [A, B] });
          for (const f of chosen) (input as unknown as Record<string, unknown>)[f] = badFields[f][pick % badFields[f].length];
          const before = JSON.stringify(input);
          const header = viaHeader && chosen.includes('idempotencyKey') ? String(input.idempotencyKey) : undefined;
          const first = errorOf(() => validateRequest(input, MAX, header));
          expect(first.kind).toBe('BAD_USER_INPUT');
          // Pure: same input, same refusal; input untouched.
          const second = errorOf(() => validateRequest(input, MAX, header));
          expect(second.code).toBe(first.code);
          expect(JSON.stringify(input)).toBe(before);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('requestHash', () => {
  test('is a sha256 hex of a fixed canonical form (stored in the ledger: must not drift)', () => {
    const canonical = `{"currency":"USD","amountMinor":"3249","plugins":["${B}","${A}"]}`;
    expect(requestHash('USD', 3249n, [A, B])).toBe(createHash('sha256').update(canonical).digest('hex'));
    expect(requestHash('USD', 3249n, [A, B])).toMatch(/^[0-9a-f]{64}$/);
  });

  test('is insensitive to plugin order', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray([A, B, C, V1], { minLength: 1 }), (ids) => {
        const sorted = [...ids].sort();
        expect(requestHash('USD', 1999n, ids)).toBe(requestHash('USD', 1999n, sorted));
        expect(requestHash('USD', 1999n, ids)).toBe(requestHash('USD', 1999n, [...ids].reverse()));
      }),
    );
  });

  test('does not reorder the caller array', () => {
    const ids = [C, A, B];
    requestHash('USD', 1999n, ids);
    expect(ids).toEqual([C, A, B]);
  });

  test('is sensitive to amount, currency and the set of plugins', () => {
    const base = requestHash('USD', 1999n, [A, B]);
    expect(requestHash('USD', 2000n, [A, B])).not.toBe(base);
    expect(requestHash('USD', 199900n, [A, B])).not.toBe(base);
    expect(requestHash('EUR', 1999n, [A, B])).not.toBe(base);
    expect(requestHash('USD', 1999n, [A])).not.toBe(base);
    expect(requestHash('USD', 1999n, [A, B, C])).not.toBe(base);
    expect(requestHash('USD', 1999n, [A, C])).not.toBe(base);
    expect(requestHash('USD', 1999n, [`${A},${B}`])).not.toBe(base);
  });

  test('distinct (amount, plugin set) pairs never collide', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 99_999_999n }),
        fc.bigInt({ min: 1n, max: 99_999_999n }),
        fc.subarray([A, B, C, V1], { minLength: 1 }),
        fc.subarray([A, B, C, V1], { minLength: 1 }),
        (m1, m2, p1, p2) => {
          const same = m1 === m2 && [...p1].sort().join() === [...p2].sort().join();
          expect(requestHash('USD', m1, p1) === requestHash('USD', m2, p2)).toBe(same);
        },
      ),
    );
  });
});
