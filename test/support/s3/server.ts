/**
 * A small S3 server of the project's own, for what the third-party s3rver gets wrong
 * (shared/reference/driver-protocols.md §3), following AWS's documented behaviour:
 * - ListObjectsV2 with prefix, delimiter (common prefixes at any depth), max-keys counting keys and
 *   prefixes together, opaque continuation tokens, start-after; ListBuckets; HeadBucket;
 * - GetObject and HeadObject with explicit and suffix ranges (206 with Content-Range; 416 past the
 *   end; a whole zero-byte object without a range);
 * - errors as S3 words them: NoSuchBucket, NoSuchKey, AccessDenied, InvalidAccessKeyId,
 *   SignatureDoesNotMatch (a wrong secret), and a bucket in another region (301 PermanentRedirect
 *   with x-amz-bucket-region);
 * - PutObject, including the SDK's aws-chunked streaming uploads (for writing test files).
 * Signatures are checked for the access key id and the secret (SigV4 recomputed), so a wrong secret fails
 * as it does on S3. Every request is logged with the bytes it returned, so tests count what a read costs.
 */
import { createHash, createHmac } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface S3Object {
  body: Buffer;
  lastModified: Date;
}

export interface S3LogEntry {
  method: string;
  bucket?: string;
  key?: string;
  query: Record<string, string>;
  range?: string;
  status: number;
  bytes: number;
}

