/**
 * What the Snowflake test server holds and how it answers the statements a client sends: a small typed
 * schema, a 1,000,000-row table and a schema of thousands of tables, all generated on demand (nothing
 * big is held in memory). Statements are recognised by shape (SHOW ..., SELECT ... FROM a table, the
 * functions tests use); anything else is a compilation error, as Snowflake would say it.
 */

/** A column as Snowflake's REST protocol describes it in `rowtype`. */
export interface RowType {
  name: string;
  type:
    | 'fixed'
    | 'real'
    | 'text'
    | 'boolean'
    | 'date'
    | 'time'
    | 'timestamp_ntz'
    | 'timestamp_ltz'
    | 'timestamp_tz'
    | 'variant'
    | 'object'
    | 'array'
    | 'binary';
  nullable: boolean;
  precision?: number | null;
  scale?: number | null;
  length?: number | null;
  byteLength?: number | null;
  database?: string;
  schema?: string;
  table?: string;
}

/** One result: columns, a row count, and the rows (strings or null, as on the wire) produced by index. */
export interface ResultSpec {
  rowtype: RowType[];
  /** Seconds it takes to answer: the server answers 333334 and the result comes at getResultUrl. */
  slowSeconds?: number;
  total: number;
  row(i: number): (string | null)[];
  statementTypeId: number;
}

export class SnowflakeSqlError extends Error {
  constructor(
    readonly code: string,
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
  }
}

export const statementType = {
  select: 0x1000,
  scl: 0x4000,
  alterSession: 0x4100,
  use: 0x4300,
  show: 0x4400,
  describe: 0x4500,
  insert: 0x3100,
  update: 0x3200,
  delete: 0x3300,
  merge: 0x3400,
  tcl: 0x5000,
  ddl: 0x6000,
};

interface Table {
  kind: 'TABLE' | 'VIEW' | 'MATERIALIZED_VIEW' | 'DYNAMIC_TABLE';
  /** Seconds a query over it takes to answer. */
  slowSeconds?: number;
  columns: RowType[];
  rows: number;
  row(i: number): (string | null)[];
}

const col = (name: string, type: RowType['type'], extra: Partial<RowType> = {}): RowType => ({
  name,
  type,
  nullable: true,
  ...extra,
});
const fixed = (name: string, precision: number, scale: number): RowType => col(name, 'fixed', { precision, scale });

/** Every type family, with exact values a double or a careless driver would change, and a row of NULLs. */
const allTypes: Table = {
  kind: 'TABLE',
  columns: [
    fixed('N38_0', 38, 0),
    fixed('N19_18', 19, 18),
    col('R', 'real'),
    col('S', 'text', { length: 16777216 }),
    col('B', 'boolean'),
    col('D', 'date'),
    col('T', 'time', { scale: 9 }),
    col('TS_NTZ', 'timestamp_ntz', { scale: 9 }),
    col('V', 'variant'),
    col('BIN', 'binary'),
    col('TS_LTZ', 'timestamp_ltz', { scale: 9 }),
    col('TS_TZ', 'timestamp_tz', { scale: 9 }),
  ],
  rows: 2,
  row: (i) =>
    i === 0
      ? [
          '12345678901234567890123456789012345678',
          '1.234567890123456789',
          '0.1',
          'naïve ‮text',
          '1',
          '19723',
          '45296.123456789',
          '1704067200.123456789',
          '{"a":[1,2,{"b":null}],"big":12345678901234567890}',
          '48656c6c6f',
          '1704067200.123456789',
          // TIMESTAMP_TZ in result version 1: epoch seconds, then the offset in minutes plus 1440 (+01:00).
          '1704067200.123456789 1500',
        ]
      : [null, null, null, null, null, null, null, null, null, null, null, null],
};

const customers: Table = {
  kind: 'TABLE',
  columns: [fixed('ID', 38, 0), col('NAME', 'text', { length: 100 }), col('COUNTRY', 'text', { length: 2 })],
  rows: 3,
  row: (i) => [String(i + 1), ['Ada Lovelace', 'Grace Hopper', 'Edsger Dijkstra'][i], ['GB', 'US', 'NL'][i]],
};

/** BIG: 1,000,000 rows, made from the row number. */
const big: Table = {
  kind: 'TABLE',
  columns: [
    fixed('ID', 38, 0),
    col('NAME', 'text'),
    fixed('AMOUNT', 38, 2),
    col('CREATED', 'timestamp_ntz', { scale: 9 }),
  ],
  rows: 1_000_000,
  row: (i) => [
    String(i + 1),
    `row ${i + 1}`,
    `${(i * 7) % 100000}.${String(i % 100).padStart(2, '0')}`,
    `${1704067200 + i}.000000000`,
  ],
};

