/**
 * The premium plugin payment flow end to end, as a client uses it: an Auth0 token, the gateway
 * (GraphQL) or the REST shim, the payments subgraph, stripe-mock, Cassandra. Every test checks
 * what reached Stripe and Cassandra, not only the answer.
 */
import { CREATE_INTENT, PLUGINS, gql, intentCreationsFor, ledgerRows, rest, userWithToken } from '../helpers/stack';


const SECRET = /^pi_[A-Za-z0-9]+_secret_[A-Za-z0-9]+$/;

describe('GraphQL createPluginPaymentIntent', () => {
  test('returns a client secret; the ledger row and the Stripe request carry the caller, the exact minor units and the plugins', async () => {
    const user = await userWithToken('gql');
    const res = await gql<{ createPluginPaymentIntent: Record<string, any> }>(user.token, CREATE_INTENT, {
      input: { total: 32.49, currency: 'usd', plugins: [PLUGINS.antiCheat, PLUGINS.economy] },
    });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    const intent = res.body.data!.createPluginPaymentIntent;
    expect(intent.clientSecret).toMatch(SECRET);
    expect(intent.amount).toEqual({ amountMinor: '3249', currency: 'USD', formatted: '32.49' });
    expect(intent.status).toBe('CREATED');
    expect(intent.plugins).toEqual([{ id: PLUGINS.antiCheat }, { id: PLUGINS.economy }]);

    const [row, ...others] = await ledgerRows(user.sub);
    expect(others).toHaveLength(0);
    expect(row).toMatchObject({ entryId: intent.id, clientId: user.sub, amountMinor: 3249n, currency: 'USD', pluginIds: [PLUGINS.antiCheat, PLUGINS.economy] });
    expect(row.events.map((e) => e.status)).toEqual(['PENDING', 'CREATED']);
    expect(row.events[1].stripeIntentId).toBe(intent.stripePaymentIntentId);
    expect(Math.abs(row.createdAt.getTime() - Date.now())).toBeLessThan(60_000);

    const [sent, ...more] = await intentCreationsFor(user.sub);
    expect(more).toHaveLength(0);
    expect(sent.params).toMatchObject({
      amount: '3249',
      currency: 'usd',
      'automatic_payment_methods[enabled]': 'true',
      'metadata[client_id]': user.sub,
      'metadata[jtm_entry_id]': intent.id,
      'metadata[plugin_ids]': `${PLUGINS.antiCheat},${PLUGINS.economy}`,
    });
    // Even without a client key, Stripe gets one tied to the recorded entry.
    expect(sent.idempotencyKey).toBe(`jtm-plugin-intent-${intent.id}`);
  });

  test('19.99 is charged as 1999 minor units, not 1998', async () => {
    const user = await userWithToken('float');
    const res = await gql<{ createPluginPaymentIntent: Record<string, any> }>(user.token, CREATE_INTENT, {
      input: { total: 19.99, currency: 'USD', plugins: [PLUGINS.economy] },
    });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.createPluginPaymentIntent.amount.amountMinor).toBe('1999');
    expect((await ledgerRows(user.sub))[0].amountMinor).toBe(1999n);
    expect((await intentCreationsFor(user.sub))[0].params.amount).toBe('1999');
  });
});

describe('REST shim POST /payment/intent/plugin', () => {
  test('answers with the client secret as a plain-text body, like the service it replaces', async () => {
    const user = await userWithToken('rest');
    const res = await rest(user.token, { total: 12.5, currency: 'usd', plugins: [PLUGINS.antiCheat] });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.text).toMatch(SECRET);

    const [row] = await ledgerRows(user.sub);
    expect(row).toMatchObject({ clientId: user.sub, amountMinor: 1250n, currency: 'USD', pluginIds: [PLUGINS.antiCheat] });
    expect(row.events.at(-1)!.status).toBe('CREATED');
    const [sent] = await intentCreationsFor(user.sub);
    expect(sent.params).toMatchObject({ amount: '1250', currency: 'usd', 'metadata[client_id]': user.sub });
  });

  test('answers JSON on Accept: application/json', async () => {
    const user = await userWithToken('rest-json');
    const res = await rest(user.token, { total: 9.9, currency: 'eur', plugins: [PLUGINS.ranks] }, { accept: 'application/json' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = res.json();
    expect(body).toMatchObject({ amountMinor: '990', amount: '9.90', currency: 'EUR', status: 'CREATED', plugins: [PLUGINS.ranks] });
    expect(body.clientSecret).toMatch(SECRET);
    const [row] = await ledgerRows(user.sub);
    expect(row.entryId).toBe(body.ledgerEntryId);
    expect(row.events.at(-1)!.stripeIntentId).toBe(body.paymentIntentId);
  });
});
