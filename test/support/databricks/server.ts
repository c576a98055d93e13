/**
 * A Databricks SQL warehouse as @databricks/sql speaks to it (shared/reference/driver-protocols.md §2):
 * TCLIService over HTTPS POST to the warehouse's HTTP path (TBufferedTransport + TBinaryProtocol, the
 * driver's own generated code), with a certificate from a throwaway CA made at start, which the driver
 * verifies through its customCaCert option. Personal access tokens and OAuth machine-to-machine tokens
 * (client credentials at /oidc/v1/token, discovered at /oidc/.well-known/oauth-authorization-server);
 * sessions with an initial namespace; statements run asynchronously and polled, with direct results for
 * quick ones, a server-side row limit (resultRowLimit) and query timeout; results as Arrow batches (native
 * Arrow types only when asked) or column sets, fetched maxRows at a time; catalog, schema, table and column
 * metadata operations; cancel; errors with SQLSTATE; a warehouse that is stopped or starting answers 503.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeTestCa, type TestCa } from '../pgTlsFront';
import { answerOidc } from './oidc';
import { DatabricksCatalog, DbxSqlError, matchesPattern, type DbxColumn, type DbxResult } from './catalog';
import { arrowBatch, arrowSchema, columnSet, jdbcType, tableSchema, type NativeTypes } from './encode';
import { int64, T, TCLIService, thrift, toInt64, type Handler, type Int64Like } from './thrift';

interface Session {
  catalog: string;
  schema: string;
}

interface Operation {
  session: Session;
  sql: string;
  result?: DbxResult;
  error?: DbxSqlError;
  state: 'running' | 'finished' | 'canceled' | 'closed' | 'error' | 'timedout';
  readyAt: number;
  timeoutAt?: number;
  /** Rows the result holds after the server-side row limit. */
  limit: number;
  offset: number;
  /** Rows sent to the client so far. */
  rowsServed: number;
  arrow: boolean;
  native: NativeTypes;
}

export interface DatabricksLogEntry {
  /** The Thrift method, or the HTTP path for anything else. */
  call: string;
  status: number;
  authorization?: string;
  userAgent?: string;
}

type Handle = { operationId?: { guid?: Buffer } };
const ok = { statusCode: 0 };
const key = (guid: Buffer | undefined): string => (guid ? guid.toString('hex') : '');
const uuidBytes = (): Buffer => Buffer.from(randomUUID().replace(/-/g, ''), 'hex');

export class DatabricksServer {
  readonly httpPath = '/sql/1.0/warehouses/4b9b3f5c2d1e0a7f';
  readonly tokens = new Set<string>(['dapi-test-token-0123456789abcdef']);
  readonly oauthClients = new Map<string, string>([['pipeline-sp', 'oauth-client-secret-xyz']]);
  readonly catalog = new DatabricksCatalog();
  readonly log: DatabricksLogEntry[] = [];
  readonly operations = new Map<string, Operation>();
  readonly sessions = new Map<string, Session>();
  /** Statements the client cancelled (CancelOperation), by SQL text. */
  readonly cancelled: string[] = [];
  /** False: a warehouse that ignores the statement's queryTimeout (the client's own limit must stop it). */
  honourQueryTimeout = true;
  /** Statements whose operation the client closed (CloseOperation), by SQL text. */
  readonly closed: string[] = [];
  warehouse: 'RUNNING' | 'STARTING' | 'STOPPED' = 'RUNNING';
  /** Rows per Arrow batch (a warehouse cuts batches by size; rows are what a test can count). */
  arrowBatchRows = 10_000;
  /** Answer with column sets even to a client that reads Arrow (older runtimes do). */
  columnSetsOnly = false;

  private constructor(
    private readonly server: https.Server,
    readonly ca: TestCa,
    readonly host: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `https://${this.host}:${this.port}`;
  }