/** 1,000 rows of 20 text columns (the preview benchmark's table). */
const wide1000x20: Table = {
  kind: 'TABLE',
  columns: Array.from({ length: 20 }, (_, c) => col(`C${c}`, 'text', { length: 100 })),
  rows: 1000,
  row: (i) => Array.from({ length: 20 }, (_, c) => `c${c}-${i}-value`),
};

/** The fixture every SQL connector's contract reads (test/integration/sqlBehaviourContract.ts), in FIXTURE. */
const fixtureTables: Record<string, Table> = {
  CUSTOMERS: {
    kind: 'TABLE',
    columns: [
      fixed('ID', 38, 0),
      col('NAME', 'text', { length: 100 }),
      col('EMAIL', 'text'),
      col('COUNTRY', 'text', { length: 2 }),
      col('CREATED_AT', 'timestamp_ntz', { scale: 9 }),
    ],
    rows: 3,
    row: (i) => [
      String(i + 1),
      ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'][i],
      i === 1 ? null : `c${i + 1}@example.com`,
      'US',
      `${1704067200 + i * 86400}.000000000`,
    ],
  },
  ORDERS: {
    kind: 'TABLE',
    columns: [fixed('ID', 38, 0), fixed('CUSTOMER_ID', 38, 0), fixed('AMOUNT', 10, 2)],
    rows: 5,
    row: (i) => [String(i + 1), String((i % 3) + 1), `${(i + 1) * 10}.50`],
  },
  ORDER_TOTALS: {
    kind: 'VIEW',
    columns: [fixed('CUSTOMER_ID', 38, 0), fixed('TOTAL', 20, 2)],
    rows: 3,
    row: (i) => [String(i + 1), '21.00'],
  },
  BIG: {
    kind: 'TABLE',
    columns: [fixed('ID', 38, 0), col('PAYLOAD', 'text')],
    rows: 1_000_000,
    row: (i) => [String(i + 1), `payload ${String(i + 1).padStart(7, '0')} abcdefghijklmnopqrstuvwxyz`],
  },
  'Mixed Case': { kind: 'TABLE', columns: [fixed('n', 38, 0)], rows: 1, row: () => ['1'] },
  'table"quote': { kind: 'TABLE', columns: [fixed('N', 38, 0)], rows: 1, row: () => ['7'] },
  'naïve ünïcødé 表': { kind: 'TABLE', columns: [fixed('N', 38, 0)], rows: 1, row: () => ['42'] },
  SELECT: { kind: 'TABLE', columns: [fixed('SELECT', 38, 0)], rows: 1, row: () => ['1'] },
  'x"; DROP TABLE FIXTURE.CUSTOMERS; --': { kind: 'TABLE', columns: [fixed('N', 38, 0)], rows: 1, row: () => ['1'] },
};

const wideCount = 3000;
const wideName = (i: number): string => `T_${String(i).padStart(5, '0')}`;

export class SnowflakeCatalog {
  readonly databases = ['DEMO_DB', 'OTHER_DB'];
  /** Warehouses by name: a query over a table needs one running, or one that resumes on its own. */
  readonly warehouses = new Map<string, { state: 'STARTED' | 'SUSPENDED' | 'RESUMING'; autoResume: boolean }>([
    ['WH', { state: 'STARTED', autoResume: true }],
  ]);
  /** Statements that would change something, as received (tests check that none arrives). */
  readonly changes: string[] = [];

  schemas(database: string): string[] {
    if (database === 'DEMO_DB') return ['FIXTURE', 'INFORMATION_SCHEMA', 'PUBLIC', 'WIDE'];
    if (database === 'OTHER_DB') return ['INFORMATION_SCHEMA', 'PUBLIC'];
    throw notFound(database);
  }

  /** The tables of a schema in name order (the WIDE schema's thousands are made by name). */
  tableNames(database: string, schema: string): string[] {
    this.schemas(database);
    if (database === 'DEMO_DB' && schema === 'PUBLIC')
      return [
        'ALL_TYPES',
        'BIG',
        'CUSTOMERS',
        'CUSTOMER_NAMES',
        'DAILY_TOTALS',
        'SLOW',
        'TOP_CUSTOMERS',
        'WIDE_1000X20',
      ];
    if (database === 'DEMO_DB' && schema === 'FIXTURE') return Object.keys(fixtureTables).sort();
    if (database === 'DEMO_DB' && schema === 'WIDE')
      return Array.from({ length: wideCount }, (_, i) => wideName(i + 1));
    return [];
  }

