/** The narrow port the payment flow uses; Stripe is one implementation of it. */

export interface CreateIntentRequest {
  amountMinor: bigint;
  /** ISO 4217, upper case (the adapter lower-cases for Stripe). */
  currency: string;
  metadata: Record<string, string>;
  description: string;
  /** Always sent: retries of the same request can never create a second intent. */
  idempotencyKey: string;
}

export interface ProviderIntent {
  id: string;
  clientSecret: string;
  status: string;
  amountMinor: bigint;
  currency: string;
}

/**
 * How a provider call failed:
 * - `rejected`: definitive (invalid request, card error): the ledger records failed.
 * - `unavailable`: timeout, connection, 5xx, rate limit: the outcome is unknown, the entry stays
 *   pending and a retry with the same idempotency key completes it.
 * - `misconfigured`: our credentials are wrong: unknown outcome too, and an operator must act.
 */
export class ProviderError extends Error {
  constructor(
    readonly outcome: 'rejected' | 'unavailable' | 'misconfigured',
    /** A short reason code safe to store and show (Stripe's error code or type). */
    readonly reason: string,
  ) {
    super(`payment provider ${outcome}: ${reason}`);
    this.name = 'ProviderError';
  }
}

export interface PaymentProvider {
  createIntent(request: CreateIntentRequest): Promise<ProviderIntent>;
  retrieveIntent(id: string): Promise<ProviderIntent>;
  /** Intents whose metadata names this ledger entry (for the reconciler). */
  findIntentsForEntry(entryId: string): Promise<ProviderIntent[]>;
}
