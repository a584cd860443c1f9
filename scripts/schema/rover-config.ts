import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface SubgraphSource {
  name: string;
  routingUrl: string;
  schemaFile: string;
  sdl: string;
}

/** Reads a rover supergraph config (rover.yaml) and the SDL files it names. */
export function readRoverConfig(configPath: string): { federationVersion: string; subgraphs: SubgraphSource[] } {
  const raw = parseYaml(readFileSync(configPath, 'utf8')) as {
    federation_version?: string;
    subgraphs?: Record<string, { routing_url?: string; schema?: { file?: string } }>;
  };
  if (!raw?.subgraphs) throw new Error(`${configPath}: no "subgraphs" section`);
  const base = dirname(resolve(configPath));
  const subgraphs = Object.entries(raw.subgraphs).map(([name, entry]) => {
    if (!entry.routing_url) throw new Error(`${configPath}: subgraph ${name} has no routing_url`);
    if (!entry.schema?.file) throw new Error(`${configPath}: subgraph ${name} has no schema.file`);
    const schemaFile = resolve(base, entry.schema.file);
    return { name, routingUrl: entry.routing_url, schemaFile, sdl: readFileSync(schemaFile, 'utf8') };
  });
  return { federationVersion: String(raw.federation_version ?? ''), subgraphs };
}

/** SUBGRAPH_URL_<NAME>, the variable the gateway also reads, e.g. SUBGRAPH_URL_PAYMENTS. */
export function urlOverrideVariable(subgraph: string): string {
  return `SUBGRAPH_URL_${subgraph.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** The subgraphs with each routing URL replaced by its SUBGRAPH_URL_<NAME> variable, where set. */
export function withUrlOverrides(subgraphs: SubgraphSource[], env: Record<string, string | undefined>): SubgraphSource[] {
  return subgraphs.map((s) => ({ ...s, routingUrl: env[urlOverrideVariable(s.name)] || s.routingUrl }));
}
