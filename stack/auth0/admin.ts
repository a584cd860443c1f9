/**
 * `/__standin/*`: admin routes that exist ONLY in this local stand-in, never on a real Auth0
 * tenant. Dev scripts and tests use them to mint tokens, rotate keys, manage users and inject
 * Management API faults. Product code must never call them.
 *
 *   POST   /__standin/token        body: MintTokenOptions (JSON)       -> 200 {"access_token": "..."}
 *   POST   /__standin/rotate                                          -> 200 {"kid": "<new>", "published": [...]}
 *   PUT    /__standin/users/{id}   body: user JSON (user_id from path) -> 200 Management API user JSON
 *          with If-None-Match: *  creates only: 201, or 412 (unchanged) when the user exists
 *   DELETE /__standin/users/{id}                                      -> 204 (404 when unknown)
 *   POST   /__standin/fault        body: ManagementFault, or null / {} to clear -> 200 {"fault": ...}
 *   GET    /__standin/stats                                           -> 200 {"jwksRequests", "tokenRequests", "userLookups"}
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mintUserToken, normalizeFault, type StandinContext } from './context';
import { HttpError, readBody, sendJson } from './http';
import type { Auth0StandinUser, ManagementFault, MintTokenOptions } from './types';

export async function handleAdmin(
  ctx: StandinContext, req: IncomingMessage, res: ServerResponse, path: string, method: string,
): Promise<void> {
  const body = async (): Promise<unknown> => {
    const raw = await readBody(req);
    if (raw.trim() === '') return null;
    try {
      return JSON.parse(raw);
    } catch {
      throw new HttpError(400, { error: 'bad_request', message: 'Body must be JSON' });
    }
  };
  try {
    if (method === 'POST' && path === '/__standin/token') {
      return sendJson(res, 200, { access_token: mintUserToken(ctx, ((await body()) ?? {}) as MintTokenOptions) });
    }
    if (method === 'POST' && path === '/__standin/rotate') {
      await readBody(req);
      const key = await ctx.keys.rotate();
      return sendJson(res, 200, { kid: key.kid, published: ctx.keys.kids() });
    }
    if (method === 'POST' && path === '/__standin/fault') {
      ctx.fault = normalizeFault((await body()) as ManagementFault | null);
      return sendJson(res, 200, { fault: ctx.fault });
    }
    if (method === 'GET' && path === '/__standin/stats') return sendJson(res, 200, { ...ctx.stats });
    if (path.startsWith('/__standin/users/')) {
      const id = decodeId(path.slice('/__standin/users/'.length));
      if (method === 'PUT') {
        const given = (await body()) as Partial<Auth0StandinUser> | null;
        if (!given || typeof given !== 'object' || Array.isArray(given)) throw new TypeError('user: JSON object required');
        if (given.user_id !== undefined && given.user_id !== id) throw new TypeError('user: user_id differs from the path');
        // RFC 9110 create-only PUT: `npm run token` adds a missing user without clobbering a known one.
        const createOnly = req.headers['if-none-match']?.trim() === '*';
        if (createOnly && ctx.users.get(id)) return sendJson(res, 412, { error: 'precondition_failed', message: `user ${id} exists` });
        return sendJson(res, createOnly ? 201 : 200, ctx.users.upsert({ ...given, user_id: id } as Auth0StandinUser));
      }
      if (method === 'DELETE') {
        if (!ctx.users.delete(id)) return sendJson(res, 404, { error: 'not_found', message: `no user ${id}` });
        res.writeHead(204).end();
        return;
      }
    }
  } catch (err) {
    if (err instanceof TypeError) return sendJson(res, 400, { error: 'bad_request', message: err.message });
    throw err;
  }
  sendJson(res, 404, { error: 'not_found', message: `no stand-in admin route ${method} ${path}` });
}

function decodeId(raw: string): string {
  try {
    const id = decodeURIComponent(raw);
    if (id) return id;
  } catch { /* fall through */ }
  throw new TypeError('user: the path needs a URL-encoded user id');
}
