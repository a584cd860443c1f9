/**
 * RS256 signing-key ring of the Auth0 stand-in. The first key signs; after a rotation the
 * previous key stays published in the JWKS (so tokens it signed keep verifying) until the next
 * rotation removes it, like Auth0's "rotate, then revoke the previous key".
 * With a state file, the private keys (JWK) survive restarts; the file is written with mode 0600.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const generateRsa = promisify(generateKeyPair);

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** ISO timestamp */
  readonly createdAt: string;
}

export interface PublicJwk {
  kty: 'RSA';
  use: 'sig';
  alg: 'RS256';
  kid: string;
  n: string;
  e: string;
}

interface StoredKey {
  kid: string;
  createdAt: string;
  privateJwk: Record<string, unknown>;
}

interface StateFileV1 {
  version: 1;
  /** Newest first; the first one signs. */
  keys: StoredKey[];
}

/** How many keys are published: the current one and the one it replaced. */
const PUBLISHED_KEYS = 2;

export class KeyRing {
  private constructor(
    private keys: SigningKey[],
    private readonly stateFile: string | undefined,
  ) {}

  /** Loads the ring from `stateFile` when it exists, otherwise generates a key (and saves it). */
  static async open(stateFile?: string): Promise<KeyRing> {
    if (stateFile && existsSync(stateFile)) {
      return new KeyRing(readState(stateFile), stateFile);
    }
    const ring = new KeyRing([await newKey()], stateFile);
    ring.save();
    return ring;
  }

  get current(): SigningKey {
    return this.keys[0]!;
  }

  find(kid: string): SigningKey | undefined {
    return this.keys.find((k) => k.kid === kid);
  }

  kids(): string[] {
    return this.keys.map((k) => k.kid);
  }

  jwks(): { keys: PublicJwk[] } {
    return { keys: this.keys.map(publicJwk) };
  }

  /** Puts a fresh key first; keeps the previous current key; drops anything older. */
  async rotate(): Promise<SigningKey> {
    const key = await newKey();
    this.keys = [key, ...this.keys].slice(0, PUBLISHED_KEYS);
    this.save();
    return key;
  }

  private save(): void {
    if (!this.stateFile) return;
    const state: StateFileV1 = {
      version: 1,
      keys: this.keys.map((k) => ({
        kid: k.kid,
        createdAt: k.createdAt,
        privateJwk: k.privateKey.export({ format: 'jwk' }) as Record<string, unknown>,
      })),
    };
    mkdirSync(dirname(this.stateFile), { recursive: true, mode: 0o700 });
    // Write a fresh 0600 file and rename it over the old one: the mode never depends on an older file.
    const tmp = `${this.stateFile}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, this.stateFile);
  }
}

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  return { kid: randomBytes(16).toString('base64url'), privateKey, publicKey, createdAt: new Date().toISOString() };
}

function publicJwk(k: SigningKey): PublicJwk {
  const jwk = k.publicKey.export({ format: 'jwk' });
  if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string') throw new Error(`key ${k.kid} is not an RSA key`);
  return { kty: 'RSA', use: 'sig', alg: 'RS256', kid: k.kid, n: jwk.n, e: jwk.e };
}

function readState(file: string): SigningKey[] {
  const fail = (why: string): never => {
    throw new Error(`Auth0 stand-in state file ${file} is unusable (${why}); delete it to start with new keys`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return fail(`not JSON: ${(e as Error).message}`);
  }
  const state = parsed as Partial<StateFileV1> | null;
  if (!state || state.version !== 1 || !Array.isArray(state.keys) || state.keys.length === 0) {
    return fail('expected {"version":1,"keys":[...]}');
  }
  return state.keys.slice(0, PUBLISHED_KEYS).map((s, i) => {
    if (!s || typeof s.kid !== 'string' || !s.kid || typeof s.privateJwk !== 'object' || s.privateJwk === null) {
      return fail(`keys[${i}] needs kid and privateJwk`);
    }
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey({ key: s.privateJwk as JsonWebKey, format: 'jwk' });
    } catch (e) {
      return fail(`keys[${i}]: ${(e as Error).message}`);
    }
    if (privateKey.asymmetricKeyType !== 'rsa') return fail(`keys[${i}] is not an RSA key`);
    return {
      kid: s.kid,
      privateKey,
      publicKey: createPublicKey(privateKey),
      createdAt: typeof s.createdAt === 'string' ? s.createdAt : new Date().toISOString(),
    };
  });
}
