import { wholePreview, wholeTestQuery } from '../support/whole';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CellValue, ConnectionConfig, SecretValues } from '../../src/core/api/types';
import { ConnectionError } from '../../src/core/errors';
import { ResultSet } from '../../src/core/results/resultSet';
import { makeHarness, type Harness } from '../support/harness';

/**
 * A fixture every SQL connector's server holds (a real server, or a warehouse's test server): in one
 * schema, `customers` (3 rows), `orders`, `big` (1,000,000 rows of id, payload) and awkwardly named tables.
 */
export interface SqlFixture {
  /** The connector's type id. */
  type: string;
  label: string;
  /** Settings of a connection to the fixture, and the secrets it needs. */
  config(): ConnectionConfig;
  secrets?: SecretValues;
  ensureFixture(): Promise<void>;
  catalog?: string;
  schema: string;
  /** A name as the server keeps it when it is written without quotes (Snowflake: upper case). */
  fold(name: string): string;
  /** A fixture table as a statement names it. */
  table(name: string): string;
  /** A statement that runs for `seconds` on the server, with the marker in its text. */
  longStatement(seconds: number, marker: string): string;
  /** Statements the server is still running whose text holds the marker. */
  runningStatements(marker: string): Promise<number>;
  /** A checksum over the fixture data that a write would change. */
  dataChecksum(): Promise<string>;
  writes: { label: string; sql: string }[];
  awkwardTables: { schema: string; table: string; expected: unknown[][] }[];
}

export function isCode(code: string): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(ConnectionError.is(error), `expected a ConnectionError, got ${String(error)}`);
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    return true;
  };
}

