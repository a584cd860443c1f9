/** The stand-in's user directory, answered in the Management API v2 user shape. */
import { createHash } from 'node:crypto';
import type { Auth0StandinUser } from './types';

/** Users every dev stand-in knows unless `users` is given. */
export const DEFAULT_DEV_USERS: readonly Auth0StandinUser[] = Object.freeze([
  {
    user_id: 'auth0|65f0c2a1b2c3d4e5f6a7b8c9',
    email: 'ada.lovelace@example.com',
    name: 'Ada Lovelace',
    app_metadata: { jtm: { plan: 'premium', plugins: [] } },
  },
  {
    user_id: 'auth0|65f0c2a1b2c3d4e5f6a7b8ca',
    email: 'grace.hopper@example.com',
    name: 'Grace Hopper',
    app_metadata: {},
  },
  {
    user_id: 'google-oauth2|108234567890123456789',
    email: 'alan.turing@gmail.example',
    name: 'Alan Turing',
    app_metadata: { roles: ['support'] },
  },
]);

interface StoredUser extends Auth0StandinUser {
  created_at: string;
  updated_at: string;
}

export class UserStore {
  private readonly users = new Map<string, StoredUser>();

  constructor(initial: readonly Auth0StandinUser[]) {
    for (const u of initial) this.upsert(u);
  }

  /** Adds or replaces a user (keeping `created_at` of a replaced one). Throws TypeError on bad input. */
  upsert(u: Auth0StandinUser): Record<string, unknown> {
    checkUser(u);
    const now = new Date().toISOString();
    const stored: StoredUser = {
      ...structuredClone(u),
      created_at: this.users.get(u.user_id)?.created_at ?? now,
      updated_at: now,
    };
    this.users.set(u.user_id, stored);
    return toManagementJson(stored);
  }

  delete(id: string): boolean {
    return this.users.delete(id);
  }

  /** Management API JSON of the user, or undefined when unknown. */
  get(id: string): Record<string, unknown> | undefined {
    const u = this.users.get(id);
    return u && toManagementJson(u);
  }
}

function checkUser(u: Auth0StandinUser): void {
  const bad = (msg: string): never => { throw new TypeError(`user: ${msg}`); };
  if (!u || typeof u !== 'object') bad('object required');
  if (typeof u.user_id !== 'string' || !/^[^|\s]+\|\S+$/.test(u.user_id)) bad('user_id must look like "<provider>|<id>"');
  if (typeof u.email !== 'string' || !u.email.includes('@')) bad('email must be an address');
  if (typeof u.name !== 'string' || u.name === '') bad('name must be a non-empty string');
  for (const k of ['app_metadata', 'user_metadata'] as const) {
    const v = u[k];
    if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v))) bad(`${k} must be an object`);
  }
  if (u.email_verified !== undefined && typeof u.email_verified !== 'boolean') bad('email_verified must be a boolean');
  if (u.blocked !== undefined && typeof u.blocked !== 'boolean') bad('blocked must be a boolean');
}

function toManagementJson(u: StoredUser): Record<string, unknown> {
  const bar = u.user_id.indexOf('|');
  const provider = u.user_id.slice(0, bar);
  const nickname = u.email.split('@')[0]!;
  const initials = u.name.split(/\s+/).map((w) => w[0] ?? '').join('').slice(0, 2).toLowerCase() || 'u';
  const md5 = createHash('md5').update(u.email.trim().toLowerCase()).digest('hex');
  const json: Record<string, unknown> = {
    created_at: u.created_at,
    email: u.email,
    email_verified: u.email_verified ?? true,
    identities: [{
      connection: provider === 'auth0' ? 'Username-Password-Authentication' : provider,
      provider,
      user_id: u.user_id.slice(bar + 1),
      isSocial: provider !== 'auth0',
    }],
    name: u.name,
    nickname,
    picture: `https://s.gravatar.com/avatar/${md5}?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2F${initials}.png`,
    updated_at: u.updated_at,
    user_id: u.user_id,
    app_metadata: structuredClone(u.app_metadata ?? {}),
    user_metadata: structuredClone(u.user_metadata ?? {}),
    last_login: u.updated_at,
    logins_count: 1,
  };
  if (u.blocked !== undefined) json.blocked = u.blocked;
  return json;
}

/** Applies the Management API's `fields` / `include_fields` query parameters. */
export function selectFields(user: Record<string, unknown>, fields: string | null, includeFields: string | null): Record<string, unknown> {
  if (!fields) return user;
  const list = new Set(fields.split(',').map((f) => f.trim()).filter(Boolean));
  const include = includeFields !== 'false';
  return Object.fromEntries(Object.entries(user).filter(([k]) => list.has(k) === include));
}

/** OIDC /userinfo claims of a user, limited by the token's scopes (as Auth0 does). */
export function userinfoClaims(sub: string, user: Record<string, unknown> | undefined, scopes: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { sub };
  if (!user) return out;
  if (scopes.includes('profile')) {
    for (const k of ['name', 'nickname', 'picture', 'updated_at']) out[k] = user[k];
  }
  if (scopes.includes('email')) {
    out.email = user.email;
    out.email_verified = user.email_verified;
  }
  return out;
}
