// Every file of the lake corpus (test/fixtures/lake: Parquet from pyarrow, polars, DuckDB, fastparquet and
// hand-written bytes; delimited text and JSON Lines in many shapes; Hive folders), read through the S3
// connector from the project's S3 server, and compared with what an independent reader recorded
// (expected.json, written once by generate.py; the reader and its version are beside every file).
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isLosslessNumber, parse } from 'lossless-json';
import type { CellValue } from '../../src/core/api/types';
import type { ConnectorSession, StorageFacet } from '../../src/core/connectors/types';
import { ConnectionError } from '../../src/core/errors';

import { collecting } from '../support/collectingSink';
import { S3Server } from '../support/s3/server';
import { openS3Session } from '../support/s3/session';

interface Expected {
  file: string;
  key: string;
  case: string;
  writer: string;
  reader: string;
  damaged?: boolean;
  error?: string;
  columns?: { name: string; type?: string }[];
  rowCount?: number;
  rows?: unknown[][];
  sortBy?: string;
}

// PLANASONIX_LAKE_CORPUS points the same comparison at another corpus laid out alike (files/ and
// expected.json), such as one generate.py's functions write for a checkout of a reader's test data.
const root = process.env.PLANASONIX_LAKE_CORPUS ?? path.join(__dirname, '..', 'fixtures', 'lake');
const corpus = (JSON.parse(readFileSync(path.join(root, 'expected.json'), 'utf8')) as { files: Expected[] }).files;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** The extension's type name in the form generate.py writes the reader's types in. */
export function familyOf(type: string): string {
  const t = type.replace(/ \(partition\)$/, '').trim();
  const inner = (s: string): string[] => {
    const out: string[] = [];
    let depth = 0;
    let start = 0;
    for (let i = 0; i < s.length; i++) {
      if (s[i] === '<' || s[i] === '(') depth++;
      else if (s[i] === '>' || s[i] === ')') depth--;
      else if (s[i] === ',' && depth === 0) {
        out.push(s.slice(start, i).trim());
        start = i + 1;
      }
    }
    out.push(s.slice(start).trim());
    return out;
  };
  let m: RegExpExecArray | null;
  if ((m = /^LIST<(.*)>$/s.exec(t))) return `list<${familyOf(m[1])}>`;
  if ((m = /^MAP<(.*)>$/s.exec(t))) return `map<${inner(m[1]).map(familyOf).join(', ')}>`;
  if ((m = /^STRUCT<(.*)>$/s.exec(t)))
    return `struct<${inner(m[1])
      .map((f) => {
        const at = f.indexOf(': ');
        return `${f.slice(0, at)}: ${familyOf(f.slice(at + 2))}`;
      })
      .join(', ')}>`;
  if ((m = /^(U?)INT(8|16|32|64)$/.exec(t))) return `${m[1] ? 'uint' : 'int'}${m[2]}`;
  if ((m = /^DECIMAL\((\d+),(\d+)\)$/.exec(t))) return `decimal(${m[1]},${m[2]})`;
  if ((m = /^FIXED_LEN_BYTE_ARRAY\((\d+)\)$/.exec(t))) return `fixed(${m[1]})`;
  if ((m = /^(TIMESTAMP|TIME)\((MILLIS|MICROS|NANOS)/.exec(t)))
    return `${m[1].toLowerCase()}(${{ MILLIS: 'ms', MICROS: 'us', NANOS: 'ns' }[m[2]]})`;
  const plain: Record<string, string> = {
    'INT96 (TIMESTAMP)': 'timestamp(ns)',
    FLOAT: 'float',
    DOUBLE: 'double',
    FLOAT16: 'float16',
    BOOLEAN: 'bool',
    STRING: 'string',
    BYTE_ARRAY: 'binary',
    UUID: 'uuid',
    JSON: 'json',
    DATE: 'date',
    NULL: 'null',
  };
  return plain[t] ?? `?${t}`;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Whether the extension's value is the reader's, in generate.py's canonical form. */
function same(expected: unknown, actual: unknown, csv: boolean): boolean {
  if (expected === null) return actual === null || actual === undefined || (csv && actual === '');
  if (actual === null || actual === undefined) return csv && expected === '';
  if (isLosslessNumber(actual)) actual = actual.value;
  if (isLosslessNumber(expected)) expected = expected.value;
  if (typeof expected === 'string') {
    if (typeof actual === 'number' || typeof actual === 'bigint') return String(actual) === expected;
    return actual === expected;
  }
  if (typeof expected === 'number') {
    if (typeof actual === 'number') return Object.is(actual, expected) || actual === expected;
    if (typeof actual === 'string') return Number(actual) === expected;
    return false;
  }
  if (typeof expected === 'boolean') return actual === expected;
  if (Array.isArray(expected)) {
    const list = typeof actual === 'string' ? parse(actual) : actual;
    return Array.isArray(list) && list.length === expected.length && expected.every((e, i) => same(e, list[i], false));
  }
  if (typeof expected === 'object') {
    const e = expected as Record<string, unknown>;
    if (typeof e.hex === 'string' && Object.keys(e).length === 1)
      return actual instanceof Uint8Array && hex(actual) === e.hex;
    const record = (typeof actual === 'string' ? parse(actual) : actual) as Record<string, unknown> | null;
    if (!record || typeof record !== 'object' || Array.isArray(record)) return false;
    // A struct field a record leaves out is NULL there (the reader fills it; the record's text has none).
    const keys = Object.keys(e);
    return (
      Object.keys(record).every((k) => k in e) && keys.every((k) => same(e[k], k in record ? record[k] : null, false))
    );
  }
  return false;
}

function show(v: unknown): string {
  if (v instanceof Uint8Array) return `<bytes ${hex(v)}>`;
  return JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x)) ?? String(v);
}

