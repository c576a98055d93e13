import { wholePreview, wholeTestQuery } from '../test/support/whole';
/**
 * Benchmarks, run on demand (`npm run bench`); never a CI gate. Prints `BENCH <name> <value> <unit>`.
 * Ratios are measured side by side in one run, alternating, so machine load affects both sides alike.
 */
import { execFileSync } from 'node:child_process';
import { hostedFigures } from './hosted';
import { databricksFigures } from './databricks';
import { s3Figures } from './s3';
import { snowflakeFigures } from './snowflake';
import { bench, median, sideBySide } from './common';
import { gridFigures } from './grid';
import { statementFigures } from './statements';
import { unreachableFigures } from './unreachable';
import { textBoundFigures } from './textBounds';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import Module from 'node:module';
import * as path from 'node:path';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { columnsSql, namespaceOidSql, tablesSql } from '../src/core/connectors/postgres/catalogQueries';
import { encodePageToken } from '../src/core/connectors/sql/paging';
import { ensurePostgresFixture, fixtureDatabase, pgServer } from '../test/support/servers';
import { makeHarness } from '../test/support/harness';
import { CountingProxy } from '../test/support/tcpProxy';
import { ResultSet } from '../src/core/results/resultSet';

const root = path.resolve(__dirname, '..');
const benchSchema = 'bench_10k';
const tableCount = 10_000;
const wideColumns = 300;

function bundleFigures(): void {
  execFileSync('node', [path.join(root, 'esbuild.js'), '--production'], { cwd: root, stdio: 'inherit' });
  const main = path.join(root, 'dist', 'extension.js');
  bench('bundle_kb', Math.round((statSync(main).size / 1024) * 10) / 10, 'KB');
  for (const d of ['postgres', 'mysql', 'snowflake', 'databricks', 's3']) {
    bench(
      `driver_bundle_${d}_kb`,
      Math.round(statSync(path.join(root, 'dist', 'connectors', `${d}.js`)).size / 1024),
      'KB',
    );
  }
  // The packaged extension, as users download it (goal: at most 4 MB with every driver).
  const vsix = path.join(tmpdir(), `planasonix-bench-${process.pid}.vsix`);
  execFileSync(
    'node',
    [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '-o', vsix],
    {
      cwd: root,
      stdio: 'ignore',
    },
  );
  bench('vsix_mb', Math.round((statSync(vsix).size / 1024 / 1024) * 100) / 100, 'MB');
  rmSync(vsix, { force: true });
  const required: string[] = [];
  const loader = Module as unknown as { _load(r: string, p: unknown, m: boolean): unknown };
  const original = loader._load;
  loader._load = function (request: string, parent: unknown, isMain: boolean) {
    required.push(request);
    return request === 'vscode' ? {} : original.call(this, request, parent, isMain);
  };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the built file is the point
    require(main);
  } finally {
    loader._load = original;
  }
  const drivers = required.filter((r) => /connectors\/|^pg|^mysql2/.test(r));
  bench('bundle_driver_modules_at_load', drivers.length, 'modules');
  if (readFileSync(main, 'utf8').includes('SCRAM-SERVER-FIRST-MESSAGE')) throw new Error('driver code in main bundle');
}

