/** The caller's own payment history, read from the ledger (never from Stripe, never with secrets). */
import { AppError } from '../../../../common/errors';
import { isCassandraUnavailable } from '../../../../common/cassandra';
import type { Ledger, LedgerEntry } from '../ledger/ledger';

export const MAX_PAGE_SIZE = 50;

export function validatePageSize(first: unknown): number {
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new AppError('INVALID_PAGE_SIZE', `first must be an integer from 1 to ${MAX_PAGE_SIZE}.`, { max: MAX_PAGE_SIZE });
  }
  return first;
}

export async function myPayments(ledger: Ledger, clientId: string, first: unknown): Promise<LedgerEntry[]> {
  const limit = validatePageSize(first);
  try {
    return await ledger.listEntries(clientId, limit);
  } catch (err) {
    if (isCassandraUnavailable(err)) {
      throw new AppError('LEDGER_UNAVAILABLE', 'The payment ledger is unavailable. Try again shortly.', { retryable: true });
    }
    throw err;
  }
}