  static async start(): Promise<DatabricksServer> {
    const ca = makeTestCa();
    const holder: { self?: DatabricksServer } = {};
    const server = https.createServer({ key: ca.key, cert: ca.cert }, (req, res) => void holder.self!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.self = new DatabricksServer(server, ca, 'localhost', (server.address() as AddressInfo).port);
    return holder.self;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The operations that ran this SQL text (most recent last). */
  operationsFor(sql: string): Operation[] {
    return [...this.operations.values()].filter((o) => o.sql === sql);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.url);
    const entry: DatabricksLogEntry = {
      call: url.pathname,
      status: 200,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
    };
    this.log.push(entry);
    const send = (status: number, text: string, headers: Record<string, string> = {}): void => {
      entry.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    };
    const oauth = answerOidc(
      url.pathname,
      req.method ?? 'GET',
      body,
      req.headers.authorization,
      this.url,
      this.oauthClients,
      this.tokens,
    );
    if (oauth) return send(oauth.status, JSON.stringify(oauth.body));
    if (url.pathname !== this.httpPath || req.method !== 'POST')
      return send(404, JSON.stringify({ error_code: 'ENDPOINT_NOT_FOUND', message: 'No API found' }));
    if (body.length >= 8) entry.call = body.toString('utf8', 8, 8 + body.readInt32BE(4));
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !this.tokens.has(token))
      return send(401, 'Invalid access token.', { 'x-thriftserver-error-message': 'Invalid access token' });
    if (this.warehouse !== 'RUNNING') {
      return send(503, `The SQL warehouse is ${this.warehouse === 'STARTING' ? 'starting' : 'stopped'}.`, {
        'retry-after': '1',
      });
    }
    this.thrift(body, (buf) => {
      res.writeHead(200, { 'content-type': 'application/x-thrift' });
      res.end(buf);
    });
  }

  private thrift(body: Buffer, reply: (buf: Buffer) => void): void {
    const processor = new TCLIService.Processor(this.handlers());
    thrift.TBufferedTransport.receiver((transport) => {
      const input = new thrift.TBinaryProtocol(transport);
      const output = new thrift.TBinaryProtocol(new thrift.TBufferedTransport(undefined, reply));
      processor.process(input, output);
      transport.commitPosition();
    })(body);
  }

  private session(handle: unknown): Session {
    const guid = (handle as { sessionId?: { guid?: Buffer } } | undefined)?.sessionId?.guid;
    const s = this.sessions.get(key(guid));
    if (!s) throw new Error('Invalid SessionHandle');
    return s;
  }

  private operation(handle: unknown): Operation {
    const op = this.operations.get(key((handle as Handle | undefined)?.operationId?.guid));
    if (!op) throw new DbxSqlError('Invalid OperationHandle', 'HY000');
    this.refresh(op);
    return op;
  }

  /** An operation's state now: a running one finishes when its time comes, or times out first. */
  refresh(op: Operation): Operation['state'] {
    if (op.state === 'running' && op.timeoutAt !== undefined && Date.now() >= op.timeoutAt) op.state = 'timedout';
    if (op.state === 'running' && Date.now() >= op.readyAt) op.state = 'finished';
    return op.state;
  }

  private start(
    session: Session,
    sql: string,
    result: DbxResult | DbxSqlError,
    request: Record<string, unknown> = {},
  ): Record<string, unknown> {
    const guid = uuidBytes();
    const error = result instanceof DbxSqlError ? result : undefined;
    const value = result instanceof DbxSqlError ? undefined : result;
    const limit = int64(request.resultRowLimit as Int64Like | undefined);
    const timeout = int64(request.queryTimeout as Int64Like | undefined);
    const native = (request.useArrowNativeTypes ?? {}) as NativeTypes;
    const op: Operation = {
      session,
      sql,
      ...(value ? { result: value } : {}),
      ...(error ? { error } : {}),
      state: error ? 'error' : 'running',
      readyAt: Date.now() + (value?.slowSeconds ?? 0) * 1000,
      ...(timeout && timeout > 0n && this.honourQueryTimeout ? { timeoutAt: Date.now() + Number(timeout) * 1000 } : {}),
      limit: Math.min(value?.rows ?? 0, limit && limit > 0n ? Number(limit) : Infinity),
      offset: 0,
      rowsServed: 0,
      arrow: request.canReadArrowResult === true && !this.columnSetsOnly,
      native,
    };
    this.operations.set(key(guid), op);
    const operationHandle = {
      operationId: { guid, secret: randomBytes(16) },
      operationType: 0,
      hasResultSet: !value?.noResult,
    };
    return { operationHandle, op };
  }

