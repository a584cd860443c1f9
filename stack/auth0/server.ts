/**
 * HTTP side of the Auth0 stand-in (node:http, loopback only): the Auth0 endpoints the product
 * uses, answered in Auth0's shapes, plus the `/__standin/*` admin routes (see admin.ts).
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { handleAdmin } from './admin';
import type { StandinContext } from './context';
import { basicCredentials, bearerToken, delay, HttpError, parseBody, readBody, sendJson, sendText } from './http';
import { clientCredentialsClaims, scopesOf, signRs256, verifyOwnToken } from './tokens';
import { selectFields, userinfoClaims } from './users';

/** Scopes the M2M client is granted on the Management API (a real tenant's client grant decides this). */
const MANAGEMENT_SCOPES = ['read:users', 'read:users_app_metadata'];
/** Lifetime of /oauth/token tokens: Auth0's default for APIs and the Management API. */
const CLIENT_CREDENTIALS_EXPIRES_IN = 86_400;

export function createStandinServer(ctx: StandinContext): Server {
  return createServer((req, res) => {
    route(ctx, req, res).catch((err: unknown) => {
      if (err instanceof HttpError) return sendJson(res, err.status, err.body, err.headers);
      sendJson(res, 500, { statusCode: 500, error: 'Internal Server Error', message: 'Auth0 stand-in error' });
      console.error('[auth0-standin]', err);
    });
  });
}

async function route(ctx: StandinContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://standin.invalid');
  const path = url.pathname;
  const method = req.method ?? 'GET';

  if (path.startsWith('/__standin/')) return handleAdmin(ctx, req, res, path, method);
  if (method === 'GET' && path === '/.well-known/jwks.json') {
    ctx.stats.jwksRequests++;
    return sendJson(res, 200, ctx.keys.jwks(), { 'cache-control': 'public, max-age=15, stale-while-revalidate=15, stale-if-error=86400' });
  }
  if (method === 'GET' && path === '/.well-known/openid-configuration') return sendJson(res, 200, discovery(ctx));
  if (method === 'POST' && path === '/oauth/token') return token(ctx, req, res);
  if ((method === 'GET' || method === 'POST') && path === '/userinfo') return userinfo(ctx, req, res);
  if (method === 'GET' && path.startsWith('/api/v2/users/')) {
    const raw = path.slice('/api/v2/users/'.length);
    if (raw && !raw.includes('/')) return getUser(ctx, req, res, raw, url.searchParams);
  }
  sendJson(res, 404, { statusCode: 404, error: 'Not Found', message: 'Not Found' });
}

