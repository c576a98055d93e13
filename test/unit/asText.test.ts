import * as assert from 'node:assert/strict';
import { asText } from '../../src/shared/asText';

describe('values from drivers and servers as text', () => {
  it('keeps text, writes numbers and flags as usual, objects as JSON, and never [object Object]', () => {
    assert.equal(asText('BASE TABLE'), 'BASE TABLE');
    assert.equal(asText(12345678901234567890n), '12345678901234567890');
    assert.equal(asText(1.5), '1.5');
    assert.equal(asText(false), 'false');
    assert.equal(asText({ kind: 'VIEW' }), '{"kind":"VIEW"}');
    assert.equal(asText(['a', 1]), '["a",1]');
    assert.equal(asText(Symbol('s')), 's');
    assert.equal(asText(null, 'TABLE'), 'TABLE');
    assert.equal(asText(undefined), '');
    assert.ok(![{}, [], new Map(), Object.create(null) as object].some((v) => asText(v).includes('[object')));
  });
});

describe('counts as English reads them', () => {
  it('says one in the singular and groups digits', async () => {
    const { count } = await import('../../src/shared/counts');
    assert.equal(count(1, 'row'), '1 row');
    assert.equal(count(0, 'row'), '0 rows');
    assert.equal(count(1234567, 'file'), '1,234,567 files');
    assert.equal(count(2, 'entry', 'entries'), '2 entries');
  });
});
