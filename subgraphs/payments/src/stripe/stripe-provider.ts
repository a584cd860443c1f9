/** Stripe behind the PaymentProvider port: the client is injected, errors mapped to outcomes. */
import Stripe from 'stripe';
import { ProviderError, type CreateIntentRequest, type PaymentProvider, type ProviderIntent } from './payment-provider';
import type { StripeConfig } from '../config';

type StripeClient = InstanceType<typeof Stripe>;

export function createStripeClient(config: StripeConfig): StripeClient {
  return new Stripe(config.secretKey, {
    maxNetworkRetries: config.maxNetworkRetries,
    timeout: config.timeoutMs,
    telemetry: false,
    appInfo: { name: 'jtm-payments-subgraph' },
    ...(config.apiBase ?? {}),
  });
}

function toIntent(pi: Stripe.PaymentIntent): ProviderIntent {
  if (!pi.client_secret) throw new ProviderError('rejected', 'missing_client_secret');
  return { id: pi.id, clientSecret: pi.client_secret, status: pi.status, amountMinor: BigInt(pi.amount), currency: pi.currency.toUpperCase() };
}

export function mapStripeError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const e = (err ?? {}) as { type?: string; code?: string; statusCode?: number };
  const reason = (e.code ?? e.type ?? 'unknown').toString().slice(0, 80);
  // Another request with the same key is still running at Stripe: try again, it is not a refusal.
  if (e.code === 'idempotency_key_in_use' || (e.statusCode === 409 && e.type !== 'StripeIdempotencyError')) {
    return new ProviderError('unavailable', 'idempotency_key_in_use');
  }
  switch (e.type) {
    case 'StripeCardError':
    case 'StripeInvalidRequestError':
      return new ProviderError('rejected', reason);
    case 'StripeIdempotencyError':
      // Same key, different parameters: a bug on our side, never retried blindly.
      return new ProviderError('rejected', 'idempotency_error');
    case 'StripeAuthenticationError':
    case 'StripePermissionError':
      return new ProviderError('misconfigured', reason);
    default:
      // StripeConnectionError, StripeAPIError (5xx), StripeRateLimitError, timeouts: outcome unknown.
      return new ProviderError('unavailable', reason);
  }
}

export class StripePaymentProvider implements PaymentProvider {
  constructor(private readonly stripe: StripeClient) {}

  async createIntent(request: CreateIntentRequest): Promise<ProviderIntent> {
    if (request.amountMinor > BigInt(Number.MAX_SAFE_INTEGER)) throw new ProviderError('rejected', 'amount_too_large');
    try {
      const pi = await this.stripe.paymentIntents.create(
        {
          amount: Number(request.amountMinor),
          currency: request.currency.toLowerCase(),
          automatic_payment_methods: { enabled: true },
          description: request.description,
          metadata: request.metadata,
        },
        { idempotencyKey: request.idempotencyKey },
      );
      return toIntent(pi);
    } catch (err) {
      throw mapStripeError(err);
    }
  }

  async retrieveIntent(id: string): Promise<ProviderIntent> {
    try {
      return toIntent(await this.stripe.paymentIntents.retrieve(id));
    } catch (err) {
      throw mapStripeError(err);
    }
  }

  async findIntentsForEntry(entryId: string): Promise<ProviderIntent[]> {
    if (!/^[0-9a-f-]{36}$/.test(entryId)) return [];
    try {
      const found = await this.stripe.paymentIntents.search({ query: `metadata['jtm_entry_id']:'${entryId}'`, limit: 10 });
      return found.data.filter((pi) => pi.metadata?.jtm_entry_id === entryId).map(toIntent);
    } catch (err) {
      throw mapStripeError(err);
    }
  }
}
