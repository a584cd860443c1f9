// Money parsing is where floats would sneak in; every case asserts the exact bigint or error code.
import fc from 'fast-check';
import BigNumber from 'bignumber.js';
import { AppError } from './errors';
import {
  MAX_AMOUNT_MINOR,
  SUPPORTED_CURRENCIES,
  checkChargeable,
  currencyRule,
  decimalTextToMinor,
  formatMinor,
  toMinorUnits,
  type CurrencyRule,
} from './money';

/** Independent expectations (Stripe's currency docs), not read from money.ts. */
const EXPECTED: Record<string, { exponent: 0 | 2 | 3; step: number; minimum: number }> = {
  USD: { exponent: 2, step: 1, minimum: 50 },
  EUR: { exponent: 2, step: 1, minimum: 50 },
  GBP: { exponent: 2, step: 1, minimum: 30 },
  CAD: { exponent: 2, step: 1, minimum: 50 },
  AUD: { exponent: 2, step: 1, minimum: 50 },
  NZD: { exponent: 2, step: 1, minimum: 50 },
  CHF: { exponent: 2, step: 1, minimum: 50 },
  SGD: { exponent: 2, step: 1, minimum: 50 },
  HKD: { exponent: 2, step: 1, minimum: 400 },
  SEK: { exponent: 2, step: 1, minimum: 300 },
  NOK: { exponent: 2, step: 1, minimum: 300 },
  DKK: { exponent: 2, step: 1, minimum: 250 },
  PLN: { exponent: 2, step: 1, minimum: 200 },
  CZK: { exponent: 2, step: 1, minimum: 1500 },
  RON: { exponent: 2, step: 1, minimum: 200 },
  BGN: { exponent: 2, step: 1, minimum: 100 },
  HUF: { exponent: 2, step: 1, minimum: 17500 },
  AED: { exponent: 2, step: 1, minimum: 200 },
  BRL: { exponent: 2, step: 1, minimum: 50 },
  MXN: { exponent: 2, step: 1, minimum: 1000 },
  INR: { exponent: 2, step: 1, minimum: 50 },
  MYR: { exponent: 2, step: 1, minimum: 200 },
  THB: { exponent: 2, step: 1, minimum: 1000 },
  JPY: { exponent: 0, step: 1, minimum: 50 },
  KRW: { exponent: 0, step: 1, minimum: 700 },
  VND: { exponent: 0, step: 1, minimum: 13000 },
  CLP: { exponent: 0, step: 1, minimum: 500 },
  ISK: { exponent: 2, step: 100, minimum: 10000 },
  KWD: { exponent: 3, step: 10, minimum: 200 },
  BHD: { exponent: 3, step: 10, minimum: 200 },
  JOD: { exponent: 3, step: 10, minimum: 400 },
  OMR: { exponent: 3, step: 10, minimum: 200 },
  TND: { exponent: 3, step: 10, minimum: 2000 },
};

/** Oracle: decimal text of m minor units at this exponent, built with string operations only. */
function oracleText(m: number, exponent: number): string {
  const digits = String(m).padStart(exponent + 1, '0');
  if (exponent === 0) return digits;
  return `${digits.slice(0, digits.length - exponent)}.${digits.slice(digits.length - exponent)}`;
}

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw new Error(`expected an AppError, got ${String(err)}`);
  }
  throw new Error('expected an AppError, nothing was thrown');
}

const usd = currencyRule('USD');
const jpy = currencyRule('JPY');
const kwd = currencyRule('KWD');
const isk = currencyRule('ISK');

describe('the oracle itself', () => {
  test.each([
    [1999, 2, '19.99'],
    [5, 2, '0.05'],
    [18600, 3, '18.600'],
    [5, 3, '0.005'],
    [500, 0, '500'],
  ])('%d at exponent %d is %s', (m, exp, text) => {
    expect(oracleText(m, exp)).toBe(text);
  });
});

