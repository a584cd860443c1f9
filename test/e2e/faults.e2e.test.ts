/**
 * Faults injected for real: Cassandra stopped, Stripe slow / dropping the connection after the
 * request went through / answering 500 (through the recording proxy), the payments subgraph
 * killed mid-request. Whatever happens, a retry with the same key or the reconciler ends with
 * exactly one intent at Stripe (one distinct idempotency key) and one completed ledger entry.
 */
import { randomBytes } from 'node:crypto';
import { PLUGINS, controlStack, intentCreationsFor, ledgerRows, rest, setStripeFault, stripeRequests, userWithToken, waitForCassandra } from '../helpers/stack';
import { runReconciler } from '../helpers/reconciler';

afterEach(() => setStripeFault(null));

const body = { total: 12.5, currency: 'usd', plugins: [PLUGINS.antiCheat] };
const newKey = () => `retry-${randomBytes(8).toString('hex')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function expectOneCompletedIntent(clientId: string, reason?: string) {
  const rows = await ledgerRows(clientId);
  expect(rows).toHaveLength(1);
  expect(rows[0].events[0].status).toBe('PENDING');
  expect(rows[0].events.at(-1)).toMatchObject({ status: 'CREATED', ...(reason ? { reason } : {}) });
  expect(rows[0].events.filter((e) => e.status !== 'PENDING')).toHaveLength(1);
  const keys = new Set((await intentCreationsFor(clientId)).map((r) => r.idempotencyKey));
  expect([...keys]).toEqual([`jtm-plugin-intent-${rows[0].entryId}`]);
}

async function reconcile(): Promise<Record<string, number>> {
  const run = await runReconciler(['--older-than-sec', '0']);
  expect(run.exitCode).toBe(0);
  return run.report;
}

describe.each([
  ['Stripe answers 500', { mode: 'status', status: 500, count: 1 }],
  ['Stripe is slower than the timeout', { mode: 'delay', delayMs: 4_000, count: 1 }],
  // stripe-node retries a dropped connection by itself (same idempotency key), so drop every try.
  ['the connection drops after Stripe got the request', { mode: 'drop-after-forward', count: 5 }],
] as const)('%s', (_name, fault) => {
  test('the client gets a retryable 503, the entry stays pending, a retry with the same key completes it', async () => {
    const user = await userWithToken('fault');
    const key = newKey();
    await setStripeFault(fault);
    const first = await rest(user.token, body, { 'idempotency-key': key });
    expect(first.status).toBe(503);
    expect(first.json()).toMatchObject({ code: 'PAYMENT_PROVIDER_UNAVAILABLE', retryable: true });
    const [pending] = await ledgerRows(user.sub);
    expect(pending.events.map((e) => e.status)).toEqual(['PENDING']);
    if (fault.mode === 'delay') await sleep(1_500); // let the slow request finish at the proxy
    await setStripeFault(null); // Stripe recovers

    const retry = await rest(user.token, body, { 'idempotency-key': key });
    expect(retry.status).toBe(200);
    await expectOneCompletedIntent(user.sub);
  });

  test('without a retry, the reconciler settles it', async () => {
    const user = await userWithToken('reconcile');
    await setStripeFault(fault);
    expect((await rest(user.token, body)).status).toBe(503);
    if (fault.mode === 'delay') await sleep(1_500);
    await setStripeFault(null);
    const report = await reconcile();
    expect(report.stillPending).toBe(0);
    await expectOneCompletedIntent(user.sub, 'reconciled');
    // A second pass finds nothing left to do.
    expect((await reconcile()).examined).toBe(0);
  });
});

test('a single dropped connection is retried by the Stripe SDK with the same key: still one intent', async () => {
  const user = await userWithToken('sdk-retry');
  await setStripeFault({ mode: 'drop-after-forward', count: 1 });
  expect((await rest(user.token, body)).status).toBe(200);
  const creations = await intentCreationsFor(user.sub);
  expect(creations.length).toBeGreaterThanOrEqual(2);
  await expectOneCompletedIntent(user.sub);
});

test('Cassandra stopped: 503 and Stripe never called; after it returns, the product recovers without a restart', async () => {
  const user = await userWithToken('cassandra-down');
  await controlStack('cassandra/stop');
  try {
    const before = (await stripeRequests()).length;
    const res = await rest(user.token, body, { 'idempotency-key': newKey() });
    expect(res.status).toBe(503);
    expect(['LEDGER_UNAVAILABLE', 'CATALOG_UNAVAILABLE']).toContain(res.json().code);
    expect(res.json().retryable).toBe(true);
    expect((await stripeRequests()).length).toBe(before);
  } finally {
    await controlStack('cassandra/start');
  }
  let status = 0;
  for (let attempt = 0; attempt < 40 && status !== 200; attempt++) {
    if (attempt) await sleep(1_000);
    status = (await rest(user.token, body, { 'idempotency-key': `after-${attempt}-${randomBytes(4).toString('hex')}` })).status;
  }
  expect(status).toBe(200);
  await waitForCassandra();
  const rows = await ledgerRows(user.sub);
  expect(rows).toHaveLength(1);
  expect(rows[0].events.at(-1)!.status).toBe('CREATED');
});

test('the payments subgraph killed between the Stripe call and the outcome write: a retry after restart completes one entry', async () => {
  const user = await userWithToken('crash');
  const key = newKey();
  await setStripeFault({ mode: 'delay', delayMs: 2_000, count: 1 });
  const inFlight = rest(user.token, body, { 'idempotency-key': key });
  // Wait until the request has reached Stripe, then crash the subgraph.
  for (let i = 0; i < 50 && (await intentCreationsFor(user.sub)).length === 0; i++) await sleep(100);
  expect(await intentCreationsFor(user.sub)).toHaveLength(1);
  await controlStack('deployables/payments/kill');
  try {
    const crashed = await inFlight;
    expect(crashed.status).toBeGreaterThanOrEqual(500);
    expect((await ledgerRows(user.sub))[0].events.map((e) => e.status)).toEqual(['PENDING']);
  } finally {
    await controlStack('deployables/payments/start'); // later test files need it whatever happened
  }
  // The new process cannot know the killed attempt is over until its Stripe budget is spent:
  // until then it answers 409 in progress, and the client retries as told.
  let retry = await rest(user.token, body, { 'idempotency-key': key });
  for (let i = 0; i < 20 && retry.status === 409; i++) {
    expect(retry.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_PROGRESS', retryable: true });
    await sleep(500);
    retry = await rest(user.token, body, { 'idempotency-key': key });
  }
  expect(retry.status).toBe(200);
  await expectOneCompletedIntent(user.sub);
});
