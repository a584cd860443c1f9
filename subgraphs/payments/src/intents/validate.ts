/** Pure validation of a createPluginPaymentIntent request: everything checkable without I/O. */
import { createHash } from 'node:crypto';
import { AppError } from '../../../../common/errors';
import { currencyRule, toMinorUnits, type CurrencyRule } from '../../../../common/money';
import { UUID_PATTERN } from '../../../../common/scalars';

export interface IntentRequestInput {
  total: unknown;
  currency: unknown;
  plugins: unknown;
  idempotencyKey?: unknown;
}

export interface ValidRequest {
  currency: CurrencyRule;
  totalMinor: bigint;
  /** Lower-case UUIDs in the client's order, no duplicates. */
  pluginIds: string[];
  idempotencyKey?: string;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_\-.:]{8,200}$/;

export function validateIdempotencyKey(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string' || !IDEMPOTENCY_KEY.test(raw)) {
    throw new AppError('INVALID_IDEMPOTENCY_KEY', 'Idempotency key must be 8-200 characters of A-Z a-z 0-9 _ - . :');
  }
  return raw;
}

export function validateRequest(input: IntentRequestInput, maxPlugins: number, headerKey?: string): ValidRequest {
  const currency = currencyRule(input.currency);
  if (!Array.isArray(input.plugins) || input.plugins.length === 0) {
    throw new AppError('NO_PLUGINS', 'plugins must list at least one plugin id.');
  }
  if (input.plugins.length > maxPlugins) {
    throw new AppError('TOO_MANY_PLUGINS', `at most ${maxPlugins} plugins can be bought in one payment.`, { maxPlugins });
  }
  const seen = new Set<string>();
  const pluginIds = input.plugins.map((raw, index) => {
    if (typeof raw !== 'string' || !UUID_PATTERN.test(raw)) {
      throw new AppError('INVALID_PLUGIN_ID', `plugins[${index}] is not a UUID.`, { index });
    }
    const id = raw.toLowerCase();
    if (seen.has(id)) throw new AppError('DUPLICATE_PLUGIN', `plugin ${id} is listed twice.`, { pluginId: id });
    seen.add(id);
    return id;
  });
  const totalMinor = toMinorUnits(input.total, currency, 'total');
  const bodyKey = validateIdempotencyKey(input.idempotencyKey);
  const key = validateIdempotencyKey(headerKey);
  if (bodyKey && key && bodyKey !== key) {
    throw new AppError('INVALID_IDEMPOTENCY_KEY', 'The Idempotency-Key header and input.idempotencyKey differ.');
  }
  return { currency, totalMinor, pluginIds, idempotencyKey: key ?? bodyKey };
}

/** What makes two requests "the same request" for an idempotency key: order-insensitive. */
export function requestHash(currency: string, amountMinor: bigint, pluginIds: string[]): string {
  const canonical = JSON.stringify({ currency, amountMinor: amountMinor.toString(), plugins: [...pluginIds].sort() });
  return createHash('sha256').update(canonical).digest('hex');
}
