import { wholeTestQuery } from '../support/whole';
import * as assert from 'node:assert/strict';
import type { ConnectionConfig } from '../../src/core/api/types';
import { makeHarness, type Harness } from '../support/harness';
import { connectionTests } from './sqlConnectorConnectivity';
import { CountingProxy } from '../support/tcpProxy';
import { isCode, sqlBehaviourContract, waitFor } from './sqlBehaviourContract';

export { isCode, waitFor };

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

  sqlBehaviourContract({
    type: d.type,
    label: d.label,
    config: base,
    ensureFixture: d.ensureFixture,
    schema: d.schema,
    fold: (name) => name,
    table: (name) => `${d.quote(d.schema)}.${name}`,
    longStatement: (seconds, marker) => `SELECT ${d.sleepSql(seconds)} AS ${marker}`,
    runningStatements: d.runningStatements,
    dataChecksum: d.dataChecksum,
    writes: d.writes,
    awkwardTables: d.awkwardTables,
  });

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
      assert.equal(byName.id.primaryKey, true);
      assert.equal(byName.id.nullable, false);
      assert.equal(byName.name.nullable, false);
      assert.equal(byName.email.nullable, true);
      assert.equal(byName.email.primaryKey, false);
      assert.match(String(byName.country.default), /US/);
      assert.equal(byName.email.default ?? null, null);
    });

    describe('test-query', () => {
      it('keeps refusing writes after a statement tried to switch the session to read-write', async () => {
        const before = await d.dataChecksum();
        const switches =
          d.type === 'postgres'
            ? ['SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE', 'SET default_transaction_read_only = off']
            : ['SET SESSION TRANSACTION READ WRITE'];
        for (const sql of switches)
          await wholeTestQuery(h.api, { connectionId: id, sql, limit: 1 }).catch(() => undefined);
        await assert.rejects(
          wholeTestQuery(h.api, { connectionId: id, sql: `DELETE FROM ${d.quote(d.schema)}.orders`, limit: 1 }),
        );
        assert.equal(await d.dataChecksum(), before);
      });

      it('caps a 1,000,000-row result at the limit, with no more than limit + 1 rows on the wire', async () => {
        const { proxy, port } = await CountingProxy.start(d.host, d.port);
        const local = await makeHarness();
        try {
          const conn = await local.api.createConnection({
            name: 'through proxy',
            type: d.type,
            config: { ...base(), port },
          });
          const sql = `SELECT id, payload FROM ${d.quote(d.schema)}.big ORDER BY id`;
          await wholeTestQuery(local.api, { connectionId: conn.id, sql, limit: 1 }); // warm: connect, caches
          proxy.reset();
          const result = await wholeTestQuery(local.api, { connectionId: conn.id, sql, limit: 100 });
          assert.equal(result.rows.length, 100);
          assert.equal(result.truncated, true);
          assert.deepEqual(result.rows[99][0], '100');
          // 101 rows plus a fixed overhead for the statement's framing; 1,000,000 rows would be ~50 MB.
          const budget = 101 * d.bigRowWireBytes + 2500;
          assert.ok(
            proxy.serverToClientBytes <= budget,
            `${proxy.serverToClientBytes} bytes crossed the wire (budget ${budget})`,
          );
          assert.ok(proxy.serverToClientBytes > 100 * (d.bigRowWireBytes - 10), 'the rows did cross the proxy');
        } finally {
          await local.api.dispose();
          await proxy.close();
        }
      });
    });

    describe('streamed results (the grid)', () => {
      it('holds the server back while the sink is busy, instead of buffering the result', async function () {
        this.timeout(120_000);
        const { proxy, port } = await CountingProxy.start(d.host, d.port);
        const local = await makeHarness({
          limits: () => ({ defaultRowLimit: 100, maxRowLimit: 1_000_000, defaultTimeoutMs: 60_000 }),
        });
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let batches = 0;
        try {
          const conn = await local.api.createConnection({
            name: 'slow sink',
            type: d.type,
            config: { ...base(), port },
          });
          await wholeTestQuery(local.api, { connectionId: conn.id, sql: 'SELECT 1', limit: 1 }); // connect first
          proxy.reset();
          const sink = {
            start: () => undefined,
            rows: async () => {
              batches++;
              await gate;
            },
          };
          const done = local.api.testQueryStream(
            {
              connectionId: conn.id,
              sql: `SELECT id, payload FROM ${d.quote(d.schema)}.big ORDER BY id`,
              limit: 1_000_000,
            },
            sink,
          );
          await waitFor(async () => batches === 1, 10_000);
          await new Promise((r) => setTimeout(r, 1000));
          // While the first batch is held, far less than the result (~50 MB) has crossed the wire.
          const held = proxy.serverToClientBytes;
          assert.ok(
            held < 10 * 1024 * 1024,
            `${(held / 1024 / 1024).toFixed(1)} MB crossed the wire while the sink was busy`,
          );
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
    });
  });
}
