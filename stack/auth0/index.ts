/**
 * Local Auth0 tenant stand-in for dev and tests (see README.md). It answers the endpoints the
 * product uses (JWKS, discovery, /oauth/token, /api/v2/users/{id}, /userinfo) on 127.0.0.1, in
 * Auth0's shapes; the product reaches it through `auth0Fetch(domain, url)` (common/auth0-fetch.ts),
 * so only configuration differs from a real tenant.
 */
import type { AddressInfo } from 'node:net';
import type { StandinContext } from './context';
import { mintUserToken, normalizeFault } from './context';
import { KeyRing } from './keys';
import { createStandinServer } from './server';
import { tenantFor } from './tokens';
import type { Auth0Standin, Auth0StandinOptions } from './types';
import { DEFAULT_DEV_USERS, UserStore } from './users';

export type {
  Auth0Standin, Auth0StandinOptions, Auth0StandinStats, Auth0StandinUser, ManagementFault, MintTokenOptions,
} from './types';
export { DEFAULT_DEV_USERS } from './users';

export async function startAuth0Standin(opts: Auth0StandinOptions): Promise<Auth0Standin> {
  checkOptions(opts);
  const ctx: StandinContext = {
    tenant: tenantFor(opts.domain, opts.audience, opts.m2mClientId),
    clientSecret: opts.m2mClientSecret,
    keys: await KeyRing.open(opts.stateFile),
    users: new UserStore(opts.users ?? DEFAULT_DEV_USERS),
    fault: null,
    stats: { jwksRequests: 0, tokenRequests: 0, userLookups: 0 },
  };
  const server = createStandinServer(ctx);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    issuer: ctx.tenant.issuer,
    async mintToken(o) {
      return mintUserToken(ctx, o);
    },
    async rotateKeys() {
      await ctx.keys.rotate();
    },
    addUser(u) {
      ctx.users.upsert(u);
    },
    setManagementFault(f) {
      ctx.fault = normalizeFault(f);
    },
    stats() {
      return { ...ctx.stats };
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets (undici pools them) would otherwise hold close() open.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function checkOptions(o: Auth0StandinOptions): void {
  const bad = (msg: string): never => { throw new TypeError(`startAuth0Standin: ${msg}`); };
  if (!o || typeof o !== 'object') bad('options required');
  if (typeof o.domain !== 'string' || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i.test(o.domain)) {
    bad(`domain must be a bare host name like "jtm-dev.auth0.local", got ${JSON.stringify(o.domain)}`);
  }
  if (typeof o.audience !== 'string' || o.audience === '') bad('audience must be a non-empty string');
  if (typeof o.m2mClientId !== 'string' || o.m2mClientId === '') bad('m2mClientId must be a non-empty string');
  if (typeof o.m2mClientSecret !== 'string' || o.m2mClientSecret === '') bad('m2mClientSecret must be a non-empty string');
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535)) bad('port must be 0..65535');
  if (o.users !== undefined && !Array.isArray(o.users)) bad('users must be an array');
  if (o.stateFile !== undefined && (typeof o.stateFile !== 'string' || o.stateFile === '')) bad('stateFile must be a path');
}
