/**
 * `npm run token` (cli.ts token) against its own stand-in on a random port: a new `sub` becomes a
 * user the gateway's Management API lookup finds, a known user keeps its profile, and --scope /
 * --expires-in still shape the token. Runs the real CLI through tsx; needs no other service.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import * as jose from 'jose';
import { auth0Fetch } from '../../common/auth0-fetch';
import { projectRoot } from '../../common/paths';
import { auth0UserDirectory } from '../../gateway/src/auth/client-profiles';
import { DEFAULT_DEV_USERS, startAuth0Standin, type Auth0Standin } from './index';

const DOMAIN = 'jtm-cli.auth0.local';
const AUDIENCE = 'https://api.jtm.network';
const CLIENT = { m2mClientId: 'cli-m2m-client', m2mClientSecret: 'cli-m2m-secret' };

let standin: Auth0Standin;
let routed: typeof fetch;

beforeAll(async () => {
  standin = await startAuth0Standin({ domain: DOMAIN, audience: AUDIENCE, ...CLIENT });
  routed = auth0Fetch(DOMAIN, standin.url);
});
afterAll(() => standin.close());

async function cli(...args: string[]): Promise<{ token: string; stderr: string }> {
  const root = projectRoot();
  const { stdout, stderr } = await promisify(execFile)(join(root, 'node_modules/.bin/tsx'), [join(root, 'stack/auth0/cli.ts'), 'token', '--url', standin.url, ...args], { timeout: 60_000 });
  return { token: stdout.trim(), stderr };
}

/** The lookup the gateway makes (auth0 SDK ManagementClient, client credentials). */
const lookup = (sub: string) =>
  auth0UserDirectory({ domain: DOMAIN, clientId: CLIENT.m2mClientId, clientSecret: CLIENT.m2mClientSecret, fetch: routed, timeoutMs: 5_000 }).getUser(sub, AbortSignal.timeout(5_000));

const verify = (token: string) => jose.jwtVerify(token, jose.createRemoteJWKSet(new URL(`https://${DOMAIN}/.well-known/jwks.json`), { [jose.customFetch]: routed }), {
  issuer: `https://${DOMAIN}/`, audience: AUDIENCE, algorithms: ['RS256'],
});

test('a new sub becomes a user the Management API finds; --scope and --expires-in shape the token', async () => {
  const sub = `auth0|cli-${randomBytes(6).toString('hex')}`;
  expect(await lookup(sub)).toBeNull();
  const { token, stderr } = await cli('--sub', sub, '--scope', 'openid create:payment_intent', '--expires-in', '120');
  expect(stderr).toContain(`created user ${sub}`);
  expect(await lookup(sub)).toMatchObject({ user_id: sub, email: `${sub.slice(6)}@example.test` });
  const { payload } = await verify(token);
  expect(payload).toMatchObject({ sub, scope: 'openid create:payment_intent' });
  expect(payload.exp! - payload.iat!).toBe(120);
});

test('a known user keeps its profile; --email and --name apply to new users only', async () => {
  const ada = DEFAULT_DEV_USERS[0];
  const { stderr } = await cli('--sub', ada.user_id, '--email', 'someone.else@example.test');
  expect(stderr).not.toContain('created user');
  expect(await lookup(ada.user_id)).toMatchObject({ email: ada.email, name: ada.name });

  const sub = `google-oauth2|${randomBytes(6).toString('hex')}`;
  await cli('--sub', sub, '--email', 'grace@example.test', '--name', 'Grace', '--permissions', 'create:payment_intent');
  expect(await lookup(sub)).toMatchObject({ email: 'grace@example.test', name: 'Grace' });
});

test('--no-user mints without creating one (the "user does not exist" path)', async () => {
  const sub = `auth0|ghost-${randomBytes(6).toString('hex')}`;
  const { token } = await cli('--sub', sub, '--no-user');
  expect((await verify(token)).payload.sub).toBe(sub);
  expect(await lookup(sub)).toBeNull();
});
