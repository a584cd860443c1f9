/**
 * Auth0 stand-in CLI (dev only).
 *
 *   npx tsx stack/auth0/cli.ts serve [--port 4010] [--domain D] [--audience A] [--client-id ID]
 *                                    [--client-secret S] [--state-file .run/auth0/state.json | --no-state]
 *     Defaults from AUTH0_DOMAIN, AUTH0_AUDIENCE, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, AUTH0_STANDIN_PORT.
 *     Prints the URL (only) on stdout; runs until SIGINT/SIGTERM.
 *
 *   npx tsx stack/auth0/cli.ts token --sub 'auth0|abc' [--scope "create:payment_intent"]
 *        [--permissions a,b] [--expires-in 3600] [--audience A]... [--url http://127.0.0.1:4010]
 *        [--email E] [--name N] [--no-user]
 *     Asks a running stand-in (POST /__standin/token) and prints only the token: TOKEN=$(...)
 *     A user the stand-in does not know is created first (email/name derived unless given), so
 *     the gateway's Management API lookup finds it; a known user is left as it is. --no-user
 *     skips that (e.g. to try the "user does not exist" path).
 *
 *   npx tsx stack/auth0/cli.ts rotate [--url ...]     rotate the signing key of a running stand-in
 *
 * --url defaults to AUTH0_STANDIN_URL, then http://127.0.0.1:4010.
 */
import { parseArgs } from 'node:util';
import { startAuth0Standin } from './index';

const DEFAULTS = {
  port: 4010,
  domain: 'jtm-dev.auth0.local',
  audience: 'https://api.jtm.network',
  clientId: 'jtm-dev-m2m-client',
  clientSecret: 'jtm-dev-m2m-secret',
  stateFile: '.run/auth0/state.json',
  url: 'http://127.0.0.1:4010',
};

async function serve(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' }, domain: { type: 'string' }, audience: { type: 'string' },
      'client-id': { type: 'string' }, 'client-secret': { type: 'string' },
      'state-file': { type: 'string' }, 'no-state': { type: 'boolean' },
    },
  });
  const env = process.env;
  const port = Number(values.port ?? env.AUTH0_STANDIN_PORT ?? DEFAULTS.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`bad --port ${values.port ?? env.AUTH0_STANDIN_PORT}`);
  const standin = await startAuth0Standin({
    port,
    domain: values.domain ?? env.AUTH0_DOMAIN ?? DEFAULTS.domain,
    audience: values.audience ?? env.AUTH0_AUDIENCE ?? DEFAULTS.audience,
    m2mClientId: values['client-id'] ?? env.AUTH0_CLIENT_ID ?? DEFAULTS.clientId,
    m2mClientSecret: values['client-secret'] ?? env.AUTH0_CLIENT_SECRET ?? DEFAULTS.clientSecret,
    stateFile: values['no-state'] ? undefined : values['state-file'] ?? DEFAULTS.stateFile,
  });
  process.stdout.write(`${standin.url}\n`);
  process.stderr.write(`auth0 stand-in: issuer ${standin.issuer} served at ${standin.url} (loopback only; /__standin/* are dev-only admin routes)\n`);
  const stop = (): void => {
    standin.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

async function callAdmin(url: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${url.replace(/\/+$/, '')}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Creates the user unless the stand-in knows it (create-only PUT: a known user keeps its profile). */
async function ensureUser(url: string, sub: string, email: string | undefined, name: string | undefined): Promise<void> {
  const local = sub.slice(sub.indexOf('|') + 1);
  const user = { email: email ?? `${local.replace(/[^A-Za-z0-9._-]/g, '-')}@example.test`, name: name ?? local };
  const res = await fetch(`${url.replace(/\/+$/, '')}/__standin/users/${encodeURIComponent(sub)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', 'if-none-match': '*' },
    body: JSON.stringify(user),
    signal: AbortSignal.timeout(10_000),
  });
  if (res.status === 201) process.stderr.write(`auth0 stand-in: created user ${sub} <${user.email}>\n`);
  else if (res.status !== 412) throw new Error(`could not create user ${sub} (use --no-user to mint without one): ${res.status} ${await res.text()}`);
}

async function token(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      sub: { type: 'string' }, scope: { type: 'string' }, permissions: { type: 'string' },
      'expires-in': { type: 'string' }, audience: { type: 'string', multiple: true }, url: { type: 'string' },
      email: { type: 'string' }, name: { type: 'string' }, 'no-user': { type: 'boolean' },
    },
  });
  if (!values.sub) throw new Error('token: --sub is required');
  const url = values.url ?? process.env.AUTH0_STANDIN_URL ?? DEFAULTS.url;
  const body: Record<string, unknown> = { sub: values.sub };
  if (values.scope !== undefined) body.scope = values.scope;
  if (values.permissions !== undefined) body.permissions = values.permissions.split(',').map((p) => p.trim()).filter(Boolean);
  if (values['expires-in'] !== undefined) {
    const n = Number(values['expires-in']);
    if (!Number.isInteger(n)) throw new Error(`token: bad --expires-in ${values['expires-in']}`);
    body.expiresInSec = n;
  }
  if (values.audience?.length) body.audience = values.audience.length === 1 ? values.audience[0] : values.audience;
  const out = await callAdmin(url, '/__standin/token', body);
  // Machine-to-machine subjects ("<client>@clients") are applications: the gateway looks up no profile.
  if (!values['no-user'] && !values.sub.endsWith('@clients')) await ensureUser(url, values.sub, values.email, values.name);
  process.stdout.write(`${String(out.access_token)}\n`);
}

async function rotate(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { url: { type: 'string' } } });
  const out = await callAdmin(values.url ?? process.env.AUTH0_STANDIN_URL ?? DEFAULTS.url, '/__standin/rotate', {});
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === 'serve') return serve(rest);
  if (command === 'token') return token(rest);
  if (command === 'rotate') return rotate(rest);
  throw new Error('usage: cli.ts serve|token|rotate [options] (see the header of stack/auth0/cli.ts)');
}

main().catch((err: unknown) => {
  process.stderr.write(`auth0 stand-in: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
