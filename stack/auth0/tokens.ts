/**
 * RS256 access tokens in Auth0's shape, signed and checked with node:crypto (no JOSE library,
 * so the stand-in cannot share a bug with the product's verifier).
 */
import { sign, verify } from 'node:crypto';
import type { KeyRing, SigningKey } from './keys';
import type { MintTokenOptions } from './types';

export interface Tenant {
  domain: string;
  /** `https://<domain>/` */
  issuer: string;
  /** The API identifier (custom API audience). */
  apiAudience: string;
  /** `https://<domain>/api/v2/` */
  managementAudience: string;
  /** `https://<domain>/userinfo` */
  userinfoAudience: string;
  m2mClientId: string;
}

export function tenantFor(domain: string, apiAudience: string, m2mClientId: string): Tenant {
  return {
    domain,
    issuer: `https://${domain}/`,
    apiAudience,
    managementAudience: `https://${domain}/api/v2/`,
    userinfoAudience: `https://${domain}/userinfo`,
    m2mClientId,
  };
}

export const DEFAULT_EXPIRES_IN_SEC = 3600;

const nowSec = (): number => Math.floor(Date.now() / 1000);

export function signRs256(claims: Record<string, unknown>, key: SigningKey): string {
  const part = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${part({ alg: 'RS256', typ: 'JWT', kid: key.kid })}.${part(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

/** Claims of a user access token, the way Auth0 issues them for an API. Throws TypeError on bad options. */
export function userTokenClaims(t: Tenant, o: MintTokenOptions): Record<string, unknown> {
  checkMintOptions(o);
  const now = nowSec();
  const aud = o.audience ?? [t.apiAudience, t.userinfoAudience];
  const claims: Record<string, unknown> = {
    iss: t.issuer,
    sub: o.sub,
    aud: Array.isArray(aud) && aud.length === 1 ? aud[0] : aud,
    iat: now + (o.issuedAtOffsetSec ?? 0),
    exp: now + (o.expiresInSec ?? DEFAULT_EXPIRES_IN_SEC),
  };
  if (o.notBeforeSec !== undefined) claims.nbf = now + o.notBeforeSec;
  claims.azp = o.azp ?? t.m2mClientId;
  if (o.scope !== undefined && o.scope.trim() !== '') claims.scope = o.scope.trim().split(/\s+/).join(' ');
  if (o.permissions !== undefined) claims.permissions = [...o.permissions];
  return claims;
}

/** Claims of a client-credentials (M2M) token: sub `<client_id>@clients`, gty `client-credentials`. */
export function clientCredentialsClaims(
  t: Tenant, clientId: string, audience: string, scope: string, expiresInSec: number,
): Record<string, unknown> {
  const now = nowSec();
  const claims: Record<string, unknown> = {
    iss: t.issuer, sub: `${clientId}@clients`, aud: audience, iat: now, exp: now + expiresInSec,
  };
  if (scope) claims.scope = scope;
  claims.gty = 'client-credentials';
  claims.azp = clientId;
  return claims;
}

function checkMintOptions(o: MintTokenOptions): void {
  const bad = (msg: string): never => { throw new TypeError(`mintToken: ${msg}`); };
  if (!o || typeof o !== 'object') bad('options object required');
  if (typeof o.sub !== 'string' || o.sub === '') bad('sub must be a non-empty string');
  if (o.scope !== undefined && typeof o.scope !== 'string') bad('scope must be a space-separated string');
  if (o.permissions !== undefined && (!Array.isArray(o.permissions) || o.permissions.some((p) => typeof p !== 'string'))) {
    bad('permissions must be an array of strings');
  }
  for (const k of ['expiresInSec', 'notBeforeSec', 'issuedAtOffsetSec'] as const) {
    const v = o[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v))) bad(`${k} must be an integer`);
  }
  const aud = o.audience;
  if (aud !== undefined) {
    const list = Array.isArray(aud) ? aud : [aud];
    if (list.length === 0 || list.some((a) => typeof a !== 'string' || a === '')) bad('audience must be a non-empty string or string array');
  }
  if (o.kid !== undefined && typeof o.kid !== 'string') bad('kid must be a string');
  if (o.azp !== undefined && (typeof o.azp !== 'string' || o.azp === '')) bad('azp must be a non-empty string');
}

export type VerifyFailure = 'malformed' | 'unknown_kid' | 'bad_signature' | 'wrong_issuer' | 'wrong_audience' | 'expired' | 'not_yet_valid';
export type VerifyResult = { ok: true; claims: Record<string, unknown> } | { ok: false; reason: VerifyFailure };

/** Checks a token the stand-in itself issued (its own endpoints: Management API, /userinfo). */
export function verifyOwnToken(token: string, ring: KeyRing, issuer: string, audience: string): VerifyResult {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!header || typeof header !== 'object' || !claims || typeof claims !== 'object') return { ok: false, reason: 'malformed' };
  if (header.alg !== 'RS256' || typeof header.kid !== 'string') return { ok: false, reason: 'malformed' };
  const key = ring.find(header.kid);
  if (!key) return { ok: false, reason: 'unknown_kid' };
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  if (!verify('sha256', signed, key.publicKey, Buffer.from(parts[2]!, 'base64url'))) return { ok: false, reason: 'bad_signature' };
  if (claims.iss !== issuer) return { ok: false, reason: 'wrong_issuer' };
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(audience)) return { ok: false, reason: 'wrong_audience' };
  const now = nowSec();
  if (typeof claims.exp !== 'number' || claims.exp <= now) return { ok: false, reason: 'expired' };
  if (typeof claims.nbf === 'number' && claims.nbf > now) return { ok: false, reason: 'not_yet_valid' };
  return { ok: true, claims };
}

export function scopesOf(claims: Record<string, unknown>): string[] {
  return typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
}
