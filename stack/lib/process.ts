import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import net from 'node:net';

/** A process the local stack or a test started and must stop again. */
export interface ManagedService {
  readonly name: string;
  readonly pid: number | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves with the exit code when the process ends (for any reason). */
  readonly exited: Promise<number | null>;
}

export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** stdout+stderr go here (appended); nothing is printed to the console. */
  logFile: string;
  /** Polled until it resolves true; the process must still be running. */
  ready: () => Promise<boolean>;
  readyTimeoutMs?: number;
}

/** Process groups still running; killed if this process exits without stopping them. */
const live = new Set<number>();
process.once('exit', () => {
  for (const pid of live) {
    try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
  }
});

export async function spawnService(opts: SpawnOptions): Promise<ManagedService> {
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  const child: ChildProcess = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group, so stop() also ends anything the service forked.
    detached: true,
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  let done = false;
  if (child.pid !== undefined) live.add(child.pid);
  exited.then(() => {
    done = true;
    if (child.pid !== undefined) live.delete(child.pid);
  });

  const service: ManagedService = {
    name: opts.name,
    pid: child.pid,
    exited,
    async stop(graceMs = 10_000) {
      if (done) return;
      signalGroup(child, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      log.end();
    },
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  while (true) {
    if (done) throw new Error(`${opts.name} exited before it was ready; see ${opts.logFile}`);
    if (await opts.ready().catch(() => false)) return service;
    if (Date.now() > deadline) {
      await service.stop(2_000);
      throw new Error(`${opts.name} was not ready within ${opts.readyTimeoutMs ?? 60_000} ms; see ${opts.logFile}`);
    }
    await sleep(250);
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try { child.kill(signal); } catch { /* already gone */ }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when something accepts TCP connections on host:port. */
export function portOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1_000);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(false));
  });
}

/** True when GET url answers 2xx. */
export async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
