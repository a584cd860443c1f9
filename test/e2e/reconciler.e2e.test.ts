/**
 * The reconciler's branch for entries past Stripe's idempotency window: it looks the intent up
 * by the entry id in its metadata. Not found (stripe-mock's own search fixture names another
 * entry): FAILED no_intent_at_stripe, appended as an event. Found (the recorder answers the
 * search with stripe-mock's fixture naming this entry): CREATED with that intent. Pending entries older than the lookback window are reported, with exit code 3.
 */
import { randomBytes } from 'node:crypto';
import { types } from 'cassandra-driver';
import { Ledger } from '../../subgraphs/payments/src/ledger/ledger';
import { stripeIdempotencyKeyFor } from '../../subgraphs/payments/src/intents/create-intent';
import { PLUGINS, cassandra, inPendingIndex, intentCreationsFor, ledgerRows, rest, setStripeFault, stack, stripeRequests, userWithToken } from '../helpers/stack';
import { runReconciler } from '../helpers/reconciler';

afterEach(() => setStripeFault(null));

const DAY_MS = 86_400_000;
const body = { total: 12.5, currency: 'usd', plugins: [PLUGINS.antiCheat] };

/** A payment whose Stripe create failed (500): its entry stays PENDING for the reconciler. */
async function entryWhoseCreateWasLost(token: string, clientId: string) {
  await setStripeFault({ mode: 'status', status: 500, count: 1 });
  expect((await rest(token, body)).status).toBe(503);
  await setStripeFault(null);
  const [pending] = await ledgerRows(clientId);
  return pending;
}

/**
 * stripe-mock's own answer to a PaymentIntent search. It keeps no state, so its search never finds
 * the intent of a lost create; tests edit this answer's intent to name an entry, as Stripe's would.
 */
async function stripeMockSearchAnswer() {
  const res = await fetch(`${stack().urls.stripeMock}/v1/payment_intents/search?query=x`, {
    headers: { authorization: `Bearer ${stack().env.payments.STRIPE_SECRET_KEY}` },
  });
  return (await res.json()) as { data: Array<{ id: string; status: string; metadata: Record<string, string> }> };
}

async function searchesFor(entryId: string) {
  return (await stripeRequests()).filter((r) => r.method === 'GET' && r.path === '/v1/payment_intents/search' && r.params.query?.includes(entryId));
}

test('past the replay window, Stripe has no intent for the entry: FAILED no_intent_at_stripe, appended, nothing created', async () => {
  const user = await userWithToken('reconcile-old');
  const pending = await entryWhoseCreateWasLost(user.token, user.sub);
  expect(pending.events.map((e) => e.status)).toEqual(['PENDING']);

  const run = await runReconciler(['--older-than-sec', '0', '--replay-window-sec', '0']);
  expect(run.exitCode).toBe(0);
  expect(run.report).toMatchObject({ stillPending: 0, beyondLookback: 0 });
  expect(run.report.failed).toBeGreaterThanOrEqual(1);

  const searches = await searchesFor(pending.entryId);
  expect(searches).toHaveLength(1);
  expect(searches[0].params.query).toBe(`metadata['jtm_entry_id']:'${pending.entryId}'`);
  expect(searches[0].outcome).toBe('forwarded 200');
  expect(await intentCreationsFor(user.sub)).toHaveLength(1); // only the client's original attempt: no replay
  const [settled] = await ledgerRows(user.sub);
  expect(settled.events).toEqual([
    { status: 'PENDING', stripeIntentId: null, stripeStatus: null, reason: null },
    { status: 'FAILED', stripeIntentId: null, stripeStatus: null, reason: 'no_intent_at_stripe' },
  ]);
  expect(await inPendingIndex(pending.entryId)).toBe(false);
  expect((await runReconciler(['--older-than-sec', '0', '--replay-window-sec', '0'])).report.examined).toBe(0);
});

