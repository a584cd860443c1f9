/**
 * The fetch the product gives to Auth0 clients (jose's `createRemoteJWKSet` via `[customFetch]`,
 * and the `auth0` SDK's `ManagementClient` via its `fetch` option).
 *
 * Without `baseUrl` it is the plain global fetch: production talks to the real tenant.
 * With `baseUrl` (dev and tests: the local Auth0 stand-in, e.g. `http://127.0.0.1:4010`), every
 * request for `https://<domain>/...` goes to `<baseUrl>/...` instead, path and query kept;
 * requests for any other origin pass through unchanged. Token, JWKS and Management API URLs, the
 * issuer and the audiences all keep naming `https://<domain>`, exactly as with a real tenant.
 */
export function auth0Fetch(domain: string, baseUrl?: string): typeof fetch {
  if (baseUrl === undefined || baseUrl === '') return globalThis.fetch;
  const host = normalizeDomain(domain);
  const base = parseBaseUrl(baseUrl);

  const rewrite = (url: URL): URL | undefined => {
    // URL lowercases the host and drops the default port 443.
    if (url.protocol !== 'https:' || url.host !== host) return undefined;
    return new URL(`${base.origin}${base.pathname.replace(/\/+$/, '')}${url.pathname}${url.search}`);
  };

  const routed: typeof fetch = (input, init) => {
    if (typeof input === 'string' || input instanceof URL) {
      const target = rewrite(new URL(String(input)));
      return globalThis.fetch(target ?? input, init);
    }
    const target = rewrite(new URL(input.url));
    return globalThis.fetch(target ? new Request(target, input) : input, init);
  };
  return routed;
}

function normalizeDomain(domain: string): string {
  const bare = domain.trim().replace(/^https:\/\//i, '').replace(/\/+$/, '').toLowerCase();
  if (!/^[a-z0-9.-]+(:\d+)?$/.test(bare) || bare === '') {
    throw new TypeError(`auth0Fetch: domain must be a host name like "tenant.auth0.com", got ${JSON.stringify(domain)}`);
  }
  return bare.endsWith(':443') ? bare.slice(0, -4) : bare;
}

function parseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`auth0Fetch: baseUrl must be an absolute URL, got ${JSON.stringify(baseUrl)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`auth0Fetch: baseUrl must be http(s), got ${JSON.stringify(baseUrl)}`);
  }
  if (url.search || url.hash) throw new TypeError('auth0Fetch: baseUrl must not carry a query or fragment');
  return url;
}
