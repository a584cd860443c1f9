/**
 * Retries never double-charge: the same key and request give the same intent and one ledger
 * entry; a reused key with another request is a conflict; keys are scoped per client.
 * stripe-mock keeps no state, so "one intent" is counted as one distinct idempotency key at
 * Stripe (Stripe guarantees one intent per key).
 */
import { randomBytes } from 'node:crypto';
import { CREATE_INTENT, PLUGINS, gql, intentCreationsFor, ledgerRows, rest, stripeRequests, userWithToken } from '../helpers/stack';


const body = { total: 12.5, currency: 'usd', plugins: [PLUGINS.antiCheat] };
const newKey = () => `order-${randomBytes(8).toString('hex')}`;
const distinctKeys = async (clientId: string) => new Set((await intentCreationsFor(clientId)).map((r) => r.idempotencyKey)).size;

test('same key, same request: the same intent and client secret, one ledger entry, one intent at Stripe', async () => {
  const user = await userWithToken('idem');
  const key = newKey();
  const first = await rest(user.token, body, { 'idempotency-key': key, accept: 'application/json' });
  const second = await rest(user.token, { ...body, plugins: [PLUGINS.antiCheat.toUpperCase()] }, { 'idempotency-key': key, accept: 'application/json' });
  expect(first.status).toBe(200);
  expect(second.status).toBe(200);
  expect(second.json()).toMatchObject({ ledgerEntryId: first.json().ledgerEntryId, paymentIntentId: first.json().paymentIntentId, clientSecret: first.json().clientSecret });
  const rows = await ledgerRows(user.sub);
  expect(rows).toHaveLength(1);
  expect(rows[0].idempotencyKey).toBe(key);
  expect(rows[0].events.map((e) => e.status)).toEqual(['PENDING', 'CREATED']);
  expect(await intentCreationsFor(user.sub)).toHaveLength(1);
});

test('GraphQL takes the key from the Idempotency-Key header or from the input', async () => {
  const user = await userWithToken('idem-gql');
  const key = newKey();
  const viaHeader = await gql<any>(user.token, CREATE_INTENT, { input: body }, { 'idempotency-key': key });
  const viaInput = await gql<any>(user.token, CREATE_INTENT, { input: { ...body, idempotencyKey: key } });
  expect(viaHeader.body.errors).toBeUndefined();
  expect(viaInput.body.data.createPluginPaymentIntent.id).toBe(viaHeader.body.data.createPluginPaymentIntent.id);
  expect(await ledgerRows(user.sub)).toHaveLength(1);
});

test('same key, different request: 409, nothing written, nothing sent to Stripe', async () => {
  const user = await userWithToken('idem-conflict');
  const key = newKey();
  expect((await rest(user.token, body, { 'idempotency-key': key })).status).toBe(200);
  const before = (await stripeRequests()).length;
  const conflict = await rest(user.token, { total: 17.49, currency: 'usd', plugins: [PLUGINS.antiCheat, PLUGINS.discord] }, { 'idempotency-key': key });
  expect(conflict.status).toBe(409);
  expect(conflict.json()).toMatchObject({ status: 409, code: 'IDEMPOTENCY_KEY_REUSED' });
  expect((await stripeRequests()).length).toBe(before);
  expect(await ledgerRows(user.sub)).toHaveLength(1);
});

test('keys are scoped per client: another client with the same key gets its own intent', async () => {
  const alice = await userWithToken('alice');
  const bob = await userWithToken('bob');
  const key = newKey();
  const a = await rest(alice.token, body, { 'idempotency-key': key, accept: 'application/json' });
  const b = await rest(bob.token, body, { 'idempotency-key': key, accept: 'application/json' });
  expect(a.status).toBe(200);
  expect(b.status).toBe(200);
  expect(b.json().ledgerEntryId).not.toBe(a.json().ledgerEntryId);
  expect((await ledgerRows(bob.sub))[0].clientId).toBe(bob.sub);
  expect(await ledgerRows(alice.sub)).toHaveLength(1);
});

test.each([['too short', 'abc'], ['spaces', 'has spaces in it'], ['too long', 'k'.repeat(201)], ['a slash', 'order/12345678']])('an invalid key (%s) is a 400 before anything is written', async (_name, key) => {
  const user = await userWithToken('idem-bad');
  const before = (await stripeRequests()).length;
  const res = await rest(user.token, body, { 'idempotency-key': key });
  expect(res.status).toBe(400);
  expect(res.json().code).toBe('INVALID_IDEMPOTENCY_KEY');
  expect((await stripeRequests()).length).toBe(before);
  expect(await ledgerRows(user.sub)).toHaveLength(0);
});

test('200 concurrent requests, two clients, five shared keys: one intent and one entry per (client, key), never a mix-up', async () => {
  const users = [await userWithToken('conc-a'), await userWithToken('conc-b')];
  const keys = Array.from({ length: 5 }, newKey);
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) => rest(users[i % 2].token, body, { 'idempotency-key': keys[i % 5], accept: 'application/json' })),
  );
  expect(results.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
  for (const user of users) {
    const rows = await ledgerRows(user.sub);
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.clientId === user.sub && r.events.at(-1)!.status === 'CREATED')).toBe(true);
    expect(new Set(rows.map((r) => r.idempotencyKey))).toEqual(new Set(keys));
    expect(await distinctKeys(user.sub)).toBe(5);
  }
  // Each answer names an entry of the client that asked.
  const entriesOf = await Promise.all(users.map(async (u) => new Set((await ledgerRows(u.sub)).map((r) => r.entryId))));
  results.forEach((r, i) => expect(entriesOf[i % 2].has(r.json().ledgerEntryId as string)).toBe(true));
});
