/**
 * Benchmarks, run on demand (`npm run bench`); never a CI gate. Prints `BENCH <name> <value> <unit>`.
 * Ratios are measured side by side in one run, alternating, so machine load affects both sides alike.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import Module from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { columnsSql, tablesSql } from '../src/core/connectors/postgres/catalogQueries';
import { statementAt } from '../src/core/sql/statements';
import { ensurePostgresFixture, fixtureDatabase, pgServer } from '../test/support/servers';
import { makeHarness } from '../test/support/harness';

const root = path.resolve(__dirname, '..');
const benchSchema = 'bench_10k';
const tableCount = 10_000;
const wideColumns = 300;

function bench(name: string, value: number, unit: string): void {
  console.log(`BENCH ${name} ${Number.isInteger(value) ? value : value.toFixed(3)} ${unit}`);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Times two functions back to back, alternating which goes first. Returns each side's median and the
 * median of the per-round ratios a/b: a pair shares the machine's state of the moment, so the paired
 * ratio is far steadier on a busy 2-core box than a ratio of two separate medians.
 */
async function sideBySide(
  rounds: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<{ a: number; b: number; ratio: number }> {
  for (let i = 0; i < 3; i++) {
    await a();
    await b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const [fn, into] of (i % 2 ? [[b, tb], [a, ta]] : [[a, ta], [b, tb]]) as [() => Promise<unknown>, number[]][]) {
      const start = performance.now();
      await fn();
      into.push(performance.now() - start);
    }
  }
  return { a: median(ta), b: median(tb), ratio: median(ta.map((x, i) => x / tb[i]!)) };
}

function bundleFigures(): void {
  execFileSync('node', [path.join(root, 'esbuild.js'), '--production'], { cwd: root, stdio: 'inherit' });
  const main = path.join(root, 'dist', 'extension.js');
  bench('bundle_kb', Math.round((statSync(main).size / 1024) * 10) / 10, 'KB');
  for (const d of ['postgres', 'mysql']) {
    bench(`driver_bundle_${d}_kb`, Math.round(statSync(path.join(root, 'dist', 'connectors', `${d}.js`)).size / 1024), 'KB');
  }
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
  if (Number(have.rows[0]!.n) === tableCount + 1) return;
  console.log(`creating ${tableCount} tables in ${benchSchema} (once)…`);
  await client.query(`DROP SCHEMA IF EXISTS ${benchSchema} CASCADE`);
  await client.query(`CREATE SCHEMA ${benchSchema}`);
  // Batches: one transaction cannot hold locks on 10,000 new tables.
  for (let from = 1; from <= tableCount; from += 1000) {
    await client.query(`DO $$ BEGIN FOR i IN ${from}..${Math.min(tableCount, from + 999)} LOOP
      EXECUTE format('CREATE TABLE ${benchSchema}.%I (id integer PRIMARY KEY, v text)', 't_' || lpad(i::text, 5, '0'));
    END LOOP; END $$`);
  }
  const cols = Array.from({ length: wideColumns }, (_, i) => `c${i} ${i % 3 ? 'text' : 'integer NOT NULL DEFAULT 0'}`).join(', ');
  await client.query(`CREATE TABLE ${benchSchema}.wide (id integer PRIMARY KEY, ${cols})`);
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
      config: { host: pgServer.host, port: pgServer.port, user: pgServer.user, database: fixtureDatabase, sslMode: 'disable' },
    });
    const viaCore = async (): Promise<number> => (await h.api.listTables(conn.id, { schema: benchSchema })).tables.length;
    const viaPg = async (): Promise<number> => (await raw.query(tablesSql, [benchSchema, null, null, null])).rows.length;
    if ((await viaCore()) !== tableCount + 1 || (await viaPg()) !== tableCount + 1) throw new Error('bench schema incomplete');
    const tables = await sideBySide(61, viaCore, viaPg);
    bench('tables_10k_core_ms', tables.a, 'ms');
    bench('tables_10k_pg_ms', tables.b, 'ms');
    bench('tables_10k_ratio', tables.ratio, 'x');

    const colsCore = async (): Promise<number> => (await h.api.listColumns(conn.id, { schema: benchSchema, table: 'wide' })).columns.length;
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

/** Finding the statement under the cursor in a 10,000-line file of mixed, tricky SQL. */
function statementFigures(): void {
  const block = [
    "-- report; by region",
    "select region, sum(amount) as total, 'a;b' as note",
    'from "sales; 2025" s join $q$ x; y $q$ on true',
    "where s.day > now() - interval '7 days'; /* done; */",
  ];
  const lines: string[] = [];
  while (lines.length < 10_000) lines.push(...block);
  const sql = lines.join('\n');
  const offset = Math.floor(sql.length / 2);
  for (let i = 0; i < 5; i++) statementAt(sql, offset, 'postgres');
  const samples: number[] = [];
  for (let i = 0; i < 31; i++) {
    const start = performance.now();
    const found = statementAt(sql, offset, 'postgres');
    samples.push((performance.now() - start) * 1000);
    if (!found) throw new Error('no statement found');
  }
  bench('statement_detect_us', Math.round(median(samples)), 'us');
  bench('statement_detect_file_lines', lines.length, 'lines');
}

async function main(): Promise<void> {
  const only = process.argv[2];
  if (!only || only === 'statements') statementFigures();
  if (!only || only === 'bundle') bundleFigures();
  if (!only || only === 'catalog') await catalogRatios();
  if (!only || only === 'activation') activationFigures();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
