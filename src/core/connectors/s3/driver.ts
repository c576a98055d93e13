import {
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { fromIni } from '@aws-sdk/credential-provider-ini';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { parquetSchema, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { performance } from 'node:perf_hooks';
import type {
  ColumnInfo,
  CloudSchemaQuery,
  CloudSchemaResponse,
  FilesQuery,
  FilesResponse,
  NamedItem,
} from '../../api/types';
import { ConnectionError, errorMessage, redact } from '../../errors';
import type {
  ConnectorDriverModule,
  ConnectorSession,
  RowSink,
  SessionOptions,
  StorageFacet,
  StreamSummary,
} from '../types';
import { mapS3Error } from './errors';
import { readerWords, parquetColumns } from './parquet';
import { openParquetFile } from './parquetFooter';
import { CappedSink } from '../sql/streaming';
import type { Readable } from 'node:stream';
import { previewParquet, previewText } from './filePreview';
import { previewFolder, type FolderSource } from './folderPreview';
import { partitionsOf, type Partitions } from './hive';
import { formatByName } from './formats';
import { readTextLayout, type TextLayout } from './textObject';
import { mib } from './bounds';

/** How an object is read: a Parquet file opened (footer read), or a text file's layout. */
type ObjectLayout =
  TextLayout | { format: 'parquet'; columns: ColumnInfo[]; file: AsyncBuffer; metadata: FileMetaData };

export { footerFetchBytes } from './parquetFooter';
/** The largest table-format log file (a Delta commit) a folder preview reads. */
export const maxLogBytes = 64 * 1024 * 1024;
/** The most part files of a folder a preview lists. */
export const maxFolderParts = 10_000;

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
        throw new ConnectionError('auth_failed', 'Sign-in by key needs the access key ID and the secret access key.', {
          field: 'accessKeyId',
        });
      credentials = {
        accessKeyId: String(c.accessKeyId),
        secretAccessKey: s.secretAccessKey,
        ...(s.sessionToken ? { sessionToken: s.sessionToken } : {}),
      };
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
    if (!b)
      throw new ConnectionError('invalid_config', 'Which bucket? This connection lists every bucket; pick one.', {
        field: 'bucket',
      });
    return b;
  }

  async test(signal?: AbortSignal): Promise<{ ok: boolean; message: string }> {
    try {
      if (this.bucket) {
        const page = await this.s3().send(new ListObjectsV2Command({ Bucket: this.bucket, MaxKeys: 1 }), {
          abortSignal: signal,
        });
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
          o.Key === undefined
            ? []
            : [{ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified?.toISOString() ?? '' }],
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
    return (
      (await this.s3().send(new HeadObjectCommand({ Bucket: bucket, Key: object.path }), { abortSignal: signal }))
        .ContentLength ?? 0
    );
  }

  /** Byte ranges of one object, each an explicit `bytes=a-b` (suffix ranges are wrong on some stores). */
  private async range(
    bucket: string,
    key: string,
    start: number,
    end: number,
    signal?: AbortSignal,
  ): Promise<ArrayBuffer> {
    const answer = await this.s3().send(
      new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end - 1}` }),
      { abortSignal: signal },
    );
    const bytes = await answer.Body!.transformToByteArray();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  /**
   * A file's columns without downloading it: Parquet from its footer, CSV/TSV and JSON Lines (gzip too)
   * from their first bytes, the format told by the bytes (the name is a hint); Hive-style partition
   * folders in the key are columns too (a key that is also a file column is the file's).
   */
  async fileSchema(query: CloudSchemaQuery, signal?: AbortSignal): Promise<CloudSchemaResponse> {
    const bucket = this.which(query.bucket);
    const where = `s3://${bucket}/${query.path}`;
    const read = await this.layoutOf(bucket, query, where, signal);
    const partitions = partitionsOf(
      query.path,
      read.columns.map((c) => c.name),
    );
    return { path: query.path, format: read.format, columns: [...read.columns, ...partitions.columns] };
  }

  /** How an object is read: Parquet (its footer) or text (its layout), by its bytes; a `.parquet` name goes to the footer first. */
  private async layoutOf(
    bucket: string,
    query: CloudSchemaQuery,
    where: string,
    signal?: AbortSignal,
  ): Promise<ObjectLayout> {
    const parquet = async (object: CloudSchemaQuery): Promise<ObjectLayout> => {
      const opened = await this.openParquet(bucket, object, where, signal);
      return { format: 'parquet', columns: parquetColumns(parquetSchema(opened.metadata)), ...opened };
    };
    if (formatByName(query.path) === 'parquet') return parquet(query);
    let size: number;
    let text: TextLayout | 'parquet';
    try {
      size = await this.sizeOf(bucket, query, signal);
      text = await readTextLayout(
        async (start, end) => new Uint8Array(await this.range(bucket, query.path, start, end, signal)),
        size,
        query.path,
        where,
      );
    } catch (error) {
      if (ConnectionError.is(error)) throw error;
      throw this.fail(error, where);
    }
    return text === 'parquet' ? parquet({ ...query, size }) : text;
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
      return await openParquetFile(size, (start, end) => this.range(bucket, query.path, start, end, signal), where);
    } catch (error) {
      if (ConnectionError.is(error)) throw error;
      if (error instanceof S3ServiceException || (error as { $metadata?: unknown }).$metadata)
        throw this.fail(error, where);
      throw new ConnectionError(
        'unsupported',
        `${where}: its Parquet footer could not be read${readerWords(error)}; the file is damaged or not Parquet.`,
      );
    }
  }

  /** A file's first rows in the grid, capped: Parquet by row group through ranged reads, text from its start; a folder as one table. */
  async previewObject(
    object: CloudSchemaQuery,
    limit: number,
    sink: RowSink,
    signal?: AbortSignal,
  ): Promise<StreamSummary> {
    const bucket = this.which(object.bucket);
    const where = `s3://${bucket}/${object.path}`;
    const started = performance.now();
    const capped = new CappedSink(sink, limit);
    let notes: string[] = [];
    if (object.path.endsWith('/')) {
      const source: FolderSource = {
        list: (prefix, pageToken) => this.listObjects({ bucket, prefix, ...(pageToken ? { pageToken } : {}) }, signal),
        text: async (key) => {
          const { bytes, size } = await this.readObject({ bucket, path: key }, maxLogBytes, signal);
          if (size > maxLogBytes)
            throw new ConnectionError(
              'unsupported',
              `s3://${bucket}/${key} is larger than ${mib(maxLogBytes)}; the table's log is not read.`,
            );
          return Buffer.from(bytes).toString('utf8');
        },
        columns: async (key, size) => {
          const partWhere = `s3://${bucket}/${key}`;
          const layout = await this.layoutOf(bucket, { path: key, size }, partWhere, signal);
          const partitions = partitionsOf(
            key,
            layout.columns.map((c) => c.name),
            object.path,
          );
          return {
            columns: [...layout.columns, ...partitions.columns],
            text: layout.format !== 'parquet',
            read: (partSink) =>
              this.rowsOf(bucket, { path: key, size }, partWhere, layout, partitions, partSink, signal),
          };
        },
      };
      notes = await previewFolder(source, object.path, where, capped, maxFolderParts);
    } else {
      const layout = await this.layoutOf(bucket, object, where, signal);
      const partitions = partitionsOf(
        object.path,
        layout.columns.map((c) => c.name),
      );
      await this.rowsOf(bucket, object, where, layout, partitions, capped, signal);
    }
    return { ...capped.summary(Math.round(performance.now() - started)), ...(notes.length ? { notes } : {}) };
  }

  /** One object's rows, then its partition values, into a sink. */
  private async rowsOf(
    bucket: string,
    object: CloudSchemaQuery,
    where: string,
    layout: ObjectLayout,
    partitions: Partitions,
    sink: CappedSink,
    signal?: AbortSignal,
  ): Promise<void> {
    const extra = {
      names: partitions.columns.map((c) => c.name),
      types: partitions.columns.map((c) => c.type),
      values: partitions.values,
    };
    try {
      if (layout.format === 'parquet') {
        await previewParquet(layout.file, layout.metadata, sink, where, extra);
        return;
      }
      const answer = await this.s3().send(new GetObjectCommand({ Bucket: bucket, Key: object.path }), {
        abortSignal: signal,
      });
      await previewText(
        answer.Body as Readable,
        {
          format: layout.format === 'jsonl' ? 'jsonl' : 'csv',
          gzip: layout.gzip,
          encoding: layout.encoding,
          ...(layout.dialect ? { dialect: layout.dialect } : {}),
          names: layout.columns.map((c) => c.name),
          types: layout.columns.map((c) => c.type),
          partitions: extra,
          where,
        },
        sink,
      );
    } catch (error) {
      if (ConnectionError.is(error)) throw error;
      if ((error as { $metadata?: unknown }).$metadata) throw this.fail(error, where);
      throw new ConnectionError(
        'unsupported',
        `${where}: its rows could not be read (${this.safe(errorMessage(error))}).`,
      );
    }
  }

  /** The first `maxBytes` of an object (one ranged read), and its size. */
  async readObject(
    object: CloudSchemaQuery,
    maxBytes: number,
    signal?: AbortSignal,
  ): Promise<{ bytes: Uint8Array; size: number }> {
    const bucket = this.which(object.bucket);
    try {
      const size = await this.sizeOf(bucket, object, signal);
      // A zero-byte object is read without a range (some stores answer a ranged read of nothing wrongly).
      if (size === 0) return { bytes: new Uint8Array(0), size };
      return {
        bytes: new Uint8Array(await this.range(bucket, object.path, 0, Math.min(size, maxBytes), signal)),
        size,
      };
    } catch (error) {
      throw this.fail(error, `s3://${bucket}/${object.path}`);
    }
  }

  async close(): Promise<void> {
    this.client?.destroy();
    this.client = undefined;
  }
}

export const openSession: ConnectorDriverModule['openSession'] = (options) => new S3Session(options);
