/**
 * A loopback HTTP endpoint through which test files (which run in jest's sandbox, apart from the
 * global setup that owns the processes) stop and start the shared stack's parts, for fault tests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalStack } from '../../stack/local-stack';

export async function startControlServer(stack: LocalStack): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const path = req.url ?? '';
    try {
      let m: RegExpExecArray | null;
      if (req.method !== 'POST') throw new Error('POST only');
      if (path === '/cassandra/stop') await stack.stopCassandra();
      else if (path === '/cassandra/start') await stack.startCassandra();
      else if ((m = /^\/deployables\/(payments|plugins|gateway)\/(kill|start)$/.exec(path))) {
        const name = m[1] as 'payments' | 'plugins' | 'gateway';
        if (m[2] === 'kill') await stack.killDeployable(name);
        else await stack.startDeployable(name);
      } else {
        res.writeHead(404).end('unknown action');
        return;
      }
      res.writeHead(200).end('ok');
    } catch (err) {
      res.writeHead(500).end(err instanceof Error ? err.message : String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}
