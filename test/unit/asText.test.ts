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
