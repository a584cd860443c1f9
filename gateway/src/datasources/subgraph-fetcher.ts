/**
 * The fetcher for subgraph requests, built once in main.ts and given to every data source.
 * Apollo's default (make-fetch-happen) adds an HTTP cache layer and an agent that reads
 * `new Error().stack` on every request to tell http from https; subgraph answers are per user
 * and never cached. node-fetch was the next step down; this is the last: one node:http request
 * on a keep-alive agent and a response object with exactly what RemoteGraphQLDataSource reads
 * (ok, status, statusText, url, headers.get, text, json), which halved the fetch cost again
 * (measured by bench/). Connections per subgraph are bounded; requests beyond the bound wait
 * for a free socket instead of opening ever more.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { Fetcher, FetcherHeaders, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';

/** Subgraph answers are small; anything this large is a fault, not a result. */
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export function subgraphFetcher(opts: { maxSocketsPerSubgraph: number }): Fetcher {
  // Idle sockets are retired after 30 s, well before the subgraphs' 65 s keep-alive timeout closes them under a request.
  const agentOptions = { keepAlive: true, maxSockets: opts.maxSocketsPerSubgraph, scheduling: 'lifo' as const, timeout: 30_000 };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };
  return (url, init) => request(url, init ?? {}, agents);
}

function request(url: string, init: FetcherRequestInit & { signal?: AbortSignal }, agents: Record<'http:' | 'https:', http.Agent>): Promise<FetcherResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') return reject(new TypeError(`subgraph URL must be http(s), got ${target.protocol}`));
    const send = target.protocol === 'https:' ? https.request : http.request;
    const req = send(target, { method: init.method ?? 'GET', headers: init.headers, agent: agents[target.protocol], signal: init.signal }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) return req.destroy(new Error('subgraph response too large'));
        chunks.push(chunk);
      });
      res.once('end', () => resolve(new SubgraphResponse(url, res.statusCode ?? 0, res.statusMessage ?? '', res.headers, Buffer.concat(chunks))));
      res.on('error', reject);
    });
    req.on('error', reject); // on, not once: a second error on a dead socket must not crash the gateway
    req.end(init.body);
  });
}

/** The response headers, lower-cased, as the Fetcher interface wants them. */
class ResponseHeaders implements FetcherHeaders {
  private readonly map = new Map<string, string>();
  constructor(raw: IncomingHttpHeaders) {
    for (const [k, v] of Object.entries(raw)) if (v !== undefined) this.map.set(k, Array.isArray(v) ? v.join(', ') : String(v));
  }
  get(name: string) { return this.map.get(name.toLowerCase()) ?? null; }
  has(name: string) { return this.map.has(name.toLowerCase()); }
  set(name: string, value: string) { this.map.set(name.toLowerCase(), value); }
  append(name: string, value: string) { const old = this.get(name); this.set(name, old === null ? value : `${old}, ${value}`); }
  delete(name: string) { this.map.delete(name.toLowerCase()); }
  entries() { return this.map.entries(); }
  keys() { return this.map.keys(); }
  values() { return this.map.values(); }
  [Symbol.iterator]() { return this.map.entries(); }
}

class SubgraphResponse implements FetcherResponse {
  readonly ok: boolean;
  readonly redirected = false;
  readonly headers: ResponseHeaders;
  bodyUsed = false;

  constructor(readonly url: string, readonly status: number, readonly statusText: string, private readonly raw: IncomingHttpHeaders, private readonly body: Buffer) {
    this.ok = status >= 200 && status < 300;
    this.headers = new ResponseHeaders(raw);
  }

  private consume(): Buffer {
    if (this.bodyUsed) throw new TypeError('body used already');
    this.bodyUsed = true;
    return this.body;
  }

  async text(): Promise<string> { return this.consume().toString('utf8'); }
  async json(): Promise<unknown> { return JSON.parse(this.consume().toString('utf8')); }
  async arrayBuffer(): Promise<ArrayBuffer> { const b = this.consume(); return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer; }
  clone(): FetcherResponse { return new SubgraphResponse(this.url, this.status, this.statusText, this.raw, this.body); }
}
