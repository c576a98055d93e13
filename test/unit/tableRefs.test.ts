import * as assert from 'node:assert/strict';
import { tableRefs } from '../../src/core/query/tableRefs';
import { dialectOf } from '../support/dialects';

describe('the tables a statement reads, for completion', () => {
  const pg = dialectOf('postgres');

  it('finds tables in FROM lists and JOINs, with schemas and aliases, AS or not', () => {
    const { tables } = tableRefs(
      'SELECT o.id FROM sales.orders o, "Odd Name" x JOIN customers AS c ON c.id = o.customer_id LEFT JOIN items WHERE 1 = 1',
      pg,
    );
    assert.deepEqual(tables, [
      { table: 'orders', schema: 'sales', alias: 'o' },
      { table: 'Odd Name', alias: 'x' },
      { table: 'customers', alias: 'c' },
      { table: 'items' },
    ]);
  });

  it('names the CTEs a WITH clause defines, and no table in a string, a comment or a derived table', () => {
    const sql = `WITH recent AS (SELECT * FROM orders), "Top" AS (SELECT 1)
      SELECT 'from fake f' -- join ghost g
      FROM recent r, (SELECT * FROM items) AS i JOIN "Top" t ON true`;
    const { tables, ctes } = tableRefs(sql, pg);
    assert.deepEqual(ctes, ['recent', 'Top']);
    assert.deepEqual(
      tables.map((t) => `${t.table}${t.alias ? ` ${t.alias}` : ''}`),
      ['orders', 'recent r', 'items', 'Top t'],
    );
  });

  it("reads each dialect's quoting: MySQL backticks, SQLite brackets", () => {
    assert.deepEqual(tableRefs('SELECT * FROM `shop`.`order lines` ol', dialectOf('mysql')).tables, [
      { table: 'order lines', schema: 'shop', alias: 'ol' },
    ]);
    assert.deepEqual(tableRefs('SELECT * FROM [my table] m', dialectOf('sqlite')).tables, [
      { table: 'my table', alias: 'm' },
    ]);
  });
});
