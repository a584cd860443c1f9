// The server owns the price: every refusal is checked with its exact code and details.
import { AppError } from '../../../../common/errors';
import { currencyRule } from '../../../../common/money';
import type { CatalogEntry } from '../catalog/catalog-client';
import { priceOf } from './price';

const A = '4f1c2a9e-8d3b-4c6a-9e2f-1a2b3c4d5e6f';
const B = '0b6f3c1e-2a4d-4e8f-a1b2-c3d4e5f60718';
const C = '9d2e7f10-5c3b-4a1d-b8e9-0f1e2d3c4b5a';
const D = 'e7b4a1c0-3f0a-11ef-9a6b-0242ac120002';

const usd = currencyRule('USD');

function entry(id: string, priceMinor: bigint, over: Partial<CatalogEntry> = {}): CatalogEntry {
  return { id, name: `plugin ${id.slice(0, 4)}`, priceMinor, currency: 'USD', forSale: true, ...over };
}

function catalogOf(...entries: CatalogEntry[]): Map<string, CatalogEntry> {
  return new Map(entries.map((e) => [e.id, e]));
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

const catalog = catalogOf(entry(A, 1999n), entry(B, 1250n), entry(C, 500n));

describe('priceOf: the exact catalog sum', () => {
  test('one plugin', () => {
    expect(priceOf([A], catalog, usd, 1999n)).toBe(1999n);
  });

  test('several plugins, any order', () => {
    expect(priceOf([A, B], catalog, usd, 3249n)).toBe(3249n);
    expect(priceOf([B, A], catalog, usd, 3249n)).toBe(3249n);
    expect(priceOf([C, B, A], catalog, usd, 3749n)).toBe(3749n);
  });

  test('three-decimal currency', () => {
    const kwd = currencyRule('KWD');
    const cat = catalogOf(entry(A, 18600n, { currency: 'KWD' }), entry(B, 1250n, { currency: 'KWD' }));
    expect(priceOf([A, B], cat, kwd, 19850n)).toBe(19850n);
  });

  test('zero-decimal currency', () => {
    const jpy = currencyRule('JPY');
    const cat = catalogOf(entry(A, 500n, { currency: 'JPY' }), entry(B, 1200n, { currency: 'JPY' }));
    expect(priceOf([A, B], cat, jpy, 1700n)).toBe(1700n);
  });
});

describe('priceOf: refusals', () => {
  test('an id absent from the catalog is UNKNOWN_PLUGIN', () => {
    const err = errorOf(() => priceOf([A, D], catalog, usd, 1999n));
    expect(err.code).toBe('UNKNOWN_PLUGIN');
    expect(err.details).toEqual({ pluginId: D });
  });

  test('a plugin not for sale is PLUGIN_NOT_FOR_SALE', () => {
    const cat = catalogOf(entry(A, 1999n), entry(B, 1250n, { forSale: false }));
    const err = errorOf(() => priceOf([A, B], cat, usd, 3249n));
    expect(err.code).toBe('PLUGIN_NOT_FOR_SALE');
    expect(err.details).toEqual({ pluginId: B });
  });

  test('a plugin priced in another currency is CURRENCY_MISMATCH with details.pluginCurrency', () => {
    const cat = catalogOf(entry(A, 1999n), entry(B, 1250n, { currency: 'EUR' }));
    const err = errorOf(() => priceOf([A, B], cat, usd, 3249n));
    expect(err.code).toBe('CURRENCY_MISMATCH');
    expect(err.details).toEqual({ pluginId: B, pluginCurrency: 'EUR' });
  });

  test('a client total that is not the catalog sum is TOTAL_MISMATCH with the expected total', () => {
    const err = errorOf(() => priceOf([A, B], catalog, usd, 3000n));
    expect(err.code).toBe('TOTAL_MISMATCH');
    expect(err.details).toEqual({ expectedTotal: '32.49', expectedAmountMinor: '3249', currency: 'USD' });
    expect(err.message).toContain('32.49 USD');
  });

  test('one minor unit above or below is a mismatch too', () => {
    expect(errorOf(() => priceOf([A, B], catalog, usd, 3248n)).code).toBe('TOTAL_MISMATCH');
    expect(errorOf(() => priceOf([A, B], catalog, usd, 3250n)).code).toBe('TOTAL_MISMATCH');
  });

  test('TOTAL_MISMATCH formats in the currency exponent', () => {
    const kwd = currencyRule('KWD');
    const cat = catalogOf(entry(A, 18600n, { currency: 'KWD' }));
    expect(errorOf(() => priceOf([A], cat, kwd, 18000n)).details).toEqual({
      expectedTotal: '18.600',
      expectedAmountMinor: '18600',
      currency: 'KWD',
    });
  });

  test('a catalog sum below the minimum is AMOUNT_BELOW_MINIMUM even when the client total matches', () => {
    const cat = catalogOf(entry(A, 20n), entry(B, 29n));
    const err = errorOf(() => priceOf([A, B], cat, usd, 49n));
    expect(err.code).toBe('AMOUNT_BELOW_MINIMUM');
    expect(err.details).toEqual({ minimum: '0.50', currency: 'USD' });
  });

  test('exactly the minimum is chargeable', () => {
    const cat = catalogOf(entry(A, 20n), entry(B, 30n));
    expect(priceOf([A, B], cat, usd, 50n)).toBe(50n);
  });

  test('a catalog sum above the maximum is AMOUNT_ABOVE_MAXIMUM even when the client total matches', () => {
    const cat = catalogOf(entry(A, 60_000_000n), entry(B, 40_000_000n));
    const err = errorOf(() => priceOf([A, B], cat, usd, 100_000_000n));
    expect(err.code).toBe('AMOUNT_ABOVE_MAXIMUM');
    expect(err.details).toEqual({ maximum: '999999.99', currency: 'USD' });
  });

  test('exactly the maximum is chargeable', () => {
    const cat = catalogOf(entry(A, 60_000_000n), entry(B, 39_999_999n));
    expect(priceOf([A, B], cat, usd, 99_999_999n)).toBe(99_999_999n);
  });

  test('the first problem in the client order is the one reported', () => {
    const cat = catalogOf(entry(A, 1999n, { forSale: false }), entry(B, 1250n, { currency: 'EUR' }));
    expect(errorOf(() => priceOf([A, B, D], cat, usd, 1n)).code).toBe('PLUGIN_NOT_FOR_SALE');
    expect(errorOf(() => priceOf([B, A, D], cat, usd, 1n)).code).toBe('CURRENCY_MISMATCH');
    expect(errorOf(() => priceOf([D, A, B], cat, usd, 1n)).code).toBe('UNKNOWN_PLUGIN');
  });

  test('an empty catalog refuses every id', () => {
    expect(errorOf(() => priceOf([A], new Map(), usd, 1999n)).details).toEqual({ pluginId: A });
  });
});
