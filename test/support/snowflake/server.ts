/**
 * Snowflake's REST protocol as snowflake-sdk speaks it (shared/reference/driver-protocols.md §1), on
 * 127.0.0.1 over plain HTTP, so that the real driver runs unchanged: login by password, key-pair JWT or
 * OAuth token; session tokens with renewal (390112, then /session/token-request with the master token);
 * query requests answered inline and in gzip chunks fetched by URL with the chunk headers the answer
 * named; asynchronous queries (333334) polled at getResultUrl; describe-only requests with the statement
 * type; abort (000604, SQLSTATE 57014); heartbeat; session delete; SQL errors with code and SQLSTATE.
 * What it holds and how statements are answered is in catalog.ts.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { SnowflakeCatalog, SnowflakeSqlError, statementKind, statementType, type ResultSpec } from './catalog';

export interface SnowflakeUser {
  password?: string;
  /** PEM of the public key registered for key-pair login. */
  publicKey?: string;
  oauthToken?: string;
  defaultRole?: string;
}

interface Session {
  user: string;
  token: string;
  masterToken: string;
  database?: string;
  schema?: string;
  warehouse?: string;
  role?: string;
}

interface Query {
  id: string;
  requestId: string;
  sql: string;
  result?: ResultSpec;
  error?: SnowflakeSqlError;
  /** Long-running (SYSTEM$WAIT): finished at this time unless aborted. */
  doneAt?: number;
  /** STATEMENT_TIMEOUT_IN_SECONDS, when the request set it: stopped by the server at this time. */
  timeoutAt?: number;
  aborted?: boolean;
  /** Rows sent to the client so far: inline and in the chunks it fetched. */
  rowsServed: number;
  /** For a describe-only request: the type it was given (the driver does not expose it to its caller). */
  describedType?: number;
}

export interface SnowflakeLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** The session parameters a real login answers with, that the driver reads to format values. */
const sessionParameters = [
  { name: 'TIMEZONE', value: 'UTC' },
  { name: 'BINARY_OUTPUT_FORMAT', value: 'HEX' },
  { name: 'DATE_OUTPUT_FORMAT', value: 'YYYY-MM-DD' },
  { name: 'TIME_OUTPUT_FORMAT', value: 'HH24:MI:SS' },
  { name: 'TIMESTAMP_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3 TZHTZM' },
  { name: 'TIMESTAMP_NTZ_OUTPUT_FORMAT', value: 'YYYY-MM-DD HH24:MI:SS.FF3' },
  { name: 'TIMESTAMP_LTZ_OUTPUT_FORMAT', value: '' },
  { name: 'TIMESTAMP_TZ_OUTPUT_FORMAT', value: '' },
  { name: 'CLIENT_RESULT_CHUNK_SIZE', value: 160 },
];

const ok = (data: unknown): Record<string, unknown> => ({ success: true, code: null, message: null, data });
const fail = (code: string, message: string, data: Record<string, unknown> = {}): Record<string, unknown> => ({
  success: false,
  code,
  message,
  data,
});

