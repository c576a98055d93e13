import { GetObjectCommand, HeadObjectCommand, ListBucketsCommand, ListObjectsV2Command, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { fromIni } from '@aws-sdk/credential-provider-ini';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { parquetMetadataAsync, parquetSchema, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { performance } from 'node:perf_hooks';
import type { ColumnInfo, CloudSchemaQuery, CloudSchemaResponse, FilesQuery, FilesResponse, NamedItem } from '../../api/types';
import { ConnectionError, errorMessage, redact } from '../../errors';
import type { ConnectorDriverModule, ConnectorSession, RowSink, SessionOptions, StorageFacet, StreamSummary } from '../types';
import { mapS3Error } from './errors';
import { previewableFile } from './formats';
import { inflateStart } from './gzip';
import { countLeaves, footerFault, footerReason, parquetColumns } from './parquet';
import { CappedSink } from '../sql/streaming';
import type { Readable } from 'node:stream';
import { previewParquet, previewText } from './filePreview';
import { mib, textBounds } from './bounds';
import { csvColumns, jsonLinesColumns, partitionColumns, partitionValues, sniffDelimiter } from './textSchema';

/** The first read of a Parquet file: its last 64 KiB hold the footer of typical files. */
export const footerFetchBytes = 64 * 1024;
/** The first bytes of a text file read for its columns (and at most four times that, inflated, from gzip). */
export const textSampleBytes = 64 * 1024;
/** The most part files of a folder a preview lists. */
export const maxFolderParts = 10_000;
/** A footer larger than this is refused rather than read (real files' footers are kilobytes to a few MB). */
export const maxFooterBytes = 16 * 1024 * 1024;

class S3Session implements ConnectorSession, StorageFacet {
  readonly storage: StorageFacet = this;
  private client: S3Client | undefined;

  constructor(private readonly options: SessionOptions) {}

  private get bucket(): string | undefined {
    const b = this.options.config.bucket;
    return b ? String(b).trim() : undefined;
  }

  private safe(text: string): string {
    return redact(text, Object.values(this.options.secrets));
  }

  private fail(error: unknown, where: string): ConnectionError {
    return mapS3Error(error, (t) => this.safe(t), where);
  }

  private s3(): S3Client {
    if (this.client) return this.client;
    const c = this.options.config;
    const s = this.options.secrets;
    const authType = String(c.authType ?? 'keys');
    let credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined;
    if (authType === 'keys') {
      if (!c.accessKeyId || !s.secretAccessKey)
        throw new ConnectionError('auth_failed', 'Sign-in by key needs the access key ID and the secret access key.', { field: 'accessKeyId' });
      credentials = { accessKeyId: String(c.accessKeyId), secretAccessKey: s.secretAccessKey, ...(s.sessionToken ? { sessionToken: s.sessionToken } : {}) };
    } else if (authType === 'profile') {
      // That profile only: no fallback to other sources of credentials.
      credentials = fromIni({ profile: String(c.profile || 'default') });
    }
    this.client = new S3Client({
      region: String(c.region || 'us-east-1'),
      ...(c.endpoint ? { endpoint: String(c.endpoint) } : {}),
      forcePathStyle: c.forcePathStyle === true || c.forcePathStyle === 'true',
      ...(credentials ? { credentials } : {}),
      // A stream upload is never made here; checksums only where S3 requires them (S3-compatible stores differ).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
    return this.client;
  }

  private which(bucket: string | undefined): string {
    const b = bucket ?? this.bucket;
    if (!b) throw new ConnectionError('invalid_config', 'Which bucket? This connection lists every bucket; pick one.', { field: 'bucket' });
    return b;
  }

  async test(signal?: AbortSignal): Promise<{ ok: boolean; message: string }> {
    try {
      if (this.bucket) {
        const page = await this.s3().send(new ListObjectsV2Command({ Bucket: this.bucket, MaxKeys: 1 }), { abortSignal: signal });
        return { ok: true, message: `Listed the bucket ${this.bucket}${page.KeyCount ? '' : ' (it is empty)'}.` };
      }
      const { Buckets = [] } = await this.s3().send(new ListBucketsCommand({}), { abortSignal: signal });
      return { ok: true, message: `Listed ${Buckets.length} bucket${Buckets.length === 1 ? '' : 's'}.` };
    } catch (error) {
      return { ok: false, message: this.fail(error, this.bucket ? `s3://${this.bucket}` : 'this endpoint').message };
    }
  }

  /** The buckets: the connection's own, or every one the credentials may list. */
  async catalogs(signal?: AbortSignal): Promise<NamedItem[]> {
    if (this.bucket) return [{ name: this.bucket }];
    try {
      const { Buckets = [] } = await this.s3().send(new ListBucketsCommand({}), { abortSignal: signal });
      return Buckets.flatMap((b) => (b.Name ? [{ name: b.Name }] : []));
    } catch (error) {
      throw this.fail(error, 'this endpoint');
    }
  }

  async listObjects(query: FilesQuery, signal?: AbortSignal): Promise<FilesResponse> {
    const bucket = this.which(query.bucket);
    const prefix = query.prefix ?? '';
    try {
      const page = await this.s3().send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix || undefined,
          Delimiter: query.delimiter || undefined,
          ...(query.pageToken ? { ContinuationToken: query.pageToken } : {}),
          MaxKeys: 1000,
        }),
        { abortSignal: signal },
      );
      return {
        prefix,
        objects: (page.Contents ?? []).flatMap((o) =>
          o.Key === undefined ? [] : [{ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified?.toISOString() ?? '' }],
        ),
        commonPrefixes: (page.CommonPrefixes ?? []).flatMap((p) => (p.Prefix === undefined ? [] : [p.Prefix])),
        ...(page.IsTruncated && page.NextContinuationToken ? { nextPageToken: page.NextContinuationToken } : {}),
      };
    } catch (error) {
      throw this.fail(error, `s3://${bucket}`);
    }
  }

  /** An object's size: from the listing when the caller has it, else one HEAD request. */
  private async sizeOf(bucket: string, object: CloudSchemaQuery, signal?: AbortSignal): Promise<number> {
    if (object.size !== undefined) return object.size;
    return (await this.s3().send(new HeadObjectCommand({ Bucket: bucket, Key: object.path }), { abortSignal: signal })).ContentLength ?? 0;
  }

  /** Byte ranges of one object, each an explicit `bytes=a-b` (suffix ranges are wrong on some stores). */
  private async range(bucket: string, key: string, start: number, end: number, signal?: AbortSignal): Promise<ArrayBuffer> {
    const answer = await this.s3().send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end - 1}` }), { abortSignal: signal });
    const bytes = await answer.Body!.transformToByteArray();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  /**
   * A file's columns without downloading it: Parquet from its footer, CSV/TSV and JSON Lines (gzip too)
   * from their first bytes; Hive-style partition folders in the key are columns too.
   */
  async fileSchema(query: CloudSchemaQuery, signal?: AbortSignal): Promise<CloudSchemaResponse> {
    const bucket = this.which(query.bucket);
    const where = `s3://${bucket}/${query.path}`;
    const name = query.path.replace(/\.(gz|gzip)$/i, '');
    const format = /\.parquet$/i.test(name) ? 'parquet' : /\.(csv|tsv|tab)$/i.test(name) ? 'csv' : /\.(jsonl|ndjson|json)$/i.test(name) ? 'jsonl' : undefined;
    if (!format) {
      throw new ConnectionError(
        'unsupported',
        `${where}: the format is not known from its name (Parquet, CSV, TSV and JSON Lines are read, gzip-compressed too).`,
      );
    }
    const read =
      format === 'parquet' ? await this.parquetSchemaOf(bucket, query, where, signal) : await this.textSchemaOf(bucket, query, where, format, signal);
    return { ...read, columns: [...read.columns, ...partitionColumns(query.path)] };
  }

  /** CSV or JSON Lines from the file's first bytes (inflated as a stream, bounded, when gzip). */
  private async textSchemaOf(
    bucket: string,
    query: CloudSchemaQuery,
    where: string,
    format: 'csv' | 'jsonl',
    signal?: AbortSignal,
  ): Promise<CloudSchemaResponse & { delimiter?: string }> {
    try {
      const size = await this.sizeOf(bucket, query, signal);
      if (size === 0) throw new ConnectionError('unsupported', `${where} is empty (0 bytes): it has no schema.`);
      const gzip = /\.(gz|gzip)$/i.test(query.path);
      // The first 64 KiB, and more (four times as much each time, up to a record's bound) while the
      // sample holds no whole record: a first record longer than the sample would give no columns.
      let sampleBytes = textSampleBytes;
      let read: { text: string; complete: boolean };
      for (;;) {
        const want = Math.min(size, gzip ? 4 * sampleBytes : sampleBytes);
        const bytes = Buffer.from(await this.range(bucket, query.path, 0, want, signal));
        if (!gzip && bytes.subarray(0, 4).toString('latin1') === 'PAR1')
          throw new ConnectionError('unsupported', `${where} is a Parquet file named as ${format.toUpperCase()}.`);
        // Inflated: four times the sample at first, never much past a record's bound when looking for one.
        const inflate = Math.min(sampleBytes * 4, Math.max(textSampleBytes * 4, textBounds.recordBytes + textSampleBytes));
        const sample = gzip ? await inflateStart(bytes, inflate, where) : { text: bytes.toString('utf8'), complete: want === size };
        read = { text: sample.text, complete: gzip ? sample.complete && want === size : sample.complete };
        if (read.complete || /[\r\n]/.test(read.text.slice(0, -1))) break;
        if (sampleBytes >= textBounds.recordBytes) {
          throw new ConnectionError(
            'unsupported',
            `${where}: its first record is longer than ${mib(textBounds.recordBytes)}, the most a schema read takes for one record.`,
          );
        }
        sampleBytes *= 4;
      }
      const { text, complete } = read;
      // Never a preview of empty rows: a file with text but no columns says so.
      const found = (columns: ColumnInfo[]): ColumnInfo[] => {
        if (columns.length > 0) return columns;
        throw new ConnectionError('unsupported', `${where}: no columns in its first ${mib(text.length)} (only empty lines?).`);
      };
      if (format === 'csv') {
        const tsv = /\.(tsv|tab)(\.(gz|gzip))?$/i.test(query.path);
        const delimiter = tsv ? '\t' : sniffDelimiter(text);
        return { path: query.path, format: tsv ? 'tsv' : 'csv', columns: found(csvColumns(text, { complete, delimiter })), delimiter };
      }
      let columns: ColumnInfo[];
      try {
        columns = jsonLinesColumns(text, { complete });
      } catch (error) {
        throw new ConnectionError('unsupported', `${where} is not JSON Lines: ${errorMessage(error)}.`);
      }
      return { path: query.path, format: 'jsonl', columns: found(columns) };
    } catch (error) {
      if (ConnectionError.is(error)) throw error;
      throw this.fail(error, where);
    }
  }

  private async parquetSchemaOf(bucket: string, query: CloudSchemaQuery, where: string, signal?: AbortSignal): Promise<CloudSchemaResponse> {
    const { metadata } = await this.openParquet(bucket, query, where, signal);
    return { path: query.path, format: 'parquet', columns: parquetColumns(parquetSchema(metadata)) };
  }

  /** A Parquet file as ranged reads, and its footer (one read of the file's end for a typical file). */
  private async openParquet(
    bucket: string,
    query: CloudSchemaQuery,
    where: string,
    signal?: AbortSignal,
  ): Promise<{ file: AsyncBuffer; metadata: FileMetaData }> {
    try {
      const size = await this.sizeOf(bucket, query, signal);
      if (size === 0) throw new ConnectionError('unsupported', `${where} is empty (0 bytes): it has no schema.`);
      if (size < 12) throw new ConnectionError('unsupported', `${where} is ${size} bytes: too short to be a Parquet file.`);
      // One ranged read of the file's end: the footer of a typical file is inside it.
      const tailStart = Math.max(0, size - footerFetchBytes);
      const tail = await this.range(bucket, query.path, tailStart, size, signal);
      const view = new DataView(tail);
      const magic = view.getUint32(tail.byteLength - 4, true);
      if (magic === 0x45524150)
        throw new ConnectionError('unsupported', `${where} is an encrypted Parquet file (PARE): its footer cannot be read without the key.`);
      if (magic !== 0x31524150) {
        const head = new TextDecoder().decode(tail.slice(0, Math.min(64, tail.byteLength)));
        const hint = tailStart === 0 && /^[\x20-\x7e\t\r\n]*$/.test(head) ? ' It looks like text (CSV or JSON?).' : '';
        throw new ConnectionError('unsupported', `${where} is not a Parquet file: it does not end with PAR1.${hint}`);
      }
      const footer = view.getUint32(tail.byteLength - 8, true);
      if (footer + 8 > size) throw new ConnectionError('unsupported', `${where}: its footer says ${footer} bytes, more than the file; the file is corrupt.`);
      if (footer + 8 > maxFooterBytes) throw new ConnectionError('unsupported', `${where}: its footer is ${(footer / 1024 / 1024).toFixed(1)} MB; not read.`);
      const file: AsyncBuffer = {
        byteLength: size,
        // Served from the read above where it can be; a larger footer costs one more ranged read.
        slice: (start, end = size) =>
          start >= tailStart ? tail.slice(start - tailStart, end - tailStart) : this.range(bucket, query.path, start, end, signal),
      };
      const metadata = await parquetMetadataAsync(file, { initialFetchSize: size - tailStart });
      let fault: string | undefined;
      try {
        fault = footerFault(metadata, countLeaves(parquetSchema(metadata)), size - 8 - footer);
      } catch {
        fault = 'its schema does not form a tree';
      }
      if (fault) throw new ConnectionError('unsupported', `${where}: its footer is damaged (${fault}); the file cannot be read.`);
      return { file, metadata };
    } catch (error) {
      if (ConnectionError.is(error)) throw error;
      if (error instanceof S3ServiceException || (error as { $metadata?: unknown }).$metadata) throw this.fail(error, where);
      throw new ConnectionError('unsupported', `${where}: its Parquet footer could not be read${footerReason(error)}; the file is damaged or not Parquet.`);
    }
  }

  /** A file's first rows in the grid, capped: Parquet by row group through ranged reads, CSV from its start. */
  async previewObject(object: CloudSchemaQuery, limit: number, sink: RowSink, signal?: AbortSignal): Promise<StreamSummary> {
    const bucket = this.which(object.bucket);
    const where = `s3://${bucket}/${object.path}`;
    const started = performance.now();
    if (!object.path.endsWith('/') && !previewableFile.test(object.path)) {
      throw new ConnectionError('unsupported', `${where}: previews read Parquet, CSV, TSV and JSON Lines files.`);
    }
    const capped = new CappedSink(sink, limit);
    if (object.path.endsWith('/')) {
      await this.previewParquetFolder(bucket, object.path, where, capped, signal);
    } else if (/\.parquet$/i.test(object.path)) {
      const { file, metadata } = await this.openParquet(bucket, object, where, signal);
      try {
        const partitions = partitionColumns(object.path);
        await previewParquet(file, metadata, capped, where, {
          names: partitions.map((c) => c.name),
          types: partitions.map((c) => c.type),
          values: partitionValues(object.path),
        });
      } catch (error) {
        if (ConnectionError.is(error)) throw error;
        if ((error as { $metadata?: unknown }).$metadata) throw this.fail(error, where);
        throw new ConnectionError('unsupported', `${where}: its rows could not be read (${this.safe(errorMessage(error))}).`);
      }
    } else if (/\.(csv|tsv|tab|jsonl|ndjson|json)(\.(gz|gzip))?$/i.test(object.path)) {
      const jsonl = /\.(jsonl|ndjson|json)(\.(gz|gzip))?$/i.test(object.path);
      const tsv = /\.(tsv|tab)(\.(gz|gzip))?$/i.test(object.path);
      // The columns as the schema read finds them, then the rows streamed from the start.
      const schema = await this.textSchemaOf(bucket, object, where, jsonl ? 'jsonl' : 'csv', signal);
      const partitions = partitionColumns(object.path);
      const header = !jsonl && !schema.columns.every((c, i) => c.name === `column_${i + 1}`);
      try {
        const answer = await this.s3().send(new GetObjectCommand({ Bucket: bucket, Key: object.path }), { abortSignal: signal });
        await previewText(
          answer.Body as Readable,
          {
            format: jsonl ? 'jsonl' : 'csv',
            gzip: /\.(gz|gzip)$/i.test(object.path),
            delimiter: tsv ? '\t' : (schema.delimiter ?? ','),
            header,
            names: schema.columns.map((c) => c.name),
            types: schema.columns.map((c) => c.type),
            partitions: { names: partitions.map((c) => c.name), types: partitions.map((c) => c.type), values: partitionValues(object.path) },
            where,
          },
          capped,
        );
      } catch (error) {
        if (ConnectionError.is(error)) throw error;
        if ((error as { $metadata?: unknown }).$metadata) throw this.fail(error, where);
        throw new ConnectionError('unsupported', `${where}: its rows could not be read (${this.safe(errorMessage(error))}).`);
      }
    } else {
      throw new ConnectionError('unsupported', `${where}: previews read Parquet, CSV, TSV and JSON Lines files.`);
    }
    return capped.summary(Math.round(performance.now() - started));
  }

  /** The first `maxBytes` of an object (one ranged read), and its size. */
  async readObject(object: CloudSchemaQuery, maxBytes: number, signal?: AbortSignal): Promise<{ bytes: Uint8Array; size: number }> {
    const bucket = this.which(object.bucket);
    try {
      const size = await this.sizeOf(bucket, object, signal);
      // A zero-byte object is read without a range (some stores answer a ranged read of nothing wrongly).
      if (size === 0) return { bytes: new Uint8Array(0), size };
      return { bytes: new Uint8Array(await this.range(bucket, object.path, 0, Math.min(size, maxBytes), signal)), size };
    } catch (error) {
      throw this.fail(error, `s3://${bucket}/${object.path}`);
    }
  }

  /**
   * A folder of Parquet part files (Spark's and Hive's output, partition folders included) as one table:
   * its files in key order, each read by row groups until the cap; every part must have the first's columns.
   */
  private async previewParquetFolder(bucket: string, prefix: string, where: string, capped: CappedSink, signal?: AbortSignal): Promise<void> {
    const parts: { key: string; size: number }[] = [];
    let token: string | undefined;
    do {
      const page = await this.listObjects({ bucket, prefix, ...(token ? { pageToken: token } : {}) }, signal);
      parts.push(...page.objects.filter((o) => /\.parquet$/i.test(o.key) && o.size > 0).map((o) => ({ key: o.key, size: o.size })));
      token = page.nextPageToken;
    } while (token && parts.length < maxFolderParts);
    if (parts.length === 0) throw new ConnectionError('unsupported', `${where}: no Parquet files in this folder.`);
    let names: string | undefined;
    for (const part of parts) {
      if (capped.remaining <= 0) break;
      const partWhere = `s3://${bucket}/${part.key}`;
      const { file, metadata } = await this.openParquet(bucket, { path: part.key, size: part.size }, partWhere, signal);
      const columns = parquetColumns(parquetSchema(metadata))
        .map((c) => `${c.name}:${c.type}`)
        .join(',');
      names ??= columns;
      if (columns !== names)
        throw new ConnectionError('unsupported', `${partWhere} has other columns than the folder's first part file; preview the files one by one.`);
      const partitions = partitionColumns(part.key.slice(prefix.length));
      await previewParquet(file, metadata, capped, partWhere, {
        names: partitions.map((c) => c.name),
        types: partitions.map((c) => c.type),
        values: partitionValues(part.key.slice(prefix.length)),
      });
    }
  }

  async close(): Promise<void> {
    this.client?.destroy();
    this.client = undefined;
  }
}

export const openSession: ConnectorDriverModule['openSession'] = (options) => new S3Session(options);
