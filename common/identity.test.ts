// The gateway's identity assertion: every way a forged, stale or foreign token could get through.
import { randomBytes } from 'node:crypto';
import { SignJWT, base64url } from 'jose';
import { AppError } from './errors';
import { ASSERTION_TTL_SEC, IDENTITY_HEADER, parseSigningKeys, signIdentity, verifyIdentity, type Identity, type SigningKey } from './identity';

const key = (kid: string): SigningKey => ({ kid, secret: new Uint8Array(randomBytes(32)) });
const k1 = key('k1');
const k2 = key('k2');
const identity: Identity = { clientId: 'auth0|65f0c2d1e4b0a1b2c3d4e5f6', email: 'dev@jtm.example', scopes: ['payments:write', 'plugins:read'] };
const now = () => Math.floor(Date.now() / 1000);

/** A token built by hand with jose, to reach claims signIdentity would never produce. */
function forge(opts: {
  key?: SigningKey;
  kid?: string | null;
  alg?: string;
  iss?: string;
  aud?: string;
  sub?: string | null;
  iat?: number | null;
  exp?: number | null;
  claims?: Record<string, unknown>;
}): Promise<string> {
  const signer = opts.key ?? k1;
  const header: Record<string, unknown> = { alg: opts.alg ?? 'HS256' };
  if (opts.kid !== null) header.kid = opts.kid ?? signer.kid;
  let jwt = new SignJWT({ scp: ['payments:write'], ...opts.claims })
    .setProtectedHeader(header as { alg: string })
    .setIssuer(opts.iss ?? 'jtm-gateway')
    .setAudience(opts.aud ?? 'jtm-subgraphs');
  if (opts.sub !== null) jwt = jwt.setSubject(opts.sub ?? identity.clientId);
  if (opts.iat !== null) jwt = jwt.setIssuedAt(opts.iat ?? now());
  if (opts.exp !== null) jwt = jwt.setExpirationTime(opts.exp ?? now() + 60);
  return jwt.sign(signer.secret);
}

async function refusal(token: string | undefined, keys: SigningKey[] = [k1]): Promise<AppError> {
  try {
    await verifyIdentity(token, keys);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw new Error(`expected an AppError, got ${String(err)}`);
  }
  throw new Error('expected the assertion to be refused');
}

async function expectRefused(token: string | undefined, keys: SigningKey[] = [k1]): Promise<void> {
  const err = await refusal(token, keys);
  expect(err.code).toBe('UNAUTHENTICATED');
  expect(err.kind).toBe('UNAUTHENTICATED');
  expect(err.status).toBe(401);
  // No hint of why: every refusal reads the same.
  expect(err.message).toBe('This service only accepts requests from the gateway.');
  expect(err.details).toEqual({});
}

const b64 = (o: unknown) => base64url.encode(JSON.stringify(o));

describe('signIdentity / verifyIdentity', () => {
  test('round trip keeps clientId, email and scopes', async () => {
    const token = await signIdentity(identity, k1, 'req-1');
    await expect(verifyIdentity(token, [k1])).resolves.toEqual(identity);
  });

  test('round trip without email and without scopes', async () => {
    const token = await signIdentity({ clientId: 'auth0|x', scopes: [] }, k1);
    await expect(verifyIdentity(token, [k1])).resolves.toEqual({ clientId: 'auth0|x', email: undefined, scopes: [] });
  });

  test('the header carries the kid and HS256; the claims carry issuer, audience, 60 s lifetime and request id', async () => {
    const token = await signIdentity(identity, k1, 'req-1');
    const [h, p] = token.split('.');
    expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toEqual({ alg: 'HS256', kid: 'k1' });
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    expect(payload).toMatchObject({ iss: 'jtm-gateway', aud: 'jtm-subgraphs', sub: identity.clientId, email: identity.email, scp: identity.scopes, rid: 'req-1' });
    expect(payload.exp - payload.iat).toBe(ASSERTION_TTL_SEC);
    expect(ASSERTION_TTL_SEC).toBe(60);
  });

  test('the wire header name survives proxies (lower case, no underscore)', () => {
    expect(IDENTITY_HEADER).toBe('x-jtm-identity');
  });

  test('non-string scopes and email are dropped, not trusted', async () => {
    const token = await forge({ claims: { scp: ['a', 1, null, 'b'], email: 42 } });
    await expect(verifyIdentity(token, [k1])).resolves.toEqual({ clientId: identity.clientId, email: undefined, scopes: ['a', 'b'] });
  });

  test('scp that is not an array gives no scopes', async () => {
    const token = await forge({ claims: { scp: 'payments:write' } });
    await expect(verifyIdentity(token, [k1])).resolves.toEqual({ clientId: identity.clientId, email: undefined, scopes: [] });
  });
});

