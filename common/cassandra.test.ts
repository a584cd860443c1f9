import { statementLabel } from './cassandra';

test.each([
  ['SELECT * FROM jtm_payments.payment_entries WHERE client_id = ?', 'select payment_entries'],
  ['  insert into ks.payment_events (entry_id) VALUES (?)', 'insert payment_events'],
  ['DELETE FROM ks.pending_entries WHERE day = ?', 'delete pending_entries'],
  ['UPDATE "ks"."plugins" SET price = ? WHERE id = ?', 'update plugins'],
  ['SELECT release_version FROM system.local', 'select local'],
  ['CREATE TABLE IF NOT EXISTS ks.x (a int PRIMARY KEY)', 'create'],
  [[{ query: 'INSERT INTO ks.a (x) VALUES (?)', params: [] }], 'batch'],
  ['', 'other'],
])('%p is labelled %p', (query, label) => {
  expect(statementLabel(query)).toBe(label);
});
