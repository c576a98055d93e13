import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { LineSplitter } from '../../src/core/connectors/s3/bounds';
import { ConnectionError } from '../../src/core/errors';

async function lines(chunks: string[], limit = 1024): Promise<string[]> {
  const out: string[] = [];
  for await (const line of Readable.from(chunks.map((c) => Buffer.from(c))).pipe(new LineSplitter(limit, 's3://b/k'))) out.push((line as Buffer).toString());
  return out;
}

describe('JSON Lines splitter: records without unbounded strings', () => {
  it('splits across chunk boundaries, drops the \\r of CRLF, skips empty lines, keeps a last line without \\n', async () => {
    assert.deepEqual(await lines(['{"a":', '1}\r\n\n\r\n{"b":2}\n', '{"c"', ':3}']), ['{"a":1}', '{"b":2}', '{"c":3}']);
    assert.deepEqual(await lines(['\n\n\n']), []);
  });

  it('fails a line longer than the bound, naming its number, whatever the chunking', async () => {
    for (const chunks of [
      ['{"a":1}\n\n', 'x'.repeat(40)],
      ['{"a":1}\n\n' + 'x'.repeat(20), 'x'.repeat(20), '\n'],
    ]) {
      await assert.rejects(lines(chunks, 32), (e: unknown) => ConnectionError.is(e) && /s3:\/\/b\/k: line 3 is longer than/.test(e.message));
    }
  });
});
