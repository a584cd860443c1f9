/**
 * AUTH0_REQUIRED_SCOPE on the real gateway (restarted with it set, restored afterwards): a token
 * without the scope gets 403 FORBIDDEN with an insufficient_scope challenge on both doors and
 * nothing reaches the payments subgraph, Cassandra or Stripe; the scope in `scope` or in
 * `permissions` pays.
 */
import { CREATE_INTENT, PLUGINS, controlStack, expectNothingWritten, gql, intentCreationsFor, ledgerRows, rest, stack, stripeRequests, userWithToken } from '../helpers/stack';

const SCOPE = 'create:payment_intent';
const valid = { total: 12.5, currency: 'usd', plugins: [PLUGINS.antiCheat] };
const CHALLENGE = new RegExp(`^Bearer .*error="insufficient_scope".*scope="${SCOPE}"`);

/** Requests that reached the payments subgraph's /graphql, from its own Prometheus series. */
async function paymentsGraphQLRequests(): Promise<number> {
  const text = await (await fetch(`${stack().urls.payments}/metrics`)).text();
  return text.split('\n')
    .filter((line) => line.startsWith('http_request_duration_seconds_count{') && line.includes('route="/graphql"'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

beforeAll(async () => {
  await controlStack('deployables/gateway/term');
  await controlStack('deployables/gateway/start', { env: { AUTH0_REQUIRED_SCOPE: SCOPE } });
});

afterAll(async () => {
  // Later test files need the normal gateway, whatever happened here.
  await controlStack('deployables/gateway/term');
  await controlStack('deployables/gateway/start');
});

test('without the scope: 403 + insufficient_scope challenge on both doors, and nothing is written or sent', async () => {
  const user = await userWithToken('no-scope', { scope: 'read:plugins', permissions: ['read:payments'] });
  const stripeBefore = (await stripeRequests()).length;
  const paymentsBefore = await paymentsGraphQLRequests();

  const g = await gql(user.token, CREATE_INTENT, { input: valid });
  expect({ status: g.status, body: g.body }).toMatchObject({ status: 403, body: { errors: [{ extensions: { code: 'FORBIDDEN', kind: 'FORBIDDEN', requiredScope: SCOPE } }] } });
  expect(g.body.data ?? null).toBeNull();
  expect(g.headers.get('www-authenticate')).toMatch(CHALLENGE);

  const r = await rest(user.token, valid, { accept: 'application/json' });
  expect({ status: r.status, type: r.headers.get('content-type') }).toEqual({ status: 403, type: 'application/problem+json' });
  expect(r.json()).toMatchObject({ status: 403, code: 'FORBIDDEN', requiredScope: SCOPE });
  expect(r.headers.get('www-authenticate')).toMatch(CHALLENGE);
  expect(r.text).not.toContain(user.token);

  expect(await paymentsGraphQLRequests()).toBe(paymentsBefore);
  expect((await stripeRequests()).length).toBe(stripeBefore);
  await expectNothingWritten(user.sub);
});

test('a query needs no scope', async () => {
  const user = await userWithToken('no-scope-query');
  const res = await gql(user.token, '{ __typename }');
  expect({ status: res.status, errors: res.body.errors }).toEqual({ status: 200, errors: undefined });
});

test.each([
  ['in `scope`', { scope: `openid ${SCOPE}` }],
  ['in `permissions`', { permissions: ['read:plugins', SCOPE] }],
])('with the scope %s: both doors pay', async (_name, opts) => {
  const user = await userWithToken('scoped', opts);
  const g = await gql<{ createPluginPaymentIntent: { clientSecret: string } }>(user.token, CREATE_INTENT, { input: valid });
  expect({ status: g.status, errors: g.body.errors }).toEqual({ status: 200, errors: undefined });
  expect(g.body.data?.createPluginPaymentIntent.clientSecret).toMatch(/^pi_.*_secret_/);

  const r = await rest(user.token, valid);
  expect({ status: r.status, text: r.text }).toMatchObject({ status: 200, text: expect.stringMatching(/^pi_.*_secret_/) });

  const rows = await ledgerRows(user.sub);
  expect(rows).toHaveLength(2);
  expect(rows.every((row) => row.clientId === user.sub)).toBe(true);
  expect(await intentCreationsFor(user.sub)).toHaveLength(2);
});
