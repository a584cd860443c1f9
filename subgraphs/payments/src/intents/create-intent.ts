/**
 * createPluginPaymentIntent, in the order that loses nothing:
 * validate -> price from the catalog -> record the request (key claim, pending entry) ->
 * Stripe with an idempotency key derived from the entry -> record the outcome.
 */
import { AppError } from '../../../../common/errors';
import { isCassandraUnavailable } from '../../../../common/cassandra';
import type { Logger } from '../../../../common/log';
import type { Catalog } from '../catalog/catalog-client';
import { dateOfTimeuuid, type Ledger, type LedgerEntry, type NewEntry } from '../ledger/ledger';
import { ProviderError, type PaymentProvider, type ProviderIntent } from '../stripe/payment-provider';
import type { AttemptTracker } from './attempts';
import { priceOf } from './price';
import { requestHash, validateRequest, type IntentRequestInput, type ValidRequest } from './validate';

export interface IntentResult {
  entry: LedgerEntry;
  intent: ProviderIntent;
}

export interface CreateIntentDeps {
  ledger: Ledger;
  catalog: Catalog;
  provider: PaymentProvider;
  maxPluginsPerIntent: number;
  attempts: AttemptTracker;
  onIntentCreated?: (currency: string) => void;
}

export interface Caller {
  clientId: string;
  identityAssertion: string;
  requestId: string;
  log: Logger;
  /** From the Idempotency-Key header, if any. */
  headerIdempotencyKey?: string;
}

export const stripeIdempotencyKeyFor = (entryId: string) => `jtm-plugin-intent-${entryId}`;

/**
 * Identical retries that arrive while the first attempt is still running in this process join
 * it instead of racing it to Stripe. (Across replicas, Stripe's own idempotency keeps one intent.)
 */
const inflight = new Map<string, Promise<IntentResult>>();

export async function createPluginPaymentIntent(deps: CreateIntentDeps, caller: Caller, input: IntentRequestInput): Promise<IntentResult> {
  // 1. Validate: nothing below runs for a bad request.
  const request = validateRequest(input, deps.maxPluginsPerIntent, caller.headerIdempotencyKey);
  const catalog = await deps.catalog.lookup(request.pluginIds, caller);
  const amountMinor = priceOf(request.pluginIds, catalog, request.currency, request.totalMinor);
  const hash = requestHash(request.currency.code, amountMinor, request.pluginIds);
  if (!request.idempotencyKey) return recordAndCharge(deps, caller, request, amountMinor, hash);
  const slot = `${caller.clientId}\u0000${request.idempotencyKey}\u0000${hash}`;
  let running = inflight.get(slot);
  if (!running) {
    running = recordAndCharge(deps, caller, request, amountMinor, hash).finally(() => inflight.delete(slot));
    inflight.set(slot, running);
  }
  return running;
}

async function recordAndCharge(deps: CreateIntentDeps, caller: Caller, request: ValidRequest, amountMinor: bigint, hash: string): Promise<IntentResult> {
  // 2. Record the request before Stripe hears of it.
  const entryId = deps.ledger.newEntryId();
  const entry: NewEntry = {
    clientId: caller.clientId,
    entryId,
    idempotencyKey: request.idempotencyKey ?? null,
    requestHash: hash,
    amountMinor,
    currency: request.currency.code,
    pluginIds: request.pluginIds,
    stripeIdempotencyKey: stripeIdempotencyKeyFor(entryId),
  };
  try {
    return await claimRecordAndCharge(deps, caller, request, entry);
  } finally {
    deps.attempts.ended(entryId);
  }
}

async function claimRecordAndCharge(deps: CreateIntentDeps, caller: Caller, request: ValidRequest, entry: NewEntry): Promise<IntentResult> {
  const { entryId, requestHash: hash } = entry;
  const existing = await ledgerCall(async () => {
    if (request.idempotencyKey) {
      const claim = await deps.ledger.claimKey(caller.clientId, request.idempotencyKey, entryId, hash);
      if (!claim.claimed) {
        if (claim.requestHash !== hash) {
          throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used for a different request.');
        }
        return claim.entryId;
      }
    }
    await deps.ledger.recordEntry(entry);
    return null;
  });
  if (existing) return resume(deps, caller, existing, entry);

  const recorded: LedgerEntry = { ...entry, createdAt: dateOfTimeuuid(entryId), status: 'PENDING', stripeIntentId: null, stripeStatus: null, reason: null };
  return callStripe(deps, caller, recorded);
}

