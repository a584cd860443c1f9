/**
 * Serves the committed supergraph file (no introspection-based composition in production) and
 * hot-reloads it when the file changes or on SIGHUP. The gateway swaps schemas atomically:
 * requests in flight finish on the schema they started with. A bad file is logged and ignored.
 */
import { readFileSync, watchFile, unwatchFile } from 'node:fs';
import type { SupergraphSdlHook } from '@apollo/gateway';
import type { Logger } from '../../../common/log';

export function fileSupergraph(path: string, log: Logger): SupergraphSdlHook {
  return async ({ update }) => {
    let current = readFileSync(path, 'utf8');
    const reload = (why: string) => {
      let next: string;
      try {
        next = readFileSync(path, 'utf8');
      } catch (err) {
        log.warn('supergraph file unreadable; keeping the current schema', { why, err });
        return;
      }
      if (next === current) return;
      try {
        update(next);
        current = next;
        log.info('supergraph reloaded', { why });
      } catch (err) {
        log.error('new supergraph rejected; keeping the current schema', { why, err });
      }
    };
    const onHup = () => reload('SIGHUP');
    process.on('SIGHUP', onHup);
    watchFile(path, { interval: 1_000 }, () => reload('file changed'));
    return {
      supergraphSdl: current,
      cleanup: async () => {
        process.off('SIGHUP', onHup);
        unwatchFile(path);
      },
    };
  };
}