/** Messages that pass a reader's internals on instead of saying what is wrong. */
const internal =
  /Cannot read propert|undefined|is not a function|is not iterable|RangeError|TypeError|Maximum call stack|NaN/;

describe('Lake corpus: every file as its recorded independent reader sees it', function () {
  this.timeout(120_000);
  let server: S3Server;
  let session: ConnectorSession & { storage: StorageFacet };
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown): void => void uncaught.push(e);

  before(async () => {
    server = await S3Server.start();
    server.createBucket('lake');
    const files = path.join(root, 'files');
    for (const full of filesUnder(files))
      server.put('lake', path.relative(files, full).split(path.sep).join('/'), readFileSync(full));
    session = await openS3Session(server.endpoint);
    process.on('uncaughtException', onUncaught);
  });

  after(async () => {
    process.off('uncaughtException', onUncaught);
    await session?.close();
    await server?.close();
  });

  it('has a corpus of at least 100 cases from five library writers and hand-written bytes, each with its reader recorded', () => {
    assert.ok(corpus.length >= 100, String(corpus.length));
    for (const writer of ['pyarrow', 'polars', 'duckdb', 'fastparquet', 'parquet-rs', 'handmade'])
      assert.ok(
        corpus.some((e) => e.writer.startsWith(writer)),
        writer,
      );
    for (const e of corpus) assert.match(e.reader, /\d+\.\d+/, `${e.file}: no reader version`);
  });

  for (const entry of corpus) {
    const refused = entry.damaged || entry.error !== undefined;
    it(`${entry.key}: ${entry.case} (${refused ? 'refused with a clear message' : `as ${entry.reader.split(' ').slice(0, 2).join(' ')} reads it`})`, async () => {
      const where = `s3://lake/${entry.key}`;
      const csv = entry.reader.startsWith('duckdb') && !/read_json/.test(entry.reader);
      if (refused) {
        const attempt = async (): Promise<void> => {
          await session.storage.fileSchema({ path: entry.key });
          await session.storage.previewObject({ path: entry.key }, 100, collecting());
        };
        await assert.rejects(attempt(), (e: unknown) => {
          assert.ok(ConnectionError.is(e), `not a ConnectionError: ${String(e)}`);
          assert.ok(e.message.includes(where), `does not name the file: ${e.message}`);
          assert.doesNotMatch(e.message, internal, 'passes on the reader\u2019s internals');
          return true;
        });
        return;
      }
      const expected = entry.columns!;
      if (!entry.key.endsWith('/')) {
        const schema = await session.storage.fileSchema({ path: entry.key });
        assert.deepEqual(
          schema.columns.map((c) => c.name),
          expected.map((c) => c.name),
          'column names',
        );
        if (expected.every((c) => c.type)) {
          assert.deepEqual(
            schema.columns.map((c) => familyOf(c.type)),
            expected.map((c) => c.type),
            'column types',
          );
        }
      }
      const sink = collecting();
      await session.storage.previewObject({ path: entry.key }, 100, sink);
      assert.deepEqual(
        sink.columns,
        expected.map((c) => c.name),
        'preview columns',
      );
      if (entry.key.endsWith('/') && expected.every((c) => c.type))
        assert.deepEqual(
          sink.types.map(familyOf),
          expected.map((c) => c.type),
          'preview types',
        );
      let got: CellValue[][] = sink.got;
      assert.equal(got.length, Math.min(entry.rowCount!, 100), 'row count');
      if (entry.sortBy) {
        const at = sink.columns.indexOf(entry.sortBy);
        got = [...got].sort((a, b) => Number(a[at]) - Number(b[at]));
      }
      entry.rows!.forEach((row, r) => {
        row.forEach((value, c) => {
          // A JSON-typed value is its JSON text: compared parsed (spacing is the writer's).
          const json = expected[c].type === 'json' && typeof value === 'string' && typeof got[r][c] === 'string';
          const ok = json ? same(parse(value), parse(got[r][c] as string), false) : same(value, got[r][c], csv);
          assert.ok(ok, `row ${r + 1}, ${expected[c].name}: expected ${show(value)}, got ${show(got[r][c])}`);
        });
      });
    });
  }

  it('previews a folder with a damaged part: the part is named in a note, the others are read', async () => {
    const sink = collecting();
    const summary = await session.storage.previewObject({ path: 'hive/withbad/' }, 100, sink);
    assert.deepEqual(sink.columns, ['id', 'v']);
    assert.deepEqual(sink.got, [
      ['1', 'a'],
      ['2', 'b'],
    ]);
    assert.equal(summary.notes?.length, 1);
    assert.match(summary.notes[0], /^Skipped s3:\/\/lake\/hive\/withbad\/part-1\.csv\b/);
  });

  it('let no error escape to the process', () => {
    assert.deepEqual(uncaught, []);
  });
});
