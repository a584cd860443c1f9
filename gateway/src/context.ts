import type { Identity } from '../../common/identity';

/** Per-request context of the gateway; its fields are what subgraph fetches carry. */
export interface GatewayContext {
  identity: Identity;
  /** Signed once per request, reused by every subgraph fetch of the request. */
  identityAssertion: string;
  requestId: string;
  idempotencyKey?: string;
}
