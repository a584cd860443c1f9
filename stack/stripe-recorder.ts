/**
 * A small HTTP proxy between the payments subgraph and a Stripe emulator that records what
 * reached Stripe (method, path, Idempotency-Key, decoded form body) and can inject faults:
 * delay the answer, drop the connection after the request was forwarded, or answer a status
 * with a Stripe error body (a 5xx by default; a 402 card_error or 400 invalid_request_error to
 * test definitive refusals, which stripe-mock itself never gives), or answer a given body (state
 * stripe-mock does not keep, e.g. a search that finds an intent). A fault with `match` applies
 * only to requests whose path and query contain it.
 * Tests read and steer it over HTTP (/__recorder/...), since they run in other processes.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedStripeRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  /** Form body, or the query string of a GET. */
  params: Record<string, string>;
  /** What the proxy did: forwarded (and the emulator's status), or the injected fault. */
  outcome: string;
  at: string;
}

/** The `error` object of Stripe's error responses; stripe-node picks its error class from `type`. */
export interface StripeErrorBody {
  type: 'api_error' | 'card_error' | 'invalid_request_error' | 'idempotency_error' | 'rate_limit_error';
  code?: string;
  decline_code?: string;
  message: string;
}

export type Fault = (
  | { mode: 'delay'; delayMs: number }
  | { mode: 'drop-after-forward' }
  | { mode: 'status'; status: number; error?: StripeErrorBody }
  | { mode: 'answer'; status: number; body: unknown }
) & { count?: number; match?: string };

export async function startStripeRecorder(opts: { port: number; upstream: string }): Promise<{ url: string; close(): Promise<void> }> {
  const requests: RecordedStripeRequest[] = [];
  let fault: (Fault & { remaining: number }) | null = null;

  const delays = new Set<NodeJS.Timeout>();
  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(() => { delays.delete(timer); resolve(); }, ms);
    delays.add(timer);
  });

  // Never an unhandled rejection in the process that hosts the stack: stripe-mock gone, a bad
  // fault body or a closed socket answer an error (or end the socket) instead.
  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (res.headersSent || res.destroyed) return void res.destroy();
      res.writeHead(err instanceof SyntaxError ? 400 : 502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { type: 'api_error', message: `stripe recorder: ${err instanceof Error ? err.message : String(err)}` } }));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readAll(req);
    const path = req.url ?? '/';
    if (path.startsWith('/__recorder/')) return admin(req, res, path, body);
    const record: RecordedStripeRequest = {
      method: req.method ?? 'GET',
      path: path.split('?')[0],
      idempotencyKey: (req.headers['idempotency-key'] as string | undefined) ?? null,
      // A GET (retrieve, search) carries its parameters in the query string.
      params: Object.fromEntries(new URLSearchParams(req.method === 'GET' ? (path.split('?')[1] ?? '') : body.toString('utf8'))),
      outcome: 'pending',
      at: new Date().toISOString(),
    };
    requests.push(record);
    const active = fault && fault.remaining > 0 && (!fault.match || decodeURIComponent(path).includes(fault.match)) ? fault : null;
    if (active) active.remaining--;
    if (active?.mode === 'status') {
      const error = active.error ?? { type: 'api_error', message: 'injected fault' };
      record.outcome = `injected ${active.status} ${error.type}${error.code ? `/${error.code}` : ''}`;
      res.writeHead(active.status, { 'content-type': 'application/json', 'request-id': 'req_injected' });
      res.end(JSON.stringify({ error }));
      return;
    }
    if (active?.mode === 'answer') {
      record.outcome = `injected answer ${active.status}`;
      res.writeHead(active.status, { 'content-type': 'application/json', 'request-id': 'req_injected' });
      res.end(JSON.stringify(active.body));
      return;
    }
    if (active?.mode === 'delay') await sleep(active.delayMs);
    record.outcome = 'upstream error';
    const upstream = await fetch(opts.upstream + path, {
      method: req.method,
      headers: forwardHeaders(req),
      body: req.method === "GET" || req.method === "HEAD" ? undefined : new Uint8Array(body),
    });
    const answer = Buffer.from(await upstream.arrayBuffer());
    if (active?.mode === 'drop-after-forward') {
      record.outcome = `forwarded ${upstream.status}, connection dropped`;
      req.socket.destroy();
      return;
    }
    record.outcome = `forwarded ${upstream.status}`;
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json', 'request-id': upstream.headers.get('request-id') ?? '' });
    res.end(answer);
  }

  function admin(req: IncomingMessage, res: ServerResponse, path: string, body: Buffer) {
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (path === '/__recorder/requests' && req.method === 'GET') return json(200, requests);
    if (path === '/__recorder/requests' && req.method === 'DELETE') {
      requests.length = 0;
      return json(200, { cleared: true });
    }
    if (path === '/__recorder/fault' && req.method === 'POST') {
      const f = body.length ? (JSON.parse(body.toString('utf8')) as Fault | null) : null;
      fault = f ? { ...f, remaining: f.count ?? Number.MAX_SAFE_INTEGER } : null;
      return json(200, { fault });
    }
    json(404, { error: 'unknown recorder endpoint' });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      for (const timer of delays) clearTimeout(timer); // a delay fault must not keep the host process alive
      delays.clear();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function forwardHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || k === 'host' || k === 'content-length' || k === 'connection') continue;
    out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
