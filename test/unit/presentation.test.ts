import * as assert from 'node:assert/strict';
import { displayIdentifier, displayQualifiedName } from '../../src/core/connectors/sql/dialects';

describe('names as a user types them', () => {
  it('quotes PostgreSQL names only where needed', () => {
    assert.equal(displayQualifiedName('postgres', 'public', 'orders'), 'public.orders');
    assert.equal(displayQualifiedName('postgres', 'fixture', 'Mixed Case'), 'fixture."Mixed Case"');
    assert.equal(displayIdentifier('postgres', 'Orders'), '"Orders"');
    assert.equal(displayIdentifier('postgres', 'select'), '"select"');
    assert.equal(displayIdentifier('postgres', 'a"b'), '"a""b"');
  });

  it('quotes MySQL names with backticks only where needed', () => {
    assert.equal(displayQualifiedName('mysql', 'shop', 'Orders'), 'shop.Orders');
    assert.equal(displayQualifiedName('mysql', 'Weird Db', 'order'), '`Weird Db`.`order`');
    assert.equal(displayIdentifier('mysql', 'a`b'), '`a``b`');
  });
});
