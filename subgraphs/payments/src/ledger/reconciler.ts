/**
 * Settles ledger entries left PENDING (a crash, a timeout, a client that never retried) from
 * Stripe's side. Within Stripe's idempotency window the entry's own key is replayed with the
 * recorded amount: Stripe answers with the intent it already created, or creates the one the
 * client asked for (unconfirmed, so nothing is charged without the client). Past the window,
 * the intent is looked up by the entry id in its metadata; none found means none exists.
 * Safe to run periodically and concurrently with traffic: every step is idempotent.
 */
import type { Logger } from '../../../../common/log';
import type { Ledger } from './ledger';
import { ProviderError, type PaymentProvider } from '../stripe/payment-provider';
import { intentMetadata } from '../intents/create-intent';

/** Stripe keeps idempotency keys at least 24 h; stay well inside that. Also the longest window allowed. */
export const REPLAY_WINDOW_MS = 23 * 3600_000;

export interface ReconcileReport {
  examined: number;
  created: number;
  failed: number;
  stillPending: number;
  /** Pending entries older than the lookback window: not examined, an operator must widen it. */
  beyondLookback: number;
}

export interface ReconcileOptions {
  olderThanMs: number;
  lookbackDays: number;
  /** Younger entries are replayed with their own key; older ones are looked up by metadata. */
  replayWindowMs?: number;
  now?: () => Date;
}

export async function reconcilePending(deps: { ledger: Ledger; provider: PaymentProvider; log: Logger }, opts: ReconcileOptions): Promise<ReconcileReport> {
  const now = opts.now ?? (() => new Date());
  const replayWindowMs = Math.min(opts.replayWindowMs ?? REPLAY_WINDOW_MS, REPLAY_WINDOW_MS);
  const report: ReconcileReport = { examined: 0, created: 0, failed: 0, stillPending: 0, beyondLookback: 0 };
  const start = now();
  const pending = await deps.ledger.listPending(new Date(start.getTime() - opts.olderThanMs), opts.lookbackDays, start);
  for (const { clientId, entryId } of pending) {
    report.examined++;
    const entry = await deps.ledger.getEntry(clientId, entryId);
    if (!entry) continue;
    if (entry.status !== 'PENDING') {
      // Settled by a retry whose index cleanup did not land; only the index row is left.
      await deps.ledger.dropPending(entry);
      continue;
    }
    try {
      if (now().getTime() - entry.createdAt.getTime() < replayWindowMs) {
        const intent = await deps.provider.createIntent({
          amountMinor: entry.amountMinor,
          currency: entry.currency,
          description: `JTM Network premium plugins (${entry.pluginIds.length})`,
          metadata: intentMetadata(entry),
          idempotencyKey: entry.stripeIdempotencyKey,
        });
        await deps.ledger.recordOutcome(entry, { status: 'CREATED', stripeIntentId: intent.id, stripeStatus: intent.status, reason: 'reconciled' });
        report.created++;
      } else {
        const [intent] = await deps.provider.findIntentsForEntry(entry.entryId);
        if (intent) {
          await deps.ledger.recordOutcome(entry, { status: 'CREATED', stripeIntentId: intent.id, stripeStatus: intent.status, reason: 'reconciled' });
          report.created++;
        } else {
          await deps.ledger.recordOutcome(entry, { status: 'FAILED', reason: 'no_intent_at_stripe' });
          report.failed++;
        }
      }
    } catch (err) {
      if (err instanceof ProviderError && err.outcome === 'rejected') {
        await deps.ledger.recordOutcome(entry, { status: 'FAILED', reason: err.reason });
        report.failed++;
        continue;
      }
      report.stillPending++;
      deps.log.warn('could not settle a pending entry yet', { entryId, err });
    }
  }
  const beyond = await deps.ledger.pendingBeyondLookback(opts.lookbackDays, start);
  report.beyondLookback = beyond.count;
  if (beyond.count > 0) {
    deps.log.error('pending entries older than the lookback window were not examined; rerun with a larger --lookback-days', {
      count: beyond.count,
      oldestDay: beyond.oldest?.toISOString().slice(0, 10),
      lookbackDays: opts.lookbackDays,
    });
  }
  deps.log.info('reconciliation done', { ...report });
  return report;
}
