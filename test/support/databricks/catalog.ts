/**
 * What the Databricks test server holds (Unity Catalog catalogs `main` and `samples`, plus `hive_metastore`)
 * and how it answers the statements a SQL warehouse would: queries over its tables, USE, current_version(),
 * and writes (recorded in `changes`, so a test can see that none ran). Rows are made on demand from the
 * row number, never held: the 1,000,000-row table and the 3,000-table schema cost nothing until read.
 * Cell values are the text Spark prints; encode.ts turns them into Arrow or column sets by type.
 */

export interface DbxColumn {
  name: string;
  /** Spark's spelling: BIGINT, DECIMAL(38,0), STRUCT<a: INT>, ... */
  type: string;
  nullable?: boolean;
  comment?: string;
}

export interface DbxTable {
  kind: 'TABLE' | 'VIEW' | 'MATERIALIZED_VIEW';
  columns: DbxColumn[];
  rows: number;
  row(i: number): (string | null)[];
  /** Seconds a query over it runs before its rows are ready (for cancel and timeout). */
  slowSeconds?: number;
}

export interface DbxResult {
  columns: DbxColumn[];
  rows: number;
  row(i: number): (string | null)[];
  slowSeconds?: number;
  /** A statement without a result set (USE, a write). */
  noResult?: boolean;
}

/** An error a warehouse reports for a statement: Databricks' error class in brackets, with its SQLSTATE. */
export class DbxSqlError extends Error {
  constructor(
    message: string,
    readonly sqlState: string,
  ) {
    super(message);
  }
}

const col = (name: string, type: string, extra: Partial<DbxColumn> = {}): DbxColumn => ({ name, type, ...extra });

/** Every type family, with values a double or a careless driver would change, and a row of NULLs. */
const allTypes: DbxTable = {
  kind: 'TABLE',
  columns: [
    col('id', 'BIGINT', { nullable: false, comment: 'row id' }),
    col('big', 'BIGINT'),
    col('dec38', 'DECIMAL(38,0)'),
    col('dec_frac', 'DECIMAL(20,18)'),
    col('f', 'FLOAT'),
    col('d', 'DOUBLE'),
    col('i', 'INT'),
    col('s', 'STRING'),
    col('b', 'BOOLEAN'),
    col('dt', 'DATE'),
    col('ts', 'TIMESTAMP'),
    col('bin', 'BINARY'),
    col('st', 'STRUCT<a: BIGINT, b: DOUBLE>'),
    col('arr', 'ARRAY<INT>'),
    col('m', 'MAP<STRING,INT>'),
  ],
  rows: 2,
  row: (i) =>
    i === 0
      ? [
          '1',
          '9007199254740993',
          '12345678901234567890123456789012345678',
          '1.234567890123456789',
          '1.4142',
          '0.1',
          '-7',
          'naïve ‮text',
          'true',
          '2024-01-01',
          '2024-01-01 12:34:56.123456',
          '48656c6c6f',
          // Spark's JSON for a struct holding a NaN double is not JSON.
          '{"a":1234567890123456789,"b":NaN}',
          '[1,2,null]',
          '{"k":1}',
        ]
      : ['2', null, null, null, null, null, null, null, null, null, null, null, null, null, null],
};

const customers: DbxTable = {
  kind: 'TABLE',
  columns: [col('id', 'BIGINT'), col('name', 'STRING'), col('country', 'STRING')],
  rows: 50,
  row: (i) => [String(i + 1), `Customer ${i + 1}`, ['DE', 'FR', 'US'][i % 3]],
};

const big: DbxTable = {
  kind: 'TABLE',
  columns: [col('id', 'BIGINT'), col('amount', 'DECIMAL(12,2)'), col('label', 'STRING')],
  rows: 1_000_000,
  row: (i) => [String(i + 1), `${(i % 100000) + 1}.${String(i % 100).padStart(2, '0')}`, `row ${i + 1}`],
};

const wide1000x20: DbxTable = {
  kind: 'TABLE',
  columns: Array.from({ length: 20 }, (_, c) =>
    col(`c${String(c + 1).padStart(2, '0')}`, c % 2 === 0 ? 'BIGINT' : 'STRING'),
  ),
  rows: 1000,
  row: (i) => Array.from({ length: 20 }, (_, c) => (c % 2 === 0 ? String(i * 20 + c) : `value ${i}-${c}`)),
};

