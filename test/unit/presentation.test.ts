import * as assert from 'node:assert/strict';
import { displayIdentifier, displayQualifiedName } from '../../src/core/connectors/sql/dialects';
import { cellText, formatTextTable } from '../../src/core/preview/textTable';

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

describe('preview text table', () => {
  it('shows NULL, the empty string and the string "NULL" differently', () => {
    assert.deepEqual([null, '', 'NULL'].map(cellText), ['NULL', "''", "'NULL'"]);
  });

  it('shows bytes as size and hex prefix, objects as compact JSON, and escapes line breaks', () => {
    assert.equal(cellText(new Uint8Array([0xde, 0xad])), '<2 bytes: dead>');
    assert.equal(cellText(new Uint8Array(20)), `<20 bytes: ${'00'.repeat(16)}…>`);
    assert.equal(cellText({ a: [1, 'x'] }), '{"a":[1,"x"]}');
    assert.equal(cellText('two\nlines'), 'two\\nlines');
  });

  it('aligns columns, right-aligns numbers and cuts long text', () => {
    const text = formatTextTable(['id', 'name'], ['integer', 'text'], [
      [1, 'a'],
      [100, 'x'.repeat(100)],
    ]);
    const lines = text.split('\n');
    assert.equal(lines[0], `id (integer) | name (text)`);
    assert.match(lines[2]!, /^ {11}1 \| a$/);
    assert.ok(lines[3]!.endsWith('…'));
    assert.ok(lines[3]!.length < 80);
  });
});
