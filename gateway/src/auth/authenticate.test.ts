// The Authorization header parser and the RFC 6750 challenge the HTTP layer sends with 401/403.
import { AppError } from '../../../common/errors';
import { bearerToken, publicDetails, requireScope, wwwAuthenticate } from './authenticate';

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw new Error(`expected an AppError, got ${String(err)}`);
  }
  throw new Error('expected an AppError, nothing was thrown');
}

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhdXRoMHwxIn0.c2ln';

describe('bearerToken', () => {
  test.each<[string, string]>([
    ['Bearer x.y.z', 'x.y.z'],
    ['bearer x.y.z', 'x.y.z'],
    ['BEARER  x.y.z ', 'x.y.z'],
    ['Bearer\tx.y.z', 'x.y.z'],
    [`Bearer ${JWT}`, JWT],
    ['Bearer abc-._~+/def==', 'abc-._~+/def=='],
  ])('%p -> %p', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  test.each<[string, string | undefined]>([
    ['missing', undefined],
    ['empty', ''],
    ['blank', '   '],
  ])('%s header: UNAUTHENTICATED without an RFC 6750 error code', (_name, header) => {
    const err = errorOf(() => bearerToken(header));
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.status).toBe(401);
    expect(err.details.wwwAuthenticateError).toBeUndefined();
    expect(wwwAuthenticate(err)).toEqual({ 'www-authenticate': 'Bearer realm="jtm-network"' });
  });

  test.each(['Bearer', 'Bearer ', 'Bearer a b', 'Bearer x.y.z extra', 'Bearer "x.y.z"', 'Bearer x,y', 'Bearer =abc', 'Bearerx.y.z', 'Bearer x.y.z\nX-Injected: 1'])(
    'malformed Bearer %p: UNAUTHENTICATED with error="invalid_request"',
    (header) => {
      const err = errorOf(() => bearerToken(header));
      expect(err.code).toBe('UNAUTHENTICATED');
      expect(err.details.wwwAuthenticateError).toBe('invalid_request');
      const challenge = wwwAuthenticate(err)['www-authenticate'];
      expect(challenge).toMatch(/^Bearer realm="jtm-network", error="invalid_request", error_description="[^"\\]*"$/);
    },
  );

  // RFC 6750 section 3.1: a request that "attempted using an unsupported authentication method"
  // lacks authentication information, and the resource server SHOULD NOT include an error code.
  test.each(['Basic abc', 'Token x', 'Digest username="a"'])('another scheme %p: UNAUTHENTICATED, challenge without error code', (header) => {
    const err = errorOf(() => bearerToken(header));
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(wwwAuthenticate(err)).toEqual({ 'www-authenticate': 'Bearer realm="jtm-network"' });
  });
});

describe('requireScope', () => {
  const identity = { clientId: 'auth0|1', scopes: ['plugins:read', 'payments:write'] };

  test('a present scope passes', () => {
    expect(() => requireScope(identity, 'payments:write')).not.toThrow();
  });

  test('no configured scope passes', () => {
    expect(() => requireScope({ ...identity, scopes: [] }, undefined)).not.toThrow();
    expect(() => requireScope({ ...identity, scopes: [] }, '')).not.toThrow();
  });

  test('a missing scope is FORBIDDEN with error="insufficient_scope" and the scope in the challenge', () => {
    const err = errorOf(() => requireScope(identity, 'payments:admin'));
    expect(err.code).toBe('FORBIDDEN');
    expect(err.kind).toBe('FORBIDDEN');
    expect(err.status).toBe(403);
    expect(err.details).toEqual({ wwwAuthenticateError: 'insufficient_scope', requiredScope: 'payments:admin' });
    expect(wwwAuthenticate(err)).toEqual({
      'www-authenticate': 'Bearer realm="jtm-network", error="insufficient_scope", error_description="This operation needs the payments:admin scope or permission.", scope="payments:admin"',
    });
  });

  test('scopes match exactly, not by prefix or case', () => {
    expect(errorOf(() => requireScope({ ...identity, scopes: ['payments:write:extra'] }, 'payments:write')).code).toBe('FORBIDDEN');
    expect(errorOf(() => requireScope({ ...identity, scopes: ['Payments:Write'] }, 'payments:write')).code).toBe('FORBIDDEN');
    expect(errorOf(() => requireScope({ ...identity, scopes: ['payments:write payments:read'] }, 'payments:write')).code).toBe('FORBIDDEN');
  });
});

describe('wwwAuthenticate', () => {
  test('no challenge for errors that are not 401/403', () => {
    expect(wwwAuthenticate(new AppError('INVALID_BODY', 'x'))).toEqual({});
    expect(wwwAuthenticate(new AppError('UNAVAILABLE', 'x'))).toEqual({});
    expect(wwwAuthenticate(new AppError('INTERNAL', 'x'))).toEqual({});
  });

  test('quotes and backslashes in the message cannot break out of error_description', () => {
    const err = new AppError('UNAUTHENTICATED', 'bad "token" \\ here', { wwwAuthenticateError: 'invalid_token' });
    expect(wwwAuthenticate(err)).toEqual({
      'www-authenticate': 'Bearer realm="jtm-network", error="invalid_token", error_description="bad token  here"',
    });
  });
});

describe('publicDetails', () => {
  test('drops the WWW-Authenticate internals and keeps the rest', () => {
    const err = errorOf(() => requireScope({ clientId: 'a', scopes: [] }, 'payments:write'));
    expect(publicDetails(err)).toEqual({ requiredScope: 'payments:write' });
    expect(publicDetails(errorOf(() => bearerToken('Bearer a b')))).toEqual({});
  });

  test('does not mutate the error', () => {
    const err = errorOf(() => bearerToken('Bearer a b'));
    publicDetails(err);
    expect(err.details).toEqual({ wwwAuthenticateError: 'invalid_request' });
  });
});