/** A retry of a recorded request: finish what the first attempt started, or return its result. */
async function resume(deps: CreateIntentDeps, caller: Caller, entryId: string, sameRequest: NewEntry): Promise<IntentResult> {
  let entry = await ledgerCall(() => deps.ledger.getEntry(caller.clientId, entryId));
  if (!entry || entry.status === 'PENDING') refuseWhileInProgress(deps, entryId);
  if (!entry) {
    // The key was claimed but the attempt stopped before its entry was written (it is over:
    // see above): write it now under the claimed id.
    const recovered: NewEntry = { ...sameRequest, entryId, stripeIdempotencyKey: stripeIdempotencyKeyFor(entryId) };
    await ledgerCall(() => deps.ledger.recordEntry(recovered));
    entry = { ...recovered, createdAt: dateOfTimeuuid(entryId), status: 'PENDING', stripeIntentId: null, stripeStatus: null, reason: null };
  }
  switch (entry.status) {
    case 'CREATED': {
      const intent = await providerCall(() => deps.provider.retrieveIntent(entry.stripeIntentId as string));
      return { entry, intent };
    }
    case 'FAILED':
      throw new AppError('PAYMENT_REJECTED', 'The payment provider refused this payment.', { reason: entry.reason });
    case 'PENDING':
      return callStripe(deps, caller, entry);
  }
}

/** The attempt holding the key may still be between its claim and Stripe's answer, in another process. */
function refuseWhileInProgress(deps: CreateIntentDeps, entryId: string): void {
  const busyMs = deps.attempts.busyForMs(entryId, dateOfTimeuuid(entryId));
  if (busyMs > 0) {
    throw new AppError('IDEMPOTENCY_KEY_IN_PROGRESS', 'A request with this idempotency key is still in progress; retry shortly with the same key.', {
      retryable: true,
      retryAfterSec: Math.ceil(busyMs / 1000),
    });
  }
}

async function callStripe(deps: CreateIntentDeps, caller: Caller, entry: LedgerEntry): Promise<IntentResult> {
  try {
    return await callStripeOnce(deps, caller, entry);
  } finally {
    deps.attempts.ended(entry.entryId);
  }
}

async function callStripeOnce(deps: CreateIntentDeps, caller: Caller, entry: LedgerEntry): Promise<IntentResult> {
  let intent: ProviderIntent;
  try {
    intent = await deps.provider.createIntent({
      amountMinor: entry.amountMinor,
      currency: entry.currency,
      description: `JTM Network premium plugins (${entry.pluginIds.length})`,
      metadata: intentMetadata(entry),
      idempotencyKey: entry.stripeIdempotencyKey,
    });
  } catch (err) {
    const failure = err instanceof ProviderError ? err : new ProviderError('unavailable', 'unknown');
    if (failure.outcome === 'rejected') {
      await deps.ledger.recordOutcome(entry, { status: 'FAILED', reason: failure.reason }).catch((e) =>
        caller.log.error('could not record a rejected payment; the reconciler will', { entryId: entry.entryId, err: e }),
      );
      throw new AppError('PAYMENT_REJECTED', 'The payment provider refused this payment.', { reason: failure.reason });
    }
    caller.log.warn('payment provider outcome unknown; entry stays pending', { entryId: entry.entryId, reason: failure.reason, outcome: failure.outcome });
    throw new AppError('PAYMENT_PROVIDER_UNAVAILABLE', 'The payment provider did not answer; retry with the same idempotency key.', { retryable: true });
  }
  const done: LedgerEntry = { ...entry, status: 'CREATED', stripeIntentId: intent.id, stripeStatus: intent.status };
  try {
    await deps.ledger.recordOutcome(entry, { status: 'CREATED', stripeIntentId: intent.id, stripeStatus: intent.status });
  } catch (err) {
    // The intent exists and its entry is recorded as pending: a retry or the reconciler settles it.
    caller.log.error('intent created but its outcome was not recorded; left pending', { entryId: entry.entryId, err });
  }
  deps.onIntentCreated?.(entry.currency);
  caller.log.info('payment intent created', { entryId: entry.entryId, stripeIntentId: intent.id, amountMinor: entry.amountMinor, currency: entry.currency, plugins: entry.pluginIds.length });
  return { entry: done, intent };
}

/** Stripe metadata: at most 50 keys, values up to 500 chars; plugin ids are chunked to fit. */
export function intentMetadata(entry: Pick<NewEntry, 'clientId' | 'entryId' | 'pluginIds'>): Record<string, string> {
  const metadata: Record<string, string> = { jtm_entry_id: entry.entryId, client_id: entry.clientId.slice(0, 500) };
  const perChunk = 13; // 13 * 37 - 1 = 480 characters
  for (let i = 0; i * perChunk < entry.pluginIds.length; i++) {
    metadata[i === 0 ? 'plugin_ids' : `plugin_ids_${i + 1}`] = entry.pluginIds.slice(i * perChunk, (i + 1) * perChunk).join(',');
  }
  return metadata;
}

async function ledgerCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (isCassandraUnavailable(err)) {
      throw new AppError('LEDGER_UNAVAILABLE', 'The payment ledger is unavailable; nothing was charged. Try again shortly.', { retryable: true });
    }
    throw err;
  }
}

async function providerCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ProviderError) {
      throw new AppError('PAYMENT_PROVIDER_UNAVAILABLE', 'The payment provider did not answer; retry with the same idempotency key.', { retryable: true });
    }
    throw err;
  }
}
