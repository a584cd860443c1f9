/**
 * Prints rover.yaml's subgraphs as "name<TAB>schema file<TAB>routing URL" lines, with
 * SUBGRAPH_URL_<NAME> overrides applied, for shell loops (CI's rover subgraph check/publish).
 * Usage: tsx scripts/schema/list-subgraphs.ts [rover.yaml]
 */
import { relative, resolve } from 'node:path';
import { readRoverConfig, withUrlOverrides } from './rover-config';

const config = resolve(process.argv[2] ?? resolve(__dirname, '..', '..', 'rover.yaml'));
for (const s of withUrlOverrides(readRoverConfig(config).subgraphs, process.env)) {
  console.log([s.name, relative(process.cwd(), s.schemaFile), s.routingUrl].join('\t'));
}