  private status(op: Operation): Record<string, unknown> {
    const states: Record<Operation['state'], string> = {
      running: 'RUNNING_STATE',
      finished: 'FINISHED_STATE',
      canceled: 'CANCELED_STATE',
      closed: 'CLOSED_STATE',
      error: 'ERROR_STATE',
      timedout: 'TIMEDOUT_STATE',
    };
    const failure =
      op.state === 'error'
        ? { sqlState: op.error!.sqlState, errorMessage: op.error!.message, displayMessage: op.error!.message }
        : op.state === 'timedout'
          ? {
              sqlState: '57014',
              errorMessage: 'Query has been timed out.',
              displayMessage: 'Query has been timed out.',
            }
          : {};
    return {
      status: ok,
      operationState: T.TOperationState[states[op.state]],
      ...failure,
      hasResultSet: op.result ? !op.result.noResult : true,
    };
  }

  private metadata(op: Operation): Record<string, unknown> {
    const columns = op.result?.columns ?? [];
    return {
      status: ok,
      schema: tableSchema(columns),
      resultFormat: op.arrow ? T.TSparkRowSetType.ARROW_BASED_SET : T.TSparkRowSetType.COLUMN_BASED_SET,
      lz4Compressed: false,
      ...(op.arrow ? { arrowSchema: arrowSchema(columns, op.native).bytes } : {}),
    };
  }

  private fetch(op: Operation, maxRows: number): Record<string, unknown> {
    const result = op.result!;
    const end = Math.min(op.limit, op.offset + Math.max(1, maxRows));
    const rows: (string | null)[][] = [];
    for (let i = op.offset; i < end; i++) rows.push(result.row(i));
    const start = op.offset;
    op.offset = end;
    op.rowsServed += rows.length;
    const rowSet: Record<string, unknown> = { startRowOffset: toInt64(start), rows: [] };
    if (op.arrow) {
      const { schema, bytes } = arrowSchema(result.columns, op.native);
      const batches: Record<string, unknown>[] = [];
      for (let i = 0; i < rows.length; i += this.arrowBatchRows) {
        const part = rows.slice(i, i + this.arrowBatchRows);
        batches.push({ batch: arrowBatch(result.columns, schema, part, bytes.length), rowCount: toInt64(part.length) });
      }
      rowSet.arrowBatches = batches;
    } else {
      rowSet.columns = columnSet(result.columns, rows);
    }
    return { status: ok, hasMoreRows: op.offset < op.limit, results: rowSet };
  }

  private metadataOperation(
    session: Session,
    call: string,
    columns: DbxColumn[],
    rows: (string | null)[][],
  ): Record<string, unknown> {
    const { operationHandle } = this.start(session, call, { columns, rows: rows.length, row: (i) => rows[i] });
    return { status: ok, operationHandle };
  }

