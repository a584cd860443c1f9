/**
 * The fetcher for subgraph requests, built once in main.ts and given to every data source.
 * Apollo's default (make-fetch-happen) adds an HTTP cache layer and an agent that reads
 * `new Error().stack` on every request to tell http from https; subgraph answers are per user
 * and never cached, so plain node-fetch on keep-alive agents does the same job for a fraction
 * of the CPU (measured by bench/: Apollo's default costs 1.6-1.8x the gateway CPU per request).
 * A hand-written node:http fetcher was tried and measured no cheaper (bench/results/ab.md).
 * Connections per subgraph are bounded; requests beyond the bound wait for a free socket
 * instead of opening ever more.
 */
import http from 'node:http';
import https from 'node:https';
import nodeFetch from 'node-fetch';
import type { Fetcher } from '@apollo/utils.fetcher';

export function subgraphFetcher(opts: { maxSocketsPerSubgraph: number }): Fetcher {
  // Idle sockets are retired after 30 s, well before the subgraphs' 65 s keep-alive timeout closes them under a request.
  const agentOptions = { keepAlive: true, maxSockets: opts.maxSocketsPerSubgraph, scheduling: 'lifo' as const, timeout: 30_000 };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  return (url, init) => nodeFetch(url, { ...init, agent: (parsed) => (parsed.protocol === 'https:' ? httpsAgent : httpAgent) }) as unknown as ReturnType<Fetcher>;
}
