/**
 * Money as integers in minor units, from the moment a client's number is parsed.
 * A JSON number is turned into its shortest round-trip decimal text (what JSON.stringify
 * prints) and that text is scaled by the currency's exponent with BigInt arithmetic:
 * 19.99 -> 1999, never Math.round(19.99 * 100) or a truncation of it.
 */
import { AppError } from './errors';

export interface CurrencyRule {
  /** ISO 4217, upper case. */
  code: string;
  /** Minor-unit exponent as Stripe uses it (0 for JPY, 2 for USD, 3 for KWD). */
  exponent: 0 | 2 | 3;
  /** Stripe's minimum charge, in minor units. */
  minimumMinor: bigint;
  /** Amounts must be a multiple of this (10 for three-decimal currencies, 100 for ISK). */
  stepMinor: bigint;
}

/** Stripe caps amounts at 8 digits of minor units. */
export const MAX_AMOUNT_MINOR = 99_999_999n;

// Minimums: Stripe's published per-currency minimum charge where it publishes one; for the
// others, the USD 0.50 equivalent rounded up generously, so that Stripe never refuses an
// amount we accepted. [exponent, minimum in minor units, step]
const RULES: Record<string, [0 | 2 | 3, number, number]> = {
  USD: [2, 50, 1], EUR: [2, 50, 1], GBP: [2, 30, 1], CAD: [2, 50, 1], AUD: [2, 50, 1],
  NZD: [2, 50, 1], CHF: [2, 50, 1], SGD: [2, 50, 1], HKD: [2, 400, 1], SEK: [2, 300, 1],
  NOK: [2, 300, 1], DKK: [2, 250, 1], PLN: [2, 200, 1], CZK: [2, 1500, 1], RON: [2, 200, 1],
  BGN: [2, 100, 1], HUF: [2, 17500, 1], AED: [2, 200, 1], BRL: [2, 50, 1], MXN: [2, 1000, 1],
  INR: [2, 50, 1], MYR: [2, 200, 1], THB: [2, 1000, 1],
  JPY: [0, 50, 1], KRW: [0, 700, 1], VND: [0, 13000, 1], CLP: [0, 500, 1],
  ISK: [2, 10000, 100],
  KWD: [3, 200, 10], BHD: [3, 200, 10], JOD: [3, 400, 10], OMR: [3, 200, 10], TND: [3, 2000, 10],
};

export const SUPPORTED_CURRENCIES: readonly string[] = Object.keys(RULES).sort();

/** The rule for a client-supplied currency code (case-insensitive). */
export function currencyRule(raw: unknown): CurrencyRule {
  if (typeof raw !== 'string' || !/^[A-Za-z]{3}$/.test(raw.trim())) {
    throw new AppError('INVALID_CURRENCY', 'currency must be a three-letter ISO 4217 code, e.g. "usd".');
  }
  const code = raw.trim().toUpperCase();
  const rule = RULES[code];
  if (!rule) {
    throw new AppError('UNSUPPORTED_CURRENCY', `currency ${code} is not supported.`, {
      supportedCurrencies: SUPPORTED_CURRENCIES,
    });
  }
  const [exponent, minimum, step] = rule;
  return { code, exponent, minimumMinor: BigInt(minimum), stepMinor: BigInt(step) };
}

const DECIMAL = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i;

/**
 * Exact conversion of a client's decimal amount (a JSON number) to minor units.
 * Refuses non-numbers, NaN, infinities, zero, negatives and more decimals than the currency has.
 */
export function toMinorUnits(value: unknown, rule: CurrencyRule, field = 'total'): bigint {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new AppError('INVALID_AMOUNT', `${field} must be a finite number.`);
  }
  if (value <= 0) {
    throw new AppError('INVALID_AMOUNT', `${field} must be greater than zero.`);
  }
  return decimalTextToMinor(String(value), rule, field);
}

/** Exact conversion of a decimal text ("19.99", "18.600", "5e-1") to minor units. */
export function decimalTextToMinor(text: string, rule: CurrencyRule, field = 'amount'): bigint {
  const match = DECIMAL.exec(text.trim());
  if (!match) throw new AppError('INVALID_AMOUNT', `${field} is not a decimal number.`);
  const [, intPart, fracPart = '', expPart = '0'] = match;
  // value = digits * 10^(exp - fracLen); minor = value * 10^exponent.
  const digits = BigInt(intPart + fracPart);
  const shift = Number(expPart) - fracPart.length + rule.exponent;
  let minor: bigint;
  if (shift >= 0) {
    minor = digits * 10n ** BigInt(Math.min(shift, 400));
  } else {
    const divisor = 10n ** BigInt(-shift);
    if (digits % divisor !== 0n) throw tooPrecise(field, rule);
    minor = digits / divisor;
  }
  if (minor % rule.stepMinor !== 0n) throw tooPrecise(field, rule);
  return minor;
}

function tooPrecise(field: string, rule: CurrencyRule): AppError {
  const decimals = rule.stepMinor === 10n ? rule.exponent - 1 : rule.stepMinor === 100n ? 0 : rule.exponent;
  return new AppError(
    'AMOUNT_TOO_PRECISE',
    `${field} has more decimals than ${rule.code} allows (at most ${decimals}).`,
    { currency: rule.code, maxDecimals: decimals },
  );
}

/** Stripe's per-currency minimum and its 8-digit maximum, checked before any call to Stripe. */
export function checkChargeable(minor: bigint, rule: CurrencyRule): void {
  if (minor < rule.minimumMinor) {
    throw new AppError(
      'AMOUNT_BELOW_MINIMUM',
      `the amount is below the minimum charge of ${formatMinor(rule.minimumMinor, rule)} ${rule.code}.`,
      { minimum: formatMinor(rule.minimumMinor, rule), currency: rule.code },
    );
  }
  if (minor > MAX_AMOUNT_MINOR) {
    throw new AppError(
      'AMOUNT_ABOVE_MAXIMUM',
      `the amount is above the maximum charge of ${formatMinor(MAX_AMOUNT_MINOR, rule)} ${rule.code}.`,
      { maximum: formatMinor(MAX_AMOUNT_MINOR, rule), currency: rule.code },
    );
  }
}

/** Minor units as a major-unit decimal string: 1999n USD -> "19.99", 18600n KWD -> "18.600". */
export function formatMinor(minor: bigint, rule: Pick<CurrencyRule, 'exponent'>): string {
  const negative = minor < 0n;
  const abs = (negative ? -minor : minor).toString();
  if (rule.exponent === 0) return (negative ? '-' : '') + abs;
  const padded = abs.padStart(rule.exponent + 1, '0');
  const cut = padded.length - rule.exponent;
  return `${negative ? '-' : ''}${padded.slice(0, cut)}.${padded.slice(cut)}`;
}
