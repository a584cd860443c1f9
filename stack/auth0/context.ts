/** Mutable state of one running stand-in, shared by its HTTP handlers and its programmatic API. */
import type { KeyRing } from './keys';
import { signRs256, userTokenClaims, type Tenant } from './tokens';
import type { Auth0StandinStats, ManagementFault, MintTokenOptions } from './types';
import type { UserStore } from './users';

export interface StandinContext {
  readonly tenant: Tenant;
  readonly clientSecret: string;
  readonly keys: KeyRing;
  readonly users: UserStore;
  fault: ManagementFault | null;
  readonly stats: Auth0StandinStats;
}

/** Mints a user access token (see MintTokenOptions). Throws TypeError on bad options or an unpublished kid. */
export function mintUserToken(ctx: StandinContext, o: MintTokenOptions): string {
  const claims = userTokenClaims(ctx.tenant, o);
  const key = o.kid === undefined ? ctx.keys.current : ctx.keys.find(o.kid);
  if (!key) throw new TypeError(`mintToken: kid ${o.kid} is not published (published: ${ctx.keys.kids().join(', ')})`);
  return signRs256(claims, key);
}

/** Validates a fault setting; `null`, `{}` clear it. Throws TypeError on bad values. */
export function normalizeFault(f: ManagementFault | null | undefined): ManagementFault | null {
  if (f === null || f === undefined) return null;
  const bad = (msg: string): never => { throw new TypeError(`management fault: ${msg}`); };
  if (typeof f !== 'object' || Array.isArray(f)) bad('object or null required');
  const out: ManagementFault = {};
  if (f.status !== undefined) {
    if (!Number.isInteger(f.status) || f.status < 400 || f.status > 599) bad('status must be an integer 400..599');
    out.status = f.status;
  }
  if (f.delayMs !== undefined) {
    if (!Number.isInteger(f.delayMs) || f.delayMs < 0 || f.delayMs > 600_000) bad('delayMs must be an integer 0..600000');
    out.delayMs = f.delayMs;
  }
  if (f.retryAfterSec !== undefined) {
    if (!Number.isInteger(f.retryAfterSec) || f.retryAfterSec < 0) bad('retryAfterSec must be a non-negative integer');
    out.retryAfterSec = f.retryAfterSec;
  }
  return Object.keys(out).length === 0 ? null : out;
}
