import * as assert from 'node:assert/strict';
import { titleOf } from '../../src/core/results/titles';

describe('results panel titles', () => {
  const query = (sql: string) => titleOf({ kind: 'query', connectionId: 'c', connectionName: 'PG', sql });

  it('names a query by its first line of code, never by the comments that lead it', () => {
    assert.equal(query('-- monthly totals; by region\nSELECT region FROM sales'), 'Result: SELECT region FROM sales');
    assert.equal(query('/* report\n   v2 */\n  # mysql note\nSELECT 1'), 'Result: SELECT 1');
    assert.equal(
      query('SELECT a_very_long_column_name, another_one FROM t'),
      'Result: SELECT a_very_long_column_name…',
    );
    assert.equal(query('-- only a comment'), 'Result: ');
  });
});