  table(database: string, schema: string, name: string): Table {
    if (database === 'DEMO_DB' && schema === 'FIXTURE' && Object.hasOwn(fixtureTables, name))
      return fixtureTables[name];
    if (database === 'DEMO_DB' && schema === 'PUBLIC') {
      switch (name) {
        case 'ALL_TYPES':
          return allTypes;
        case 'BIG':
          return big;
        case 'CUSTOMERS':
          return customers;
        case 'CUSTOMER_NAMES':
          return {
            ...customers,
            kind: 'VIEW',
            columns: customers.columns.slice(0, 2),
            row: (i) => customers.row(i).slice(0, 2),
          };
        case 'DAILY_TOTALS':
          return { ...customers, kind: 'DYNAMIC_TABLE' };
        case 'TOP_CUSTOMERS':
          return { ...customers, kind: 'MATERIALIZED_VIEW' };
        case 'WIDE_1000X20':
          return wide1000x20;
        case 'MALFORMED':
          // Not listed: a value the driver cannot decode (a TIMESTAMP_TZ without its offset), in the second row.
          return {
            kind: 'TABLE',
            columns: [fixed('ID', 38, 0), col('TS_TZ', 'timestamp_tz', { scale: 9 })],
            rows: 3,
            row: (i) => [String(i + 1), i === 1 ? 'not-a-timestamp' : '1704067200.123456789 1500'],
          };
        case 'SLOW':
          // A view that takes a minute to answer (the server runs it asynchronously): for cancel.
          return { ...customers, kind: 'VIEW', slowSeconds: 60 };
      }
    }
    if (
      database === 'DEMO_DB' &&
      schema === 'WIDE' &&
      /^T_\d{5}$/.test(name) &&
      Number(name.slice(2)) <= wideCount &&
      Number(name.slice(2)) >= 1
    ) {
      return { kind: 'TABLE', columns: [fixed('ID', 38, 0)], rows: 1, row: () => ['1'] };
    }
    throw notFound(`${database}.${schema}.${name}`);
  }

  /** A query that reads a table runs on the session's warehouse, resuming it when it may. */
  private needWarehouse(name: string | undefined): void {
    const warehouse = name === undefined ? undefined : this.warehouses.get(name.toUpperCase());
    if (warehouse?.state === 'SUSPENDED' && warehouse.autoResume) warehouse.state = 'STARTED';
    if (!warehouse || warehouse.state === 'SUSPENDED') {
      throw new SnowflakeSqlError(
        '000606',
        '57P03',
        "No active warehouse selected in the current session.  Select an active warehouse with the 'use warehouse' command.",
      );
    }
  }