async function ensureBenchSchema(client: pg.Client): Promise<void> {
  const have = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`,
    [benchSchema],
  );
  if (Number(have.rows[0].n) === tableCount + 1) return;
  console.log(`creating ${tableCount} tables in ${benchSchema} (once)…`);
  await client.query(`DROP SCHEMA IF EXISTS ${benchSchema} CASCADE`);
  await client.query(`CREATE SCHEMA ${benchSchema}`);
  // Batches: one transaction cannot hold locks on 10,000 new tables.
  for (let from = 1; from <= tableCount; from += 1000) {
    await client.query(`DO $$ BEGIN FOR i IN ${from}..${Math.min(tableCount, from + 999)} LOOP
      EXECUTE format('CREATE TABLE ${benchSchema}.%I (id integer PRIMARY KEY, v text)', 't_' || lpad(i::text, 5, '0'));
    END LOOP; END $$`);
  }
  const cols = Array.from(
    { length: wideColumns },
    (_, i) => `c${i} ${i % 3 ? 'text' : 'integer NOT NULL DEFAULT 0'}`,
  ).join(', ');
  await client.query(`CREATE TABLE ${benchSchema}.wide (id integer PRIMARY KEY, ${cols})`);
}

/** The raw side of a comparison does the same work: rows as arrays, dates and times as the server's text. */
const textDates = new Set([1082, 1083, 1114, 1184, 1186, 1266]);
const rawTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    textDates.has(oid)
      ? (v: string) => v
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

interface PgPair {
  raw: pg.Client;
  h: Awaited<ReturnType<typeof makeHarness>>;
  config: { host: string; port: number; user: string; database: string; sslMode: string };
  connectionId: string;
}

/** A raw pg client and the extension core's API on the fixture database, side by side. */
async function withPgPair(work: (pair: PgPair) => Promise<void>): Promise<void> {
  await ensurePostgresFixture();
  const raw = new pg.Client({ ...pgServer, database: fixtureDatabase });
  await raw.connect();
  const h = await makeHarness({
    limits: () => ({ defaultRowLimit: 1000, maxRowLimit: 1_000_000, defaultTimeoutMs: 30_000 }),
  });
  try {
    const config = {
      host: pgServer.host,
      port: pgServer.port,
      user: pgServer.user,
      database: fixtureDatabase,
      sslMode: 'disable',
    };
    const conn = await h.api.createConnection({ name: 'bench', type: 'postgres', config });
    await work({ raw, h, config, connectionId: conn.id });
  } finally {
    await h.api.dispose();
    await raw.end();
  }
}

const deepSchema = 'bench_100k';
const deepCount = 100_000;

async function ensureDeepSchema(client: pg.Client): Promise<void> {
  const have = await client.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`,
    [deepSchema],
  );
  if (Number(have.rows[0].n) === deepCount) return;
  console.log(`creating ${deepCount} tables in ${deepSchema} (once, a few minutes)…`);
  await client.query(`DROP SCHEMA IF EXISTS ${deepSchema} CASCADE`);
  await client.query(`CREATE SCHEMA ${deepSchema}`);
  for (let from = 1; from <= deepCount; from += 2000) {
    await client.query(`DO $$ BEGIN FOR i IN ${from}..${Math.min(deepCount, from + 1999)} LOOP
      EXECUTE format('CREATE TABLE ${deepSchema}.%I ()', 't_' || lpad(i::text, 6, '0'));
    END LOOP; END $$`);
  }
}

/** The query before this change, for the record: its `$n IS NULL OR` conditions kept the name index from serving deep pages. */
const previousTablesSql = `
SELECT c.relname AS name, c.relkind AS kind
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = COALESCE($1::text, current_schema())
  AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
  AND NOT c.relispartition
  AND ($2::text IS NULL OR c.relname ILIKE $2::text)
  AND ($3::text IS NULL OR c.relname > $3::name)
ORDER BY c.relname
LIMIT $4::bigint`;

/**
 * Paging through a 100,000-table schema: the cost of a page near the end against the first page,
 * through the extension core (keyset page tokens), 500 tables a page.
 */
async function deepPaging(): Promise<void> {
  await withPgPair(async ({ raw, h, connectionId }) => {
    await ensureDeepSchema(raw);
    const nearEnd = encodePageToken('t_099000');
    const first = async (): Promise<number> =>
      (await h.api.listTables(connectionId, { schema: deepSchema, limit: 500 })).tables.length;
    const last = async (): Promise<number> =>
      (await h.api.listTables(connectionId, { schema: deepSchema, limit: 500, pageToken: nearEnd })).tables.length;
    if ((await first()) !== 500 || (await last()) !== 500) throw new Error(`${deepSchema} incomplete`);
    const pages = await sideBySide(41, last, first);
    bench('tables_page_first_ms', pages.b, 'ms');
    bench('tables_page_last_ms', pages.a, 'ms');
    bench('tables_page_last_vs_first_ratio', pages.ratio, 'x');
    // Every early page (2 to 5, where the planner once sorted the whole schema) and the last, against the first.
    let worst = 0;
    for (const after of ['t_000500', 't_001000', 't_001500', 't_002000', 't_099500']) {
      const page = async (): Promise<number> =>
        (await h.api.listTables(connectionId, { schema: deepSchema, limit: 500, pageToken: encodePageToken(after) }))
          .tables.length;
      worst = Math.max(worst, (await sideBySide(21, page, first)).ratio);
    }
    bench('tables_page_max_vs_first_ratio', Number(worst.toFixed(2)), 'x');
    // The previous query, run the same way (prepared, so the plan is reused as in a pooled session).
    const old = (after: string | null) => async (): Promise<number> =>
      (
        await raw.query({
          name: `old_tables_${after ?? 'first'}`,
          text: previousTablesSql,
          values: [deepSchema, null, after, 501],
        })
      ).rows.length;
    const before = await sideBySide(21, old('t_099000'), old(null));
    bench('tables_page_last_vs_first_ratio_before', before.ratio, 'x');
    const search = async (): Promise<number> =>
      (await h.api.listTables(connectionId, { schema: deepSchema, search: 'T_0999', limit: 500 })).tables.length;
    if ((await search()) !== 100) throw new Error('search over 100,000 tables found the wrong tables');
    const searchTime = await sideBySide(11, search, first);
    bench('tables_search_100k_ms', searchTime.a, 'ms');
  });
}

