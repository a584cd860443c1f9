/**
 * Token verification at the gateway, through GraphQL and the REST shim, against the Auth0
 * stand-in: RS256 only, audience, exp/nbf/iat with the clock tolerance, malformed headers (401
 * with an RFC 6750 challenge, process stays up), a flood of unknown kids (a handful of JWKS
 * fetches at most) and key rotation without a restart (last: it leaves the gateway on the new key).
 *
 * The stand-in cannot mint with another issuer and its private key is out of reach, so the issuer
 * check (and the scope plugin, off in the shared test stack; auth-scope.e2e.test.ts restarts the
 * gateway with it on) are tested in-process at the end.
 */
import { createHmac, createPublicKey, generateKeyPairSync, randomBytes, sign as cryptoSign } from 'node:crypto';
import { parse, type OperationDefinitionNode, type GraphQLError } from 'graphql';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import {
  CREATE_INTENT, PLUGINS, auth0Jwks, auth0Stats, expectNothingWritten, gql, ledgerRows, newUser, rest,
  rotateAuth0Keys, stack, token, userWithToken,
} from '../helpers/stack';
import { TokenVerifier } from '../../gateway/src/auth/token-verifier';
import { normalizeDomain } from '../../gateway/src/config';
import { requireScopePlugin } from '../../gateway/src/plugins/require-scope';
import { wwwAuthenticate } from '../../gateway/src/auth/authenticate';
import { AppError } from '../../common/errors';


const valid = { total: 12.5, currency: 'usd', plugins: [PLUGINS.antiCheat] };
const b64u = (x: string | Buffer) => Buffer.from(x).toString('base64url');
const headerOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString('utf8')) as Record<string, string>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The same payload under another header (the signature no longer matches, which is the point). */
function withHeader(jwt: string, header: Record<string, unknown>, signature = jwt.split('.')[2]): string {
  return `${b64u(JSON.stringify(header))}.${jwt.split('.')[1]}.${signature}`;
}

/** Refused on both doors with this challenge; nothing reached Cassandra or Stripe for `sub`. */
async function refusedEverywhere(sub: string, authorization: string, challenge: RegExp): Promise<void> {
  const r = await rest(null, valid, { authorization });
  expect({ status: r.status, text: r.text }).toMatchObject({ status: 401 });
  expect(r.headers.get('www-authenticate')).toMatch(challenge);
  expect(r.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });

  const g = await gql(null, CREATE_INTENT, { input: valid }, { authorization });
  expect(g.status).toBe(401);
  expect(g.headers.get('www-authenticate')).toMatch(challenge);
  expect(g.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  expect(g.body.data).toBeUndefined();
  await expectNothingWritten(sub);
}

/** Accepted on both doors: one real payment each, both recorded under `sub`. */
async function acceptedEverywhere(sub: string, authorization: string): Promise<void> {
  const r = await rest(null, valid, { authorization, accept: 'application/json' });
  expect({ status: r.status, text: r.text }).toMatchObject({ status: 200 });
  const g = await gql(null, CREATE_INTENT, { input: valid }, { authorization });
  expect(g.body.errors).toBeUndefined();
  expect(g.status).toBe(200);
  const rows = await ledgerRows(sub);
  expect(rows).toHaveLength(2);
  expect(rows.every((row) => row.clientId === sub)).toBe(true);
}

const INVALID_TOKEN = /^Bearer realm="jtm-network", error="invalid_token"/;
const ONLY_RS256 = /^Bearer realm="jtm-network", error="invalid_token", error_description="Invalid access token: only RS256 is accepted\."$/;
const INVALID_REQUEST = /^Bearer realm="jtm-network", error="invalid_request"/;

