/**
 * Bad requests get a clear 4xx with a stable code and change nothing: no ledger entry, no key
 * claimed, and not a single request to Stripe (counted at the recording proxy).
 */
import { CREATE_INTENT, PLUGINS, expectNothingWritten, gql, newUser, rest, stripeRequests, token } from '../helpers/stack';


async function withoutStripeTraffic<T>(fn: () => Promise<T>): Promise<T> {
  const before = (await stripeRequests()).length;
  const result = await fn();
  expect((await stripeRequests()).length).toBe(before);
  return result;
}

const valid = { total: 12.5, currency: 'usd', plugins: [PLUGINS.antiCheat] };

describe('authentication failures: 401 with WWW-Authenticate, nothing reaches the subgraphs', () => {
  const cases: Array<[string, () => Promise<string | null>, RegExp]> = [
    ['no token', async () => null, /^Bearer realm="jtm-network"$/],
    ['an expired token', async () => token({ sub: (await newUser('expired')).sub, expiresInSec: -120 }), /error="invalid_token".*expired/],
    ['a token for another API (wrong audience)', async () => token({ sub: (await newUser('aud')).sub, audience: 'https://other.api.example' }), /error="invalid_token"/],
    ['garbage', async () => 'abc.def', /error="invalid_token"/],
  ];

  test.each(cases)('REST with %s', async (_name, makeToken, challenge) => {
    const t = await makeToken();
    const res = await withoutStripeTraffic(() => rest(t, valid));
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.headers.get('www-authenticate')).toMatch(challenge);
    expect(res.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  test.each(cases)('GraphQL with %s', async (_name, makeToken, challenge) => {
    const t = await makeToken();
    const res = await withoutStripeTraffic(() => gql(t, CREATE_INTENT, { input: valid }));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(challenge);
    expect(res.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.body.data).toBeUndefined();
  });

  test('a valid token for a user Auth0 no longer knows is refused', async () => {
    const ghost = await token({ sub: 'auth0|deleted-user-000000000000' });
    const res = await withoutStripeTraffic(() => rest(ghost, valid));
    expect(res.status).toBe(401);
    await expectNothingWritten('auth0|deleted-user-000000000000');
  });
});

describe('bad input: 400 with a stable code, no ledger row, no Stripe call', () => {
  const cases: Array<[string, unknown, string]> = [
    ['non-UUID plugin id', { ...valid, plugins: ['not-a-uuid'] }, 'INVALID_PLUGIN_ID'],
    ['empty plugin list', { ...valid, plugins: [] }, 'NO_PLUGINS'],
    ['negative total', { ...valid, total: -12.5 }, 'INVALID_AMOUNT'],
    ['zero total', { ...valid, total: 0 }, 'INVALID_AMOUNT'],
    ['unknown currency', { ...valid, currency: 'xyz' }, 'UNSUPPORTED_CURRENCY'],
    ['more decimals than the currency has', { ...valid, total: 12.501 }, 'AMOUNT_TOO_PRECISE'],
    ['duplicate plugins', { ...valid, total: 25, plugins: [PLUGINS.antiCheat, PLUGINS.antiCheat.toUpperCase()] }, 'DUPLICATE_PLUGIN'],
  ];

  test.each(cases)('REST: %s', async (_name, body, code) => {
    const user = await newUser('bad-rest');
    const res = await withoutStripeTraffic(async () => rest(await token({ sub: user.sub }), body));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.json()).toMatchObject({ status: 400, code });
    await expectNothingWritten(user.sub);
  });

  test.each(cases)('GraphQL: %s', async (_name, input, code) => {
    const user = await newUser('bad-gql');
    const res = await withoutStripeTraffic(async () => gql(await token({ sub: user.sub }), CREATE_INTENT, { input }));
    expect(res.body.errors?.[0].extensions).toMatchObject({ code, kind: 'BAD_USER_INPUT' });
    expect(res.body.data).toBeNull();
    await expectNothingWritten(user.sub);
  });

  test.each([
    ['malformed JSON', '{"total": 12.5, "currency": "usd", "plugins": [', 'MALFORMED_JSON'],
    ['a JSON array', '[1,2,3]', 'INVALID_BODY'],
    ['total as a string', JSON.stringify({ ...valid, total: '12.5' }), 'INVALID_AMOUNT'],
    ['total null', JSON.stringify({ ...valid, total: null }), 'INVALID_AMOUNT'],
    ['plugins missing', JSON.stringify({ total: 12.5, currency: 'usd' }), 'INVALID_BODY'],
  ])('REST: %s', async (_name, raw, code) => {
    const user = await newUser('bad-body');
    const res = await withoutStripeTraffic(async () => rest(await token({ sub: user.sub }), raw));
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ status: 400, code });
    await expectNothingWritten(user.sub);
  });

  test('errors carry no stack traces, subgraph URLs or secrets', async () => {
    const user = await newUser('leak');
    const res = await rest(await token({ sub: user.sub }), { ...valid, plugins: ['x'] });
    expect(res.text).not.toMatch(/at .*\.js:\d+|127\.0\.0\.1|localhost|sk_test|stack/i);
  });
});
