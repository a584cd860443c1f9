/** The Cassandra client, built once per deployable, and idempotent schema setup. */
import { Client, types, auth, policies, tracker } from 'cassandra-driver';
import { ConfigError, list, optional, integer } from './env';

export interface CassandraConfig {
  contactPoints: string[];
  localDataCenter: string;
  keyspace: string;
  /** CQL replication map for CREATE KEYSPACE, e.g. {'class':'SimpleStrategy','replication_factor':1}. */
  replication: string;
  consistency: types.consistencies;
  username?: string;
  password?: string;
  requestTimeoutMs: number;
}

const CONSISTENCIES: Record<string, types.consistencies> = {
  ONE: types.consistencies.one,
  LOCAL_ONE: types.consistencies.localOne,
  QUORUM: types.consistencies.quorum,
  LOCAL_QUORUM: types.consistencies.localQuorum,
};

export function readCassandraConfig(env: Record<string, string | undefined>, defaultKeyspace: string): CassandraConfig {
  const keyspace = optional(env, 'CASSANDRA_KEYSPACE', defaultKeyspace);
  if (!/^[a-z][a-z0-9_]{0,47}$/.test(keyspace)) throw new ConfigError('CASSANDRA_KEYSPACE must be a lower-case CQL identifier');
  const consistencyName = optional(env, 'CASSANDRA_CONSISTENCY', 'LOCAL_QUORUM').toUpperCase();
  const consistency = CONSISTENCIES[consistencyName];
  if (consistency === undefined) throw new ConfigError(`CASSANDRA_CONSISTENCY must be one of ${Object.keys(CONSISTENCIES).join(', ')}`);
  const replication = optional(env, 'CASSANDRA_REPLICATION', "{'class':'SimpleStrategy','replication_factor':1}");
  if (!/^\{[^;]*\}$/.test(replication)) throw new ConfigError('CASSANDRA_REPLICATION must be a CQL map literal');
  return {
    contactPoints: list(env, 'CASSANDRA_CONTACT_POINTS', ['127.0.0.1:9042']),
    localDataCenter: optional(env, 'CASSANDRA_LOCAL_DC', 'datacenter1'),
    keyspace,
    replication,
    consistency,
    username: env.CASSANDRA_USERNAME || undefined,
    password: env.CASSANDRA_PASSWORD || undefined,
    requestTimeoutMs: integer(env, 'CASSANDRA_REQUEST_TIMEOUT_MS', 2_000, 100, 60_000),
  };
}

export type QueryObserver = (labels: { statement: string; outcome: 'ok' | 'error' }, seconds: number) => void;

/** "select payment_entries", "insert payment_events", "batch": few, fixed labels for metrics. */
const TABLE = String.raw`(?:"?\w+"?\.)?"?(\w+)`;
const STATEMENT = new RegExp(String.raw`^\s*(?:(update)\s+${TABLE}|(select|insert|delete)\b[\s\S]*?\b(?:from|into)\s+${TABLE})`, 'i');

export function statementLabel(query: unknown): string {
  if (Array.isArray(query)) return 'batch';
  const text = String(query);
  const m = STATEMENT.exec(text);
  if (m) return m[1] ? `update ${m[2].toLowerCase()}` : `${m[3].toLowerCase()} ${m[4].toLowerCase()}`;
  const first = /^\s*(\w+)/.exec(text);
  return first ? first[1].toLowerCase() : 'other';
}

// The driver's typings declare RequestTracker as an interface, but the driver checks instanceof.
const RequestTrackerBase = (tracker as unknown as { RequestTracker: new () => object }).RequestTracker;

/** Times every query and batch the driver runs (cassandra-driver's RequestTracker hook). */
class QueryTimer extends RequestTrackerBase implements tracker.RequestTracker {
  constructor(private readonly observe: QueryObserver) {
    super();
  }
  onSuccess(_host: unknown, query: unknown, _p: unknown, _o: unknown, _req: number, _res: number, latency: number[]): void {
    this.observe({ statement: statementLabel(query), outcome: 'ok' }, latency[0] + latency[1] / 1e9);
  }
  onError(_host: unknown, query: unknown, _p: unknown, _o: unknown, _req: number, _err: Error, latency: number[]): void {
    this.observe({ statement: statementLabel(query), outcome: 'error' }, latency[0] + latency[1] / 1e9);
  }
  shutdown(): void {}
}

/** A client without a keyspace bound (so migrations can create it); statements name the keyspace. */
export function createCassandraClient(config: CassandraConfig, observe?: QueryObserver): Client {
  return new Client({
    ...(observe ? { requestTracker: new QueryTimer(observe) } : {}),
    contactPoints: config.contactPoints,
    localDataCenter: config.localDataCenter,
    authProvider: config.username ? new auth.PlainTextAuthProvider(config.username, config.password ?? '') : undefined,
    queryOptions: { consistency: config.consistency, prepare: true },
    socketOptions: { connectTimeout: 2_000, readTimeout: config.requestTimeoutMs },
    pooling: { heartBeatInterval: 5_000 },
    // Keep trying to reach a node that went away, never more than 5 s apart: the product must
    // recover from a Cassandra outage without a restart (the default backs off to 10 minutes).
    policies: { reconnection: new policies.reconnection.ExponentialReconnectionPolicy(500, 5_000, false) },
  });
}

/**
 * Creates the keyspace and tables if missing. Safe to run at every start and concurrently
 * from several replicas (IF NOT EXISTS; schema agreement is awaited by the driver).
 */
export async function migrate(client: Client, config: CassandraConfig, tableStatements: string[]): Promise<void> {
  await client.execute(
    `CREATE KEYSPACE IF NOT EXISTS ${config.keyspace} WITH replication = ${config.replication}`,
    [],
    { consistency: types.consistencies.one, prepare: false },
  );
  for (const cql of tableStatements) {
    await client.execute(cql.replaceAll('{ks}', config.keyspace), [], { prepare: false });
  }
}

/** True when the session can run a trivial query now (readiness). */
export async function cassandraUsable(client: Client): Promise<boolean> {
  try {
    await client.execute('SELECT release_version FROM system.local', [], { prepare: true, readTimeout: 1_000 });
    return true;
  } catch {
    return false;
  }
}

/** Driver errors that mean "Cassandra is not reachable or not answering": UNAVAILABLE, not INTERNAL. */
export function isCassandraUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const name = err.name;
  if (name === 'NoHostAvailableError' || name === 'OperationTimedOutError' || name === 'DriverInternalError') return true;
  if (name === 'ResponseError') {
    const code = (err as { code?: number }).code;
    const { responseErrorCodes: c } = types;
    return code === c.unavailableException || code === c.writeTimeout || code === c.readTimeout ||
      code === c.overloaded || code === c.isBootstrapping || code === c.writeFailure || code === c.readFailure;
  }
  return false;
}
