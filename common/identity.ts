/**
 * The identity the gateway vouches for, carried to subgraphs as a short-lived HS256 assertion.
 * Only the gateway holds the keys' purpose of signing; subgraphs verify. Keys rotate by listing
 * several: the first signs, all verify. A subgraph never sees or parses an Auth0 token.
 */
import { SignJWT, jwtVerify, decodeProtectedHeader } from 'jose';
import { AppError } from './errors';

/** Wire name of the assertion header: lower case, dashes (survives proxies that drop underscores). */
export const IDENTITY_HEADER = 'x-jtm-identity';
/**
 * Headers a client might send to impersonate someone; the gateway removes all of them. Compared
 * after lower-casing and mapping '_' to '-', so CLIENT_ID, client-id and Client_Id all match.
 */
export const CLIENT_IDENTITY_HEADERS = ['client-id', 'x-client-id', IDENTITY_HEADER, 'x-user-id', 'x-auth0-sub'];

const ISSUER = 'jtm-gateway';
const AUDIENCE = 'jtm-subgraphs';
export const ASSERTION_TTL_SEC = 60;

export interface Identity {
  /** CLIENT_ID: the Auth0 `sub` of the caller, e.g. "auth0|65f0c2...". */
  clientId: string;
  email?: string;
  /** Scopes/permissions the gateway verified on the token. */
  scopes: string[];
}

export interface SigningKey {
  kid: string;
  secret: Uint8Array;
}

/** Parses "kid:base64secret[,kid:base64secret...]"; each secret must be at least 32 bytes. */
export function parseSigningKeys(raw: string): SigningKey[] {
  const keys = raw.split(',').map((part) => part.trim()).filter(Boolean).map((part) => {
    const at = part.indexOf(':');
    if (at <= 0) throw new Error('IDENTITY_SIGNING_KEYS entries must look like kid:base64secret');
    const kid = part.slice(0, at);
    const secret = Buffer.from(part.slice(at + 1), 'base64');
    if (secret.length < 32) throw new Error(`IDENTITY_SIGNING_KEYS key "${kid}" must be at least 32 bytes`);
    return { kid, secret: new Uint8Array(secret) };
  });
  if (keys.length === 0) throw new Error('IDENTITY_SIGNING_KEYS has no key');
  return keys;
}

export async function signIdentity(identity: Identity, key: SigningKey, requestId?: string): Promise<string> {
  return new SignJWT({ email: identity.email, scp: identity.scopes, rid: requestId })
    .setProtectedHeader({ alg: 'HS256', kid: key.kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(identity.clientId)
    .setIssuedAt()
    .setExpirationTime(`${ASSERTION_TTL_SEC}s`)
    .sign(key.secret);
}

/** Verifies a gateway assertion; any problem is UNAUTHENTICATED, with no detail of why. */
export async function verifyIdentity(assertion: string | undefined, keys: SigningKey[]): Promise<Identity> {
  if (!assertion) throw new AppError('UNAUTHENTICATED', 'This service only accepts requests from the gateway.');
  try {
    const { kid } = decodeProtectedHeader(assertion);
    const key = keys.find((k) => k.kid === kid);
    if (!key) throw new Error('unknown kid');
    const { payload } = await jwtVerify(assertion, key.secret, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      clockTolerance: 5,
      maxTokenAge: ASSERTION_TTL_SEC + 5,
    });
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('no sub');
    return {
      clientId: payload.sub,
      email: typeof payload.email === 'string' ? payload.email : undefined,
      scopes: Array.isArray(payload.scp) ? payload.scp.filter((s): s is string => typeof s === 'string') : [],
    };
  } catch {
    throw new AppError('UNAUTHENTICATED', 'This service only accepts requests from the gateway.');
  }
}