test('past the replay window, Stripe has the intent (found by its metadata): CREATED with that intent, appended, nothing created', async () => {
  const user = await userWithToken('reconcile-found');
  const pending = await entryWhoseCreateWasLost(user.token, user.sub);
  const sample = await stripeMockSearchAnswer();
  const intent = { ...sample.data[0], metadata: { ...sample.data[0].metadata, jtm_entry_id: pending.entryId } };
  await setStripeFault({ mode: 'answer', status: 200, body: { ...sample, data: [intent] }, match: pending.entryId, count: 1 });

  const run = await runReconciler(['--older-than-sec', '0', '--replay-window-sec', '0']);
  expect(run.exitCode).toBe(0);
  expect(run.report.created).toBeGreaterThanOrEqual(1);
  const searches = await searchesFor(pending.entryId);
  expect(searches.map((r) => r.outcome)).toEqual(['injected answer 200']);
  expect(await intentCreationsFor(user.sub)).toHaveLength(1); // only the client's original attempt
  const [settled] = await ledgerRows(user.sub);
  expect(settled.events).toEqual([
    { status: 'PENDING', stripeIntentId: null, stripeStatus: null, reason: null },
    { status: 'CREATED', stripeIntentId: intent.id, stripeStatus: intent.status, reason: 'reconciled' },
  ]);
  expect(await inPendingIndex(pending.entryId)).toBe(false);
});

test('a search answer naming another entry is not taken for this one', async () => {
  const user = await userWithToken('reconcile-other');
  const pending = await entryWhoseCreateWasLost(user.token, user.sub);
  const sample = await stripeMockSearchAnswer();
  const other = { ...sample.data[0], metadata: { jtm_entry_id: '00000000-0000-1000-8000-000000000000' } };
  await setStripeFault({ mode: 'answer', status: 200, body: { ...sample, data: [other] }, match: pending.entryId, count: 1 });
  await runReconciler(['--older-than-sec', '0', '--replay-window-sec', '0']);
  expect((await ledgerRows(user.sub))[0].events.map((e) => [e.status, e.reason])).toEqual([['PENDING', null], ['FAILED', 'no_intent_at_stripe']]);
});

test('the replay window is capped below Stripe\'s 24 h key retention', async () => {
  const run = runReconciler(['--replay-window-sec', String(25 * 3600)]);
  await expect(run).rejects.toThrow(/exited 2 .*--replay-window-sec needs an integer from 0 to 82800/s);
});

test('an entry older than the lookback window is reported (log line, exit 3), then settled once the window covers it', async () => {
  // A real entry, backdated through its timeuuid: the day buckets and the age are Cassandra's own.
  const ledger = new Ledger(cassandra(), stack().env.payments.CASSANDRA_KEYSPACE);
  const clientId = `auth0|ancient-${randomBytes(6).toString('hex')}`;
  const entryId = types.TimeUuid.fromDate(new Date(Date.now() - 10 * DAY_MS)).toString();
  await ledger.recordEntry({ clientId, entryId, idempotencyKey: null, requestHash: 'h', amountMinor: 1250n, currency: 'USD', pluginIds: [PLUGINS.antiCheat], stripeIdempotencyKey: stripeIdempotencyKeyFor(entryId) });
  try {
    const run = await runReconciler(['--older-than-sec', '0', '--lookback-days', '7'], 'warn');
    expect(run.exitCode).toBe(3);
    expect(run.report).toMatchObject({ beyondLookback: 1, stillPending: 0 });
    expect(run.logs).toContainEqual(expect.objectContaining({ level: 'error', msg: expect.stringMatching(/older than the lookback window/), count: 1, lookbackDays: 7 }));
    expect((await ledgerRows(clientId))[0].events.map((e) => e.status)).toEqual(['PENDING']);
    expect(await searchesFor(entryId)).toHaveLength(0);
  } finally {
    // Never leave it behind: other files' reconciler runs expect exit 0.
    const wide = await runReconciler(['--older-than-sec', '0', '--lookback-days', '30']);
    expect(wide).toMatchObject({ exitCode: 0, report: expect.objectContaining({ beyondLookback: 0 }) });
  }
  // Ten days old is past the default replay window: looked up by metadata, not replayed.
  expect(await searchesFor(entryId)).toHaveLength(1);
  expect((await stripeRequests()).filter((r) => r.idempotencyKey === stripeIdempotencyKeyFor(entryId))).toEqual([]);
  expect((await ledgerRows(clientId))[0].events.map((e) => [e.status, e.reason])).toEqual([['PENDING', null], ['FAILED', 'no_intent_at_stripe']]);
});
