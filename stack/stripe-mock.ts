/** Stripe's own stripe-mock (installed by stack/install.sh into .cache/bin), on loopback. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnService, type ManagedService } from './lib/process';
import { projectRoot } from '../common/paths';

export const STRIPE_MOCK_VERSION = 'v0.203.0';

export function stripeMockBinary(): string {
  return join(projectRoot(), '.cache', 'bin', 'stripe-mock');
}

export async function startStripeMock(opts: { port: number; logFile: string }): Promise<ManagedService & { url: string }> {
  const bin = stripeMockBinary();
  if (!existsSync(bin)) throw new Error(`stripe-mock is not installed at ${bin}; run stack/install.sh`);
  const url = `http://127.0.0.1:${opts.port}`;
  const service = await spawnService({
    name: 'stripe-mock',
    command: bin,
    // Its HTTPS listener would bind every interface on 12112 unless told otherwise.
    args: ['-http-addr', `127.0.0.1:${opts.port}`, '-https-addr', '127.0.0.1:'],
    logFile: opts.logFile,
    // Any authenticated GET answers 200 once the spec is loaded.
    ready: () => httpOkWithKey(`${url}/v1/balance`),
    readyTimeoutMs: 30_000,
  });
  return Object.assign(service, { url });
}

async function httpOkWithKey(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { headers: { authorization: 'Bearer sk_test_readiness' }, signal: AbortSignal.timeout(1_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}