  private handlers(): Handler {
    const str = (name: string): DbxColumn => ({ name, type: 'STRING' });
    const int = (name: string): DbxColumn => ({ name, type: 'INT' });
    return {
      OpenSession: async (req) => {
        const guid = uuidBytes();
        const ns = req.initialNamespace as { catalogName?: string; schemaName?: string } | undefined;
        this.sessions.set(key(guid), { catalog: ns?.catalogName ?? 'main', schema: ns?.schemaName ?? 'default' });
        return {
          status: ok,
          serverProtocolVersion: T.TProtocolVersion.SPARK_CLI_SERVICE_PROTOCOL_V8,
          sessionHandle: { sessionId: { guid, secret: randomBytes(16) } },
          canUseMultipleCatalogs: true,
          ...(ns ? { initialNamespace: ns } : {}),
        };
      },
      CloseSession: async (req) => {
        this.sessions.delete(
          key((req.sessionHandle as { sessionId?: { guid?: Buffer } } | undefined)?.sessionId?.guid),
        );
        return { status: ok };
      },
      ExecuteStatement: async (req) => {
        const session = this.session(req.sessionHandle);
        const sql = String(req.statement);
        let result: DbxResult;
        try {
          result = this.catalog.answer(sql, session);
        } catch (error) {
          if (!(error instanceof DbxSqlError)) throw error;
          // Parse and analysis errors come back at once, in the ExecuteStatement status.
          return {
            status: {
              statusCode: T.TStatusCode.ERROR_STATUS,
              sqlState: error.sqlState,
              errorMessage: error.message,
              displayMessage: error.message,
            },
          };
        }
        const { operationHandle, op } = this.start(session, sql, result, req) as {
          operationHandle: unknown;
          op: Operation;
        };
        const direct = req.getDirectResults as { maxRows?: Int64Like } | undefined;
        this.operation(operationHandle);
        if (!direct || op.state === 'running') return { status: ok, operationHandle };
        if (op.state !== 'finished' || !op.result || op.result.noResult)
          return { status: ok, operationHandle, directResults: { operationStatus: this.status(op) } };
        const resultSet = this.fetch(op, Number(int64(direct.maxRows) ?? 100_000n));
        return {
          status: ok,
          operationHandle,
          directResults: {
            operationStatus: this.status(op),
            resultSetMetadata: this.metadata(op),
            resultSet,
            ...(resultSet.hasMoreRows ? {} : { closeOperation: { status: ok } }),
          },
        };
      },
      GetOperationStatus: async (req) => this.status(this.operation(req.operationHandle)),
      GetResultSetMetadata: async (req) => this.metadata(this.operation(req.operationHandle)),
      FetchResults: async (req) =>
        this.fetch(this.operation(req.operationHandle), Number(int64(req.maxRows as Int64Like) ?? 10_000n)),
      CancelOperation: async (req) => {
        const op = this.operation(req.operationHandle);
        if (op.state === 'running' || op.state === 'finished') op.state = 'canceled';
        this.cancelled.push(op.sql);
        return { status: ok };
      },
      CloseOperation: async (req) => {
        const op = this.operation(req.operationHandle);
        op.state = 'closed';
        this.closed.push(op.sql);
        return { status: ok };
      },
      GetCatalogs: async (req) =>
        this.metadataOperation(
          this.session(req.sessionHandle),
          'GetCatalogs',
          [str('TABLE_CAT')],
          this.catalog.catalogs().map((c) => [c]),
        ),
      GetSchemas: async (req) => {
        const catalogs = req.catalogName ? [String(req.catalogName)] : this.catalog.catalogs();
        const rows = catalogs.flatMap((c) =>
          this.catalog
            .schemas(c)
            .filter((s) => matchesPattern(s, req.schemaName as string | undefined))
            .map((s) => [s, c]),
        );
        return this.metadataOperation(
          this.session(req.sessionHandle),
          'GetSchemas',
          [str('TABLE_SCHEM'), str('TABLE_CATALOG')],
          rows,
        );
      },
      GetTables: async (req) => {
        const types = (req.tableTypes as string[] | undefined)?.map((t) => t.toUpperCase());
        const rows: (string | null)[][] = [];
        for (const c of req.catalogName ? [String(req.catalogName)] : this.catalog.catalogs()) {
          for (const s of this.catalog
            .schemas(c)
            .filter((x) => matchesPattern(x, req.schemaName as string | undefined))) {
            for (const t of this.catalog
              .tableNames(c, s)
              .filter((x) => matchesPattern(x, req.tableName as string | undefined))) {
              const kind = this.catalog.table(c, s, t).kind;
              if (!types || types.includes(kind)) rows.push([c, s, t, kind, null]);
            }
          }
        }
        return this.metadataOperation(
          this.session(req.sessionHandle),
          'GetTables',
          ['TABLE_CAT', 'TABLE_SCHEM', 'TABLE_NAME', 'TABLE_TYPE', 'REMARKS'].map(str),
          rows,
        );
      },
      GetColumns: async (req) => {
        const rows: (string | null)[][] = [];
        for (const c of req.catalogName ? [String(req.catalogName)] : this.catalog.catalogs()) {
          for (const s of this.catalog
            .schemas(c)
            .filter((x) => matchesPattern(x, req.schemaName as string | undefined))) {
            for (const t of this.catalog
              .tableNames(c, s)
              .filter((x) => matchesPattern(x, req.tableName as string | undefined))) {
              this.catalog
                .table(c, s, t)
                .columns.filter((x) => matchesPattern(x.name, req.columnName as string | undefined))
                .forEach((col, i) =>
                  rows.push([
                    c,
                    s,
                    t,
                    col.name,
                    String(jdbcType(col.type)),
                    col.type,
                    col.nullable === false ? '0' : '1',
                    col.comment ?? null,
                    String(i + 1),
                    col.nullable === false ? 'NO' : 'YES',
                  ]),
                );
            }
          }
        }
        const columns = [
          ...['TABLE_CAT', 'TABLE_SCHEM', 'TABLE_NAME', 'COLUMN_NAME'].map(str),
          int('DATA_TYPE'),
          str('TYPE_NAME'),
          int('NULLABLE'),
          str('REMARKS'),
          int('ORDINAL_POSITION'),
          str('IS_NULLABLE'),
        ];
        return this.metadataOperation(this.session(req.sessionHandle), 'GetColumns', columns, rows);
      },
    };
  }
}