describe('only RS256 tokens signed by the tenant', () => {
  test('alg "none" (unsigned) is refused', async () => {
    const user = await userWithToken('alg-none');
    const unsigned = withHeader(user.token, { alg: 'none', typ: 'JWT' }, '');
    expect(unsigned.endsWith('.')).toBe(true);
    await refusedEverywhere(user.sub, `Bearer ${unsigned}`, ONLY_RS256);
  });

  test.each([
    ['SPKI PEM', { type: 'spki', format: 'pem' }],
    ['PKCS#1 PEM', { type: 'pkcs1', format: 'pem' }],
    ['SPKI DER', { type: 'spki', format: 'der' }],
    ['PKCS#1 DER', { type: 'pkcs1', format: 'der' }],
  ] as const)('HS256 signed with the tenant\'s public key (%s) as the secret is refused', async (_name, encoding) => {
    const user = await userWithToken('hs256');
    const kid = headerOf(user.token).kid;
    const jwk = (await auth0Jwks()).keys.find((k) => k.kid === kid);
    expect(jwk).toBeDefined();
    const secret = Buffer.from(createPublicKey({ key: jwk as unknown as import('node:crypto').JsonWebKey, format: 'jwk' }).export(encoding as never) as string | Buffer);
    const header = b64u(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid }));
    const payload = user.token.split('.')[1];
    const forged = `${header}.${payload}.${createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')}`;
    await refusedEverywhere(user.sub, `Bearer ${forged}`, ONLY_RS256);
  });

  test('ES256 from a key of our own, under the tenant\'s kid, is refused', async () => {
    const user = await userWithToken('es256');
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const header = b64u(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: headerOf(user.token).kid }));
    const payload = user.token.split('.')[1];
    const sig = cryptoSign('sha256', Buffer.from(`${header}.${payload}`), { key: privateKey, dsaEncoding: 'ieee-p1363' });
    await refusedEverywhere(user.sub, `Bearer ${header}.${payload}.${b64u(sig)}`, ONLY_RS256);
  });

  test('a tenant token whose payload was edited (another subject) is refused', async () => {
    const user = await userWithToken('tamper');
    const victim = await newUser('tamper-victim');
    const [h, p, s] = user.token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = `${h}.${b64u(JSON.stringify({ ...claims, sub: victim.sub }))}.${s}`;
    await refusedEverywhere(victim.sub, `Bearer ${forged}`, /error="invalid_token".*signature does not verify/);
    await expectNothingWritten(user.sub);
  });

  test.each([
    ['an encrypted token (JWE, 5 segments)', `${b64u(JSON.stringify({ alg: 'RSA-OAEP', enc: 'A256GCM' }))}.${b64u(randomBytes(32))}.${b64u(randomBytes(12))}.${b64u(randomBytes(40))}.${b64u(randomBytes(16))}`],
    ['an opaque token (Auth0 without an audience)', randomBytes(16).toString('hex')],
    ['a JWT whose header is not JSON', `${b64u('not json')}.${b64u('{}')}.${b64u('sig')}`],
  ])('%s is a 401, never a 500', async (_name, raw) => {
    const user = await newUser('opaque');
    await refusedEverywhere(user.sub, `Bearer ${raw}`, INVALID_TOKEN);
  });
});

describe('claims: audience, exp, nbf, iat (clock tolerance 5 s)', () => {
  test('a token for another API (wrong audience) is refused', async () => {
    const user = await userWithToken('aud', { audience: 'https://other.api.example' });
    await refusedEverywhere(user.sub, `Bearer ${user.token}`, /error="invalid_token".*not issued for this API/);
  });

  test('an audience array that includes this API is accepted', async () => {
    const user = await userWithToken('aud-array', { audience: ['https://other.api.example', stack().env.gateway.AUTH0_AUDIENCE] });
    await acceptedEverywhere(user.sub, `Bearer ${user.token}`);
  });

  test('an expired token is refused', async () => {
    const user = await userWithToken('expired', { expiresInSec: -60 });
    await refusedEverywhere(user.sub, `Bearer ${user.token}`, /error="invalid_token".*expired/);
  });

  test('nbf 60 s in the future (beyond the tolerance) is refused', async () => {
    const user = await userWithToken('nbf', { notBeforeSec: 60 });
    await refusedEverywhere(user.sub, `Bearer ${user.token}`, /error="invalid_token".*not valid yet/);
  });

  test('nbf 2 s in the future (within the tolerance) is accepted', async () => {
    const user = await userWithToken('nbf-skew', { notBeforeSec: 2 });
    await acceptedEverywhere(user.sub, `Bearer ${user.token}`);
  });

  test('iat 3 s ahead (a fast tenant clock) is accepted', async () => {
    const user = await userWithToken('iat', { issuedAtOffsetSec: 3 });
    await acceptedEverywhere(user.sub, `Bearer ${user.token}`);
  });
});