/** The fixture every SQL connector's contract reads (test/integration/sqlBehaviourContract.ts). */
const fixtureTables: Record<string, DbxTable> = {
  customers: {
    kind: 'TABLE',
    columns: [
      col('id', 'BIGINT', { nullable: false }),
      col('name', 'STRING', { nullable: false }),
      col('email', 'STRING'),
      col('country', 'STRING'),
      col('created_at', 'TIMESTAMP'),
    ],
    rows: 3,
    row: (i) => [
      String(i + 1),
      ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'][i],
      i === 1 ? null : `c${i + 1}@example.com`,
      'US',
      `2024-01-0${i + 1} 00:00:00`,
    ],
  },
  orders: {
    kind: 'TABLE',
    columns: [col('id', 'BIGINT'), col('customer_id', 'BIGINT'), col('amount', 'DECIMAL(10,2)')],
    rows: 5,
    row: (i) => [String(i + 1), String((i % 3) + 1), `${(i + 1) * 10}.50`],
  },
  order_totals: {
    kind: 'VIEW',
    columns: [col('customer_id', 'BIGINT'), col('total', 'DECIMAL(20,2)')],
    rows: 3,
    row: (i) => [String(i + 1), '21.00'],
  },
  big: {
    kind: 'TABLE',
    columns: [col('id', 'BIGINT'), col('payload', 'STRING')],
    rows: 1_000_000,
    row: (i) => [String(i + 1), `payload ${String(i + 1).padStart(7, '0')} abcdefghijklmnopqrstuvwxyz`],
  },
  select: { kind: 'TABLE', columns: [col('select', 'INT')], rows: 1, row: () => ['1'] },
  'tick`name': { kind: 'TABLE', columns: [col('n', 'INT')], rows: 1, row: () => ['7'] },
  naïve_ünïcødé_表: { kind: 'TABLE', columns: [col('n', 'INT')], rows: 1, row: () => ['42'] },
  'x`; DROP TABLE main.fixture.customers; --': { kind: 'TABLE', columns: [col('n', 'INT')], rows: 1, row: () => ['1'] },
};

const wideCount = 3000;
const wideName = (n: number): string => `t_${String(n).padStart(5, '0')}`;

export class DatabricksCatalog {
  /** Every statement that would have changed data, in order. */
  readonly changes: string[] = [];

  catalogs(): string[] {
    return ['hive_metastore', 'main', 'samples'];
  }

  schemas(catalog: string): string[] {
    switch (catalog) {
      case 'main':
        return ['default', 'fixture', 'information_schema', 'wide'];
      case 'hive_metastore':
        return ['default', 'legacy'];
      case 'samples':
        return ['nyctaxi'];
      default:
        return [];
    }
  }

  tableNames(catalog: string, schema: string): string[] {
    if (catalog === 'main' && schema === 'default')
      return ['all_types', 'big', 'customers', 'customers_view', 'slow', 'top_customers', 'wide_1000x20'];
    if (catalog === 'main' && schema === 'fixture') return Object.keys(fixtureTables).sort();
    if (catalog === 'main' && schema === 'wide') return Array.from({ length: wideCount }, (_, i) => wideName(i + 1));
    if (catalog === 'hive_metastore' && schema === 'legacy') return ['events'];
    if (catalog === 'samples' && schema === 'nyctaxi') return ['trips'];
    return [];
  }

  table(catalog: string, schema: string, name: string): DbxTable {
    const key = `${catalog}.${schema}.${name}`.toLowerCase();
    if (catalog === 'main' && schema === 'fixture') {
      // Unity Catalog compares names blind to case.
      const found = Object.keys(fixtureTables).find((k) => k.toLowerCase() === name.toLowerCase());
      if (found) return fixtureTables[found];
    }
    switch (key) {
      case 'main.default.all_types':
        return allTypes;
      case 'main.default.big':
        return big;
      case 'main.default.customers':
      case 'hive_metastore.legacy.events':
      case 'samples.nyctaxi.trips':
        return customers;
      case 'main.default.customers_view':
        return { ...customers, kind: 'VIEW' };
      case 'main.default.top_customers':
        return { ...customers, kind: 'MATERIALIZED_VIEW' };
      case 'main.default.wide_1000x20':
        return wide1000x20;
      case 'main.default.slow':
        return { ...customers, kind: 'VIEW', slowSeconds: 60 };
    }
    const m = /^main\.wide\.t_(\d{5})$/.exec(key);
    if (m && Number(m[1]) >= 1 && Number(m[1]) <= wideCount)
      return { kind: 'TABLE', columns: [col('id', 'BIGINT')], rows: 1, row: () => ['1'] };
    throw new DbxSqlError(
      `[TABLE_OR_VIEW_NOT_FOUND] The table or view \`${catalog}\`.\`${schema}\`.\`${name}\` cannot be found. SQLSTATE: 42P01`,
      '42P01',
    );
  }

