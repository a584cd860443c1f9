/** The parent's handle on the load generator process (load-worker.ts): start it once, run intervals. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { InitMessage, RunMessage, RunResult } from './load-worker';

export interface LoadGenerator {
  pid: number;
  run(spec: Omit<RunMessage, 'type' | 'id'>): Promise<RunResult>;
  stop(): void;
}

export async function startLoadGenerator(init: Omit<InitMessage, 'type'>): Promise<LoadGenerator> {
  // Same extension as this file: .js from dist/, .ts under tsx (fork inherits tsx's loader flags).
  const entry = join(__dirname, `load-worker${__filename.endsWith('.ts') ? '.ts' : '.js'}`);
  const child: ChildProcess = fork(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, NODE_ENV: 'production' } });
  let nextId = 0;
  const waiting = new Map<number, { resolve: (r: RunResult) => void; reject: (e: Error) => void }>();
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => { ready = resolve; });
  child.on('message', (msg: { type: string; id?: number; message?: string }) => {
    if (msg.type === 'ready') return ready();
    const pending = waiting.get(msg.id ?? -1);
    if (!pending) return;
    waiting.delete(msg.id!);
    if (msg.type === 'error') pending.reject(new Error(`load generator: ${msg.message}`));
    else pending.resolve(msg as unknown as RunResult);
  });
  child.once('exit', (code) => {
    for (const { reject } of waiting.values()) reject(new Error(`load generator exited (${code})`));
    waiting.clear();
  });
  child.send({ type: 'init', ...init } satisfies InitMessage);
  await isReady;
  return {
    pid: child.pid!,
    run(spec) {
      const id = ++nextId;
      return new Promise<RunResult>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child.send({ type: 'run', id, ...spec } satisfies RunMessage);
      });
    },
    stop() {
      child.disconnect();
    },
  };
}
