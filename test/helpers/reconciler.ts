/** Runs the reconciler command from dist/ against the test stack, as the CronJob would. Rejects when it prints no report. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../common/paths';
import { stack } from './stack';

export interface ReconcilerRun {
  exitCode: number;
  report: Record<string, number>;
  /** The JSON log lines it wrote (level, msg and fields). */
  logs: Array<Record<string, unknown>>;
}

export function runReconciler(args: string[], logLevel = 'error'): Promise<ReconcilerRun> {
  return new Promise((resolve, reject) => {
    const script = join(projectRoot(), 'dist/subgraphs/payments/src/reconcile.js');
    execFile(process.execPath, [script, ...args], { env: { PATH: process.env.PATH ?? '', ...stack().env.payments, LOG_LEVEL: logLevel } }, (err, stdout, stderr) => {
      const exitCode = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      const lines = stdout.trim().split('\n').filter(Boolean);
      try {
        if (!lines.length) throw new Error('no output');
        const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
        const report = parsed.at(-1) as Record<string, number>;
        resolve({ exitCode, report, logs: parsed.slice(0, -1) });
      } catch {
        reject(new Error(`reconciler exited ${exitCode} without a report: ${stdout}${stderr}`));
      }
    });
  });
}
