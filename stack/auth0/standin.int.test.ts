/**
 * The Auth0 stand-in against the real client code paths: jose's createRemoteJWKSet + jwtVerify and
 * the auth0 SDK's ManagementClient, both routed to loopback by auth0Fetch. Starts its own stand-in
 * on a random port; needs no other service.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagementClient, ManagementError, Management } from 'auth0';
import * as jose from 'jose';
import { auth0Fetch } from '../../common/auth0-fetch';
import { startAuth0Standin, type Auth0Standin } from './index';

const DOMAIN = 'jtm-test.auth0.local';
const AUDIENCE = 'https://api.jtm.network';
const CLIENT = { m2mClientId: 'test-m2m-client', m2mClientSecret: 'test-m2m-secret' };
const USER = 'auth0|65f0c2a1b2c3d4e5f6a7b8c9';

let standin: Auth0Standin;
let routed: typeof fetch;
const dirs: string[] = [];

const jwks = (extra: Record<string, unknown> = {}) =>
  jose.createRemoteJWKSet(new URL(`https://${DOMAIN}/.well-known/jwks.json`), { [jose.customFetch]: routed, ...extra });
const verify = (token: string, set = jwks()) =>
  jose.jwtVerify(token, set, { issuer: `https://${DOMAIN}/`, audience: AUDIENCE, algorithms: ['RS256'] });
const management = (maxRetries?: number) =>
  new ManagementClient({ domain: DOMAIN, clientId: CLIENT.m2mClientId, clientSecret: CLIENT.m2mClientSecret, fetch: routed, maxRetries });
const post = (path: string, body: unknown) =>
  fetch(`${standin.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  standin = await startAuth0Standin({ domain: DOMAIN, audience: AUDIENCE, ...CLIENT });
  routed = auth0Fetch(DOMAIN, standin.url);
});
afterAll(async () => {
  await standin.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('discovery and JWKS name https://<domain>', async () => {
  const conf = await (await routed(`https://${DOMAIN}/.well-known/openid-configuration`)).json();
  expect(conf).toMatchObject({ issuer: `https://${DOMAIN}/`, jwks_uri: `https://${DOMAIN}/.well-known/jwks.json`, token_endpoint: `https://${DOMAIN}/oauth/token` });
  const set = await (await routed(`https://${DOMAIN}/.well-known/jwks.json`)).json();
  expect(set.keys).toHaveLength(1);
  expect(set.keys[0]).toEqual({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: expect.any(String), n: expect.any(String), e: 'AQAB' });
});

test('jose verifies a minted token with Auth0 claim shapes', async () => {
  const token = await standin.mintToken({ sub: USER, scope: 'openid create:payment_intent', permissions: ['create:payment_intent'] });
  const { payload, protectedHeader } = await verify(token);
  expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
  expect(payload).toEqual({
    iss: `https://${DOMAIN}/`, sub: USER, aud: [AUDIENCE, `https://${DOMAIN}/userinfo`],
    iat: expect.any(Number), exp: payload.iat! + 3600, azp: CLIENT.m2mClientId,
    scope: 'openid create:payment_intent', permissions: ['create:payment_intent'],
  });
  const single = jose.decodeJwt(await standin.mintToken({ sub: USER, audience: [AUDIENCE] }));
  expect(single.aud).toBe(AUDIENCE);
});

test('expired, not-yet-valid and wrong-audience tokens are rejected', async () => {
  await expect(verify(await standin.mintToken({ sub: USER, expiresInSec: -60 }))).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  await expect(verify(await standin.mintToken({ sub: USER, notBeforeSec: 600 }))).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'nbf' });
  await expect(verify(await standin.mintToken({ sub: USER, audience: 'https://other.example' }))).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
});

test('rotation keeps the previous key published once, then removes it', async () => {
  const old = await standin.mintToken({ sub: USER });
  const oldKid = jose.decodeProtectedHeader(old).kid!;
  await standin.rotateKeys();
  await expect(verify(old)).resolves.toBeDefined();
  const viaPrevious = await standin.mintToken({ sub: USER, kid: oldKid });
  await expect(verify(viaPrevious)).resolves.toBeDefined();
  // A long-lived JWKS set that fetched before the rotation needs a refetch for the new kid:
  // jose only refetches on an unknown kid after its cooldown (30 s default).
  const longLived = jwks({ cooldownDuration: 0 });
  await verify(old, longLived);
  await standin.rotateKeys();
  await expect(verify(old)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  await expect(verify(await standin.mintToken({ sub: USER }), longLived)).resolves.toBeDefined();
  await expect(standin.mintToken({ sub: USER, kid: oldKid })).rejects.toThrow(/not published/);
});

test('ManagementClient users.get: user JSON, one token request, 404 NotFoundError', async () => {
  const before = standin.stats();
  const client = management();
  const user = await client.users.get(USER);
  expect(user).toMatchObject({ user_id: USER, email: 'ada.lovelace@example.com', name: 'Ada Lovelace', email_verified: true, app_metadata: expect.any(Object) });
  await client.users.get(USER);
  const err = await client.users.get('auth0|000000000000000000000000').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(Management.NotFoundError);
  expect(err).toMatchObject({ statusCode: 404, body: { statusCode: 404, error: 'Not Found', message: 'The user does not exist.', errorCode: 'inexistent_user' } });
  const after = standin.stats();
  expect(after.tokenRequests - before.tokenRequests).toBe(1);
  expect(after.userLookups - before.userLookups).toBe(3);
});

test('management faults: 503, 429 with Retry-After, delay; SDK retries by default', async () => {
  const client = management(0);
  await client.users.get(USER); // token cached
  standin.setManagementFault({ status: 503 });
  const e503 = await client.users.get(USER).catch((e: unknown) => e);
  expect(e503).toBeInstanceOf(ManagementError);
  expect(e503).not.toBeInstanceOf(Management.NotFoundError);
  expect(e503).toMatchObject({ statusCode: 503 });

  standin.setManagementFault({ status: 429, retryAfterSec: 1 });
  const e429 = await client.users.get(USER).catch((e: unknown) => e);
  expect(e429).toBeInstanceOf(Management.TooManyRequestsError);
  expect((e429 as ManagementError).rawResponse?.headers.get('retry-after')).toBe('1');

  const before = standin.stats().userLookups;
  const started = Date.now();
  await expect(management().users.get(USER)).rejects.toMatchObject({ statusCode: 429 });
  expect(standin.stats().userLookups - before).toBe(3); // 1 + 2 default retries, 1 s apart (Retry-After)
  expect(Date.now() - started).toBeGreaterThanOrEqual(1900);

  standin.setManagementFault({ delayMs: 300 });
  const t0 = Date.now();
  await client.users.get(USER);
  expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  standin.setManagementFault(null);
}, 20_000);

test('/oauth/token: credentials, audiences, form and JSON bodies', async () => {
  const tokenUrl = `https://${DOMAIN}/oauth/token`;
  const bad = await routed(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENT.m2mClientId, client_secret: 'nope', audience: AUDIENCE }) });
  expect(bad.status).toBe(401);
  expect(await bad.json()).toEqual({ error: 'access_denied', error_description: 'Unauthorized' });
  const unknownAud = await routed(tokenUrl, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT.m2mClientId, client_secret: CLIENT.m2mClientSecret, audience: 'https://nope' }) });
  expect(unknownAud.status).toBe(403);
  const ok = await routed(tokenUrl, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT.m2mClientId, client_secret: CLIENT.m2mClientSecret, audience: AUDIENCE, scope: 'create:payment_intent' }) });
  const body = await ok.json();
  expect(body).toEqual({ access_token: expect.any(String), scope: 'create:payment_intent', expires_in: 86400, token_type: 'Bearer' });
  const { payload } = await verify(body.access_token);
  expect(payload).toMatchObject({ sub: `${CLIENT.m2mClientId}@clients`, aud: AUDIENCE, gty: 'client-credentials', azp: CLIENT.m2mClientId });
  // an API token is no Management API token
  const users = await routed(`https://${DOMAIN}/api/v2/users/${encodeURIComponent(USER)}`, { headers: { authorization: `Bearer ${body.access_token}` } });
  expect(users.status).toBe(401);
});

test('/userinfo answers by scope; admin routes work', async () => {
  const token = (await (await post('/__standin/token', { sub: USER, scope: 'openid profile email' })).json()).access_token as string;
  const info = await (await routed(`https://${DOMAIN}/userinfo`, { headers: { authorization: `Bearer ${token}` } })).json();
  expect(info).toMatchObject({ sub: USER, email: 'ada.lovelace@example.com', name: 'Ada Lovelace' });
  expect((await routed(`https://${DOMAIN}/userinfo`)).status).toBe(401);

  const id = 'auth0|65f0ffffffffffffffffffff';
  const put = await fetch(`${standin.url}/__standin/users/${encodeURIComponent(id)}`, {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'new@example.com', name: 'New User', app_metadata: { tier: 1 } }),
  });
  expect(put.status).toBe(200);
  expect(await management().users.get(id)).toMatchObject({ user_id: id, app_metadata: { tier: 1 } });
  expect((await post('/__standin/fault', { status: 503 })).status).toBe(200);
  await expect(management(0).users.get(id)).rejects.toMatchObject({ statusCode: 503 });
  expect(await (await post('/__standin/fault', null)).json()).toEqual({ fault: null });
  expect(await (await fetch(`${standin.url}/__standin/stats`)).json()).toEqual(standin.stats());
  expect((await post('/__standin/token', { sub: '' })).status).toBe(400);
});

test('stateFile keeps keys across restarts, mode 0600', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'auth0-standin-'));
  dirs.push(dir);
  const stateFile = join(dir, 'auth0', 'state.json');
  const first = await startAuth0Standin({ domain: DOMAIN, audience: AUDIENCE, ...CLIENT, stateFile });
  const token = await first.mintToken({ sub: USER });
  await first.close();
  expect(statSync(stateFile).mode & 0o777).toBe(0o600);
  const second = await startAuth0Standin({ domain: DOMAIN, audience: AUDIENCE, ...CLIENT, stateFile });
  try {
    const set = jose.createRemoteJWKSet(new URL(`https://${DOMAIN}/.well-known/jwks.json`), { [jose.customFetch]: auth0Fetch(DOMAIN, second.url) });
    await expect(verify(token, set)).resolves.toBeDefined();
  } finally {
    await second.close();
  }
});

test('auth0Fetch without a base URL is the global fetch', () => {
  expect(auth0Fetch(DOMAIN)).toBe(globalThis.fetch);
  expect(() => auth0Fetch(DOMAIN, 'not a url')).toThrow(TypeError);
});
