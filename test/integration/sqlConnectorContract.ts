import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CellValue, ConnectionConfig } from '../../src/core/api/types';
import { ResultSet } from '../../src/core/results/resultSet';
import { ConnectionError } from '../../src/core/errors';
import { makeHarness, type Harness } from '../support/harness';
import { connectionTests } from './sqlConnectorConnectivity';
import { CountingProxy } from '../support/tcpProxy';

export interface SqlDialect {
  /** The connector's type id: any SQL connector of the manifest runs this contract. */
  type: string;
  label: string;
  /** The server version as its test reports it. */
  serverVersion: RegExp;
  host: string;
  port: number;
  user: string;
  /** Config for the fixture database (without host/port). */
  config: ConnectionConfig;
  ensureFixture(): Promise<void>;
  /** Schema holding the fixture tables. */
  schema: string;
  quote(name: string): string;
  sleepSql(seconds: number): string;
  /** Rows of the server's process list that still run the given marker text. */
  runningStatements(marker: string): Promise<number>;
  /** A checksum over the fixture data that a write would change. */
  dataChecksum(): Promise<string>;
  writes: { label: string; sql: string }[];
  /** Bytes one row of the big table takes on the wire, at most, in this protocol. */
  bigRowWireBytes: number;
  awkwardTables: { schema: string; table: string; expected: unknown[][] }[];
  badPassword: { user: string; password: string };
}

export function isCode(code: string): (error: unknown) => boolean {
  return (error: unknown) => {
    assert.ok(ConnectionError.is(error), `expected a ConnectionError, got ${String(error)}`);
    assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
    return true;
  };
}

