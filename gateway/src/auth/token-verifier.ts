/**
 * Verifies Auth0 access tokens: RS256 only, against the tenant's JWKS (cached; refetched on an
 * unknown kid at most once per cooldown, so rotation needs no restart and a flood of random kids
 * costs a handful of fetches), issuer exactly https://<domain>/, audience, exp/nbf with a small
 * clock tolerance.
 */
import { createRemoteJWKSet, jwtVerify, customFetch, errors as joseErrors, type JWTPayload } from 'jose';
import { AppError } from '../../../common/errors';

export interface VerifiedToken {
  sub: string;
  scopes: string[];
  claims: JWTPayload;
}

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  clockToleranceSec: number;
  fetch: typeof fetch;
  timeoutMs: number;
}

export class TokenVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  constructor(private readonly opts: TokenVerifierOptions) {
    this.jwks = createRemoteJWKSet(new URL(`${opts.issuer}.well-known/jwks.json`), {
      timeoutDuration: opts.timeoutMs,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
      [customFetch]: opts.fetch,
    });
  }

  async verify(token: string): Promise<VerifiedToken> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        algorithms: ['RS256'],
        issuer: this.opts.issuer,
        audience: this.opts.audience,
        clockTolerance: this.opts.clockToleranceSec,
        requiredClaims: ['sub', 'exp', 'iat'],
      }));
    } catch (err) {
      throw classify(err);
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw invalid('the token has no subject');
    return { sub: payload.sub, scopes: scopesOf(payload), claims: payload };
  }
}

function scopesOf(payload: JWTPayload): string[] {
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
  const permissions = Array.isArray(payload.permissions) ? payload.permissions.filter((p): p is string => typeof p === 'string') : [];
  return [...new Set([...scopes, ...permissions])];
}

function invalid(description: string): AppError {
  return new AppError('UNAUTHENTICATED', `Invalid access token: ${description}.`, { wwwAuthenticateError: 'invalid_token' });
}

function classify(err: unknown): AppError {
  if (err instanceof joseErrors.JWTExpired) return invalid('it has expired');
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    const claim = err.claim;
    if (claim === 'aud') return invalid('it was not issued for this API');
    if (claim === 'iss') return invalid('it was not issued by the expected tenant');
    if (claim === 'nbf') return invalid('it is not valid yet');
    return invalid(`claim ${claim} is not acceptable`);
  }
  if (err instanceof joseErrors.JWKSTimeout || (err instanceof Error && /fetch|ECONNREFUSED|network/i.test(err.message) && !(err instanceof joseErrors.JOSEError))) {
    return new AppError('IDENTITY_PROVIDER_UNAVAILABLE', 'The identity provider is unavailable; try again shortly.', { retryable: true });
  }
  // jose throws its base JOSEError (ERR_JOSE_GENERIC) only when the JWKS answer is not a 200 with
  // JSON: the tenant is failing, not the token, so the caller may retry.
  if (err instanceof joseErrors.JOSEError && err.code === 'ERR_JOSE_GENERIC') {
    return new AppError('IDENTITY_PROVIDER_UNAVAILABLE', 'The identity provider is unavailable; try again shortly.', { retryable: true });
  }
  if (err instanceof joseErrors.JWKSNoMatchingKey) return invalid('it was signed with an unknown key');
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return invalid('only RS256 is accepted');
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return invalid('the signature does not verify');
  // Malformed, opaque, encrypted (JWE) tokens and anything else: a 401, never a 500.
  return invalid('it is not a valid JWT');
}
