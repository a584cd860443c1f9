// redact is the last line of defence for logs: tokens, Stripe keys and client secrets never get out.
import { createLogger, redact } from './log';

const JWT = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImFiYyJ9.eyJzdWIiOiJhdXRoMHwxMjMiLCJhdWQiOiJqdG0ifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
// Made-up values in the shapes Stripe uses, joined at run time so no literal in the repository
// looks like a live key to a secret scanner.
const shaped = (...parts: string[]) => parts.join('_');
const SK_TEST = shaped('sk', 'test', '51H8xYzABCdefGHIjklMNOpqrSTUvwx');
const SK_LIVE = shaped('sk', 'live', '51H8xYzABCdefGHIjklMNOpqrSTUvwx');
const RK_LIVE = shaped('rk', 'live', '51H8xYzABCdefGHIjkl');
const CLIENT_SECRET = shaped('pi', '3MtwBwLkdIwHu7ix28a3tqPa', 'secret', 'YrKJUKribcBjcG8HVhfZluoGH');
const WHSEC = shaped('whsec', '1234567890abcdefABCDEF');
const SECRETS = [JWT, SK_TEST, SK_LIVE, RK_LIVE, CLIENT_SECRET, WHSEC];

describe('redact: secret-looking values', () => {
  test.each<[string, string, string]>([
    ['Bearer JWT', `Authorization was Bearer ${JWT}`, 'Authorization was Bearer [redacted]'],
    ['bare JWT', JWT, '[redacted]'],
    ['JWT with empty signature', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', '[redacted]'],
    ['sk_test_', `stripe key ${SK_TEST} rejected`, 'stripe key [redacted] rejected'],
    ['sk_live_', `key=${SK_LIVE}`, 'key=[redacted]'],
    ['rk_live_', RK_LIVE, '[redacted]'],
    ['client secret', `secret is ${CLIENT_SECRET}.`, 'secret is [redacted].'],
    ['whsec_', `webhook ${WHSEC}`, 'webhook [redacted]'],
    ['several in one string', `${SK_TEST} and ${CLIENT_SECRET} and ${JWT}`, '[redacted] and [redacted] and [redacted]'],
  ])('%s is masked', (_name, input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  test('harmless strings are unchanged', () => {
    for (const s of ['pi_3MtwBwLkdIwHu7ix28a3tqPa', 'payment 19.99 USD', 'auth0|65f0c2', 'sk_other_123', '']) {
      expect(redact(s)).toBe(s);
    }
  });

  test('a payment intent id survives while its client secret is masked', () => {
    expect(redact(`created pi_3MtwBwLkdIwHu7ix28a3tqPa`)).toBe('created pi_3MtwBwLkdIwHu7ix28a3tqPa');
  });

  test('repeated calls give the same result (the global regex keeps no state)', () => {
    for (let i = 0; i < 3; i++) expect(redact(SK_TEST)).toBe('[redacted]');
  });

  test('values in nested objects and arrays are masked', () => {
    const out = redact({ a: { b: [`Bearer ${JWT}`, { c: SK_LIVE }] }, msg: `cs ${CLIENT_SECRET}`, n: 3, ok: true, nil: null });
    expect(out).toEqual({ a: { b: ['Bearer [redacted]', { c: '[redacted]' }] }, msg: 'cs [redacted]', n: 3, ok: true, nil: null });
  });
});

describe('redact: secret-looking keys', () => {
  test.each(['authorization', 'Authorization', 'token', 'accessToken', 'refresh_token', 'secret', 'clientSecret', 'client_secret', 'password', 'apiKey', 'api_key', 'cookie', 'set-cookie', 'x-jtm-identity', 'identityAssertion'])(
    '%s is replaced whatever its value',
    (key) => {
      expect(redact({ [key]: 'plain-value-123', other: 'kept' })).toEqual({ [key]: '[redacted]', other: 'kept' });
      expect(redact({ [key]: { nested: 'object' } })).toEqual({ [key]: '[redacted]' });
    },
  );

  test('headers objects as logged by a request handler', () => {
    const headers = { authorization: `Bearer ${JWT}`, 'x-jtm-identity': 'opaque-assertion-value', 'content-type': 'application/json', 'x-request-id': 'r1' };
    expect(redact({ headers })).toEqual({
      headers: { authorization: '[redacted]', 'x-jtm-identity': '[redacted]', 'content-type': 'application/json', 'x-request-id': 'r1' },
    });
  });

  test('a secret key deep in a structure is not logged raw', () => {
    const deep = { l1: { l2: { l3: { l4: { l5: { l6: { password: 'hunter2-deep', clientSecret: CLIENT_SECRET } } } } } } };
    const line = JSON.stringify(redact(deep));
    expect(line).not.toContain('hunter2-deep');
    expect(line).not.toContain(CLIENT_SECRET);
  });
});

describe('redact: other values', () => {
  test('bigint becomes its decimal string', () => {
    expect(redact(1999n)).toBe('1999');
    expect(redact({ amountMinor: 99_999_999n, list: [1n, -2n] })).toEqual({ amountMinor: '99999999', list: ['1', '-2'] });
  });

  test('an Error becomes { name, message } without stack', () => {
    const err = new TypeError(`bad ${SK_TEST}`);
    const out = redact(err);
    expect(out).toEqual({ name: 'TypeError', message: 'bad [redacted]' });
    expect(Object.keys(out as object)).toEqual(['name', 'message']);
    expect(JSON.stringify(redact({ err }))).not.toContain('at ');
  });

  test('primitives pass through', () => {
    expect(redact(42)).toBe(42);
    expect(redact(null)).toBe(null);
    expect(redact(undefined)).toBe(undefined);
    expect(redact(false)).toBe(false);
  });

  test('a cyclic object does not overflow the stack', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(() => redact(a)).not.toThrow();
  });

  test('the input is not mutated', () => {
    const input = { authorization: 'x', nested: { token: 'y' } };
    redact(input);
    expect(input).toEqual({ authorization: 'x', nested: { token: 'y' } });
  });
});

describe('createLogger writes redacted JSON lines', () => {
  let writes: string[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    writes = [];
    spy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stdout.write);
  });
  afterEach(() => spy.mockRestore());

  test('message and fields are redacted; bigint fields serialise', () => {
    const log = createLogger('test', 'debug', { service_base: 1 });
    log.error(`failed with ${SK_LIVE}`, { authorization: `Bearer ${JWT}`, amountMinor: 1999n, err: new Error(CLIENT_SECRET) });
    expect(writes).toHaveLength(1);
    const line = JSON.parse(writes[0]);
    expect(line).toMatchObject({ level: 'error', service: 'test', msg: 'failed with [redacted]', authorization: '[redacted]', amountMinor: '1999', err: { name: 'Error', message: '[redacted]' }, service_base: 1 });
    for (const s of SECRETS) expect(writes[0]).not.toContain(s);
  });

  test('levels below the minimum are not written', () => {
    const log = createLogger('test', 'warn');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(writes.map((w) => JSON.parse(w).level)).toEqual(['warn', 'error']);
  });

  test('logging a cyclic object or a deep bigint never throws at the call site', () => {
    const log = createLogger('test', 'info');
    const cyclic: Record<string, unknown> = { name: 'req' };
    cyclic.self = cyclic;
    expect(() => log.info('cyclic', { req: cyclic })).not.toThrow();
    expect(() => log.info('deep', { a: { b: { c: { d: { e: { amountMinor: 1999n } } } } } })).not.toThrow();
  });

  test('a child logger keeps its fields and redacts them', () => {
    createLogger('test', 'info').child({ token: 'abc', requestId: 'r1' }).info('hello');
    expect(JSON.parse(writes[0])).toMatchObject({ token: '[redacted]', requestId: 'r1', msg: 'hello' });
  });
});
