/**
 * The server owns the price: the charge is the catalog sum in exact minor units, through GraphQL
 * and REST alike; anything else is refused before any write and any Stripe call.
 */
import { CREATE_INTENT, PLUGINS, expectNothingWritten, gql, intentCreationsFor, ledgerRows, newUser, rest, stripeRequests, token, userWithToken } from '../helpers/stack';


const refusals: Array<[string, Record<string, unknown>, string, Record<string, unknown>?]> = [
  ['a total that is not the catalog price', { total: 0.5, currency: 'usd', plugins: [PLUGINS.antiCheat] }, 'TOTAL_MISMATCH', { expectedTotal: '12.50', expectedAmountMinor: '1250', currency: 'USD' }],
  ['an unknown plugin', { total: 12.5, currency: 'usd', plugins: ['7a1c2e3f-0000-4000-8000-000000000000'] }, 'UNKNOWN_PLUGIN'],
  ['a plugin that is not for sale', { total: 0.29, currency: 'usd', plugins: [PLUGINS.worldBackup] }, 'PLUGIN_NOT_FOR_SALE'],
  ['plugins priced in another currency', { total: 22.4, currency: 'usd', plugins: [PLUGINS.antiCheat, PLUGINS.ranks] }, 'CURRENCY_MISMATCH', { pluginCurrency: 'EUR' }],
  ['an amount below Stripe\'s minimum', { total: 0.29, currency: 'usd', plugins: [PLUGINS.emotes] }, 'AMOUNT_BELOW_MINIMUM', { minimum: '0.50' }],
  ['an amount above Stripe\'s 8-digit maximum', { total: 1000012.49, currency: 'usd', plugins: [PLUGINS.operatorSuite, PLUGINS.antiCheat] }, 'AMOUNT_ABOVE_MAXIMUM'],
  ['KWD with a last digit Stripe refuses', { total: 18.605, currency: 'kwd', plugins: [PLUGINS.caravan] }, 'AMOUNT_TOO_PRECISE'],
  ['JPY with decimals', { total: 500.5, currency: 'jpy', plugins: [PLUGINS.sakura] }, 'AMOUNT_TOO_PRECISE'],
];

describe.each(['GraphQL', 'REST'] as const)('%s refuses', (via) => {
  // Objects, not tuples: jest would take a missing 4th tuple element for a done callback.
  test.each(refusals.map(([name, input, code, details]) => ({ name, input, code, details })))('$name', async ({ input, code, details }) => {
    const user = await newUser('price');
    const t = await token({ sub: user.sub });
    const before = (await stripeRequests()).length;
    let extensions: Record<string, unknown>;
    if (via === 'REST') {
      const res = await rest(t, input);
      expect(res.status).toBe(400);
      extensions = res.json();
    } else {
      const res = await gql(t, CREATE_INTENT, { input });
      expect(res.body.data).toBeNull();
      extensions = res.body.errors![0].extensions!;
    }
    expect(extensions.code).toBe(code);
    if (details) expect(extensions).toMatchObject(details);
    expect((await stripeRequests()).length).toBe(before);
    await expectNothingWritten(user.sub);
  });
});

describe('exact minor units by currency exponent', () => {
  test.each([
    ['two USD plugins: the exact sum', { total: 17.49, currency: 'usd', plugins: [PLUGINS.antiCheat, PLUGINS.discord] }, 1749n, 'usd'],
    ['zero-decimal JPY', { total: 1700, currency: 'JPY', plugins: [PLUGINS.sakura, PLUGINS.pachinko] }, 1700n, 'jpy'],
    ['three-decimal KWD', { total: 18.6, currency: 'kwd', plugins: [PLUGINS.caravan] }, 18600n, 'kwd'],
    ['three-decimal KWD sum', { total: 20.85, currency: 'Kwd', plugins: [PLUGINS.caravan, PLUGINS.oasis] }, 20850n, 'kwd'],
    ['a small add-on with a main plugin (0.29 + 12.50)', { total: 12.79, currency: 'usd', plugins: [PLUGINS.emotes, PLUGINS.antiCheat] }, 1279n, 'usd'],
  ])('%s', async (_name, input, minor, stripeCurrency) => {
    const user = await userWithToken('exact');
    const res = await rest(user.token, input, { accept: 'application/json' });
    expect(res.status).toBe(200);
    expect(res.json().amountMinor).toBe(minor.toString());
    const [row] = await ledgerRows(user.sub);
    expect(row.amountMinor).toBe(minor);
    const [sent] = await intentCreationsFor(user.sub);
    expect(sent.params.amount).toBe(minor.toString());
    expect(sent.params.currency).toBe(stripeCurrency);
  });
});

test('one federated query plan: the intent from payments, plugin names and prices from the catalog', async () => {
  const user = await userWithToken('federated');
  const res = await gql<{ createPluginPaymentIntent: { amount: { formatted: string }; plugins: Array<{ id: string; name: string; price: { formatted: string; currency: string } }> } }>(
    user.token,
    `mutation($input: CreatePluginPaymentIntentInput!) {
      createPluginPaymentIntent(input: $input) { amount { formatted } plugins { id name price { formatted currency } } }
    }`,
    { input: { total: 32.49, currency: 'usd', plugins: [PLUGINS.economy, PLUGINS.antiCheat] } },
  );
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data!.createPluginPaymentIntent).toEqual({
    amount: { formatted: '32.49' },
    plugins: [
      { id: PLUGINS.economy, name: 'Economy Pro', price: { formatted: '19.99', currency: 'USD' } },
      { id: PLUGINS.antiCheat, name: 'Anti-Cheat Shield', price: { formatted: '12.50', currency: 'USD' } },
    ],
  });
});

test('the catalog lists the seeded plugins in several currencies through the gateway', async () => {
  const user = await userWithToken('catalog');
  const res = await gql<{ plugins: Array<{ id: string; name: string; forSale: boolean; price: { amountMinor: string; currency: string } }> }>(
    user.token,
    '{ plugins { id name forSale price { amountMinor currency } } }',
  );
  expect(res.body.errors).toBeUndefined();
  const plugins = res.body.data!.plugins;
  expect(plugins.length).toBeGreaterThanOrEqual(12);
  expect(new Set(plugins.map((p) => p.price.currency))).toEqual(new Set(['USD', 'EUR', 'GBP', 'JPY', 'KWD']));
  expect(plugins.find((p) => p.id === PLUGINS.caravan)).toMatchObject({ price: { amountMinor: '18600', currency: 'KWD' } });
  expect(plugins.find((p) => p.id === PLUGINS.worldBackup)).toMatchObject({ forSale: false });
});
