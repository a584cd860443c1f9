/**
 * Composes the subgraph SDL files listed in rover.yaml with @apollo/composition (what
 * `rover supergraph compose` runs) into the committed schema/supergraph.graphql.
 *
 *   tsx scripts/schema/compose.ts               write schema/supergraph.graphql (rover.yaml's URLs)
 *   tsx scripts/schema/compose.ts --out <file>  write elsewhere, with SUBGRAPH_URL_<NAME> overrides
 *   tsx scripts/schema/compose.ts --check       run the full schema check (scripts/schema/check.ts)
 *
 * The committed file always carries rover.yaml's URLs so the staleness check is reproducible;
 * environments override URLs at runtime (the gateway reads SUBGRAPH_URL_<NAME>) or with --out.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readRoverConfig, urlOverrideVariable } from './rover-config';
import { composeFromConfig } from './composition';
import { formatFinding } from './findings';
import { main as check } from './check';

function main(argv: string[]): number {
  if (argv.includes('--check')) return check(argv.filter((a) => a !== '--check'));
  const root = resolve(__dirname, '..', '..');
  const config = resolve(root, 'rover.yaml');
  const outIndex = argv.indexOf('--out');
  const out = outIndex >= 0 ? resolve(argv[outIndex + 1] ?? '') : resolve(root, 'schema', 'supergraph.graphql');
  const committed = outIndex < 0;
  const composition = composeFromConfig(config, committed ? undefined : process.env);
  if (committed) {
    const ignored = readRoverConfig(config).subgraphs.map((s) => urlOverrideVariable(s.name)).filter((v) => process.env[v]);
    if (ignored.length) console.log(`note: ${ignored.join(', ')} ignored; the committed supergraph keeps rover.yaml's URLs (use --out for an environment's copy)`);
  }
  for (const h of composition.hints) console.log(formatFinding(h));
  if (!composition.supergraphSdl) {
    console.error('composition failed:');
    for (const e of composition.errors) console.error(formatFinding(e));
    return 1;
  }
  writeFileSync(out, composition.supergraphSdl);
  console.log(`wrote ${out}`);
  return 0;
}

if (require.main === module) {
  process.exit(main(process.argv.slice(2)));
}