function discovery(ctx: StandinContext): Record<string, unknown> {
  const base = `https://${ctx.tenant.domain}`;
  return {
    issuer: ctx.tenant.issuer,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/oauth/token`,
    device_authorization_endpoint: `${base}/oauth/device/code`,
    userinfo_endpoint: `${base}/userinfo`,
    jwks_uri: `${base}/.well-known/jwks.json`,
    revocation_endpoint: `${base}/oauth/revoke`,
    end_session_endpoint: `${base}/oidc/logout`,
    scopes_supported: ['openid', 'profile', 'offline_access', 'name', 'given_name', 'family_name', 'nickname', 'email', 'email_verified', 'picture', 'created_at', 'identities', 'phone', 'address'],
    response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token'],
    code_challenge_methods_supported: ['S256', 'plain'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['public'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    claims_supported: ['aud', 'auth_time', 'created_at', 'email', 'email_verified', 'exp', 'family_name', 'given_name', 'iat', 'identities', 'iss', 'name', 'nickname', 'phone_number', 'picture', 'sub'],
    id_token_signing_alg_values_supported: ['HS256', 'RS256', 'PS256'],
    request_uri_parameter_supported: false,
    request_parameter_supported: false,
  };
}

function secretMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function token(ctx: StandinContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  ctx.stats.tokenRequests++;
  const body = parseBody(req, await readBody(req));
  const oauthError = (status: number, error: string, description: string): void =>
    sendJson(res, status, { error, error_description: description }, { 'cache-control': 'no-store' });
  if (!body) return oauthError(400, 'invalid_request', 'Body must be JSON or application/x-www-form-urlencoded');
  const str = (k: string): string | undefined => (typeof body[k] === 'string' ? (body[k] as string) : undefined);

  const grantType = str('grant_type');
  if (!grantType) return oauthError(400, 'invalid_request', 'Missing required parameter: grant_type');
  if (grantType !== 'client_credentials') return oauthError(403, 'unauthorized_client', `Grant type '${grantType}' not allowed for the client.`);

  const basic = basicCredentials(req);
  const clientId = str('client_id') ?? basic?.id;
  const clientSecret = str('client_secret') ?? basic?.secret;
  if (!clientId) return oauthError(401, 'access_denied', 'Unauthorized');
  if (clientId !== ctx.tenant.m2mClientId || clientSecret === undefined || !secretMatches(clientSecret, ctx.clientSecret)) {
    return oauthError(401, 'access_denied', 'Unauthorized');
  }

  const audience = str('audience');
  if (!audience) return oauthError(403, 'access_denied', 'No audience parameter was provided, and no default audience has been configured');
  const requested = (str('scope') ?? '').split(/\s+/).filter(Boolean);
  let scope: string;
  if (audience === ctx.tenant.managementAudience) {
    scope = (requested.length ? MANAGEMENT_SCOPES.filter((s) => requested.includes(s)) : MANAGEMENT_SCOPES).join(' ');
  } else if (audience === ctx.tenant.apiAudience) {
    scope = requested.join(' ');
  } else {
    return oauthError(403, 'access_denied', `Service not found: ${audience}`);
  }
  const claims = clientCredentialsClaims(ctx.tenant, clientId, audience, scope, CLIENT_CREDENTIALS_EXPIRES_IN);
  sendJson(res, 200, {
    access_token: signRs256(claims, ctx.keys.current),
    scope,
    expires_in: CLIENT_CREDENTIALS_EXPIRES_IN,
    token_type: 'Bearer',
  }, { 'cache-control': 'no-store', pragma: 'no-cache' });
}

function managementError(status: number, message: string, errorCode?: string): Record<string, unknown> {
  const body: Record<string, unknown> = { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
  if (errorCode) body.errorCode = errorCode;
  return body;
}

async function getUser(ctx: StandinContext, req: IncomingMessage, res: ServerResponse, rawId: string, query: URLSearchParams): Promise<void> {
  ctx.stats.userLookups++;
  const fault = ctx.fault;
  if (fault?.delayMs) await delay(fault.delayMs);
  if (fault?.status) {
    const headers: Record<string, string> = {};
    if (fault.retryAfterSec !== undefined) headers['retry-after'] = String(fault.retryAfterSec);
    if (fault.status === 429) {
      headers['x-ratelimit-limit'] = '50';
      headers['x-ratelimit-remaining'] = '0';
      headers['x-ratelimit-reset'] = String(Math.floor(Date.now() / 1000) + (fault.retryAfterSec ?? 1));
      return sendJson(res, 429, managementError(429, 'Global limit has been reached', 'too_many_requests'), headers);
    }
    return sendJson(res, fault.status, managementError(fault.status, STATUS_CODES[fault.status] ?? 'Error'), headers);
  }

  const tokenValue = bearerToken(req);
  const unauthorized = (message: string): void =>
    sendJson(res, 401, { ...managementError(401, message), attributes: { error: message } });
  if (!tokenValue) return unauthorized('Missing authentication');
  const checked = verifyOwnToken(tokenValue, ctx.keys, ctx.tenant.issuer, ctx.tenant.managementAudience);
  if (!checked.ok) {
    if (checked.reason === 'expired') return unauthorized('Expired token');
    if (checked.reason === 'wrong_audience') return unauthorized(`Bad audience: ${ctx.tenant.managementAudience}`);
    return unauthorized('Invalid token');
  }
  if (!scopesOf(checked.claims).includes('read:users')) {
    return sendJson(res, 403, managementError(403, 'Insufficient scope, expected any of: read:users,read:current_user,read:user_idp_tokens', 'insufficient_scope'));
  }

  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    return sendJson(res, 400, managementError(400, 'Path validation error: invalid user id', 'invalid_uri'));
  }
  const user = ctx.users.get(id);
  if (!user) return sendJson(res, 404, managementError(404, 'The user does not exist.', 'inexistent_user'));
  sendJson(res, 200, selectFields(user, query.get('fields'), query.get('include_fields')));
}

async function userinfo(ctx: StandinContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  await readBody(req);
  const tokenValue = bearerToken(req);
  const checked = tokenValue ? verifyOwnToken(tokenValue, ctx.keys, ctx.tenant.issuer, ctx.tenant.userinfoAudience) : undefined;
  if (!checked?.ok) {
    const challenge = tokenValue ? 'Bearer error="invalid_token", error_description="Invalid token"' : 'Bearer realm="Auth0"';
    return sendText(res, 401, 'Unauthorized', { 'www-authenticate': challenge });
  }
  const sub = String(checked.claims.sub);
  sendJson(res, 200, userinfoClaims(sub, ctx.users.get(sub), scopesOf(checked.claims)));
}