export class SnowflakeServer {
  readonly account = 'FAKE';
  readonly users = new Map<string, SnowflakeUser>();
  readonly catalog = new SnowflakeCatalog();
  readonly log: SnowflakeLogEntry[] = [];
  readonly queries = new Map<string, Query>();
  readonly sessions = new Map<string, Session>();
  /** Rows answered inline; the rest go in chunks of `chunkRows`. */
  inlineRows = 1000;
  chunkRows = 2000;
  serverVersion = '8.40.1';
  private nextId = 0;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<SnowflakeServer> {
    const holder: { self?: SnowflakeServer } = {};
    const server = http.createServer((req, res) => void holder.self!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.self = new SnowflakeServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return holder.self;
  }

  /** Statements still running (not finished, not aborted) whose text holds the marker. */
  running(marker: string): number {
    return [...this.queries.values()].filter(
      (q) => q.sql.includes(marker) && q.doneAt !== undefined && !q.aborted && Date.now() < q.doneAt,
    ).length;
  }

  /** Every session token stops working: the next request gets 390112 and the driver renews. */
  expireSessionTokens(): void {
    for (const [token, session] of [...this.sessions]) {
      this.sessions.delete(token);
      this.sessions.set(`expired:${token}`, session);
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private id(prefix: string): string {
    return `${prefix}-${++this.nextId}-${Math.random().toString(36).slice(2, 10)}`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let raw = Buffer.concat(chunks);
    if (raw[0] === 0x1f && raw[1] === 0x8b) raw = gunzipSync(raw); // the driver may gzip request bodies
    const body = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
    const method = req.method ?? 'GET';
    this.log.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
    });
    const send = (answer: unknown): void => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer));
    };
    const path = url.pathname;
    if (method === 'POST' && path === '/session/v1/login-request') return send(this.login(url.searchParams, body));
    if (method === 'POST' && path === '/telemetry/send') return send({ success: true });
    let m: RegExpExecArray | null;
    if (method === 'GET' && (m = /^\/chunks\/([^/]+)\/(\d+)$/.exec(path)))
      return this.chunk(m[1], Number(m[2]), req, res);
    const token = /Snowflake Token="([^"]+)"/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (method === 'POST' && path === '/session/token-request') return send(this.renew(token, body));
    const session = this.sessions.get(token);
    if (!session) {
      if (this.sessions.has(`expired:${token}`))
        return send(fail('390112', 'Your session has expired. Please login again.'));
      return send(fail('390104', 'User must login again to access the service.'));
    }
    if (method === 'POST' && path === '/session/heartbeat') return send({ success: true });
    if (method === 'POST' && path === '/session' && url.searchParams.get('delete') === 'true') {
      this.sessions.delete(token);
      return send({ success: true });
    }
    if (method === 'POST' && path === '/queries/v1/query-request')
      return send(this.query(session, url.searchParams.get('requestId') ?? '', body));
    if (method === 'GET' && (m = /^\/queries\/([^/]+)\/result$/.exec(path))) return send(await this.result(m[1]));
    if (method === 'POST' && (m = /^\/queries\/([^/]+)\/abort-request$/.exec(path)))
      return send(this.abort(this.queries.get(m[1])));
    if (method === 'POST' && path === '/queries/v1/abort-request') {
      return send(this.abort([...this.queries.values()].find((q) => q.requestId === body.requestId)));
    }
    send(fail('390400', `No route ${method} ${path}`));
  }

  private login(q: URLSearchParams, body: Record<string, unknown>): Record<string, unknown> {
    const data = (body.data ?? {}) as Record<string, unknown>;
    const user = String(data.LOGIN_NAME ?? '');
    const account = String(data.ACCOUNT_NAME ?? '').toUpperCase();
    const registered = this.users.get(user.toUpperCase());
    const authenticator = String(data.AUTHENTICATOR ?? 'SNOWFLAKE').toUpperCase();
    if (account !== this.account) return fail('390201', `The requested account '${account}' does not exist.`);
    if (!registered) return fail('390100', 'Incorrect username or password was specified.');
    if (authenticator === 'SNOWFLAKE' && (registered.password === undefined || registered.password !== data.PASSWORD)) {
      return fail('390100', 'Incorrect username or password was specified.');
    }
    if (
      authenticator === 'SNOWFLAKE_JWT' &&
      !this.jwtValid(String(data.TOKEN ?? ''), account, user.toUpperCase(), registered)
    ) {
      return fail('394304', 'JWT token is invalid.');
    }
    if (authenticator === 'OAUTH' && (registered.oauthToken === undefined || registered.oauthToken !== data.TOKEN)) {
      return fail('390303', 'Invalid OAuth access token.');
    }
    if (!['SNOWFLAKE', 'SNOWFLAKE_JWT', 'OAUTH'].includes(authenticator))
      return fail('390190', `Unsupported authenticator ${authenticator}.`);
    const database = q.get('databaseName')?.toUpperCase();
    if (database && !this.catalog.databases.includes(database)) {
      return fail('390201', `The requested database does not exist or not authorized.`);
    }
    const session: Session = {
      user,
      token: this.id('T'),
      masterToken: this.id('M'),
      ...(database ? { database } : {}),
      ...(q.get('schemaName') ? { schema: q.get('schemaName')!.toUpperCase() } : {}),
      ...(q.get('warehouse') ? { warehouse: q.get('warehouse')! } : {}),
      role: q.get('roleName') ?? registered.defaultRole ?? 'PUBLIC',
    };
    this.sessions.set(session.token, session);
    return ok({
      token: session.token,
      masterToken: session.masterToken,
      validityInSeconds: 3600,
      masterValidityInSeconds: 14400,
      sessionId: ++this.nextId,
      serverVersion: this.serverVersion,
      parameters: sessionParameters,
      sessionInfo: {
        databaseName: session.database ?? null,
        schemaName: session.schema ?? null,
        warehouseName: session.warehouse ?? null,
        roleName: session.role,
      },
    });
  }

  /** RS256 over header.payload with the registered key; iss `ACCOUNT.USER.SHA256:<fingerprint>`, not expired. */
  private jwtValid(token: string, account: string, user: string, registered: SnowflakeUser): boolean {
    if (!registered.publicKey) return false;
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) return false;
    const key = createPublicKey(registered.publicKey);
    if (!verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url')))
      return false;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      iss?: string;
      sub?: string;
      exp?: number;
    };
    const fingerprint = `SHA256:${createHash('sha256')
      .update(key.export({ format: 'der', type: 'spki' }))
      .digest('base64')}`;
    return (
      claims.iss === `${account}.${user}.${fingerprint}` &&
      claims.sub === `${account}.${user}` &&
      (claims.exp ?? 0) * 1000 > Date.now()
    );
  }

  private renew(masterToken: string, body: Record<string, unknown>): Record<string, unknown> {
    const entry = [...this.sessions].find(([, s]) => s.masterToken === masterToken);
    if (!entry || body.requestType !== 'RENEW')
      return fail('390114', 'Authentication token has expired. The user must authenticate again.');
    const [old, session] = entry;
    this.sessions.delete(old);
    session.token = this.id('T');
    this.sessions.set(session.token, session);
    return ok({
      sessionToken: session.token,
      validityInSecondsST: 3600,
      masterToken: session.masterToken,
      validityInSecondsMT: 14400,
    });
  }

  private query(session: Session, requestId: string, body: Record<string, unknown>): Record<string, unknown> {
    const sql = String(body.sqlText ?? '');
    const query: Query = { id: this.id('q'), requestId, sql, rowsServed: 0 };
    this.queries.set(query.id, query);
    try {
      // The account allows any number of statements in one request (MULTI_STATEMENT_COUNT = 0) unless
      // the request pins the count; a pinned count that does not match is refused before anything runs.
      const count = statementCount(sql);
      const pinned = (body.parameters as Record<string, unknown> | undefined)?.MULTI_STATEMENT_COUNT;
      if (pinned !== undefined && Number(pinned) !== 0 && Number(pinned) !== count) {
        throw new SnowflakeSqlError(
          '000008',
          '0A000',
          `Actual statement count ${count} did not match the desired statement count ${Number(pinned)}.`,
        );
      }
      if (body.describeOnly === true) {
        // Described, never run: a statement that changes something is only typed.
        const kind = statementKind(sql);
        query.describedType = kind;
        const described = kind === statementType.select ? this.catalog.answer(sql, session) : undefined;
        return ok({
          queryId: query.id,
          statementTypeId: kind,
          rowtype: described?.rowtype ?? [],
          rowset: [],
          total: 0,
          returned: 0,
          queryResultFormat: 'json',
        });
      }
      if (count > 1) {
        // Run one after the other, as an account that allows several statements per request does.
        const parts = sql.split(';').filter((part) => part.trim() !== '');
        for (const part of parts) query.result = this.catalog.answer(part, session);
        return this.answer(query);
      }
      const wait = /^\s*select\s+system\$wait\((\d+)\)(?:\s+as\s+\w+)?\s*(?:\/\*[\s\S]*?\*\/\s*)?;?\s*$/i.exec(sql);
      query.result = this.catalog.answer(sql, session);
      const seconds = wait ? Number(wait[1]) : query.result.slowSeconds;
      if (seconds) {
        query.doneAt = Date.now() + seconds * 1000;
        const limit = Number(
          (body.parameters as Record<string, unknown> | undefined)?.STATEMENT_TIMEOUT_IN_SECONDS ?? 0,
        );
        if (limit > 0 && limit < seconds) query.timeoutAt = Date.now() + limit * 1000;
        return {
          success: true,
          code: '333334',
          message:
            'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.',
          data: { queryId: query.id, getResultUrl: `/queries/${query.id}/result` },
        };
      }
      return this.answer(query);
    } catch (error) {
      if (!(error instanceof SnowflakeSqlError)) throw error;
      query.error = error;
      return fail(error.code, error.message, { sqlState: error.sqlState, queryId: query.id });
    }
  }

  /** A long-running query's result: held up to a second while it runs (the driver polls without delay). */
  private async result(id: string): Promise<Record<string, unknown>> {
    const query = this.queries.get(id);
    if (!query) return fail('000709', `Statement ${id} not found`);
    const until = Date.now() + 1000;
    const stop = Math.min(until, query.timeoutAt ?? Infinity);
    while (!query.aborted && query.doneAt !== undefined && Date.now() < query.doneAt && Date.now() < stop)
      await new Promise((r) => setTimeout(r, 20));
    if (query.aborted) return fail('000604', 'SQL execution canceled', { sqlState: '57014', queryId: id });
    if (query.timeoutAt !== undefined && Date.now() >= query.timeoutAt) {
      query.aborted = true;
      return fail('000630', 'Statement reached its statement or warehouse timeout and was canceled.', {
        sqlState: '57014',
        queryId: id,
      });
    }
    if (query.doneAt !== undefined && Date.now() < query.doneAt) {
      return {
        success: true,
        code: '333334',
        message: 'Asynchronous execution in progress.',
        data: { queryId: id, getResultUrl: `/queries/${id}/result` },
      };
    }
    return this.answer(query);
  }

  private abort(query: Query | undefined): Record<string, unknown> {
    if (!query) return fail('000605', 'Identified SQL statement is not currently executing.');
    query.aborted = true;
    return { success: true };
  }

  private answer(query: Query): Record<string, unknown> {
    const result = query.result!;
    const inline = Math.min(result.total, this.inlineRows);
    const rowset = Array.from({ length: inline }, (_, i) => result.row(i));
    query.rowsServed += inline;
    const chunks = [];
    for (let start = inline, i = 0; start < result.total; start += this.chunkRows, i++) {
      const rowCount = Math.min(this.chunkRows, result.total - start);
      chunks.push({
        url: `${this.url}/chunks/${query.id}/${i}`,
        rowCount,
        uncompressedSize: rowCount * 64,
        compressedSize: rowCount * 16,
      });
    }
    return ok({
      queryId: query.id,
      version: 1,
      queryResultFormat: 'json',
      statementTypeId: result.statementTypeId,
      parameters: sessionParameters,
      rowtype: result.rowtype.map((c) => ({
        length: null,
        byteLength: null,
        precision: null,
        scale: null,
        collation: null,
        database: '',
        schema: '',
        table: '',
        ...c,
      })),
      rowset,
      total: result.total,
      returned: result.total,
      ...(chunks.length ? { chunks, chunkHeaders: { 'x-fake-chunk-key': query.id } } : {}),
    });
  }

  /** One chunk: its rows without the outer brackets, gzip, only with the header the answer named. */
  private chunk(id: string, index: number, req: http.IncomingMessage, res: http.ServerResponse): void {
    const query = this.queries.get(id);
    if (!query?.result || req.headers['x-fake-chunk-key'] !== id) {
      res.writeHead(403, { 'Content-Type': 'application/xml' });
      res.end('<Error><Code>AccessDenied</Code></Error>');
      return;
    }
    const start = Math.min(query.result.total, this.inlineRows) + index * this.chunkRows;
    const end = Math.min(query.result.total, start + this.chunkRows);
    const parts: string[] = [];
    for (let i = start; i < end; i++) parts.push(JSON.stringify(query.result.row(i)));
    query.rowsServed += end - start;
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Encoding': 'gzip' });
    res.end(gzipSync(parts.join(',')));
  }
}

/** Statements in a text: `;` outside quotes and comments, a trailing one not counted. */
function statementCount(sql: string): number {
  const bare = sql.replace(/'(?:[^'\\]|''|\\.)*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\//g, ' ');
  return bare.split(';').filter((part) => part.trim() !== '').length || 1;
}
