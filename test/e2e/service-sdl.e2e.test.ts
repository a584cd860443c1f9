/**
 * The subgraphs the stack runs (dist/, as deployed) serve, as `_service { sdl }`, their schema
 * file: asked over HTTP with a gateway assertion, the way the gateway or rover would ask.
 */
import { join } from 'node:path';
import { IDENTITY_HEADER, parseSigningKeys, signIdentity } from '../../common/identity';
import { readRoverConfig } from '../../scripts/schema/rover-config';
import { importedDirectives, normalizeSubgraphSdl } from '../schema/subgraph-sdl';
import { stack } from '../helpers/stack';

const subgraphs = readRoverConfig(join(__dirname, '..', '..', 'rover.yaml')).subgraphs;

async function runningSdl(name: 'payments' | 'plugins'): Promise<string> {
  const [key] = parseSigningKeys(stack().env[name].IDENTITY_SIGNING_KEYS);
  const assertion = await signIdentity({ clientId: 'auth0|service-sdl-check', scopes: [] }, key);
  const res = await fetch(`${stack().urls[name]}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: assertion },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await res.json()) as { data?: { _service: { sdl: string } }; errors?: unknown[] };
  expect({ status: res.status, errors: body.errors }).toEqual({ status: 200, errors: undefined });
  return body.data!._service.sdl;
}

test('the stack runs every subgraph rover.yaml lists', () => {
  expect(subgraphs.map((s) => s.name).sort()).toEqual(['payments', 'plugins']);
});

test.each(subgraphs.map((s) => [s.name, s] as const))('the running %s subgraph serves its schema file', async (name, subgraph) => {
  const served = await runningSdl(name as 'payments' | 'plugins');
  const imports = importedDirectives(subgraph.sdl);
  expect(normalizeSubgraphSdl(served, imports)).toEqual(normalizeSubgraphSdl(subgraph.sdl, imports));
});
