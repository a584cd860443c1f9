/**
 * Whether the attempt that claimed an idempotency key may still be running, so a retry from
 * another replica answers "in progress" instead of calling Stripe alongside it (safe thanks to
 * the shared Stripe key, but it would append duplicate ledger events). An attempt cannot outlive
 * its Stripe budget, so past that it is over in whatever process ran it; before that, only the
 * process that ran it knows it ended (then its own retry may go ahead at once).
 */
import { LRUCache } from 'lru-cache';

/** stripe-node sleeps at most 5 s between network retries (MAX_NETWORK_RETRY_DELAY_SEC). */
const MAX_RETRY_DELAY_MS = 5_000;
/** The ledger statements of one attempt that may each wait a whole request timeout: claim, entry, outcome. */
const LEDGER_STATEMENTS = 3;
/** The attempt's start is another replica's clock (its timeuuid); allow for skew between replicas. */
const CLOCK_SKEW_MS = 2_000;

/** The longest one attempt can run: every Stripe try and wait between them, its ledger writes, clock skew. */
export function maxAttemptMs(stripe: { timeoutMs: number; maxNetworkRetries: number }, ledgerRequestTimeoutMs: number): number {
  return stripe.timeoutMs * (stripe.maxNetworkRetries + 1) + stripe.maxNetworkRetries * MAX_RETRY_DELAY_MS + LEDGER_STATEMENTS * ledgerRequestTimeoutMs + CLOCK_SKEW_MS;
}

export class AttemptTracker {
  private readonly endedHere: LRUCache<string, true>;

  constructor(readonly maxAttemptMs: number) {
    this.endedHere = new LRUCache({ max: 10_000, ttl: Math.max(1, maxAttemptMs) });
  }

  /** This process's attempt on the entry is over (whatever its outcome). */
  ended(entryId: string): void {
    this.endedHere.set(entryId, true);
  }

  /** How long an attempt started at `startedAt` may still be running; 0 means a retry may take over. */
  busyForMs(entryId: string, startedAt: Date, now = Date.now()): number {
    if (this.endedHere.has(entryId)) return 0;
    return Math.max(0, startedAt.getTime() + this.maxAttemptMs - now);
  }
}