/** Behaviour every host/port SQL connector must have, run against the real server. */
export function sqlConnectorContract(d: SqlDialect): void {
  let h: Harness;
  let id: string;
  const base = (): ConnectionConfig => ({ host: d.host, port: d.port, user: d.user, sslMode: 'disable', ...d.config });

  before(async function () {
    this.timeout(600_000);
    await d.ensureFixture();
    h = await makeHarness();
    id = (await h.api.createConnection({ name: `${d.label} fixture`, type: d.type, config: base() })).id;
  });

  after(async () => {
    await h?.api.dispose();
  });

  connectionTests(d, () => h, base);

  describe('introspection', () => {
    it('lists schemas without the system ones', async () => {
      const { schemas } = await h.api.listSchemas(id);
      const names = schemas.map((s) => s.name);
      assert.ok(names.includes(d.schema), names.join(', '));
      assert.ok(!names.includes('information_schema'));
    });

    it('lists columns with the type as the server spells it, nullability, default and primary key', async () => {
      const { columns } = await h.api.listColumns(id, { schema: d.schema, table: 'customers' });
      assert.deepEqual(
        columns.map((c) => c.name),
        ['id', 'name', 'email', 'country', 'created_at'],
      );
      const byName = Object.fromEntries(columns.map((c) => [c.name, c]));
      assert.equal(byName.id!.primaryKey, true);
      assert.equal(byName.id!.nullable, false);
      assert.equal(byName.name!.nullable, false);
      assert.equal(byName.email!.nullable, true);
      assert.equal(byName.email!.primaryKey, false);
      assert.match(String(byName.country!.default), /US/);
      assert.equal(byName.email!.default ?? null, null);
    });

    it('reports a table that does not exist as not_found', async () => {
      await assert.rejects(h.api.listColumns(id, { schema: d.schema, table: 'no_such_table' }), isCode('not_found'));
    });

    it('pages through tables with a token, and finds a table by server-side search', async () => {
      const all = (await h.api.listTables(id, { schema: d.schema })).tables.map((t) => t.name);
      const pages: string[] = [];
      let token: string | undefined;
      do {
        const page = await h.api.listTables(id, { schema: d.schema, limit: 3, pageToken: token });
        assert.ok(page.tables.length <= 3);
        pages.push(...page.tables.map((t) => t.name));
        token = page.nextPageToken;
      } while (token);
      assert.deepEqual(pages, all);
      const found = await h.api.listTables(id, { schema: d.schema, search: 'ORDER' });
      assert.deepEqual(found.tables.map((t) => t.name).sort(), all.filter((n) => /order/i.test(n)).sort());
      const literal = await h.api.listTables(id, { schema: d.schema, search: '_' });
      assert.ok(
        literal.tables.every((t) => t.name.includes('_')),
        'LIKE wildcards in a search term match literally',
      );
    });
  });

  describe('preview', () => {
    it('returns at most the limit and says whether the table had more', async () => {
      const big = await h.api.preview(id, { schema: d.schema, table: 'big', limit: 10 });
      assert.equal(big.rows.length, 10);
      assert.equal(big.truncated, true);
      assert.deepEqual(big.columns, ['id', 'payload']);
      const small = await h.api.preview(id, { schema: d.schema, table: 'customers', limit: 100 });
      assert.equal(small.rows.length, 3);
      assert.equal(small.truncated, false);
    });

    it('sorts on the server', async () => {
      const desc = await h.api.preview(id, { schema: d.schema, table: 'big', limit: 3, orderBy: { column: 'id', direction: 'desc' } });
      assert.deepEqual(
        desc.rows.map((r) => Number(r[0])),
        [1_000_000, 999_999, 999_998],
      );
    });

    for (const awkward of d.awkwardTables) {
      it(`reads the awkwardly named table ${awkward.schema}.${awkward.table}`, async () => {
        const result = await h.api.preview(id, { schema: awkward.schema, table: awkward.table, limit: 5 });
        assert.deepEqual(result.rows, awkward.expected);
      });
    }

    it('cannot be made to run SQL through a table name', async () => {
      const before = await d.dataChecksum();
      const hostile = d.awkwardTables.find((t) => t.table.includes('DROP'))!;
      await h.api.preview(id, { schema: hostile.schema, table: hostile.table, limit: 5 });
      await assert.rejects(h.api.preview(id, { schema: d.schema, table: 'customers; DROP TABLE customers', limit: 5 }), isCode('not_found'));
      assert.equal(await d.dataChecksum(), before);
    });
  });

  describe('test-query', () => {
    for (const write of d.writes) {
      it(`refuses ${write.label} and leaves the data unchanged`, async () => {
        const before = await d.dataChecksum();
        await assert.rejects(h.api.testQuery({ connectionId: id, sql: write.sql, limit: 10 }), (error: unknown) => {
          assert.ok(ConnectionError.is(error), String(error));
          assert.ok(['read_only', 'query_failed'].includes(error.code), `${error.code}: ${error.message}`);
          return true;
        });
        assert.equal(await d.dataChecksum(), before);
      });
    }

    it('keeps refusing writes after a statement tried to switch the session to read-write', async () => {
      const before = await d.dataChecksum();
      const switches =
        d.type === 'postgres'
          ? ['SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE', 'SET default_transaction_read_only = off']
          : ['SET SESSION TRANSACTION READ WRITE'];
      for (const sql of switches) await h.api.testQuery({ connectionId: id, sql, limit: 1 }).catch(() => undefined);
      await assert.rejects(h.api.testQuery({ connectionId: id, sql: `DELETE FROM ${d.quote(d.schema)}.orders`, limit: 1 }));
      assert.equal(await d.dataChecksum(), before);
    });

    it('caps a 1,000,000-row result at the limit, with no more than limit + 1 rows on the wire', async () => {
      const { proxy, port } = await CountingProxy.start(d.host, d.port);
      const local = await makeHarness();
      try {
        const conn = await local.api.createConnection({ name: 'through proxy', type: d.type, config: { ...base(), port } });
        const sql = `SELECT id, payload FROM ${d.quote(d.schema)}.big ORDER BY id`;
        await local.api.testQuery({ connectionId: conn.id, sql, limit: 1 }); // warm: connect, caches
        proxy.reset();
        const result = await local.api.testQuery({ connectionId: conn.id, sql, limit: 100 });
        assert.equal(result.rows.length, 100);
        assert.equal(result.truncated, true);
        assert.deepEqual(result.rows[99]![0], '100');
        // 101 rows plus a fixed overhead for the statement's framing; 1,000,000 rows would be ~50 MB.
        const budget = 101 * d.bigRowWireBytes + 2500;
        assert.ok(proxy.serverToClientBytes <= budget, `${proxy.serverToClientBytes} bytes crossed the wire (budget ${budget})`);
        assert.ok(proxy.serverToClientBytes > 100 * (d.bigRowWireBytes - 10), 'the rows did cross the proxy');
      } finally {
        await local.api.dispose();
        await proxy.close();
      }
    });

    it('stops a statement on the server when it runs past the timeout', async () => {
      const marker = `timeout_probe_${Date.now()}`;
      const started = Date.now();
      await assert.rejects(h.api.testQuery({ connectionId: id, sql: `SELECT ${d.sleepSql(30)} AS ${marker}`, limit: 1, timeoutMs: 1000 }), isCode('timeout'));
      assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
      assert.equal(await d.runningStatements(marker), 0, 'the statement still runs on the server');
    });

    it('cancels a running statement on the server through an AbortSignal', async () => {
      const marker = `cancel_probe_${Date.now()}`;
      const controller = new AbortController();
      const running = h.api.testQuery(
        { connectionId: id, sql: `SELECT ${d.sleepSql(30)} AS ${marker}`, limit: 1, timeoutMs: 60_000 },
        { signal: controller.signal },
      );
      await waitFor(async () => (await d.runningStatements(marker)) === 1, 5000);
      const started = Date.now();
      controller.abort();
      await assert.rejects(running, isCode('cancelled'));
      assert.ok(Date.now() - started < 3000, `cancel took ${Date.now() - started} ms`);
      assert.equal(await d.runningStatements(marker), 0, 'the statement still runs on the server');
    });

    it('returns a syntax error with the server message', async () => {
      await assert.rejects(h.api.testQuery({ connectionId: id, sql: 'SELECT 1 FROM', limit: 1 }), (error: unknown) => {
        assert.ok(ConnectionError.is(error, 'query_failed'));
        assert.match(error.message, /syntax/i);
        return true;
      });
    });

    it('reports execution time and rows returned', async () => {
      const result = await h.api.testQuery({ connectionId: id, sql: `SELECT * FROM ${d.quote(d.schema)}.customers`, limit: 2 });
      assert.equal(result.stats.rowsReturned, 2);
      assert.equal(result.truncated, true);
      assert.ok(result.stats.executionMs >= 0);
    });
  });

  describe('streamed results (the grid)', () => {
    it('streams a 1,000,000-row preview to disk with flat memory and reads its first and last rows back', async function () {
      this.timeout(300_000);
      const dir = mkdtempSync(path.join(tmpdir(), 'planasonix-stream-'));
      const set = new ResultSet({ dir });
      const local = await makeHarness({ limits: () => ({ defaultRowLimit: 100, maxRowLimit: 1_000_000, defaultTimeoutMs: 60_000 }) });
      try {
        const conn = await local.api.createConnection({ name: 'stream', type: d.type, config: base() });
        global.gc?.();
        const heapBefore = process.memoryUsage().heapUsed;
        let peak = 0;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 20);
        await set.track(
          local.api.previewStream(conn.id, { schema: d.schema, table: 'big', limit: 1_000_000, orderBy: { column: 'id', direction: 'asc' } }, set),
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
        if (process.env.PLANASONIX_DEBUG) console.log(`heap grew ${grew.toFixed(1)} MB`);
        assert.ok(grew < 40, `heap grew by ${grew.toFixed(0)} MB while streaming`);
      } finally {
        await set.dispose();
        await local.api.dispose();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('holds the server back while the sink is busy, instead of buffering the result', async function () {
      this.timeout(120_000);
      const { proxy, port } = await CountingProxy.start(d.host, d.port);
      const local = await makeHarness({ limits: () => ({ defaultRowLimit: 100, maxRowLimit: 1_000_000, defaultTimeoutMs: 60_000 }) });
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let batches = 0;
      try {
        const conn = await local.api.createConnection({ name: 'slow sink', type: d.type, config: { ...base(), port } });
        await local.api.testQuery({ connectionId: conn.id, sql: 'SELECT 1', limit: 1 }); // connect first
        proxy.reset();
        const sink = {
          start: () => undefined,
          rows: async () => {
            batches++;
            await gate;
          },
        };
        const done = local.api.testQueryStream(
          { connectionId: conn.id, sql: `SELECT id, payload FROM ${d.quote(d.schema)}.big ORDER BY id`, limit: 1_000_000 },
          sink,
        );
        await waitFor(async () => batches === 1, 10_000);
        await new Promise((r) => setTimeout(r, 1000));
        // While the first batch is held, far less than the result (~50 MB) has crossed the wire.
        const held = proxy.serverToClientBytes;
        assert.ok(held < 10 * 1024 * 1024, `${(held / 1024 / 1024).toFixed(1)} MB crossed the wire while the sink was busy`);
        release();
        const stats = await done;
        assert.equal(stats.rowsReturned, 1_000_000);
        assert.ok(proxy.serverToClientBytes > 40 * 1024 * 1024, 'the whole result did cross afterwards');
      } finally {
        release();
        await local.api.dispose();
        await proxy.close();
      }
    });

    it('stops a streaming query on cancel and keeps what arrived', async function () {
      this.timeout(60_000);
      const set = new ResultSet();
      const abort = new AbortController();
      const local = await makeHarness({ limits: () => ({ defaultRowLimit: 100, maxRowLimit: 1_000_000, defaultTimeoutMs: 60_000 }) });
      try {
        const conn = await local.api.createConnection({ name: 'cancel stream', type: d.type, config: base() });
        const slowSink = {
          start: (c: string[], t: string[]) => set.start(c, t),
          rows: async (batch: CellValue[][]) => {
            await set.rows(batch);
            if (set.rowCount >= 5000) abort.abort();
            await new Promise((r) => setTimeout(r, 5));
          },
        };
        await set.track(
          local.api.testQueryStream({ connectionId: conn.id, sql: `SELECT id FROM ${d.quote(d.schema)}.big`, limit: 1_000_000 }, slowSink, {
            signal: abort.signal,
          }),
        );
        assert.equal(set.phase, 'cancelled', String(set.error));
        assert.ok(set.rowCount >= 5000 && set.rowCount < 1_000_000, `${set.rowCount} rows`);
        const after = await local.api.testQuery({ connectionId: conn.id, sql: 'SELECT 1 AS one', limit: 1 });
        assert.equal(Number(after.rows[0]![0]), 1, 'the session works after the cancel');
      } finally {
        await set.dispose();
        await local.api.dispose();
      }
    });
  });

  describe('sessions', () => {
    it('opens one session lazily, reuses it, and closes it when the connection is edited or deleted', async () => {
      const local = await makeHarness();
      try {
        const conn = await local.api.createConnection({ name: 'lifecycle', type: d.type, config: base() });
        assert.equal(local.api.sessions.openCount, 0, 'creating a connection opens nothing');
        await local.api.listSchemas(conn.id);
        await local.api.listTables(conn.id, { schema: d.schema });
        assert.equal(local.api.sessions.openCount, 1);
        await local.api.updateConnection(conn.id, { name: 'lifecycle 2' });
        assert.equal(local.api.sessions.openCount, 0, 'editing closes the session');
        await local.api.listSchemas(conn.id);
        await local.api.deleteConnection(conn.id);
        assert.equal(local.api.sessions.openCount, 0, 'deleting closes the session');
      } finally {
        await local.api.dispose();
      }
    });

    it('closes an idle session', async () => {
      const local = await makeHarness({ sessionIdleMs: 50 });
      try {
        const conn = await local.api.createConnection({ name: 'idle', type: d.type, config: base() });
        await local.api.listSchemas(conn.id);
        assert.equal(local.api.sessions.openCount, 1);
        await waitFor(async () => local.api.sessions.openCount === 0, 2000);
      } finally {
        await local.api.dispose();
      }
    });
  });
}

export async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
