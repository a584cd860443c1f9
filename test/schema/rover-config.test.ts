import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRoverConfig, urlOverrideVariable, withUrlOverrides } from '../../scripts/schema/rover-config';
import { composeFromConfig } from '../../scripts/schema/composition';

const CONFIG = join(__dirname, '..', '..', 'rover.yaml');

describe('rover.yaml', () => {
  it('names each subgraph with a routing URL and an existing SDL file', () => {
    const { federationVersion, subgraphs } = readRoverConfig(CONFIG);
    expect(federationVersion).toMatch(/^=2\.\d+\.\d+$/);
    expect(subgraphs.map((s) => s.name).sort()).toEqual(['payments', 'plugins']);
    for (const s of subgraphs) {
      expect(s.routingUrl).toMatch(/^https?:\/\//);
      expect(s.sdl).toContain('@link(url: "https://specs.apollo.dev/federation/');
    }
  });

  it('pins federation_version to the installed @apollo/composition, so rover composes the committed supergraph', () => {
    const installed = (JSON.parse(readFileSync(require.resolve('@apollo/composition/package.json'), 'utf8')) as { version: string }).version;
    expect(readRoverConfig(CONFIG).federationVersion).toBe(`=${installed}`);
  });

  it('routing URLs are overridden per environment with SUBGRAPH_URL_<NAME>, as the gateway reads them', () => {
    expect(urlOverrideVariable('payments')).toBe('SUBGRAPH_URL_PAYMENTS');
    const { subgraphs } = readRoverConfig(CONFIG);
    const env = { SUBGRAPH_URL_PAYMENTS: 'https://payments.prod.internal/graphql' };
    const urls = Object.fromEntries(withUrlOverrides(subgraphs, env).map((s) => [s.name, s.routingUrl]));
    expect(urls.payments).toBe('https://payments.prod.internal/graphql');
    expect(urls.plugins).toBe(subgraphs.find((s) => s.name === 'plugins')!.routingUrl);

    const composed = composeFromConfig(CONFIG, env).supergraphSdl!;
    expect(composed).toContain('url: "https://payments.prod.internal/graphql"');
    // The committed supergraph is composed without overrides, whatever the environment says.
    expect(composeFromConfig(CONFIG).supergraphSdl).not.toContain('payments.prod.internal');
  });
});