describe('SUPPORTED_CURRENCIES and currencyRule', () => {
  test('the supported set is exactly the expected table, sorted', () => {
    expect([...SUPPORTED_CURRENCIES]).toEqual(Object.keys(EXPECTED).sort());
  });

  test.each(Object.keys(EXPECTED))('%s has the expected exponent, step and minimum', (code) => {
    const e = EXPECTED[code];
    expect(currencyRule(code)).toEqual({ code, exponent: e.exponent, stepMinor: BigInt(e.step), minimumMinor: BigInt(e.minimum) });
    // A minimum that is not a multiple of the step could never be charged exactly.
    expect(BigInt(e.minimum) % BigInt(e.step)).toBe(0n);
  });

  test.each(['usd', 'Usd', 'uSD', 'USD'])('%s is case-insensitive and normalised to USD', (raw) => {
    expect(currencyRule(raw).code).toBe('USD');
  });

  test.each<[string, unknown]>([
    ['two letters', 'us'],
    ['four letters', 'usdd'],
    ['empty', ''],
    ['number', 123],
    ['null', null],
    ['undefined', undefined],
    ['object', { code: 'USD' }],
    ['array', ['USD']],
    ['digits', 'U5D'],
    ['non-ASCII letter', 'ÜSD'],
    ['symbol', '$'],
    ['embedded space', 'U SD'],
  ])('%s is INVALID_CURRENCY', (_name, raw) => {
    const err = errorOf(() => currencyRule(raw));
    expect(err.code).toBe('INVALID_CURRENCY');
    expect(err.kind).toBe('BAD_USER_INPUT');
  });

  test.each(['XYZ', 'xyz', 'IDR', 'BTC'])('%s is UNSUPPORTED_CURRENCY and lists what is supported', (raw) => {
    const err = errorOf(() => currencyRule(raw));
    expect(err.code).toBe('UNSUPPORTED_CURRENCY');
    expect(err.details.supportedCurrencies).toEqual(SUPPORTED_CURRENCIES);
  });
});

describe('toMinorUnits: named cases', () => {
  test.each<[string, number, string, bigint]>([
    ['JPY 500', 500, 'JPY', 500n],
    ['KRW 700', 700, 'KRW', 700n],
    ['USD 19.99', 19.99, 'USD', 1999n],
    ['USD 0.29', 0.29, 'USD', 29n],
    ['USD 12.5', 12.5, 'USD', 1250n],
    ['USD 0.5', 0.5, 'USD', 50n],
    ['USD 1', 1, 'USD', 100n],
    ['USD 0.01', 0.01, 'USD', 1n],
    ['USD 999999.99', 999999.99, 'USD', 99999999n],
    ['USD 1.1 (float 1.1000000000000000888)', 1.1, 'USD', 110n],
    ['USD 4.35 (where 4.35*100 = 434.99999999999994)', 4.35, 'USD', 435n],
    ['USD 0.57 (where 0.57*100 = 56.99999999999999)', 0.57, 'USD', 57n],
    ['KWD 18.6', 18.6, 'KWD', 18600n],
    ['KWD 18.61', 18.61, 'KWD', 18610n],
    ['BHD 0.2', 0.2, 'BHD', 200n],
    ['JOD 1.25', 1.25, 'JOD', 1250n],
    ['OMR 3.5', 3.5, 'OMR', 3500n],
    ['TND 20', 20, 'TND', 20000n],
    ['ISK 100', 100, 'ISK', 10000n],
    ['ISK 1234', 1234, 'ISK', 123400n],
    ['USD 5e-1', 5e-1, 'USD', 50n],
    ['USD 1e21', 1e21, 'USD', 10n ** 23n],
    ['JPY 1e21', 1e21, 'JPY', 10n ** 21n],
    ['JPY 2^53 + 2', 2 ** 53 + 2, 'JPY', 9007199254740994n],
  ])('%s -> exact minor units', (_name, value, code, expected) => {
    expect(toMinorUnits(value, currencyRule(code))).toBe(expected);
  });

  test('Number.MAX_VALUE converts exactly (no float scaling)', () => {
    expect(toMinorUnits(Number.MAX_VALUE, usd)).toBe(17976931348623157n * 10n ** 294n);
  });

  test.each<[string, number, string, number]>([
    ['JPY 500.5', 500.5, 'JPY', 0],
    ['JPY 0.5', 0.5, 'JPY', 0],
    ['USD 1.005', 1.005, 'USD', 2],
    ['USD 19.999', 19.999, 'USD', 2],
    ['USD 0.1+0.2 = 0.30000000000000004', 0.1 + 0.2, 'USD', 2],
    ['USD 0.001', 0.001, 'USD', 2],
    ['USD 1e-7', 1e-7, 'USD', 2],
    ['JPY 1e-7', 1e-7, 'JPY', 0],
    ['USD Number.MIN_VALUE', Number.MIN_VALUE, 'USD', 2],
    ['USD Number.EPSILON', Number.EPSILON, 'USD', 2],
    ['KWD 18.605 (Stripe needs the last digit 0)', 18.605, 'KWD', 2],
    ['KWD 18.6001', 18.6001, 'KWD', 2],
    ['BHD 0.201', 0.201, 'BHD', 2],
    ['JOD 1.001', 1.001, 'JOD', 2],
    ['OMR 0.005', 0.005, 'OMR', 2],
    ['TND 2.009', 2.009, 'TND', 2],
    ['ISK 100.5', 100.5, 'ISK', 0],
    ['ISK 100.01', 100.01, 'ISK', 0],
  ])('%s is AMOUNT_TOO_PRECISE', (_name, value, code, maxDecimals) => {
    const err = errorOf(() => toMinorUnits(value, currencyRule(code)));
    expect(err.code).toBe('AMOUNT_TOO_PRECISE');
    expect(err.details).toEqual({ currency: code, maxDecimals });
  });

  test.each<[string, unknown]>([
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['negative', -12.5],
    ['negative tiny', -Number.MIN_VALUE],
    ['zero', 0],
    ['negative zero', -0],
    ['string "12.5"', '12.5'],
    ['string "1999"', '1999'],
    ['null', null],
    ['undefined', undefined],
    ['object', { value: 12.5 }],
    ['boxed number', new Number(12.5)],
    ['valueOf object', { valueOf: () => 12.5 }],
    ['bigint', 1250n],
    ['boolean', true],
    ['array', [12.5]],
  ])('%s is INVALID_AMOUNT', (_name, value) => {
    for (const code of ['USD', 'JPY', 'KWD']) {
      const err = errorOf(() => toMinorUnits(value, currencyRule(code)));
      expect(err.code).toBe('INVALID_AMOUNT');
    }
  });

  test('the field name appears in the message', () => {
    expect(errorOf(() => toMinorUnits(NaN, usd, 'price')).message).toContain('price');
    expect(errorOf(() => toMinorUnits(1.005, usd, 'price')).message).toContain('price');
  });

  test.each(SUPPORTED_CURRENCIES.map((c) => [c]))('%s: the minimum as a number converts to its minor units', (code) => {
    const e = EXPECTED[code];
    expect(toMinorUnits(Number(oracleText(e.minimum, e.exponent)), currencyRule(code))).toBe(BigInt(e.minimum));
  });
});

