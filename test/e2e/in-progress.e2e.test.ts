/**
 * A retry that finds its key held by an attempt another replica may still be running (claimed
 * within that attempt's Stripe budget, no outcome yet) answers 409 IDEMPOTENCY_KEY_IN_PROGRESS,
 * retryable, and touches neither Stripe nor the ledger. Once the budget is spent the attempt is
 * over wherever it ran, and the same retry completes the entry. The "other replica" is this test
 * process writing the claim (and entry) exactly as the payments subgraph does.
 */
import { randomBytes } from 'node:crypto';
import { Ledger, dateOfTimeuuid, newEntryId } from '../../subgraphs/payments/src/ledger/ledger';
import { stripeIdempotencyKeyFor } from '../../subgraphs/payments/src/intents/create-intent';
import { requestHash } from '../../subgraphs/payments/src/intents/validate';
import { maxAttemptMs } from '../../subgraphs/payments/src/intents/attempts';
import { PLUGINS, cassandra, intentCreationsFor, ledgerRows, rest, stack, userWithToken } from '../helpers/stack';

const body = { total: 12.5, currency: 'usd', plugins: [PLUGINS.antiCheat] };
const hash = requestHash('USD', 1250n, [PLUGINS.antiCheat]);
const budgetMs = () => maxAttemptMs({ timeoutMs: Number(stack().env.payments.STRIPE_TIMEOUT_MS), maxNetworkRetries: Number(stack().env.payments.STRIPE_MAX_NETWORK_RETRIES) }, Number(stack().env.payments.CASSANDRA_REQUEST_TIMEOUT_MS ?? 2_000));
const ledger = () => new Ledger(cassandra(), stack().env.payments.CASSANDRA_KEYSPACE);
const untilBudgetSpent = (entryId: string) => new Promise((r) => setTimeout(r, Math.max(0, dateOfTimeuuid(entryId).getTime() + budgetMs() + 250 - Date.now())));

async function expectInProgress(token: string, key: string) {
  const res = await rest(token, body, { 'idempotency-key': key });
  expect(res.status).toBe(409);
  expect(res.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_PROGRESS', retryable: true });
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(Math.ceil(budgetMs() / 1000));
}

test.each([
  ['its entry is PENDING', true],
  ['its entry is not written yet', false],
])('another replica holds the key and %s: 409 in progress, then the retry completes one entry', async (_name, withEntry) => {
  const user = await userWithToken('in-progress');
  const key = `busy-${randomBytes(8).toString('hex')}`;
  const entryId = newEntryId();
  expect(await ledger().claimKey(user.sub, key, entryId, hash)).toEqual({ claimed: true });
  if (withEntry) {
    await ledger().recordEntry({ clientId: user.sub, entryId, idempotencyKey: key, requestHash: hash, amountMinor: 1250n, currency: 'USD', pluginIds: [PLUGINS.antiCheat], stripeIdempotencyKey: stripeIdempotencyKeyFor(entryId) });
  }

  await expectInProgress(user.token, key);
  await expectInProgress(user.token, key);
  expect(await intentCreationsFor(user.sub)).toEqual([]);
  expect((await ledgerRows(user.sub)).map((r) => r.events.map((e) => e.status))).toEqual(withEntry ? [['PENDING']] : []);

  await untilBudgetSpent(entryId);
  const retry = await rest(user.token, body, { 'idempotency-key': key, accept: 'application/json' });
  expect(retry.status).toBe(200);
  expect(retry.json().ledgerEntryId).toBe(entryId);
  const rows = await ledgerRows(user.sub);
  expect(rows.map((r) => [r.entryId, r.events.map((e) => e.status)])).toEqual([[entryId, ['PENDING', 'CREATED']]]);
  expect((await intentCreationsFor(user.sub)).map((c) => c.idempotencyKey)).toEqual([stripeIdempotencyKeyFor(entryId)]);
});
