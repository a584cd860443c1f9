/** Prometheus metrics: one registry per process, shared series defined once. */
import { Registry, collectDefaultMetrics, Histogram, Counter } from 'prom-client';

export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    registry,
    httpDuration,
    /** For createCassandraClient: CQL latency by statement ("select payment_entries") and outcome. */
    cassandraQueries() {
      const histogram = new Histogram<'statement' | 'outcome'>({
        name: 'cassandra_query_duration_seconds',
        help: 'CQL statements and batches by statement and outcome',
        labelNames: ['statement', 'outcome'],
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers: [registry],
      });
      return (labels: { statement: string; outcome: string }, seconds: number) => histogram.observe(labels, seconds);
    },
    histogram<L extends string>(name: string, help: string, labelNames: L[]) {
      return new Histogram<L>({ name, help, labelNames, buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] });
    },
    counter<L extends string>(name: string, help: string, labelNames: L[]) {
      return new Counter<L>({ name, help, labelNames, registers: [registry] });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
