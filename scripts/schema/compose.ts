/**
 * Composes the subgraph SDL files listed in rover.yaml into schema/supergraph.graphql with
 * @apollo/composition (what `rover supergraph compose` runs). Usage: tsx scripts/schema/compose.ts [--check]
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { readRoverConfig } from './rover-config';

export function composeFromConfig(configPath: string): { supergraphSdl?: string; errors: string[]; hints: string[] } {
  const { subgraphs } = readRoverConfig(configPath);
  const result = composeServices(
    subgraphs.map((s) => ({ name: s.name, url: s.routingUrl, typeDefs: parse(s.sdl) })),
  );
  const hints = (result.hints ?? []).map((h) => `hint ${h.definition.code}: ${h.message}`);
  if (result.errors) {
    return { errors: result.errors.map((e) => `error ${(e.extensions?.code as string) ?? 'COMPOSITION'}: ${e.message}`), hints };
  }
  return { supergraphSdl: result.supergraphSdl, errors: [], hints };
}

if (require.main === module) {
  const root = resolve(__dirname, '..', '..');
  const out = resolve(root, 'schema', 'supergraph.graphql');
  const { supergraphSdl, errors, hints } = composeFromConfig(resolve(root, 'rover.yaml'));
  for (const h of hints) console.log(h);
  if (errors.length || !supergraphSdl) {
    for (const e of errors) console.error(e);
    process.exit(1);
  }
  if (process.argv.includes('--check')) {
    const committed = existsSync(out) ? readFileSync(out, 'utf8') : '';
    if (committed !== supergraphSdl + '\n') {
      console.error('schema/supergraph.graphql is stale: run `npm run schema:compose` and commit it');
      process.exit(1);
    }
    console.log('schema/supergraph.graphql is up to date');
  } else {
    writeFileSync(out, supergraphSdl + '\n');
    console.log(`wrote ${out}`);
  }
}
