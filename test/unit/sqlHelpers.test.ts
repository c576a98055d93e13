import * as assert from 'node:assert/strict';
import { escapeLike, qualified, quoteBacktick, quoteDoubleQuoted } from '../../src/core/connectors/sql/identifiers';
import { decodePageToken, encodePageToken } from '../../src/core/connectors/sql/paging';
import { toCell } from '../../src/core/connectors/sql/rows';
import { ConnectionError, redact } from '../../src/core/errors';

describe('SQL helpers', () => {
  it('quotes identifiers per dialect, doubling the quote character', () => {
    assert.equal(quoteDoubleQuoted('a"b'), '"a""b"');
    assert.equal(quoteDoubleQuoted('select'), '"select"');
    assert.equal(quoteBacktick('a`b'), '`a``b`');
    assert.equal(qualified(quoteDoubleQuoted, 'My Schema', undefined, 't'), '"My Schema"."t"');
    assert.throws(
      () => quoteDoubleQuoted('a\u0000b'),
      (e: unknown) => ConnectionError.is(e, 'invalid_config'),
    );
    assert.throws(
      () => quoteBacktick(''),
      (e: unknown) => ConnectionError.is(e, 'invalid_config'),
    );
  });

  it('escapes LIKE wildcards', () => {
    assert.equal(escapeLike('a_b%c\\d'), 'a\\_b\\%c\\\\d');
  });

  it('round-trips page tokens and rejects forged ones with a clear error', () => {
    assert.equal(decodePageToken(encodePageToken('tbl "x"')), 'tbl "x"');
    assert.equal(decodePageToken(undefined), null);
    assert.throws(() => decodePageToken('not-a-token'), /page token is not valid/);
  });

  it('turns driver values into plain cells', () => {
    assert.equal(toCell(undefined), null);
    assert.equal(toCell(10n), '10');
    assert.equal(toCell(new Date('2024-01-02T03:04:05Z')), '2024-01-02T03:04:05.000Z');
    assert.deepEqual(toCell({ a: [1, new Date(0)] }), { a: [1, '1970-01-01T00:00:00.000Z'] });
    const bytes = Buffer.from([1, 2]);
    assert.equal(toCell(bytes), bytes);
  });

  it('redacts every secret occurrence', () => {
    assert.equal(redact('pw=hunter22 and hunter22', ['hunter22', undefined, '']), 'pw=**** and ****');
  });
});
