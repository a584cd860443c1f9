/** Reads plugin prices from the catalog subgraph (the owner of prices), on the caller's behalf. */
import { AppError } from '../../../../common/errors';
import { IDENTITY_HEADER } from '../../../../common/identity';
import { REQUEST_ID_HEADER } from '../../../../common/http';

export interface CatalogEntry {
  id: string;
  name: string;
  priceMinor: bigint;
  currency: string;
  forSale: boolean;
}

export interface Catalog {
  /** Entries for the ids that exist; unknown ids are simply absent. */
  lookup(ids: string[], onBehalf: { identityAssertion: string; requestId: string }): Promise<Map<string, CatalogEntry>>;
}

const ENTITIES_QUERY =
  'query CatalogPrices($representations: [_Any!]!) { _entities(representations: $representations) { ... on Plugin { id name forSale price { amountMinor currency } } } }';

interface EntityResult {
  data?: { _entities?: Array<{ id: string; name: string; forSale: boolean; price: { amountMinor: string; currency: string } } | null> };
  errors?: Array<{ message: string }>;
}

export class SubgraphCatalog implements Catalog {
  constructor(private readonly url: string, private readonly timeoutMs: number, private readonly fetchImpl: typeof fetch = fetch) {}

  async lookup(ids: string[], onBehalf: { identityAssertion: string; requestId: string }): Promise<Map<string, CatalogEntry>> {
    let body: EntityResult;
    try {
      const res = await this.fetchImpl(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [IDENTITY_HEADER]: onBehalf.identityAssertion,
          [REQUEST_ID_HEADER]: onBehalf.requestId,
        },
        body: JSON.stringify({ query: ENTITIES_QUERY, variables: { representations: ids.map((id) => ({ __typename: 'Plugin', id })) } }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!res.ok) throw new Error(`catalog answered ${res.status}`);
      body = (await res.json()) as EntityResult;
    } catch (err) {
      throw new AppError('CATALOG_UNAVAILABLE', 'The plugin catalog is unavailable; try again shortly.', { retryable: true });
    }
    if (body.errors?.length || !body.data?._entities) {
      throw new AppError('CATALOG_UNAVAILABLE', 'The plugin catalog is unavailable; try again shortly.', { retryable: true });
    }
    const found = new Map<string, CatalogEntry>();
    for (const e of body.data._entities) {
      if (!e) continue;
      found.set(e.id.toLowerCase(), { id: e.id.toLowerCase(), name: e.name, forSale: e.forSale, priceMinor: BigInt(e.price.amountMinor), currency: e.price.currency });
    }
    return found;
  }
}
