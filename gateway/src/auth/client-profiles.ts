/**
 * Client info from the Auth0 Management API, looked up by `sub`: a bounded LRU with TTL,
 * concurrent lookups of one user collapsed into one call, a timeout on every call, and 429s
 * respected (no call until Retry-After passes). A cached profile outlives an Auth0 outage
 * (served stale); a caller with none gets IDENTITY_PROVIDER_UNAVAILABLE, never a hang.
 */
import { LRUCache } from 'lru-cache';
import { ManagementClient } from 'auth0';
import { AppError } from '../../../common/errors';

export interface ClientProfile {
  clientId: string;
  email?: string;
  name?: string;
}

/** What the product needs from Auth0's Management API (the auth0 SDK's ManagementClient). */
export interface UserDirectory {
  getUser(id: string, signal: AbortSignal): Promise<{ user_id?: string; email?: string; name?: string } | null>;
}

export function auth0UserDirectory(opts: { domain: string; clientId: string; clientSecret: string; fetch: typeof fetch; timeoutMs: number }): UserDirectory {
  const management = new ManagementClient({
    domain: opts.domain,
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    fetch: opts.fetch,
    timeoutInSeconds: Math.max(1, Math.ceil(opts.timeoutMs / 1000)),
    maxRetries: 0,
  });
  return {
    async getUser(id, signal) {
      try {
        const user = await management.users.get(id, {}, { abortSignal: signal });
        return user as { user_id?: string; email?: string; name?: string };
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return null;
        throw err;
      }
    },
  };
}

interface Stats { hits: number; misses: number; stale: number; lookups: number }

export class ClientProfiles {
  private readonly cache: LRUCache<string, ClientProfile>;
  private readonly inflight = new Map<string, Promise<ClientProfile>>();
  private rateLimitedUntil = 0;
  readonly stats: Stats = { hits: 0, misses: 0, stale: 0, lookups: 0 };

  constructor(
    private readonly directory: UserDirectory,
    private readonly opts: { ttlMs: number; maxEntries: number; timeoutMs: number; onLookup?: (outcome: string) => void },
  ) {
    this.cache = new LRUCache({ max: opts.maxEntries, ttl: opts.ttlMs, allowStale: true, updateAgeOnGet: false, noDeleteOnStaleGet: true });
  }

  async profileOf(sub: string): Promise<ClientProfile> {
    // Machine-to-machine tokens (client credentials) name an application, not a user.
    if (sub.endsWith('@clients')) return { clientId: sub };
    const fresh = this.cache.get(sub, { allowStale: false });
    if (fresh) {
      this.stats.hits++;
      this.opts.onLookup?.('hit');
      return fresh;
    }
    this.stats.misses++;
    this.opts.onLookup?.('miss');
    let pending = this.inflight.get(sub);
    if (!pending) {
      pending = this.lookup(sub).finally(() => this.inflight.delete(sub));
      this.inflight.set(sub, pending);
    }
    try {
      return await pending;
    } catch (err) {
      const stale = this.cache.get(sub, { allowStale: true });
      if (stale && err instanceof AppError && err.kind === 'UNAVAILABLE') {
        this.stats.stale++;
        return stale;
      }
      throw err;
    }
  }

  private async lookup(sub: string): Promise<ClientProfile> {
    if (Date.now() < this.rateLimitedUntil) throw unavailable(Math.ceil((this.rateLimitedUntil - Date.now()) / 1000));
    this.stats.lookups++;
    let user: Awaited<ReturnType<UserDirectory['getUser']>>;
    try {
      user = await withDeadline((signal) => this.directory.getUser(sub, signal), this.opts.timeoutMs);
    } catch (err) {
      const e = err as { statusCode?: number; rawResponse?: { headers?: Headers } };
      if (e.statusCode === 429) {
        const retryAfter = Number(e.rawResponse?.headers?.get?.('retry-after')) || 5;
        this.rateLimitedUntil = Date.now() + retryAfter * 1000;
        throw unavailable(retryAfter);
      }
      throw unavailable();
    }
    if (!user) throw new AppError('UNAUTHENTICATED', 'The user of this token no longer exists.', { wwwAuthenticateError: 'invalid_token' });
    const profile: ClientProfile = { clientId: sub, email: user.email, name: user.name };
    this.cache.set(sub, profile);
    return profile;
  }
}

/**
 * Aborts the call at the deadline and also stops waiting for it: an SDK that ignores the signal
 * (a retry loop, a stuck token request) must not hold the caller past timeoutMs.
 */
async function withDeadline<T>(call: (signal: AbortSignal) => Promise<T>, timeoutMs: number): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const err = new Error(`Auth0 Management API did not answer within ${timeoutMs} ms`);
      controller.abort(err);
      reject(err);
    }, timeoutMs);
  });
  try {
    // race subscribes to both, so a late rejection of the abandoned call is not unhandled.
    return await Promise.race([call(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function unavailable(retryAfterSec?: number): AppError {
  return new AppError('IDENTITY_PROVIDER_UNAVAILABLE', 'The identity provider is unavailable; try again shortly.', {
    retryable: true,
    ...(retryAfterSec ? { retryAfterSec } : {}),
  });
}
