/** The subgraph fetcher against a real node:http server on loopback: what Apollo's data source reads of it. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { subgraphFetcher } from './subgraph-fetcher';

let server: http.Server;
let base: string;
let connections = 0;
const received: Array<{ method?: string; headers: http.IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (req.url === '/hang') return; // never answers
      if (req.url === '/error') return res.writeHead(502, 'Bad Gateway', { 'content-type': 'text/plain' }).end('upstream down');
      res.writeHead(200, { 'content-type': 'application/json', 'x-multi': ['a', 'b'] }).end(JSON.stringify({ data: { echo: Buffer.concat(chunks).toString('utf8') } }));
    });
  });
  server.on('connection', () => { connections += 1; });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const fetcher = subgraphFetcher({ maxSocketsPerSubgraph: 4 });

test('sends method, headers and body; answers status, headers and JSON as the Fetcher interface says', async () => {
  const res = await fetcher(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-jtm-identity': 'assertion' }, body: '{"query":"{a}"}' });
  expect(res.ok).toBe(true);
  expect(res.status).toBe(200);
  expect(res.headers.get('Content-Type')).toBe('application/json');
  expect(res.headers.get('x-multi')).toBe('a, b');
  expect(res.headers.get('absent')).toBeNull();
  expect(await res.json()).toEqual({ data: { echo: '{"query":"{a}"}' } });
  expect(res.bodyUsed).toBe(true);
  await expect(res.text()).rejects.toThrow(/body used/);
  const last = received[received.length - 1];
  expect(last).toMatchObject({ method: 'POST', body: '{"query":"{a}"}' });
  expect(last.headers['x-jtm-identity']).toBe('assertion');
});

test('a non-2xx answer is not ok and keeps its status text and body', async () => {
  const res = await fetcher(`${base}/error`, { method: 'POST', body: '{}' });
  expect({ ok: res.ok, status: res.status, statusText: res.statusText, url: res.url }).toEqual({ ok: false, status: 502, statusText: 'Bad Gateway', url: `${base}/error` });
  expect(await res.clone().text()).toBe('upstream down');
});

test('sequential requests reuse one keep-alive connection', async () => {
  const before = connections;
  for (let i = 0; i < 5; i++) await (await fetcher(`${base}/graphql`, { method: 'POST', body: String(i) })).text();
  expect(connections - before).toBeLessThanOrEqual(1);
});

test('an abort signal ends a request the subgraph never answers', async () => {
  const started = Date.now();
  await expect(fetcher(`${base}/hang`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(200) })).rejects.toThrow(/abort/i);
  expect(Date.now() - started).toBeLessThan(5_000);
});

test('a refused connection rejects instead of hanging', async () => {
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  await expect(fetcher(`http://127.0.0.1:${port}/graphql`, { method: 'POST', body: '{}' })).rejects.toThrow(/ECONNREFUSED/);
});