describe('decimalTextToMinor: text input', () => {
  test.each<[string, string, bigint]>([
    ['18.600', 'KWD', 18600n],
    ['18.6', 'KWD', 18600n],
    ['19.99', 'USD', 1999n],
    ['19.990000', 'USD', 1999n],
    ['5e-1', 'USD', 50n],
    ['5E-1', 'USD', 50n],
    ['1e+2', 'JPY', 100n],
    ['0.00', 'USD', 0n],
    [' 19.99 ', 'USD', 1999n],
    ['00012.50', 'USD', 1250n],
    ['100', 'ISK', 10000n],
  ])('%s %s -> %s', (text, code, expected) => {
    expect(decimalTextToMinor(text, currencyRule(code))).toBe(expected);
  });

  test.each(['', '-1', '+1', '1.', '.5', 'abc', '1e', '0x10', '1_000', '1,5', '١٢', 'NaN', 'Infinity', '1.2.3', '1e2.5'])(
    '%p is INVALID_AMOUNT',
    (text) => {
      expect(errorOf(() => decimalTextToMinor(text, usd)).code).toBe('INVALID_AMOUNT');
    },
  );

  test.each<[string, string]>([
    ['19.991', 'USD'],
    ['18.605', 'KWD'],
    ['0.5', 'JPY'],
    ['150.5', 'ISK'],
    ['1e-3', 'USD'],
  ])('%s %s is AMOUNT_TOO_PRECISE', (text, code) => {
    expect(errorOf(() => decimalTextToMinor(text, currencyRule(code))).code).toBe('AMOUNT_TOO_PRECISE');
  });
});

