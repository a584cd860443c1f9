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
      let answer = 'ok';
      if (req.method !== 'POST') throw new Error('POST only');
      if (path === '/cassandra/stop') await stack.stopCassandra();
      else if (path === '/cassandra/start') await stack.startCassandra();
      else if ((m = /^\/deployables\/(payments|plugins|gateway)\/(kill|term|start)$/.exec(path))) {
        const name = m[1] as 'payments' | 'plugins' | 'gateway';
        // kill = a crash (SIGKILL); term = an orderly stop (SIGTERM), answering the exit code.
        // start may carry a JSON body { env }: variables added for this start only.
        if (m[2] === 'start') await stack.startDeployable(name, await extraEnv(req));
        else answer = String(await stack.killDeployable(name, m[2] === 'kill' ? 'SIGKILL' : 'SIGTERM'));
      } else {
        res.writeHead(404).end('unknown action');
        return;
      }
      res.writeHead(200).end(answer);
    } catch (err) {
      res.writeHead(500).end(err instanceof Error ? err.message : String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

async function extraEnv(req: http.IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? ((JSON.parse(text) as { env?: Record<string, string> }).env ?? {}) : {};
}
