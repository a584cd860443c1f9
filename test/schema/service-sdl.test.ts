/**
 * Each subgraph serves, as `_service { sdl }`, exactly the schema file rover.yaml composes. The
 * subgraph's ApolloServer is built in process by the same buildSubgraphServer its main.ts calls
 * (which reads schema/<sdlFile> and runs buildSubgraphSchema), with its real resolvers module,
 * so no Cassandra or Stripe is needed: the resolvers' dependencies are dummies, never called.
 */
import { join } from 'node:path';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { readRoverConfig } from '../../scripts/schema/rover-config';
import { importedDirectives, normalizeSubgraphSdl } from './subgraph-sdl';
import { buildSubgraphServer, type SubgraphContext } from '../../common/subgraph-server';
import { createLogger } from '../../common/log';
import { paymentsResolvers } from '../../subgraphs/payments/src/resolvers';
import { catalogResolvers } from '../../subgraphs/plugins/src/resolvers';
import type { CreateIntentDeps } from '../../subgraphs/payments/src/intents/create-intent';
import type { CatalogStore } from '../../subgraphs/plugins/src/catalog-store';

const REPO = join(__dirname, '..', '..');

// What each deployable passes to buildSubgraphServer (subgraphs/*/src/main.ts).
const SERVERS: Record<string, { sdlFile: string; resolvers: () => GraphQLResolverMap<SubgraphContext> }> = {
  payments: { sdlFile: 'payments.graphql', resolvers: () => paymentsResolvers({} as CreateIntentDeps) as GraphQLResolverMap<SubgraphContext> },
  plugins: { sdlFile: 'plugins.graphql', resolvers: () => catalogResolvers({} as CatalogStore) as GraphQLResolverMap<SubgraphContext> },
};

async function serviceSdl(name: string): Promise<string> {
  const { sdlFile, resolvers } = SERVERS[name];
  const server = buildSubgraphServer({ sdlFile, resolvers: resolvers(), log: createLogger(`${name}-test`, 'error') });
  const response = await server.executeOperation({ query: '{ _service { sdl } }' });
  await server.stop();
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  expect(response.body.singleResult.errors).toBeUndefined();
  return (response.body.singleResult.data as { _service: { sdl: string } })._service.sdl;
}

const subgraphs = readRoverConfig(join(REPO, 'rover.yaml')).subgraphs;

describe('_service { sdl } of each subgraph', () => {
  // Apollo Server announces inline tracing on every start.
  beforeAll(() => jest.spyOn(console, 'info').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  it('has a resolvers module for every subgraph in rover.yaml', () => {
    expect(subgraphs.map((s) => s.name).sort()).toEqual(Object.keys(SERVERS).sort());
  });

  it.each(subgraphs.map((s) => [s.name, s] as const))('%s serves its schema file', async (name, subgraph) => {
    const served = await serviceSdl(name);
    const imports = importedDirectives(subgraph.sdl);
    expect(normalizeSubgraphSdl(served, imports)).toEqual(normalizeSubgraphSdl(subgraph.sdl, imports));
  });

  it('the comparison notices a field present on one side only', async () => {
    const plugins = subgraphs.find((s) => s.name === 'plugins')!;
    const served = await serviceSdl('plugins');
    const imports = importedDirectives(plugins.sdl);
    const edited = plugins.sdl.replace('  forSale: Boolean!\n', '  forSale: Boolean!\n  homepage: String\n');
    expect(edited).not.toEqual(plugins.sdl);
    expect(normalizeSubgraphSdl(served, imports)).not.toEqual(normalizeSubgraphSdl(edited, imports));
  });
});