describe('checkChargeable', () => {
  test.each(SUPPORTED_CURRENCIES.map((c) => [c]))('%s: exactly the minimum passes, one minor unit below fails', (code) => {
    const rule = currencyRule(code);
    const e = EXPECTED[code];
    expect(() => checkChargeable(BigInt(e.minimum), rule)).not.toThrow();
    const err = errorOf(() => checkChargeable(BigInt(e.minimum) - 1n, rule));
    expect(err.code).toBe('AMOUNT_BELOW_MINIMUM');
    expect(err.details).toEqual({ minimum: oracleText(e.minimum, e.exponent), currency: code });
  });

  test.each(SUPPORTED_CURRENCIES.map((c) => [c]))('%s: 99999999 passes, 100000000 is AMOUNT_ABOVE_MAXIMUM', (code) => {
    const rule = currencyRule(code);
    expect(MAX_AMOUNT_MINOR).toBe(99_999_999n);
    expect(() => checkChargeable(99_999_999n, rule)).not.toThrow();
    const err = errorOf(() => checkChargeable(100_000_000n, rule));
    expect(err.code).toBe('AMOUNT_ABOVE_MAXIMUM');
    expect(err.details).toEqual({ maximum: oracleText(99_999_999, EXPECTED[code].exponent), currency: code });
  });

  test('zero and negative amounts are below the minimum', () => {
    expect(errorOf(() => checkChargeable(0n, usd)).code).toBe('AMOUNT_BELOW_MINIMUM');
    expect(errorOf(() => checkChargeable(-100n, usd)).code).toBe('AMOUNT_BELOW_MINIMUM');
  });

  test('named details', () => {
    expect(errorOf(() => checkChargeable(49n, usd)).details).toEqual({ minimum: '0.50', currency: 'USD' });
    expect(errorOf(() => checkChargeable(49n, jpy)).details).toEqual({ minimum: '50', currency: 'JPY' });
    expect(errorOf(() => checkChargeable(190n, kwd)).details).toEqual({ minimum: '0.200', currency: 'KWD' });
    expect(errorOf(() => checkChargeable(10n ** 23n, usd)).details).toEqual({ maximum: '999999.99', currency: 'USD' });
  });
});

describe('formatMinor', () => {
  test.each<[bigint, CurrencyRule, string]>([
    [1999n, usd, '19.99'],
    [1250n, usd, '12.50'],
    [5n, usd, '0.05'],
    [50n, usd, '0.50'],
    [100n, usd, '1.00'],
    [0n, usd, '0.00'],
    [99_999_999n, usd, '999999.99'],
    [-5n, usd, '-0.05'],
    [-1999n, usd, '-19.99'],
    [18600n, kwd, '18.600'],
    [5n, kwd, '0.005'],
    [500n, jpy, '500'],
    [0n, jpy, '0'],
    [-500n, jpy, '-500'],
    [10000n, isk, '100.00'],
    [10n ** 23n, usd, '1000000000000000000000.00'],
  ])('%s -> %s', (minor, rule, text) => {
    expect(formatMinor(minor, rule)).toBe(text);
  });

  test('only the exponent is needed', () => {
    expect(formatMinor(3249n, { exponent: 2 })).toBe('32.49');
    expect(formatMinor(3249n, { exponent: 3 })).toBe('3.249');
    expect(formatMinor(3249n, { exponent: 0 })).toBe('3249');
  });
});