describe('verifyIdentity refuses with UNAUTHENTICATED', () => {
  test('missing', async () => {
    await expectRefused(undefined);
    await expectRefused('');
  });

  test.each(['garbage', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9', '...', 'Bearer x.y.z'])('garbage %p', async (t) => {
    await expectRefused(t);
  });

  test('tampered payload (sub replaced, signature kept)', async () => {
    const token = await signIdentity(identity, k1);
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload.sub = 'auth0|someone-else';
    await expectRefused(`${h}.${b64(payload)}.${s}`);
  });

  test('tampered scopes', async () => {
    const token = await signIdentity({ ...identity, scopes: [] }, k1);
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    payload.scp = ['admin'];
    await expectRefused(`${h}.${b64(payload)}.${s}`);
  });

  test('signature stripped', async () => {
    const [h, p] = (await signIdentity(identity, k1)).split('.');
    await expectRefused(`${h}.${p}.`);
  });

  test('signed with another key under the same kid', async () => {
    await expectRefused(await signIdentity(identity, { kid: 'k1', secret: k2.secret }));
  });

  test('unknown kid', async () => {
    await expectRefused(await signIdentity(identity, { kid: 'k9', secret: k1.secret }));
  });

  test('no kid at all', async () => {
    await expectRefused(await forge({ kid: null }));
  });

  test('expired', async () => {
    await expectRefused(await forge({ iat: now() - 3600, exp: now() - 3540 }));
  });

  test('older than the assertion lifetime even with a far exp', async () => {
    await expectRefused(await forge({ iat: now() - 120, exp: now() + 3600 }));
  });

  test('issued in the future', async () => {
    await expectRefused(await forge({ iat: now() + 3600, exp: now() + 3660 }));
  });

  test('no iat (lifetime cannot be checked)', async () => {
    await expectRefused(await forge({ iat: null }));
  });

  test('wrong audience', async () => {
    await expectRefused(await forge({ aud: 'https://api.jtm.example' }));
  });

  test('wrong issuer', async () => {
    await expectRefused(await forge({ iss: 'https://jtm.eu.auth0.com/' }));
  });

  test('alg none (hand-built unsigned token)', async () => {
    const header = b64({ alg: 'none', kid: 'k1', typ: 'JWT' });
    const payload = b64({ iss: 'jtm-gateway', aud: 'jtm-subgraphs', sub: identity.clientId, iat: now(), exp: now() + 60, scp: ['payments:write'] });
    await expectRefused(`${header}.${payload}.`);
    await expectRefused(`${header}.${payload}`);
  });

  test('HS512 with the right key (only HS256 is accepted)', async () => {
    await expectRefused(await forge({ alg: 'HS512' }));
  });

  test('HS256 with the right key but no sub', async () => {
    await expectRefused(await forge({ sub: null }));
  });

  test('HS256 with the right key but an empty sub', async () => {
    await expectRefused(await forge({ sub: '' }));
  });

  test('no keys configured', async () => {
    await expectRefused(await signIdentity(identity, k1), []);
  });
});

describe('key rotation', () => {
  test('verifying with [new, old] accepts tokens signed by either', async () => {
    const newKey = key('2025-06');
    const oldKey = key('2025-01');
    await expect(verifyIdentity(await signIdentity(identity, newKey), [newKey, oldKey])).resolves.toEqual(identity);
    await expect(verifyIdentity(await signIdentity(identity, oldKey), [newKey, oldKey])).resolves.toEqual(identity);
  });

  test('once the old key is removed its tokens are refused', async () => {
    const newKey = key('2025-06');
    const oldKey = key('2025-01');
    await expectRefused(await signIdentity(identity, oldKey), [newKey]);
  });
});

describe('parseSigningKeys', () => {
  const secret32 = Buffer.alloc(32, 7).toString('base64');
  const secret64 = randomBytes(64).toString('base64');

  test('one key', () => {
    const keys = parseSigningKeys(`k1:${secret32}`);
    expect(keys).toHaveLength(1);
    expect(keys[0].kid).toBe('k1');
    expect(keys[0].secret).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(keys[0].secret)).toEqual(Buffer.alloc(32, 7));
  });

  test('several keys, spaces and empty entries ignored, order kept (the first signs)', () => {
    const keys = parseSigningKeys(` new:${secret64} , old:${secret32},`);
    expect(keys.map((k) => k.kid)).toEqual(['new', 'old']);
    expect(keys[0].secret.length).toBe(64);
  });

  test('base64url secrets are accepted', () => {
    const raw = Buffer.alloc(48, 0xfb);
    expect(Buffer.from(parseSigningKeys(`k:${raw.toString('base64url')}`)[0].secret)).toEqual(raw);
  });

  test.each([
    ['31 bytes', `k1:${Buffer.alloc(31, 1).toString('base64')}`, /at least 32 bytes/],
    ['second key short', `k1:${Buffer.alloc(32, 1).toString('base64')},k2:${Buffer.alloc(8, 1).toString('base64')}`, /"k2" must be at least 32 bytes/],
    ['empty secret', 'k1:', /at least 32 bytes/],
    ['non-base64 secret', `k1:${'!'.repeat(64)}`, /at least 32 bytes/],
    ['no colon', secret32, /kid:base64secret/],
    ['empty kid', `:${secret32}`, /kid:base64secret/],
    ['empty', '', /no key/],
    ['only commas', ' , ,', /no key/],
  ])('%s is refused', (_name, raw, message) => {
    expect(() => parseSigningKeys(raw)).toThrow(message);
  });

  test('the error never echoes the secret', () => {
    const short = Buffer.from('topsecretvalue').toString('base64');
    try {
      parseSigningKeys(`k1:${short}`);
      throw new Error('not refused');
    } catch (err) {
      expect((err as Error).message).not.toContain(short);
    }
  });
});