const xml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export class S3Server {
  readonly buckets = new Map<string, { region: string; objects: Map<string, S3Object> }>();
  /** Access key id → secret; a request signed with anything else is refused as S3 refuses it. */
  readonly keys = new Map<string, string>([['AKIATESTKEY', 'test-secret-key']]);
  /** Access key ids that may sign in but may not read (AccessDenied). */
  readonly denied = new Set<string>();
  readonly log: S3LogEntry[] = [];
  readonly region = 'us-east-1';

  private constructor(
    private readonly server: http.Server,
    readonly endpoint: string,
  ) {}

  static async start(): Promise<S3Server> {
    const holder: { self?: S3Server } = {};
    const server = http.createServer((req, res) => void holder.self!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.self = new S3Server(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return holder.self;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  createBucket(name: string, region = this.region): void {
    if (!this.buckets.has(name)) this.buckets.set(name, { region, objects: new Map() });
  }

  put(bucket: string, key: string, body: Buffer | string, lastModified = new Date('2025-03-27T06:00:00Z')): void {
    this.createBucket(bucket);
    this.buckets
      .get(bucket)!
      .objects.set(key, { body: Buffer.isBuffer(body) ? body : Buffer.from(body), lastModified });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: Buffer = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [, bucket, ...rest] = url.pathname.split('/');
    const key = rest.join('/') ? decodeURIComponent(rest.join('/')) : undefined;
    const query = Object.fromEntries(url.searchParams);
    const entry: S3LogEntry = {
      method: req.method ?? 'GET',
      ...(bucket ? { bucket: decodeURIComponent(bucket) } : {}),
      ...(key !== undefined ? { key } : {}),
      query,
      ...(req.headers.range ? { range: req.headers.range } : {}),
      status: 200,
      bytes: 0,
    };
    this.log.push(entry);
    const send = (status: number, payload: Buffer | string, headers: Record<string, string> = {}): void => {
      const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
      entry.status = status;
      entry.bytes = req.method === 'HEAD' ? 0 : data.length;
      res.writeHead(status, { 'content-type': 'application/xml', 'content-length': String(data.length), ...headers });
      res.end(req.method === 'HEAD' ? undefined : data);
    };
    const error = (status: number, code: string, message: string, headers: Record<string, string> = {}): void =>
      send(
        status,
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xml(message)}</Message></Error>`,
        headers,
      );

    const auth = this.authenticate(req, body, url);
    if (auth) return error(403, auth.code, auth.message);
    const accessKey = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (this.denied.has(accessKey)) return error(403, 'AccessDenied', 'Access Denied');

    if (!bucket) {
      const list = [...this.buckets.keys()]
        .sort()
        .map((b) => `<Bucket><Name>${xml(b)}</Name><CreationDate>2025-01-01T00:00:00.000Z</CreationDate></Bucket>`);
      return send(
        200,
        `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Buckets>${list.join('')}</Buckets></ListAllMyBucketsResult>`,
      );
    }
    const name = decodeURIComponent(bucket);
    const b = this.buckets.get(name);
    if (req.method === 'PUT' && key === undefined) {
      this.createBucket(name);
      return send(200, '');
    }
    if (!b) return error(404, 'NoSuchBucket', 'The specified bucket does not exist');
    if (b.region !== this.region) {
      return error(
        301,
        'PermanentRedirect',
        'The bucket you are attempting to access must be addressed using the specified endpoint.',
        {
          'x-amz-bucket-region': b.region,
        },
      );
    }
    if (key === undefined) {
      if (req.method === 'HEAD') return send(200, '', { 'x-amz-bucket-region': b.region });
      return send(200, this.list(b.objects, query));
    }
    if (req.method === 'PUT') {
      if (
        /aws-chunked/.test(String(req.headers['content-encoding'] ?? '')) ||
        req.headers['x-amz-decoded-content-length']
      )
        body = dechunk(body);
      b.objects.set(key, { body, lastModified: new Date() });
      return send(200, '', { etag: `"${createHash('md5').update(body).digest('hex')}"` });
    }
    const object = b.objects.get(key);
    if (!object) return error(404, 'NoSuchKey', 'The specified key does not exist.');
    const headers = {
      'content-type': 'application/octet-stream',
      'last-modified': object.lastModified.toUTCString(),
      etag: `"${createHash('md5').update(object.body).digest('hex')}"`,
      'accept-ranges': 'bytes',
    };
    const range = parseRange(req.headers.range, object.body.length);
    if (range === 'invalid')
      return error(416, 'InvalidRange', 'The requested range is not satisfiable', {
        'content-range': `bytes */${object.body.length}`,
      });
    if (!range) return send(200, object.body, headers);
    return send(206, object.body.subarray(range.start, range.end + 1), {
      ...headers,
      'content-range': `bytes ${range.start}-${range.end}/${object.body.length}`,
    });
  }

  /** ListObjectsV2 as S3 answers it: keys and common prefixes in UTF-8 order, counted together against max-keys. */
  private list(objects: Map<string, S3Object>, q: Record<string, string>): string {
    const prefix = q.prefix ?? '';
    const delimiter = q.delimiter || undefined;
    const max = Math.min(1000, q['max-keys'] === undefined ? 1000 : Number(q['max-keys']));
    const after = q['continuation-token']
      ? Buffer.from(q['continuation-token'], 'base64url').toString('utf8')
      : (q['start-after'] ?? '');
    const entries: ({ kind: 'key'; key: string; o: S3Object } | { kind: 'prefix'; key: string })[] = [];
    const seen = new Set<string>();
    for (const k of [...objects.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
      if (!k.startsWith(prefix)) continue;
      const at = delimiter ? k.indexOf(delimiter, prefix.length) : -1;
      if (at >= 0) {
        const p = k.slice(0, at + delimiter!.length);
        if (p <= after || seen.has(p)) continue;
        seen.add(p);
        entries.push({ kind: 'prefix', key: p });
      } else if (k > after) entries.push({ kind: 'key', key: k, o: objects.get(k)! });
    }
    const page = entries.slice(0, max);
    const truncated = entries.length > max;
    const last = page.at(-1)?.key;
    const contents = page
      .filter((e): e is { kind: 'key'; key: string; o: S3Object } => e.kind === 'key')
      .map(
        (e) =>
          `<Contents><Key>${xml(e.key)}</Key><LastModified>${e.o.lastModified.toISOString()}</LastModified><Size>${e.o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
      );
    const prefixes = page
      .filter((e) => e.kind === 'prefix')
      .map((e) => `<CommonPrefixes><Prefix>${xml(e.key)}</Prefix></CommonPrefixes>`);
    return (
      `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name><Prefix>${xml(prefix)}</Prefix>` +
      `<KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys>${delimiter ? `<Delimiter>${xml(delimiter)}</Delimiter>` : ''}<IsTruncated>${truncated}</IsTruncated>` +
      `${truncated && last ? `<NextContinuationToken>${Buffer.from(last).toString('base64url')}</NextContinuationToken>` : ''}` +
      `${contents.join('')}${prefixes.join('')}</ListBucketResult>`
    );
  }

  /** SigV4, recomputed: an unknown key id or a wrong secret is refused with S3's own codes. */
  private authenticate(
    req: http.IncomingMessage,
    body: Buffer,
    url: URL,
  ): { code: string; message: string } | undefined {
    const header = req.headers.authorization ?? '';
    const m =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]+)$/.exec(
        header,
      );
    if (!m) return { code: 'AccessDenied', message: 'Access Denied' };
    const [, id, date, region, signed, signature] = m;
    const secret = this.keys.get(id);
    if (secret === undefined)
      return {
        code: 'InvalidAccessKeyId',
        message: 'The AWS Access Key Id you provided does not exist in our records.',
      };
    const canonicalQuery = [...url.searchParams]
      .map(([k, v]) => [encode(k), encode(v)])
      .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    const names = signed.split(';');
    const canonicalHeaders = names
      .map(
        (n) =>
          `${n}:${String(req.headers[n] ?? '')
            .trim()
            .replace(/\s+/g, ' ')}\n`,
      )
      .join('');
    const payloadHash = String(req.headers['x-amz-content-sha256'] ?? createHash('sha256').update(body).digest('hex'));
    const canonical = [
      req.method,
      url.pathname
        .split('/')
        .map((p) => encode(decodeURIComponent(p)))
        .join('/'),
      canonicalQuery,
      canonicalHeaders,
      signed,
      payloadHash,
    ].join('\n');
    const scope = `${date}/${region}/s3/aws4_request`;
    const toSign = [
      'AWS4-HMAC-SHA256',
      String(req.headers['x-amz-date']),
      scope,
      createHash('sha256').update(canonical).digest('hex'),
    ].join('\n');
    let k: Buffer = createHmac('sha256', `AWS4${secret}`).update(date).digest();
    for (const part of [region, 's3', 'aws4_request']) k = createHmac('sha256', k).update(part).digest();
    if (createHmac('sha256', k).update(toSign).digest('hex') !== signature) {
      return {
        code: 'SignatureDoesNotMatch',
        message:
          'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      };
    }
    return undefined;
  }
}

function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** bytes=a-b, bytes=a-, bytes=-n; past the end is 416; anything else is ignored (the whole object). */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'invalid' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header ?? '');
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'invalid';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  if (start >= size) return 'invalid';
  return { start, end: m[2] === '' ? size - 1 : Math.min(size - 1, Number(m[2])) };
}

/** The aws-chunked framing of a streamed upload: hex size;chunk-signature=...\r\n data \r\n ... 0 trailer. */
function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(body.toString('latin1', at, eol).split(';')[0], 16);
    if (!size) break;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