  /** The answer to one statement, in the session's database and schema. */
  answer(sql: string, session: { database?: string; schema?: string; warehouse?: string }): ResultSpec {
    const text = withoutComments(sql).trim().replace(/;\s*$/, '');
    let m: RegExpExecArray | null;
    if (/^select\s+current_version\(\)$/i.test(text)) return single('CURRENT_VERSION()', '8.40.1');
    if ((m = /^use\s+schema\s+(.+)$/i.exec(text))) {
      const [db, schema] = identifiers(m[1], 2, session);
      if (!this.schemas(db).includes(schema)) throw notFound(`${db}.${schema}`);
      session.database = db;
      session.schema = schema;
      return single('status', `Statement executed successfully.`, statementType.use);
    }
    if ((m = /^select\s+1(?:\s+as\s+([a-z_][a-z0-9_$]*))?$/i.exec(text))) {
      return {
        rowtype: [fixed(m[1]?.toUpperCase() ?? '1', 1, 0)],
        total: 1,
        row: () => ['1'],
        statementTypeId: statementType.select,
      };
    }
    if ((m = /^select\s+system\$wait\((\d+)\)(?:\s+as\s+([a-z_][a-z0-9_$]*))?$/i.exec(text)))
      return single(m[2]?.toUpperCase() ?? 'SYSTEM$WAIT', 'waited');
    if ((m = /^show\s+warehouses\s+like\s+'((?:[^'\\]|''|\\.)*)'$/i.exec(text))) {
      const like = likeRegExp(stringLiteral(m[1]));
      return rows(
        ['name', 'state', 'type', 'size', 'auto_resume'],
        [...this.warehouses]
          .filter(([n]) => like.test(n))
          .map(([n, w]) => [n, w.state, 'STANDARD', 'X-Small', String(w.autoResume)]),
        statementType.show,
      );
    }
    if (/^show\s+(terse\s+)?databases$/i.test(text)) {
      return rows(
        ['created_on', 'name', 'kind'],
        this.databases.map((d) => ['2024-01-01', d, 'STANDARD']),
        statementType.show,
      );
    }
    if ((m = /^show\s+(?:terse\s+)?schemas\s+in\s+database\s+(.+)$/i.exec(text))) {
      const [db] = identifiers(m[1], 1);
      return rows(
        ['created_on', 'name', 'database_name'],
        this.schemas(db).map((s) => ['2024-01-01', s, db]),
        statementType.show,
      );
    }
    if (
      (m =
        /^show\s+(?:terse\s+)?objects\s+(?:like\s+'((?:[^'\\]|''|\\.)*)'\s+)?in\s+schema\s+(.+?)(?:\s+limit\s+(\d+)(?:\s+from\s+'((?:[^'\\]|''|\\.)*)')?)?$/i.exec(
          text,
        ))
    ) {
      const [db, schema] = identifiers(m[2], 2);
      const like = m[1] === undefined ? undefined : likeRegExp(stringLiteral(m[1]));
      const from = m[4] === undefined ? undefined : stringLiteral(m[4]);
      let names = this.tableNames(db, schema).filter((n) => !like || like.test(n));
      if (from !== undefined) names = names.filter((n) => n > from);
      if (m[3] !== undefined) names = names.slice(0, Number(m[3]));
      return rows(
        ['created_on', 'name', 'kind', 'database_name', 'schema_name'],
        names.map((n) => [
          '2024-01-01',
          n,
          this.table(db, schema, n).kind === 'TABLE' ? 'TABLE' : this.table(db, schema, n).kind.replace('_', ' '),
          db,
          schema,
        ]),
        statementType.show,
      );
    }
    if ((m = /^show\s+columns\s+in\s+table\s+(.+)$/i.exec(text))) {
      const [db, schema, name] = identifiers(m[1], 3, session);
      const table = this.table(db, schema, name);
      return rows(
        ['table_name', 'schema_name', 'column_name', 'data_type', 'null?', 'default', 'kind', 'database_name'],
        table.columns.map((c) => [
          name,
          schema,
          c.name,
          JSON.stringify(dataType(c)),
          c.nullable ? 'true' : 'false',
          '',
          'COLUMN',
          db,
        ]),
        statementType.show,
      );
    }
    if (
      (m =
        /^select\s+(\*|(?:"(?:[^"]|"")*"|\w+)(?:\s*,\s*(?:"(?:[^"]|"")*"|\w+))*)\s+from\s+(.+?)(?:\s+order\s+by\s+(.+?)\s*(asc|desc)?)?(?:\s+limit\s+(\d+))?$/is.exec(
          text,
        ))
    ) {
      const [db, schema, name] = identifiers(m[2], 3, session);
      const table = this.table(db, schema, name);
      this.needWarehouse(session.warehouse);
      const picked =
        m[1] === '*'
          ? table.columns.map((_, i) => i)
          : m[1].split(',').map((p) => {
              const [wanted] = identifiers(p, 1);
              const at = table.columns.findIndex((c) => c.name === wanted);
              if (at < 0)
                throw new SnowflakeSqlError(
                  '000904',
                  '42000',
                  `SQL compilation error: error line 1 at position 7\ninvalid identifier '${wanted}'`,
                );
              return at;
            });
      const total = Math.min(table.rows, m[5] === undefined ? table.rows : Number(m[5]));
      const descending = m[4]?.toLowerCase() === 'desc' && m[3] !== undefined;
      return {
        rowtype: picked.map((i) => ({ ...table.columns[i], database: db, schema: schema, table: name })),
        total,
        row: (i) => {
          const full = table.row(descending ? table.rows - 1 - i : i);
          return picked.map((c) => full[c] ?? null);
        },
        statementTypeId: statementType.select,
        ...(table.slowSeconds ? { slowSeconds: table.slowSeconds } : {}),
      };
    }
    const kind = statementKind(text);
    if (![statementType.select, statementType.scl, statementType.show, statementType.describe].includes(kind)) {
      this.changes.push(text);
      return single('number of rows affected', '0', kind);
    }
    throw new SnowflakeSqlError(
      '001003',
      '42000',
      `SQL compilation error:\nsyntax error line 1 at position 0 unexpected '${text.split(/\s+/)[0] ?? ''}'.`,
    );
  }
}

