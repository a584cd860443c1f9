/**
 * Hive Gateway plugin: the same identity forwarding as our gateway's IdentityDataSource. After
 * Hive's JWT plugin has verified the Auth0 token, every subgraph fetch of the request carries one
 * HS256 x-jtm-identity assertion (signed once per request) and never a client-sent identity header.
 * Unlike our gateway it does not look the caller up in the Auth0 Management API, so the assertion
 * has no email.
 */
import type { GatewayPlugin } from '@graphql-hive/gateway';
import { CLIENT_IDENTITY_HEADERS, IDENTITY_HEADER, signIdentity, type SigningKey } from '../../common/identity';

interface JwtContext {
  jwt?: { payload?: { sub?: unknown; scope?: unknown; permissions?: unknown } };
}

const FORBIDDEN = new Set(CLIENT_IDENTITY_HEADERS);

export function useJtmIdentity(key: SigningKey): GatewayPlugin {
  const assertions = new WeakMap<object, Promise<string>>();
  const assertionFor = (context: object, payload: NonNullable<JwtContext['jwt']>['payload']): Promise<string> | undefined => {
    const cached = assertions.get(context);
    if (cached) return cached;
    if (!payload || typeof payload.sub !== 'string' || payload.sub === '') return undefined;
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
    if (Array.isArray(payload.permissions)) scopes.push(...payload.permissions.filter((p): p is string => typeof p === 'string'));
    const signed = signIdentity({ clientId: payload.sub, scopes: [...new Set(scopes)] }, key);
    assertions.set(context, signed);
    return signed;
  };
  return {
    onFetch({ context, options, setOptions }) {
      const jwt = (context as JwtContext).jwt;
      const pending = jwt ? assertionFor(context, jwt.payload) : undefined;
      if (!pending) return;
      return pending.then((assertion) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries((options.headers ?? {}) as Record<string, string>)) {
          if (!FORBIDDEN.has(name.toLowerCase().replaceAll('_', '-'))) headers[name] = value;
        }
        headers[IDENTITY_HEADER] = assertion;
        setOptions({ ...options, headers });
      });
    },
  };
}
