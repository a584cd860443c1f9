/**
 * Before any load: many distinct users known to the Auth0 stand-in, each with its own RS256
 * token; one payment per user (so W1 has something to read); then one request per workload and
 * configuration, checked in full, so a fast wrong answer never gets measured.
 */
import { randomBytes } from 'node:crypto';
import type { Auth0Standin } from '../stack/auth0';
import { PAYMENT_SCOPE } from '../stack/local-stack';
import { parseSigningKeys, signIdentity } from '../common/identity';
import { workloads, type Caller, type W1Mode, type Workload } from './workloads';
import type { Cell } from './interval';

export interface BenchUser { sub: string; token: string }

export async function createUsers(auth0: Auth0Standin, count: number): Promise<BenchUser[]> {
  const tag = randomBytes(3).toString('hex');
  const users: BenchUser[] = [];
  for (let i = 0; i < count; i++) {
    const sub = `auth0|bench-${tag}-${String(i).padStart(4, '0')}`;
    auth0.addUser({ user_id: sub, email: `bench-${tag}-${i}@example.test`, name: `Bench user ${i}` });
    // Long enough for the whole run; each user's token is distinct (own sub, own signature).
    users.push({ sub, token: await auth0.mintToken({ sub, scope: PAYMENT_SCOPE, expiresInSec: 4 * 3600 }) });
  }
  return users;
}

export async function call(baseUrl: string, workload: Workload, kind: Cell['kind'], caller: Caller): Promise<{ status: number; body: string }> {
  const req = workload.request(kind, caller, `bench-setup-${randomBytes(8).toString('hex')}`);
  const res = await fetch(`${baseUrl}${req.path}`, { method: 'POST', headers: req.headers, body: req.body, signal: AbortSignal.timeout(15_000) });
  return { status: res.status, body: await res.text() };
}

/** One payment per user through our gateway, a few at a time. */
export async function payOncePerUser(gatewayUrl: string, users: BenchUser[], w1Mode: W1Mode): Promise<void> {
  const pay = workloads(w1Mode).W2;
  let next = 0;
  const worker = async () => {
    while (next < users.length) {
      const user = users[next++];
      const res = await call(gatewayUrl, pay, 'front', user);
      const problem = pay.validate('front', res.status, res.body);
      if (problem) throw new Error(`setup payment for ${user.sub} failed: ${problem}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Every cell answers three users correctly, in full; throws with the first wrong answer. */
export async function checkCorrectness(cells: Cell[], users: BenchUser[], identityKeys: string, w1Mode: W1Mode): Promise<string[]> {
  const key = parseSigningKeys(identityKeys)[0];
  const lines: string[] = [];
  for (const cell of cells) {
    const workload = workloads(w1Mode)[cell.workload];
    for (const user of [users[0], users[Math.floor(users.length / 2)], users[users.length - 1]]) {
      const caller: Caller = { ...user, assertion: await signIdentity({ clientId: user.sub, scopes: [PAYMENT_SCOPE] }, key) };
      const res = await call(cell.url, workload, cell.kind, caller);
      const problem = workload.validate(cell.kind, res.status, res.body);
      if (problem) throw new Error(`correctness check failed: ${cell.workload} via ${cell.config}: ${problem}`);
    }
    lines.push(`${cell.workload} via ${cell.config}: 3/3 answers correct`);
  }
  return lines;
}
