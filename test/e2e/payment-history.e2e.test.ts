/**
 * myPluginPayments: a client reads its own payments through the gateway, with the plugins'
 * names and prices from the catalog (one query plan across both subgraphs). Checked against
 * what the ledger in Cassandra holds; never another client's payments, never a client secret.
 */
import { CREATE_INTENT, PLUGINS, gql, ledgerRows, rest, setStripeFault, userWithToken } from '../helpers/stack';

const MY_PAYMENTS = /* GraphQL */ `
  query MyPluginPayments($first: Int!) {
    myPluginPayments(first: $first) {
      id
      stripePaymentIntentId
      status
      createdAt
      amount { amountMinor currency formatted }
      plugins { id name price { formatted } }
    }
  }
`;

type Payment = { id: string; stripePaymentIntentId: string | null; status: string; createdAt: string; amount: Record<string, string>; plugins: Array<{ id: string; name: string; price: { formatted: string } }> };

async function myPayments(token: string, first = 20) {
  return gql<{ myPluginPayments: Payment[] }>(token, MY_PAYMENTS, { first });
}

test('lists the caller\'s payments newest first, as the ledger records them, with names from the catalog', async () => {
  const user = await userWithToken('history');
  const first = await gql<{ createPluginPaymentIntent: { id: string; stripePaymentIntentId: string } }>(user.token, CREATE_INTENT, {
    input: { total: 32.49, currency: 'USD', plugins: [PLUGINS.antiCheat, PLUGINS.economy] },
  });
  expect(first.body.errors).toBeUndefined();
  const second = await rest(user.token, { total: 9.9, currency: 'eur', plugins: [PLUGINS.ranks] });
  expect(second.status).toBe(200);

  const res = await myPayments(user.token);
  expect(res.status).toBe(200);
  expect(res.body.errors).toBeUndefined();
  const payments = res.body.data!.myPluginPayments;
  const ledger = await ledgerRows(user.sub); // newest first, like the table's clustering order
  expect(payments.map((p) => p.id)).toEqual(ledger.map((r) => r.entryId));
  expect(payments).toHaveLength(2);

  const [eur, usd] = payments;
  expect(eur).toMatchObject({ status: 'CREATED', amount: { amountMinor: '990', currency: 'EUR', formatted: '9.90' } });
  expect(eur.stripePaymentIntentId).toBe(ledger[0].events.at(-1)!.stripeIntentId);
  expect(eur.plugins).toEqual([{ id: PLUGINS.ranks, name: expect.any(String), price: { formatted: '9.90' } }]);
  expect(usd).toMatchObject({ id: first.body.data!.createPluginPaymentIntent.id, stripePaymentIntentId: first.body.data!.createPluginPaymentIntent.stripePaymentIntentId, status: 'CREATED' });
  expect(usd.amount).toEqual({ amountMinor: '3249', currency: 'USD', formatted: '32.49' });
  expect(usd.plugins.map((p) => [p.id, p.price.formatted])).toEqual([[PLUGINS.antiCheat, '12.50'], [PLUGINS.economy, '19.99']]);
  expect(usd.plugins.every((p) => p.name.length > 0)).toBe(true);
  expect(new Date(usd.createdAt).getTime()).toBe(ledger[1].createdAt.getTime());

  const one = await myPayments(user.token, 1);
  expect(one.body.data!.myPluginPayments.map((p) => p.id)).toEqual([eur.id]);
});

test('a payment Stripe has not confirmed shows as PENDING without an intent id', async () => {
  const user = await userWithToken('history-pending');
  await setStripeFault({ mode: 'status', status: 500, count: 1 });
  try {
    const res = await rest(user.token, { total: 4.99, currency: 'usd', plugins: [PLUGINS.discord] }, { 'idempotency-key': `history-${user.sub.slice(-12)}` });
    expect(res.status).toBe(503);
  } finally {
    await setStripeFault(null);
  }
  const payments = (await myPayments(user.token)).body.data!.myPluginPayments;
  expect(payments).toEqual([expect.objectContaining({ status: 'PENDING', stripePaymentIntentId: null, amount: { amountMinor: '499', currency: 'USD', formatted: '4.99' } })]);
});

test('a client never sees another client\'s payments; a new client sees an empty list', async () => {
  const buyer = await userWithToken('history-buyer');
  expect((await rest(buyer.token, { total: 4.99, currency: 'usd', plugins: [PLUGINS.discord] })).status).toBe(200);
  const other = await userWithToken('history-other');
  const res = await myPayments(other.token);
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data!.myPluginPayments).toEqual([]);
});

test('the list never offers the client secret', async () => {
  const user = await userWithToken('history-secret');
  const res = await gql(user.token, '{ myPluginPayments { id clientSecret } }');
  expect(res.status).toBe(400);
  expect(res.body.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
});

test.each([0, 51, -3])('first: %p is refused with INVALID_PAGE_SIZE', async (n) => {
  const user = await userWithToken('history-page');
  const res = await myPayments(user.token, n);
  expect(res.body.data).toBeNull();
  expect(res.body.errors![0].extensions).toMatchObject({ code: 'INVALID_PAGE_SIZE', kind: 'BAD_USER_INPUT' });
});

test('without a token: 401 and no data', async () => {
  const res = await myPayments(null as unknown as string);
  expect(res.status).toBe(401);
  expect(res.body.data ?? null).toBeNull();
});
