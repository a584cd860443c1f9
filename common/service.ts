/**
 * One HTTP service with an explicit lifecycle: starting -> ready -> draining -> stopped.
 * /healthz answers while the process runs; /readyz only when ready and the dependency check
 * passes; SIGTERM/SIGINT turn readiness off, stop accepting, let in-flight requests finish
 * within the grace period, close dependencies and exit 0.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './log';
import type { Metrics } from './metrics';
import { sendJson, sendText, requestIdOf, REQUEST_ID_HEADER } from './http';

export type Phase = 'starting' | 'ready' | 'draining' | 'stopped';

export interface RequestContext {
  requestId: string;
  log: Logger;
  /** Adds fields (client id...) to this request's access log line. */
  annotate(fields: Record<string, unknown>): void;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => Promise<void>;

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

export interface ServiceOptions {
  name: string;
  host: string;
  port: number;
  log: Logger;
  metrics: Metrics;
  /** Exact-path routes; anything else is 404. */
  routes: Record<string, Handler>;
  /** Dependencies usable now (Cassandra session, supergraph loaded...). */
  readiness: () => Promise<boolean>;
  /** Close clients after the HTTP server has drained. */
  close: () => Promise<void>;
  drainMs?: number;
}

export interface RunningService {
  port: number;
  phase(): Phase;
  stop(): Promise<void>;
}

export async function startService(opts: ServiceOptions): Promise<RunningService> {
  let phase: Phase = 'starting';
  const server = http.createServer(async (req, res) => {
    const started = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?')[0];
    const requestId = requestIdOf(req);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const route = opts.routes[path] || PROBES.has(path) ? path : 'unmatched';
    const annotations: Record<string, unknown> = {};
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      opts.metrics.httpDuration.observe({ route, method: req.method ?? '', status: String(res.statusCode) }, seconds);
      // One access line per request (probes and scrapes excluded), with the id that follows it across services.
      if (!PROBES.has(route)) opts.log.info('request', { ...annotations, requestId, method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 10_000) / 10 });
    });
    try {
      if (path === '/healthz') return sendJson(res, 200, { status: 'alive', phase });
      if (path === '/readyz') {
        const ok = phase === 'ready' && (await opts.readiness());
        return sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready', phase });
      }
      if (path === '/metrics') {
        return sendText(res, 200, await opts.metrics.registry.metrics(), { 'content-type': opts.metrics.registry.contentType });
      }
      const handler = opts.routes[path];
      if (!handler) return sendJson(res, 404, { error: 'not found' });
      if (phase === 'draining') res.setHeader('connection', 'close');
      await handler(req, res, { requestId, log: opts.log.child({ requestId }), annotate: (fields) => Object.assign(annotations, fields) });
    } catch (err) {
      opts.log.error('unhandled error in request', { requestId, path, err });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    }
  });
  server.keepAliveTimeout = 65_000; // longer than typical load-balancer idle timeouts
  server.headersTimeout = 66_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  phase = 'ready';
  opts.log.info(`${opts.name} listening`, { url: `http://${opts.host}:${port}` });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      phase = 'draining';
      opts.log.info('draining');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections go as soon as they are idle (an in-flight response makes its own
      // connection idle when it ends), so the drain lasts as long as the slowest request, no longer.
      server.closeIdleConnections();
      const idleCloser = setInterval(() => server.closeIdleConnections(), 100);
      let graceTimer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => { graceTimer = setTimeout(resolve, opts.drainMs ?? 20_000); });
      await Promise.race([closed, grace]);
      clearInterval(idleCloser);
      clearTimeout(graceTimer);
      server.closeAllConnections();
      await opts.close().catch((err) => opts.log.warn('error while closing', { err }));
      phase = 'stopped';
      opts.log.info('stopped');
    })();
    return stopping;
  };
  return { port, phase: () => phase, stop };
}

/** Wires SIGTERM/SIGINT to a graceful stop, then exit 0. */
export function exitOnSignals(service: RunningService): void {
  const onSignal = () => { void service.stop().then(() => process.exit(0)); };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