async function catalogRatios(): Promise<void> {
  await ensurePostgresFixture();
  const raw = new pg.Client({ ...pgServer, database: fixtureDatabase });
  await raw.connect();
  await ensureBenchSchema(raw);
  const h = await makeHarness();
  try {
    const conn = await h.api.createConnection({
      name: 'bench',
      type: 'postgres',
      config: {
        host: pgServer.host,
        port: pgServer.port,
        user: pgServer.user,
        database: fixtureDatabase,
        sslMode: 'disable',
      },
    });
    const viaCore = async (): Promise<number> =>
      (await h.api.listTables(conn.id, { schema: benchSchema })).tables.length;
    // The bare driver gets the schema's oid for free (the core resolves it once and keeps it).
    const oid = (await raw.query<{ oid: string }>(namespaceOidSql, [benchSchema])).rows[0].oid;
    const viaPg = async (): Promise<number> =>
      (await raw.query(tablesSql({ search: false, after: false, limit: false, partitionsOf: false }), [oid])).rows
        .length;
    if ((await viaCore()) !== tableCount + 1 || (await viaPg()) !== tableCount + 1)
      throw new Error('bench schema incomplete');
    const tables = await sideBySide(61, viaCore, viaPg);
    bench('tables_10k_core_ms', tables.a, 'ms');
    bench('tables_10k_pg_ms', tables.b, 'ms');
    bench('tables_10k_ratio', tables.ratio, 'x');

    const colsCore = async (): Promise<number> =>
      (await h.api.listColumns(conn.id, { schema: benchSchema, table: 'wide' })).columns.length;
    const colsPg = async (): Promise<number> => (await raw.query(columnsSql, [benchSchema, 'wide'])).rows.length;
    const columns = await sideBySide(101, colsCore, colsPg);
    bench('columns_300_core_ms', columns.a, 'ms');
    bench('columns_300_pg_ms', columns.b, 'ms');
    bench('columns_ratio', columns.ratio, 'x');
  } finally {
    await h.api.dispose();
    await raw.end();
  }
}

/**
 * A 1,000-row x 20-column table preview through the extension core (the path the grid uses: stream
 * into a ResultSet; and the API's whole-response preview) against the raw pg driver's SELECT.
 */
async function previewRatios(): Promise<void> {
  await withPgPair(async ({ raw, h, connectionId }) => {
    const query = { schema: 'fixture', table: 'wide', limit: 1000 };
    const viaGrid = async (): Promise<number> => {
      const set = new ResultSet();
      await set.track(h.api.previewStream(connectionId, query, set));
      const n = set.rowCount;
      await set.dispose();
      return n;
    };
    const viaApi = async (): Promise<number> => (await wholePreview(h.api, connectionId, query)).rows.length;
    const viaPg = async (): Promise<number> =>
      (await raw.query({ text: 'SELECT * FROM fixture.wide LIMIT 1001', rowMode: 'array', types: rawTypes })).rows
        .length;
    if ((await viaGrid()) !== 1000 || (await viaApi()) !== 1000 || (await viaPg()) !== 1000)
      throw new Error('fixture.wide is not 1,000 rows');
    const grid = await sideBySide(61, viaGrid, viaPg);
    bench('preview_1000x20_core_ms', grid.a, 'ms');
    bench('preview_1000x20_pg_ms', grid.b, 'ms');
    bench('preview_1000x20_ratio', grid.ratio, 'x');
    const api = await sideBySide(61, viaApi, viaPg);
    bench('preview_1000x20_api_ratio', api.ratio, 'x');
  });
}

/**
 * A 1,000-row x 20-column test query through the extension core (read-only transaction, cursor
 * capped at limit + 1) against the raw pg driver running the same SQL; and the rows a limit-100 query
 * over a million-row table makes the server send, counted in PostgreSQL's DataRow messages by a proxy.
 */