  /** The answer to one statement in the session's current catalog and schema (which USE changes). */
  answer(sql: string, session: { catalog: string; schema: string }): DbxResult {
    const text = withoutComments(sql).trim().replace(/;\s*$/, '');
    let m: RegExpExecArray | null;
    if ((m = /^select\s+1(?:\s+as\s+([a-z_][a-z0-9_]*))?$/i.exec(text)))
      return { columns: [col(m[1] ?? '1', 'INT')], rows: 1, row: () => ['1'] };
    if (/^select\s+current_version\(\)\.dbsql_version$/i.test(text)) {
      return { columns: [col('current_version().dbsql_version', 'STRING')], rows: 1, row: () => ['2025.35'] };
    }
    if ((m = /^use\s+(catalog|schema|database)?\s*(.+)$/i.exec(text))) {
      const parts = identifiers(m[2]);
      if (m[1]?.toLowerCase() === 'catalog') {
        if (!this.catalogs().includes(parts[0]))
          throw new DbxSqlError(`[NO_SUCH_CATALOG_EXCEPTION] Catalog '${parts[0]}' was not found.`, '42704');
        session.catalog = parts[0]!;
        session.schema = 'default';
      } else {
        const [catalog, schema] = parts.length > 1 ? [parts[0], parts[1]] : [session.catalog, parts[0]];
        if (!this.schemas(catalog).includes(schema))
          throw new DbxSqlError(`[SCHEMA_NOT_FOUND] The schema \`${catalog}\`.\`${schema}\` cannot be found.`, '42704');
        session.catalog = catalog;
        session.schema = schema;
      }
      return { columns: [], rows: 0, row: () => [], noResult: true };
    }
    if (
      (m =
        /^select\s+(\*|[`\w]+(?:\s*,\s*[`\w]+)*)\s+from\s+(.+?)(?:\s+order\s+by\s+(`(?:[^`]|``)*`|\w+)(?:\s+(asc|desc))?)?(?:\s+limit\s+(\d+))?$/is.exec(
          text,
        ))
    ) {
      const parts = identifiers(m[2]);
      const [catalog, schema, name] =
        parts.length === 3
          ? parts
          : parts.length === 2
            ? [session.catalog, parts[0], parts[1]]
            : [session.catalog, session.schema, parts[0]];
      const table = this.table(catalog, schema, name);
      const picked =
        m[1] === '*'
          ? table.columns.map((_, i) => i)
          : m[1].split(',').map((p) => {
              const wanted = identifiers(p)[0];
              const at = table.columns.findIndex((c) => c.name.toLowerCase() === wanted.toLowerCase());
              if (at < 0)
                throw new DbxSqlError(
                  `[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column with name \`${wanted}\` cannot be resolved. SQLSTATE: 42703`,
                  '42703',
                );
              return at;
            });
      const descending = m[3] !== undefined && m[4]?.toLowerCase() === 'desc';
      const rows = m[5] === undefined ? table.rows : Math.min(table.rows, Number(m[5]));
      return {
        ...table,
        columns: picked.map((i) => table.columns[i]),
        rows,
        row: (i) => {
          const full = table.row(descending ? table.rows - 1 - i : i);
          return picked.map((c) => full[c] ?? null);
        },
      };
    }
    if (/^(insert|update|delete|merge|create|drop|alter|truncate|grant|revoke|optimize|vacuum|copy)\b/i.test(text)) {
      this.changes.push(text);
      return { columns: [col('num_affected_rows', 'BIGINT')], rows: 1, row: () => ['1'] };
    }
    throw new DbxSqlError(
      `[PARSE_SYNTAX_ERROR] Syntax error at or near '${text.split(/\s+/)[0]}'. SQLSTATE: 42601`,
      '42601',
    );
  }
}

/** Splits `a`.`b`.c into names: backticks quote (`` doubles one), bare names are case-insensitive (lower case). */
export function identifiers(text: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:`((?:[^`]|``)*)`|([A-Za-z_][A-Za-z0-9_]*))\s*(\.|$)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text))) {
    out.push(m[1] !== undefined ? m[1].replace(/``/g, '`') : m[2].toLowerCase());
    if (m[3] === '') break;
  }
  if (out.length === 0 || out.length > 3)
    throw new DbxSqlError(`[PARSE_SYNTAX_ERROR] Syntax error at or near '${text}'. SQLSTATE: 42601`, '42601');
  return out;
}

/** The statement without its comments (line comments, and block comments outside quotes). */
function withoutComments(sql: string): string {
  return sql.replace(
    /('(?:[^'\\]|\\.)*'|`(?:[^`]|``)*`)|--[^\n]*|\/\*[\s\S]*?\*\//g,
    (_all, quoted: string | undefined) => quoted ?? ' ',
  );
}

/** A JDBC LIKE pattern (GetTables/GetSchemas): % and _ are wildcards, backslash escapes; blind to case. */
export function matchesPattern(name: string, pattern: string | undefined | null): boolean {
  if (pattern === undefined || pattern === null || pattern === '' || pattern === '%' || pattern === '*') return true;
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) re += pattern[++i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'is').test(name);
}
