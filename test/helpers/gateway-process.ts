/**
 * A second gateway of our own, next to the stack's (which other e2e files share and must not see
 * restarted): the stack's gateway environment plus the test's, on a free port, logging into the
 * stack's run folder (kept for a failed run, cleared by the next). The caller stops it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../stack/lib/process';
import { startDeployable } from '../../stack/product';
import { stack } from './stack';

export interface GatewayProcess {
  url: string;
  pid: number;
  /** The gateway's JSON log lines so far. */
  logLines(): Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

export async function startGateway(env: Record<string, string>): Promise<GatewayProcess> {
  const port = await freePort();
  const logDir = join(stack().runDir, 'logs', `gateway-${port}`);
  const service = await startDeployable('gateway', { ...stack().env.gateway, ...env }, port, logDir);
  if (service.pid === undefined) throw new Error('gateway started without a pid');
  return {
    url: service.url,
    pid: service.pid,
    logLines: () => readFileSync(join(logDir, 'gateway.log'), 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>),
    stop: () => service.stop(),
  };
}