async function queryFigures(): Promise<void> {
  const { proxy, port } = await CountingProxy.start(pgServer.host, pgServer.port, { parsePostgres: true });
  try {
    await withPgPair(async ({ raw, h, config, connectionId }) => {
      const sql = 'SELECT * FROM fixture.wide';
      const viaCore = async (): Promise<number> =>
        (await wholeTestQuery(h.api, { connectionId, sql, limit: 1000 })).rows.length;
      const viaPg = async (): Promise<number> =>
        (await raw.query({ text: sql, rowMode: 'array', types: rawTypes })).rows.length;
      if ((await viaCore()) !== 1000 || (await viaPg()) !== 1000) throw new Error('fixture.wide is not 1,000 rows');
      const r = await sideBySide(61, viaCore, viaPg);
      bench('test_query_1000x20_core_ms', r.a, 'ms');
      bench('test_query_1000x20_pg_ms', r.b, 'ms');
      bench('test_query_overhead_ratio', r.ratio, 'x');
      // The same SQL through pg-cursor on the raw side: the wire protocol the core needs for its row cap.
      const viaCursor = (): Promise<number> =>
        new Promise((resolve, reject) => {
          const cursor = raw.query(new Cursor<unknown[]>(sql, undefined, { rowMode: 'array', types: rawTypes }));
          cursor.read(1001, (error, rows) => (error ? reject(error) : cursor.close(() => resolve(rows.length))));
        });
      const rc = await sideBySide(61, viaCore, viaCursor);
      bench('test_query_vs_pg_cursor_ratio', rc.ratio, 'x');

      const through = await h.api.createConnection({ name: 'counted', type: 'postgres', config: { ...config, port } });
      const big = 'SELECT id, payload FROM fixture.big ORDER BY id';
      await wholeTestQuery(h.api, { connectionId: through.id, sql: big, limit: 1 }); // connect, and learn the column types first
      proxy.reset();
      const capped = await wholeTestQuery(h.api, { connectionId: through.id, sql: big, limit: 100 });
      if (capped.rows.length !== 100 || !capped.truncated)
        throw new Error('the capped query did not return 100 rows and truncated');
      bench('test_query_rows_fetched_1m_limit100', proxy.pgDataRows, 'rows');
    });
  } finally {
    await proxy.close();
  }
}

/** activate() timed inside code-server's real extension host, over several fresh starts. */
function activationFigures(starts = 7): void {
  execFileSync('node', [path.join(root, 'esbuild.js'), '--production'], { cwd: root, stdio: 'inherit' });
  execFileSync('node', [path.join(root, 'scripts', 'build-tests.js')], { cwd: root, stdio: 'inherit' });
  const samples: number[] = [];
  let drivers = 0;
  for (let i = 0; i < starts; i++) {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'planasonix-bench-')), 'activation.json');
    execFileSync('node', [path.join(root, 'node_modules', '@vscode', 'test-cli', 'out', 'bin.mjs')], {
      cwd: root,
      stdio: 'ignore',
      env: {
        ...process.env,
        PLANASONIX_EXTHOST_FILES: 'out/test/extension-bench/**/*.js',
        PLANASONIX_BENCH_OUT: out,
        PLANASONIX_TEST_WORKSPACE: mkdtempSync(path.join(tmpdir(), 'planasonix-ws-')),
      },
    });
    const result = JSON.parse(readFileSync(out, 'utf8')) as { activationMs: number; drivers: string[] };
    samples.push(result.activationMs);
    drivers = Math.max(drivers, result.drivers.length);
  }
  bench('activate_ms', median(samples), 'ms');
  bench('activate_ms_max', Math.max(...samples), 'ms');
  bench('activate_driver_modules', drivers, 'modules');
}

async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === 'statements') statementFigures();
  if (!only || only === 'bundle') bundleFigures();
  if (!only || only === 'catalog') await catalogRatios();
  if (!only || only === 'paging') await deepPaging();
  if (!only || only === 'activation') activationFigures();
  if (!only || only === 'preview') await previewRatios();
  if (!only || only === 'grid') await gridFigures();
  if (!only || only === 'query') await queryFigures();
  if (!only || only === 'hosted') await hostedFigures(bench, sideBySide);
  if (!only || only === 'snowflake') await snowflakeFigures(bench, sideBySide);
  if (!only || only === 'databricks') await databricksFigures(bench, sideBySide);
  if (!only || only === 's3') await s3Figures(bench, sideBySide);
  if (!only || only === 'unreachable') await unreachableFigures(bench);
  if (!only || only === 'text') await textBoundFigures(bench);
  if (!only || only === 'virtualizer') {
    execFileSync('node', ['--expose-gc', '--import', 'tsx', path.join(root, 'bench', 'virtualizer.ts')], {
      cwd: root,
      stdio: 'inherit',
    });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
