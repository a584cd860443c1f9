import { integer, optional, required } from '../../../common/env';
import { readCassandraConfig, type CassandraConfig } from '../../../common/cassandra';
import { parseSigningKeys, type SigningKey } from '../../../common/identity';

export interface PluginsConfig {
  host: string;
  port: number;
  cassandra: CassandraConfig;
  identityKeys: SigningKey[];
  logLevel: string;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): PluginsConfig {
  return {
    host: optional(env, 'HOST', '127.0.0.1'),
    port: integer(env, 'PORT', 4002, 0, 65535),
    cassandra: readCassandraConfig(env, 'jtm_catalog'),
    identityKeys: parseSigningKeys(required(env, 'IDENTITY_SIGNING_KEYS')),
    logLevel: optional(env, 'LOG_LEVEL', 'info'),
  };
}