/** What a statement is, by its first word, for describe-only requests and for statements that change data. */
export function statementKind(sql: string): number {
  const word = /^\s*(?:\(\s*)*([a-z]+)/i.exec(sql)?.[1]?.toLowerCase() ?? '';
  if (['select', 'with', 'values'].includes(word)) return statementType.select;
  // Snowflake's own type ids (the JDBC driver's SFStatementType): SHOW 0x4400, DESCRIBE 0x4500, USE 0x43xx,
  // ALTER SESSION 0x4100. LIST has no type of its own (the JDBC driver finds it in the text): the SCL family.
  if (word === 'show') return statementType.show;
  if (word === 'describe' || word === 'desc') return statementType.describe;
  if (word === 'use') return statementType.use;
  if (word === 'list' || word === 'ls') return statementType.scl;
  if (word === 'alter') return /^\s*alter\s+session\b/i.test(sql) ? statementType.alterSession : statementType.ddl;
  if (word === 'insert') return statementType.insert;
  if (word === 'update') return statementType.update;
  if (word === 'delete') return statementType.delete;
  if (word === 'merge') return statementType.merge;
  if (['begin', 'commit', 'rollback'].includes(word)) return statementType.tcl;
  return statementType.ddl;
}

/** The statement without its comments (line comments, and block comments outside quotes). */
function withoutComments(sql: string): string {
  return sql.replace(
    /('(?:[^'\\]|''|\\.)*'|"(?:[^"]|"")*")|--[^\n]*|\/\*[\s\S]*?\*\//g,
    (_all, quoted: string | undefined) => quoted ?? ' ',
  );
}

function notFound(what: string): SnowflakeSqlError {
  return new SnowflakeSqlError(
    '002003',
    '42S02',
    `SQL compilation error:\nObject '${what}' does not exist or not authorized.`,
  );
}

function single(name: string, value: string, statementTypeId = statementType.select): ResultSpec {
  return { rowtype: [col(name, 'text')], total: 1, row: () => [value], statementTypeId };
}

function rows(names: string[], data: string[][], statementTypeId: number): ResultSpec {
  return { rowtype: names.map((n) => col(n, 'text')), total: data.length, row: (i) => data[i], statementTypeId };
}

function dataType(c: RowType): Record<string, unknown> {
  const base = { type: c.type.toUpperCase(), nullable: c.nullable };
  if (c.type === 'fixed') return { ...base, precision: c.precision, scale: c.scale };
  if (c.type === 'text') return { ...base, length: c.length ?? 16777216 };
  return base;
}

/** A dotted name: `"Quoted ""x"""` kept as written, bare names folded to upper case; missing leading parts from the session. */
function identifiers(text: string, count: number, session: { database?: string; schema?: string } = {}): string[] {
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"]|"")*)"|([A-Za-z_][A-Za-z0-9_$]*))\s*(\.|$)/y;
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  while (re.lastIndex < text.length && (m = re.exec(text))) {
    parts.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2].toUpperCase());
    if (m[3] === '') break;
  }
  if (parts.length === 0) throw new SnowflakeSqlError('001003', '42000', `SQL compilation error: bad name ${text}`);
  const defaults = [session.database, session.schema].slice(0, Math.max(0, count - parts.length));
  const full = [...defaults, ...parts];
  if (full.length !== count || full.some((p) => p === undefined)) {
    throw new SnowflakeSqlError(
      '090105',
      '22000',
      'Cannot perform SELECT. This session does not have a current database.',
    );
  }
  return full as string[];
}

/** SHOW ... LIKE: case-blind, % and _ as wildcards, a backslash making the next character literal. */
function likeRegExp(pattern: string): RegExp {
  let body = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) body += escapeRegExp(pattern[++i]);
    else if (c === '%') body += '.*';
    else if (c === '_') body += '.';
    else body += escapeRegExp(c);
  }
  return new RegExp(`^${body}$`, 'is');
}

/** The text of a single-quoted literal: '' and \' are quotes, \\ is a backslash. */
function stringLiteral(body: string): string {
  return body.replace(/''/g, "'").replace(/\\(.)/g, '$1');
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