describe('the Authorization header', () => {
  test('garbage "Bearer abc.def" is invalid_token', async () => {
    const user = await newUser('garbage');
    await refusedEverywhere(user.sub, 'Bearer abc.def', INVALID_TOKEN);
  });

  // Another scheme: the brief for these tests says error="invalid_request" (what the gateway
  // answers today); RFC 6750 section 3.1 (and gateway/src/auth/authenticate.test.ts) say no error
  // code for an unsupported method. Either is accepted here until that is settled; never invalid_token.
  test.each([
    ['Basic xyz', 'Basic xyz'],
    ['Basic with real credentials', `Basic ${b64u('user:password')}`],
  ])('another scheme (%s) is a 401 with a Bearer challenge', async (_name, authorization) => {
    const user = await newUser('other-scheme');
    await refusedEverywhere(user.sub, authorization, /^Bearer realm="jtm-network"(, error="invalid_request", error_description="[^"]*")?$/);
  });

  test.each([
    ['"Bearer" without a token', 'Bearer'],
    ['two tokens', 'Bearer abc.def.ghi jkl.mno.pqr'],
    ['a token with characters outside b64token', 'Bearer abc"def'],
  ])('%s is invalid_request', async (_name, authorization) => {
    const user = await newUser('bad-header');
    await refusedEverywhere(user.sub, authorization, INVALID_REQUEST);
  });

  test('no Authorization header: a bare challenge with no error code', async () => {
    const r = await rest(null, valid);
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer realm="jtm-network"');
  });

  test.each(['bearer', 'BEARER', 'bEaReR'])('the scheme is case-insensitive: "%s <valid>" is accepted', async (scheme) => {
    const user = await userWithToken('scheme');
    await acceptedEverywhere(user.sub, `${scheme} ${user.token}`);
  });
});

describe('JWKS: unknown kids and rotation', () => {
  test('a flood of 50 tokens with random kids: all 401, at most a handful of JWKS fetches, the gateway stays up', async () => {
    const user = await userWithToken('flood');
    const before = (await auth0Stats()).jwksRequests;
    const t0 = Date.now();
    for (let wave = 0; wave < 5; wave++) {
      const results = await Promise.all(Array.from({ length: 10 }, async (_x, i) => {
        const forged = withHeader(user.token, { alg: 'RS256', typ: 'JWT', kid: randomBytes(12).toString('hex') });
        if (i % 2 === 0) return { status: (await rest(forged, valid)).status };
        return { status: (await gql(forged, CREATE_INTENT, { input: valid })).status };
      }));
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(401));
    }
    const extra = (await auth0Stats()).jwksRequests - before;
    process.stdout.write(`\n[auth e2e] 50 random kids: ${extra} extra JWKS fetch(es) in ${Date.now() - t0} ms\n`);
    expect(extra).toBeLessThanOrEqual(3);
    await expectNothingWritten(user.sub);
    // Still up, and the real token still works.
    const ok = await rest(user.token, valid, { accept: 'application/json' });
    expect(ok.status).toBe(200);
    expect(await ledgerRows(user.sub)).toHaveLength(1);
  });

  // Runs last among the stack tests: rotation changes the key the stand-in mints with, and the
  // test only ends once the gateway accepts it, so what follows (in any file) is unaffected.
  test('after a key rotation, tokens of the new key are accepted without a restart (and the old key still is)', async () => {
    const before = await userWithToken('rotate-before');
    expect((await gql(before.token, '{ __typename }')).status).toBe(200); // JWKS loaded
    const oldKid = headerOf(before.token).kid;
    const jwksBefore = (await auth0Stats()).jwksRequests;

    const rotated = await rotateAuth0Keys();
    expect(rotated.kid).not.toBe(oldKid);
    expect(rotated.published).toEqual(expect.arrayContaining([oldKid, rotated.kid]));

    const user = await newUser('rotate-after');
    const fresh = await token({ sub: user.sub });
    expect(headerOf(fresh).kid).toBe(rotated.kid);
    // The previous key is still published: its tokens keep working throughout.
    expect((await gql(await token({ sub: user.sub, kid: oldKid }), '{ __typename }')).status).toBe(200);

    // jose refetches an unknown kid only 30 s after its last fetch: poll, bounded.
    const t0 = Date.now();
    let status = 0;
    let attempts = 0;
    while (Date.now() - t0 < 40_000) {
      attempts++;
      const res = await gql(fresh, '{ __typename }');
      status = res.status;
      if (status === 200) break;
      expect(status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token".*unknown key/);
      await sleep(1_000);
    }
    const waited = Date.now() - t0;
    process.stdout.write(`\n[auth e2e] new key accepted after ${waited} ms (${attempts} attempt(s)), ${(await auth0Stats()).jwksRequests - jwksBefore} JWKS fetch(es)\n`);
    expect(status).toBe(200);
    expect((await auth0Stats()).jwksRequests).toBeGreaterThan(jwksBefore);

    // A real payment on each door with the new key, recorded under its subject.
    await acceptedEverywhere(user.sub, `Bearer ${fresh}`);
  }, 60_000);
});

describe('in-process (the stand-in cannot mint these)', () => {
  const DOMAIN = 'tenant.example.auth0.com';
  const AUDIENCE = 'https://api.jtm.network';

  async function tenant() {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const fetchJwks = (async () => new Response(JSON.stringify({ keys: [jwk] }), { headers: { 'content-type': 'application/json' } })) as unknown as typeof fetch;
    const verifier = new TokenVerifier({ issuer: `https://${normalizeDomain(DOMAIN)}/`, audience: AUDIENCE, clockToleranceSec: 5, fetch: fetchJwks, timeoutMs: 1_000 });
    const mint = (iss: string) => new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'JWT' })
      .setIssuer(iss).setAudience(AUDIENCE).setSubject('auth0|abc').setIssuedAt().setExpirationTime('1h').sign(privateKey);
    return { verifier, mint };
  }

  test('the issuer must be exactly https://<domain>/ (with the trailing slash)', async () => {
    const { verifier, mint } = await tenant();
    await expect(verifier.verify(await mint(`https://${DOMAIN}/`))).resolves.toMatchObject({ sub: 'auth0|abc' });
    for (const iss of [`https://${DOMAIN}`, `http://${DOMAIN}/`, `https://${DOMAIN}//`, `https://evil.example/${DOMAIN}/`, `https://${DOMAIN.toUpperCase()}/x/`]) {
      const err = await verifier.verify(await mint(iss)).then(() => null, (e: unknown) => e);
      expect({ iss, err }).toMatchObject({ iss, err: expect.any(AppError) });
      expect((err as AppError).code).toBe('UNAUTHENTICATED');
      expect((err as AppError).message).toMatch(/not issued by the expected tenant/);
    }
  });

  test.each([503, 500, 429])('a JWKS endpoint answering %i is IDENTITY_PROVIDER_UNAVAILABLE (retry), not a 401 for a valid token', async (status) => {
    const { privateKey } = await generateKeyPair('RS256');
    const failing = (async () => new Response('unavailable', { status })) as unknown as typeof fetch;
    const verifier = new TokenVerifier({ issuer: `https://${DOMAIN}/`, audience: AUDIENCE, clockToleranceSec: 5, fetch: failing, timeoutMs: 1_000 });
    const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(`https://${DOMAIN}/`).setAudience(AUDIENCE)
      .setSubject('auth0|abc').setIssuedAt().setExpirationTime('1h').sign(privateKey);
    const err = await verifier.verify(jwt).then(() => null, (e: unknown) => e as AppError);
    expect(err).toBeInstanceOf(AppError);
    expect({ code: err?.code, status: err?.status, retryable: err?.details.retryable }).toEqual({ code: 'IDENTITY_PROVIDER_UNAVAILABLE', status: 503, retryable: true });
  });

  test.each(['tenant.example.auth0.com', 'https://tenant.example.auth0.com', 'https://tenant.example.auth0.com/', 'Tenant.Example.Auth0.com/'])('AUTH0_DOMAIN "%s" normalizes to the bare host', (raw) => {
    expect(normalizeDomain(raw)).toBe(DOMAIN);
  });

  // AUTH0_REQUIRED_SCOPE is not set in the shared test stack (auth-scope.e2e.test.ts sets it), so here the plugin is tested directly.
  describe('the scope plugin (AUTH0_REQUIRED_SCOPE)', () => {
    const SCOPE = 'create:payment_intent';
    const identity = (scopes: string[]) => ({ clientId: 'auth0|abc', scopes });
    async function run(scope: string | undefined, query: string, scopes: string[]): Promise<GraphQLError | null> {
      const listener = await requireScopePlugin(scope).requestDidStart!({} as never);
      if (!listener || !('didResolveOperation' in listener) || !listener.didResolveOperation) return null;
      const document = parse(query);
      const operation = document.definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode;
      return (listener.didResolveOperation({ operation, document, contextValue: { identity: identity(scopes) } } as never) as Promise<void>)
        .then(() => null, (e: GraphQLError) => e);
    }
    const MUTATION = 'mutation { createPluginPaymentIntent(input: {total: 1, currency: "usd", plugins: []}) { id } }';
    const VIA_FRAGMENT = 'mutation M { ...F } fragment F on Mutation { ... on Mutation { createPluginPaymentIntent(input: {total: 1, currency: "usd", plugins: []}) { id } } }';

    test('the payment mutation without the scope is FORBIDDEN (also through fragments)', async () => {
      for (const q of [MUTATION, VIA_FRAGMENT]) {
        const err = await run(SCOPE, q, ['read:things']);
        expect(err?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredScope: SCOPE });
      }
    });

    test('with the scope (or permission) it passes; queries never need it; unset means off', async () => {
      expect(await run(SCOPE, MUTATION, [SCOPE])).toBeNull();
      expect(await run(SCOPE, VIA_FRAGMENT, ['a', SCOPE])).toBeNull();
      expect(await run(SCOPE, '{ __typename }', [])).toBeNull();
      expect(await run(undefined, MUTATION, [])).toBeNull();
    });

    test('the 403 challenge is insufficient_scope and names the scope', () => {
      const err = new AppError('FORBIDDEN', 'needs it', { wwwAuthenticateError: 'insufficient_scope', requiredScope: SCOPE });
      expect(wwwAuthenticate(err)['www-authenticate']).toBe(`Bearer realm="jtm-network", error="insufficient_scope", error_description="needs it", scope="${SCOPE}"`);
    });
  });
});
