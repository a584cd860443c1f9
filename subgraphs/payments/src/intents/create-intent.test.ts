// Stripe metadata limits: at most 50 keys, keys up to 40 characters, values up to 500 characters.
import fc from 'fast-check';
import { intentMetadata, stripeIdempotencyKeyFor } from './create-intent';

const ENTRY_ID = 'e7b4a1c0-3f0a-11ef-9a6b-0242ac120002';
const CLIENT_ID = 'auth0|65f0c2d1e4b0a1b2c3d4e5f6';

function pluginIds(n: number, seed = 0): string[] {
  return Array.from({ length: n }, (_, i) => {
    const hex = (i + seed * 1000).toString(16).padStart(12, '0');
    return `4f1c2a9e-8d3b-4c6a-9e2f-${hex}`;
  });
}

/** Reads the plugin ids back the way a reconciler would: plugin_ids, plugin_ids_2, plugin_ids_3... */
function recover(metadata: Record<string, string>): string[] {
  const ids: string[] = [];
  for (let i = 1; ; i++) {
    const value = metadata[i === 1 ? 'plugin_ids' : `plugin_ids_${i}`];
    if (value === undefined) break;
    ids.push(...value.split(','));
  }
  return ids;
}

describe('intentMetadata', () => {
  test('one plugin: exact metadata', () => {
    const ids = pluginIds(1);
    expect(intentMetadata({ entryId: ENTRY_ID, clientId: CLIENT_ID, pluginIds: ids })).toEqual({
      jtm_entry_id: ENTRY_ID,
      client_id: CLIENT_ID,
      plugin_ids: ids[0],
    });
  });

  test('13 plugins fit one chunk, 14 need a second one', () => {
    const m13 = intentMetadata({ entryId: ENTRY_ID, clientId: CLIENT_ID, pluginIds: pluginIds(13) });
    expect(Object.keys(m13).sort()).toEqual(['client_id', 'jtm_entry_id', 'plugin_ids']);
    const m14 = intentMetadata({ entryId: ENTRY_ID, clientId: CLIENT_ID, pluginIds: pluginIds(14) });
    expect(Object.keys(m14).sort()).toEqual(['client_id', 'jtm_entry_id', 'plugin_ids', 'plugin_ids_2']);
    expect(m14.plugin_ids_2).toBe(pluginIds(14)[13]);
  });

  test.each(Array.from({ length: 100 }, (_, i) => [i + 1]))('%i plugins: within Stripe limits and recoverable in order', (n) => {
    const ids = pluginIds(n, n);
    const metadata = intentMetadata({ entryId: ENTRY_ID, clientId: CLIENT_ID, pluginIds: ids });
    const keys = Object.keys(metadata);
    expect(keys.length).toBeLessThanOrEqual(50);
    for (const key of keys) expect(key.length).toBeLessThanOrEqual(40);
    for (const value of Object.values(metadata)) {
      expect(typeof value).toBe('string');
      expect(value.length).toBeLessThanOrEqual(500);
      expect(value.length).toBeGreaterThan(0);
    }
    expect(metadata.jtm_entry_id).toBe(ENTRY_ID);
    expect(metadata.client_id).toBe(CLIENT_ID);
    expect(recover(metadata)).toEqual(ids);
    // No key other than the fixed ones and the plugin chunks.
    expect(keys.filter((k) => !/^(jtm_entry_id|client_id|plugin_ids(_\d+)?)$/.test(k))).toEqual([]);
  });

  test('a very long client id is cut to 500 characters', () => {
    const longId = 'auth0|' + 'x'.repeat(1000);
    const metadata = intentMetadata({ entryId: ENTRY_ID, clientId: longId, pluginIds: pluginIds(1) });
    expect(metadata.client_id).toBe(longId.slice(0, 500));
  });

  test('property: any 1..100 upper/lower-case UUIDs are recovered in order within the limits', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.uuid(), { minLength: 1, maxLength: 100 }), (ids) => {
        const metadata = intentMetadata({ entryId: ENTRY_ID, clientId: CLIENT_ID, pluginIds: ids });
        expect(Object.keys(metadata).length).toBeLessThanOrEqual(50);
        for (const [k, v] of Object.entries(metadata)) {
          expect(k.length).toBeLessThanOrEqual(40);
          expect(v.length).toBeLessThanOrEqual(500);
        }
        expect(recover(metadata)).toEqual(ids);
      }),
      { numRuns: 200 },
    );
  });
});

describe('stripeIdempotencyKeyFor', () => {
  test('is derived from the ledger entry id, deterministically', () => {
    expect(stripeIdempotencyKeyFor(ENTRY_ID)).toBe(`jtm-plugin-intent-${ENTRY_ID}`);
    expect(stripeIdempotencyKeyFor(ENTRY_ID)).toBe(stripeIdempotencyKeyFor(ENTRY_ID));
    // Stripe caps idempotency keys at 255 characters.
    expect(stripeIdempotencyKeyFor(ENTRY_ID).length).toBeLessThanOrEqual(255);
  });
});