describe('properties against the string oracle', () => {
  const currencyAndMultiple = fc
    .constantFrom(...Object.keys(EXPECTED))
    .chain((code) => {
      const { step } = EXPECTED[code];
      return fc.tuple(fc.constant(code), fc.integer({ min: 1, max: Math.floor(99_999_999 / step) }).map((k) => k * step));
    });

  test('toMinorUnits(Number(text)) is exactly m for every currency and every step multiple', () => {
    fc.assert(
      fc.property(currencyAndMultiple, ([code, m]) => {
        const text = oracleText(m, EXPECTED[code].exponent);
        expect(toMinorUnits(Number(text), currencyRule(code))).toBe(BigInt(m));
      }),
      { numRuns: 3000 },
    );
  });

  test('the same holds at the edges of the range', () => {
    for (const code of Object.keys(EXPECTED)) {
      const { exponent, step } = EXPECTED[code];
      for (const m of [step, 2 * step, 99_999_999 - (99_999_999 % step), 10 ** exponent, 10 ** exponent - step]) {
        if (m < 1) continue;
        expect(toMinorUnits(Number(oracleText(m, exponent)), currencyRule(code))).toBe(BigInt(m));
      }
    }
  });

  test('one more non-zero digit beyond the exponent is AMOUNT_TOO_PRECISE', () => {
    fc.assert(
      fc.property(currencyAndMultiple, fc.integer({ min: 1, max: 9 }), ([code, m], digit) => {
        const { exponent } = EXPECTED[code];
        const base = oracleText(m, exponent);
        const text = `${exponent === 0 ? `${base}.` : base}${digit}`;
        // Only when the double still carries that digit in its shortest representation.
        fc.pre(String(Number(text)) === text);
        const err = errorOf(() => toMinorUnits(Number(text), currencyRule(code)));
        expect(err.code).toBe('AMOUNT_TOO_PRECISE');
      }),
      { numRuns: 3000 },
    );
  });

  test('a multiple of one minor unit that is not a multiple of the step is AMOUNT_TOO_PRECISE', () => {
    const stepped = Object.keys(EXPECTED).filter((c) => EXPECTED[c].step > 1);
    expect(stepped.sort()).toEqual(['BHD', 'ISK', 'JOD', 'KWD', 'OMR', 'TND']);
    fc.assert(
      fc.property(fc.constantFrom(...stepped), fc.integer({ min: 1, max: 99_999_999 }), (code, m) => {
        const { exponent, step } = EXPECTED[code];
        fc.pre(m % step !== 0);
        const err = errorOf(() => toMinorUnits(Number(oracleText(m, exponent)), currencyRule(code)));
        expect(err.code).toBe('AMOUNT_TOO_PRECISE');
      }),
      { numRuns: 2000 },
    );
  });

  test('formatMinor agrees with the oracle and decimalTextToMinor(formatMinor(m)) === m', () => {
    fc.assert(
      fc.property(currencyAndMultiple, ([code, m]) => {
        const rule = currencyRule(code);
        const text = formatMinor(BigInt(m), rule);
        expect(text).toBe(oracleText(m, rule.exponent));
        expect(decimalTextToMinor(text, rule)).toBe(BigInt(m));
      }),
      { numRuns: 3000 },
    );
  });

  test('round trip for large bigints beyond the double range', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 40n }), (m) => {
        expect(decimalTextToMinor(formatMinor(m, usd), usd)).toBe(m);
        expect(decimalTextToMinor(formatMinor(m, jpy), jpy)).toBe(m);
        expect(decimalTextToMinor(formatMinor(m * 10n, kwd), kwd)).toBe(m * 10n);
      }),
    );
  });

  test('toMinorUnits never disagrees with a float-free reading of String(value)', () => {
    // Any positive double: either exact minor units matching the decimal text, or TOO_PRECISE.
    fc.assert(
      fc.property(fc.double({ min: Number.MIN_VALUE, max: 1e9, noNaN: true }), (value) => {
        fc.pre(value > 0);
        const text = String(value);
        fc.pre(!/e/i.test(text));
        const [int, frac = ''] = text.split('.');
        let result: bigint | string;
        try {
          result = toMinorUnits(value, usd);
        } catch (err) {
          result = (err as AppError).code;
        }
        if (frac.replace(/0+$/, '').length > 2) expect(result).toBe('AMOUNT_TOO_PRECISE');
        else expect(result).toBe(BigInt(int + frac.padEnd(2, '0')));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('properties against bignumber.js (an independent decimal implementation)', () => {
  // BigNumber reads a JS number through its shortest round-trip decimal text, as JSON.parse gives it.
  const expectedByBigNumber = (value: number, code: string): bigint | string => {
    const { exponent, step } = EXPECTED[code];
    const minor = new BigNumber(value).shiftedBy(exponent);
    if (!minor.isInteger() || !minor.mod(step).isZero()) return 'AMOUNT_TOO_PRECISE';
    return BigInt(minor.toFixed(0));
  };
  const actual = (value: number, code: string): bigint | string => {
    try {
      return toMinorUnits(value, currencyRule(code));
    } catch (err) {
      return (err as AppError).code;
    }
  };

  test('any positive double, any supported currency: the same minor units or the same refusal', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(EXPECTED)), fc.double({ min: 1e-6, max: 1e12, noNaN: true }), (code, value) => {
        expect(actual(value, code)).toBe(expectedByBigNumber(value, code));
      }),
      { numRuns: 5000 },
    );
  });

  test('decimals a currency can hold, written the way clients write them (k / 10^d)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(EXPECTED)), fc.integer({ min: 1, max: 99_999_999 }), fc.integer({ min: 0, max: 4 }), (code, k, d) => {
        const value = Number(new BigNumber(k).shiftedBy(-d).toString());
        expect(actual(value, code)).toBe(expectedByBigNumber(value, code));
      }),
      { numRuns: 5000 },
    );
  });
});