/** A full collection, whether or not node was started with --expose-gc. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** What every SQL connector does through the API, whatever its server: PostgreSQL, MySQL, Snowflake, Databricks. */
export function sqlBehaviourContract(d: SqlFixture): void {
  let h: Harness;
  let id: string;
  const where = { ...(d.catalog ? { catalog: d.catalog } : {}), schema: d.schema };
  const wide = { defaultRowLimit: 100, maxRowLimit: 1_000_000, defaultTimeoutMs: 60_000 };
  const create = (harness: Harness, name: string): Promise<string> =>
    harness.save({ name, type: d.type, config: d.config() }, d.secrets ?? {}).then((c) => c.id);

  before(async function () {
    this.timeout(600_000);
    await d.ensureFixture();
    h = await makeHarness();
    id = await create(h, `${d.label} behaviour`);
  });

  after(async () => {
    await h?.api.dispose();
  });

  describe('introspection (every SQL connector)', () => {
    it('reports a table that does not exist as not_found', async () => {
      await assert.rejects(h.api.listColumns(id, { ...where, table: d.fold('no_such_table') }), isCode('not_found'));
    });

    it('pages through tables with a token, and finds a table by server-side search', async () => {
      const all = (await h.api.listTables(id, where)).tables.map((t) => t.name);
      assert.ok(all.includes(d.fold('customers')) && all.includes(d.fold('big')), all.join(', '));
      const pages: string[] = [];
      let token: string | undefined;
      do {
        const page = await h.api.listTables(id, { ...where, limit: 3, pageToken: token });
        assert.ok(page.tables.length <= 3);
        pages.push(...page.tables.map((t) => t.name));
        token = page.nextPageToken;
      } while (token);
      assert.deepEqual(pages, all);
      const found = await h.api.listTables(id, { ...where, search: 'ORDER' });
      assert.deepEqual(found.tables.map((t) => t.name).sort(), all.filter((n) => /order/i.test(n)).sort());
      const literal = await h.api.listTables(id, { ...where, search: '_' });
      assert.ok(
        literal.tables.every((t) => t.name.includes('_')),
        'LIKE wildcards in a search term match literally',
      );
    });
  });

  describe('preview (every SQL connector)', () => {
    it('returns at most the limit and says whether the table had more', async () => {
      const big = await wholePreview(h.api, id, { ...where, table: d.fold('big'), limit: 10 });
      assert.equal(big.rows.length, 10);
      assert.equal(big.truncated, true);
      assert.deepEqual(big.columns, [d.fold('id'), d.fold('payload')]);
      const small = await wholePreview(h.api, id, { ...where, table: d.fold('customers'), limit: 100 });
      assert.equal(small.rows.length, 3);
      assert.equal(small.truncated, false);
    });

    it('sorts on the server', async () => {
      const desc = await wholePreview(h.api, id, {
        ...where,
        table: d.fold('big'),
        limit: 3,
        orderBy: { column: d.fold('id'), direction: 'desc' },
      });
      assert.deepEqual(
        desc.rows.map((r) => Number(r[0])),
        [1_000_000, 999_999, 999_998],
      );
    });

    for (const awkward of d.awkwardTables) {
      it(`reads the awkwardly named table ${awkward.schema}.${awkward.table}`, async () => {
        const result = await wholePreview(h.api, id, {
          ...where,
          schema: awkward.schema,
          table: awkward.table,
          limit: 5,
        });
        assert.deepEqual(result.rows, awkward.expected);
      });
    }

    it('cannot be made to run SQL through a table name', async () => {
      const before = await d.dataChecksum();
      const hostile = d.awkwardTables.find((t) => t.table.includes('DROP'))!;
      await wholePreview(h.api, id, { ...where, schema: hostile.schema, table: hostile.table, limit: 5 });
      await assert.rejects(
        wholePreview(h.api, id, {
          ...where,
          table: `${d.fold('customers')}; DROP TABLE ${d.fold('customers')}`,
          limit: 5,
        }),
        isCode('not_found'),
      );
      assert.equal(await d.dataChecksum(), before);
    });
  });

  describe('test-query (every SQL connector)', () => {
    for (const write of d.writes) {
      it(`refuses ${write.label} and leaves the data unchanged`, async () => {
        const before = await d.dataChecksum();
        await assert.rejects(
          wholeTestQuery(h.api, { connectionId: id, sql: write.sql, limit: 10 }),
          (error: unknown) => {
            assert.ok(ConnectionError.is(error), String(error));
            assert.ok(['read_only', 'query_failed'].includes(error.code), `${error.code}: ${error.message}`);
            return true;
          },
        );
        assert.equal(await d.dataChecksum(), before);
      });
    }

    it('stops a statement on the server when it runs past the timeout', async () => {
      const marker = `timeout_probe_${Date.now()}`;
      const started = Date.now();
      await assert.rejects(
        wholeTestQuery(h.api, { connectionId: id, sql: d.longStatement(30, marker), limit: 1, timeoutMs: 1000 }),
        isCode('timeout'),
      );
      assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
      await waitFor(async () => (await d.runningStatements(marker)) === 0, 2000).catch(() =>
        assert.fail('the statement still runs on the server'),
      );
    });

    it('cancels a running statement on the server through an AbortSignal', async () => {
      const marker = `cancel_probe_${Date.now()}`;
      const controller = new AbortController();
      const running = wholeTestQuery(
        h.api,
        { connectionId: id, sql: d.longStatement(30, marker), limit: 1, timeoutMs: 60_000 },
        { signal: controller.signal },
      );
      await waitFor(async () => (await d.runningStatements(marker)) === 1, 5000);
      const started = Date.now();
      controller.abort();
      await assert.rejects(running, isCode('cancelled'));
      assert.ok(Date.now() - started < 3000, `cancel took ${Date.now() - started} ms`);
      await waitFor(async () => (await d.runningStatements(marker)) === 0, 2000).catch(() =>
        assert.fail('the statement still runs on the server'),
      );
    });

    it('returns a syntax error with the server message', async () => {
      await assert.rejects(
        wholeTestQuery(h.api, { connectionId: id, sql: 'SELECT 1 FROM', limit: 1 }),
        (error: unknown) => {
          assert.ok(ConnectionError.is(error, 'query_failed'), String(error));
          assert.match(error.message, /syntax/i);
          return true;
        },
      );
    });

    it('reports execution time and rows returned', async () => {
      const result = await wholeTestQuery(h.api, {
        connectionId: id,
        sql: `SELECT * FROM ${d.table('customers')}`,
        limit: 2,
      });
      assert.equal(result.stats.rowsReturned, 2);
      assert.equal(result.truncated, true);
      assert.ok(result.stats.executionMs >= 0);
    });
  });

  describe('streamed results (the grid, every SQL connector)', () => {
    it('streams a 1,000,000-row preview to disk with flat memory and reads its first and last rows back', async function () {
      this.timeout(300_000);
      const dir = mkdtempSync(path.join(tmpdir(), 'planasonix-stream-'));
      const set = new ResultSet({ dir });
      const local = await makeHarness({ limits: () => wide });
      try {
        const conn = await create(local, 'stream');
        // What is held, not what is garbage yet: the heap is measured right after a collection, every 100 ms.
        collectGarbage();
        const heapBefore = process.memoryUsage().heapUsed;
        let peak = 0;
        const sampler = setInterval(() => {
          collectGarbage();
          peak = Math.max(peak, process.memoryUsage().heapUsed);
        }, 100);
        await set.track(
          local.api.previewStream(
            conn,
            { ...where, table: d.fold('big'), limit: 1_000_000, orderBy: { column: d.fold('id'), direction: 'asc' } },
            set,
          ),
        );
        clearInterval(sampler);
        assert.equal(set.phase, 'done', String(set.error));
        assert.equal(set.rowCount, 1_000_000);
        assert.equal(set.stats?.truncated, false);
        assert.equal(set.spooled, true);
        assert.deepEqual(
          (await set.window(0, 2)).map((r) => Number(r[0])),
          [1, 2],
        );
        assert.deepEqual(
          (await set.window(999_998, 5)).map((r) => Number(r[0])),
          [999_999, 1_000_000],
        );
        // The rows are ~50 MB as text and several times that as JS objects; the host holds none of it.
        const grew = (peak - heapBefore) / 1024 / 1024;
        if (process.env.PLANASONIX_DEBUG) console.log(`heap held grew ${grew.toFixed(1)} MB`);
        assert.ok(grew < 40, `the heap held ${grew.toFixed(0)} MB more while streaming`);
      } finally {
        await set.dispose();
        await local.api.dispose();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('stops a streaming query on cancel and keeps what arrived', async function () {
      this.timeout(60_000);
      const set = new ResultSet();
      const abort = new AbortController();
      const local = await makeHarness({ limits: () => wide });
      try {
        const conn = await create(local, 'cancel stream');
        const slowSink = {
          start: (c: string[], t: string[]) => set.start(c, t),
          rows: async (batch: CellValue[][]) => {
            await set.rows(batch);
            if (set.rowCount >= 5000) abort.abort();
            await new Promise((r) => setTimeout(r, 5));
          },
        };
        await set.track(
          local.api.testQueryStream(
            { connectionId: conn, sql: `SELECT id FROM ${d.table('big')}`, limit: 1_000_000 },
            slowSink,
            { signal: abort.signal },
          ),
        );
        assert.equal(set.phase, 'cancelled', String(set.error));
        assert.ok(set.rowCount >= 5000 && set.rowCount < 1_000_000, `${set.rowCount} rows`);
        const after = await wholeTestQuery(local.api, { connectionId: conn, sql: 'SELECT 1 AS one', limit: 1 });
        assert.equal(Number(after.rows[0][0]), 1, 'the session works after the cancel');
      } finally {
        await set.dispose();
        await local.api.dispose();
      }
    });
  });

  describe('sessions (every SQL connector)', () => {
    it('opens one session lazily, reuses it, and closes it when the connection is edited or deleted', async () => {
      const local = await makeHarness();
      try {
        const conn = await create(local, 'lifecycle');
        assert.equal(local.api.sessions.openCount, 0, 'creating a connection opens nothing');
        await local.api.listSchemas(conn, d.catalog ? { catalog: d.catalog } : {});
        await local.api.listTables(conn, where);
        assert.equal(local.api.sessions.openCount, 1);
        await local.api.updateConnection(conn, { name: 'lifecycle 2' });
        assert.equal(local.api.sessions.openCount, 0, 'editing closes the session');
        await local.api.listSchemas(conn, d.catalog ? { catalog: d.catalog } : {});
        await local.api.deleteConnection(conn);
        assert.equal(local.api.sessions.openCount, 0, 'deleting closes the session');
      } finally {
        await local.api.dispose();
      }
    });

    it('closes an idle session', async () => {
      const local = await makeHarness({ sessionIdleMs: 50 });
      try {
        const conn = await create(local, 'idle');
        await local.api.listSchemas(conn, d.catalog ? { catalog: d.catalog } : {});
        assert.equal(local.api.sessions.openCount, 1);
        await waitFor(async () => local.api.sessions.openCount === 0, 2000);
      } finally {
        await local.api.dispose();
      }
    });
  });
}
