/**
 * The Auth0 Management API slow, down or rate limiting (faults injected at the stand-in): a
 * caller whose profile is cached goes on; anyone else gets a fast 503 IDENTITY_PROVIDER_UNAVAILABLE
 * (the gateway's AUTH0_TIMEOUT_MS is 2 s) and nothing is written; a 429's Retry-After is passed
 * on and respected. Every test clears the fault, whatever happens.
 */
import {
  CREATE_INTENT, PLUGINS, auth0Stats, expectNothingWritten, gql, ledgerRows, rest, setAuth0Fault, stripeRequests, userWithToken,
} from '../helpers/stack';

const valid = { total: 12.5, currency: 'usd', plugins: [PLUGINS.antiCheat] };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(() => setAuth0Fault(null));

/** A user who has made one successful request, so the gateway holds their profile. */
async function warmUser(label: string) {
  const user = await userWithToken(label);
  expect((await gql(user.token, '{ __typename }')).status).toBe(200);
  return user;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const t0 = Date.now();
  const result = await fn();
  return { result, ms: Date.now() - t0 };
}

/** New users get 503 IDENTITY_PROVIDER_UNAVAILABLE on both doors, fast, and nothing is written. */
async function expectUnavailableForNewUser(label: string): Promise<{ restHeaders: Headers; gqlHeaders: Headers; ms: number[] }> {
  const user = await userWithToken(label);
  const stripeBefore = (await stripeRequests()).length;

  const r = await timed(() => rest(user.token, valid));
  expect({ status: r.result.status, text: r.result.text }).toMatchObject({ status: 503 });
  expect(r.result.headers.get('content-type')).toBe('application/problem+json');
  expect(r.result.json()).toMatchObject({ status: 503, code: 'IDENTITY_PROVIDER_UNAVAILABLE' });
  expect(r.result.text).not.toMatch(/127\.0\.0\.1|auth0\.local|api\/v2|secret/i);
  expect(r.ms).toBeLessThan(4_500);

  const g = await timed(() => gql(user.token, CREATE_INTENT, { input: valid }));
  expect(g.result.status).toBe(503);
  expect(g.result.body.errors?.[0].extensions).toMatchObject({ code: 'IDENTITY_PROVIDER_UNAVAILABLE', kind: 'UNAVAILABLE', retryable: true });
  expect(g.ms).toBeLessThan(4_500);

  expect((await stripeRequests()).length).toBe(stripeBefore);
  await expectNothingWritten(user.sub);
  return { restHeaders: r.result.headers, gqlHeaders: g.result.headers, ms: [r.ms, g.ms] };
}

/** A cached user pays on both doors while the fault is on. */
async function expectCachedUserGoesOn(user: { sub: string; token: string }): Promise<number[]> {
  const r = await timed(() => rest(user.token, valid, { accept: 'application/json' }));
  expect({ status: r.result.status, text: r.result.text }).toMatchObject({ status: 200 });
  const g = await timed(() => gql(user.token, CREATE_INTENT, { input: valid }));
  expect(g.result.body.errors).toBeUndefined();
  const rows = await ledgerRows(user.sub);
  expect(rows).toHaveLength(2);
  expect(rows.every((row) => row.clientId === user.sub)).toBe(true);
  return [r.ms, g.ms];
}

describe.each([
  ['down (503)', { status: 503 }],
  ['slow (5 s, beyond the 2 s timeout)', { delayMs: 5_000 }],
  ['slow and then failing (3 s, then 500)', { delayMs: 3_000, status: 500 }],
])('Management API %s', (name, fault) => {
  test('a user with a cached profile goes on', async () => {
    const user = await warmUser('warm');
    await setAuth0Fault(fault);
    try {
      const lookupsBefore = (await auth0Stats()).userLookups;
      const ms = await expectCachedUserGoesOn(user);
      expect((await auth0Stats()).userLookups).toBe(lookupsBefore); // served from the cache
      process.stdout.write(`\n[auth e2e] ${name}: cached user REST ${ms[0]} ms, GraphQL ${ms[1]} ms\n`);
    } finally {
      await setAuth0Fault(null);
    }
  });

  test('a new user gets a fast 503 IDENTITY_PROVIDER_UNAVAILABLE, no ledger row, no Stripe call', async () => {
    await setAuth0Fault(fault);
    try {
      const { ms } = await expectUnavailableForNewUser('cold');
      process.stdout.write(`\n[auth e2e] ${name}: new user refused in REST ${ms[0]} ms, GraphQL ${ms[1]} ms\n`);
    } finally {
      await setAuth0Fault(null);
    }
    // Once Auth0 is back, the same kind of caller gets through.
    const after = await userWithToken('recovered');
    expect((await rest(after.token, valid)).status).toBe(200);
  });
});

test('429 from the Management API: 503 with Retry-After, no lookups until it has passed, cached users unaffected', async () => {
  const warm = await warmUser('warm-429');
  const user = await userWithToken('rate-limited');
  const other = await userWithToken('rate-limited-2');
  await setAuth0Fault({ status: 429, retryAfterSec: 3 });
  let clearedAt = 0;
  try {
    const first = await rest(user.token, valid);
    expect(first.status).toBe(503);
    expect(first.json()).toMatchObject({ code: 'IDENTITY_PROVIDER_UNAVAILABLE' });
    expect(first.headers.get('retry-after')).toBe('3');

    // Within the window the gateway does not call Auth0 at all, for anyone.
    const lookupsBefore = (await auth0Stats()).userLookups;
    const second = await gql(other.token, CREATE_INTENT, { input: valid });
    expect(second.status).toBe(503);
    expect(second.body.errors?.[0].extensions?.code).toBe('IDENTITY_PROVIDER_UNAVAILABLE');
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(second.headers.get('retry-after'))).toBeLessThanOrEqual(3);
    expect((await auth0Stats()).userLookups).toBe(lookupsBefore);

    await expectCachedUserGoesOn(warm);
  } finally {
    await setAuth0Fault(null);
    clearedAt = Date.now();
  }
  await expectNothingWritten(user.sub);
  await expectNothingWritten(other.sub);

  // After Retry-After the gateway asks again (bounded wait, so later tests see a normal gateway).
  let status = 0;
  while (Date.now() - clearedAt < 8_000) {
    status = (await rest(other.token, valid)).status;
    if (status === 200) break;
    expect(status).toBe(503);
    await sleep(250);
  }
  expect(status).toBe(200);
  expect(await ledgerRows(other.sub)).toHaveLength(1);
});
