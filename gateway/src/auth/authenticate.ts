/**
 * The gateway's one door: Authorization header -> verified Auth0 token -> Auth0 profile ->
 * the Identity forwarded to subgraphs. Failures are AppErrors the HTTP layer turns into 401
 * (with WWW-Authenticate, RFC 6750), 403 or 503.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../../../common/errors';
import type { Identity } from '../../../common/identity';
import type { TokenVerifier } from './token-verifier';
import type { ClientProfiles } from './client-profiles';

const REALM = 'jtm-network';

export class Authenticator {
  constructor(private readonly verifier: TokenVerifier, private readonly profiles: ClientProfiles) {}

  async authenticate(headers: IncomingHttpHeaders): Promise<Identity> {
    const token = bearerToken(headers.authorization);
    const verified = await this.verifier.verify(token);
    const profile = await this.profiles.profileOf(verified.sub);
    return { clientId: verified.sub, email: profile.email, scopes: verified.scopes };
  }
}

/** "Bearer <token>", scheme case-insensitive; anything else is a 401 that names the problem. */
export function bearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === '') {
    throw new AppError('UNAUTHENTICATED', 'An Auth0 access token is required: send Authorization: Bearer <token>.');
  }
  if (!/^\s*Bearer/i.test(header)) {
    // Another scheme (Basic, Digest...): RFC 6750 3.1 says answer with a bare challenge.
    throw new AppError('UNAUTHENTICATED', 'Only Bearer tokens are accepted: send Authorization: Bearer <token>.');
  }
  const match = /^\s*Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
  if (!match) {
    throw new AppError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <token>".', { wwwAuthenticateError: 'invalid_request' });
  }
  return match[1];
}

/** Throws FORBIDDEN (403, insufficient_scope) when a configured scope is missing. */
export function requireScope(identity: Identity, scope: string | undefined): void {
  if (scope && !identity.scopes.includes(scope)) {
    throw new AppError('FORBIDDEN', `This operation needs the "${scope}" scope or permission.`, { wwwAuthenticateError: 'insufficient_scope', requiredScope: scope });
  }
}

/** RFC 6750 challenge for a 401/403; no error code when no credentials were sent at all. */
export function wwwAuthenticate(err: AppError): Record<string, string> {
  if (err.kind !== 'UNAUTHENTICATED' && err.kind !== 'FORBIDDEN') return {};
  const code = err.details.wwwAuthenticateError as string | undefined;
  const parts = [`realm="${REALM}"`];
  if (code) parts.push(`error="${code}"`, `error_description="${err.message.replace(/["\\]/g, '')}"`);
  if (err.details.requiredScope) parts.push(`scope="${String(err.details.requiredScope)}"`);
  return { 'www-authenticate': `Bearer ${parts.join(', ')}` };
}

/** The client-facing details of an auth error (the WWW-Authenticate internals stay in the header). */
export function publicDetails(err: AppError): Record<string, unknown> {
  const { wwwAuthenticateError: _omit, ...rest } = err.details;
  return rest;
}
