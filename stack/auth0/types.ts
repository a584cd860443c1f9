/** Public types of the local Auth0 tenant stand-in (dev and tests only). */

/** A user the stand-in's Management API knows (`GET /api/v2/users/{id}`). */
export interface Auth0StandinUser {
  /** Auth0 user id, `<provider>|<id>`, e.g. `auth0|65f0c2a1b2c3d4e5f6a7b8c9`. */
  user_id: string;
  email: string;
  name: string;
  app_metadata?: Record<string, unknown>;
  user_metadata?: Record<string, unknown>;
  /** Defaults to true. */
  email_verified?: boolean;
  /** Shown as `blocked: true` when set, like Auth0. */
  blocked?: boolean;
}

export interface Auth0StandinOptions {
  /** 0 = a random free port. Always bound to 127.0.0.1. */
  port?: number;
  /** Bare tenant host name, e.g. `jtm-dev.auth0.local` (no scheme, no slash). */
  domain: string;
  /** API identifier, e.g. `https://api.jtm.network`. */
  audience: string;
  /** The machine-to-machine application allowed at `/oauth/token`. */
  m2mClientId: string;
  m2mClientSecret: string;
  /** Known users; defaults to `DEFAULT_DEV_USERS`. */
  users?: Auth0StandinUser[];
  /** When set, the signing keys (private JWKs) are kept in this file (mode 0600) across restarts. */
  stateFile?: string;
}

export interface MintTokenOptions {
  sub: string;
  /** Space-separated, e.g. `create:payment_intent`. Omitted from the token when not given. */
  scope?: string;
  /** RBAC permissions claim; present only when given (an empty array is kept). */
  permissions?: string[];
  /** `exp` = now + expiresInSec (default 3600). Negative values mint already-expired tokens. */
  expiresInSec?: number;
  /** Default: [API audience, `https://<domain>/userinfo`]. A one-element array becomes a string. */
  audience?: string | string[];
  /** Adds `nbf` = now + notBeforeSec (absent otherwise, as in Auth0 tokens). */
  notBeforeSec?: number;
  /** `iat` = now + issuedAtOffsetSec (default 0); does not move `exp`. */
  issuedAtOffsetSec?: number;
  /** Sign with this published key (e.g. the previous one after a rotation); default the current key. */
  kid?: string;
  /** Authorized party; default the M2M client id. */
  azp?: string;
}

export interface ManagementFault {
  /** Answer `/api/v2/users/*` with this status (e.g. 503, 429) instead of serving the request. */
  status?: number;
  /** Wait this long before answering (with or without `status`). */
  delayMs?: number;
  /** Adds `Retry-After: <n>` to faulted answers. */
  retryAfterSec?: number;
}

export interface Auth0StandinStats {
  jwksRequests: number;
  tokenRequests: number;
  userLookups: number;
}

export interface Auth0Standin {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `https://<domain>/` */
  readonly issuer: string;
  mintToken(o: MintTokenOptions): Promise<string>;
  /** New current key; the previous one stays published until the next rotation. */
  rotateKeys(): Promise<void>;
  addUser(u: Auth0StandinUser): void;
  setManagementFault(f: ManagementFault | null): void;
  stats(): Auth0StandinStats;
  close(): Promise<void>;
}
