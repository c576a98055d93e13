import * as assert from 'node:assert/strict';
import { displayIdentifier, displayQualifiedName } from '../../src/core/connectors/sql/dialects';
import { mysqlDialect } from '../../src/core/connectors/mysql/dialect';
import { postgresDialect } from '../../src/core/connectors/postgres/dialect';
import { sqliteDialect } from '../../src/core/connectors/sqlite/dialect';
import { standardDialect, type SqlDialect } from '../../src/core/sql/dialect';

describe('names as a user types them', () => {
  it('quotes PostgreSQL names only where needed', () => {
    assert.equal(displayQualifiedName(postgresDialect, 'public', 'orders'), 'public.orders');
    assert.equal(displayQualifiedName(postgresDialect, 'fixture', 'Mixed Case'), 'fixture."Mixed Case"');
    assert.equal(displayIdentifier(postgresDialect, 'Orders'), '"Orders"');
    assert.equal(displayIdentifier(postgresDialect, 'select'), '"select"');
    assert.equal(displayIdentifier(postgresDialect, 'a"b'), '"a""b"');
  });

  it('quotes MySQL names with backticks only where needed', () => {
    assert.equal(displayQualifiedName(mysqlDialect, 'shop', 'Orders'), 'shop.Orders');
    assert.equal(displayQualifiedName(mysqlDialect, 'Weird Db', 'order'), '`Weird Db`.`order`');
    assert.equal(displayIdentifier(mysqlDialect, 'a`b'), '`a``b`');
  });

  it("follows each dialect's folding: upper-case folding quotes lower-case names, no folding quotes neither", () => {
    const upper: SqlDialect = { ...standardDialect, quote: 'double', folding: 'upper' };
    assert.equal(displayIdentifier(upper, 'ORDERS'), 'ORDERS');
    assert.equal(displayIdentifier(upper, 'orders'), '"orders"');
    assert.equal(displayIdentifier(upper, 'Orders'), '"Orders"');
    assert.equal(displayIdentifier(sqliteDialect, 'Orders'), 'Orders');
    assert.equal(displayIdentifier(sqliteDialect, 'order'), '"order"');
    const backtick: SqlDialect = { ...standardDialect, quote: 'backtick', folding: 'none' };
    assert.equal(displayQualifiedName(backtick, 'main', 'my table'), 'main.`my table`');
  });
});
