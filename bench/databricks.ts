/**
 * Databricks SQL through the extension's core vs the raw @databricks/sql driver, against the
 * Databricks test server (Thrift over HTTPS):
 * - databricks_preview_1000x20_ratio: a 1,000 × 20 preview through the connector vs the bare driver
 *   fetching the same statement (goal ≤ 1.15);
 * - databricks_rows_fetched_1m_limit100: rows the server sent for a test query capped at 100 over a
 *   1,000,000-row table (goal: at most one batch beyond 100).
 */
import { readFileSync } from 'node:fs';
import { DBSQLClient } from '@databricks/sql';
import type { CellValue } from '../src/core/api/types';
import { databricksSpec } from '../src/core/connectors/databricks/spec';

import { DatabricksServer } from '../test/support/databricks/server';
import { silentLogger } from '../test/support/doubles';

type Bench = (name: string, value: number, unit: string) => void;
type SideBySide = (
  rounds: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
) => Promise<{ a: number; b: number; ratio: number }>;

export async function databricksFigures(bench: Bench, sideBySide: SideBySide): Promise<void> {
  const server = await DatabricksServer.start();
  const token = [...server.tokens][0];
  const driver = await databricksSpec.load();
  const session = driver.openSession({
    config: {
      host: `${server.host}:${server.port}`,
      httpPath: server.httpPath,
      caFile: server.ca.caFile,
      catalog: 'main',
      schema: 'default',
    },
    secrets: { token },
    logger: silentLogger,
  });
  const client = new DBSQLClient({ logger: { log: () => undefined } });
  await client.connect({
    host: server.host,
    port: server.port,
    path: server.httpPath,
    token,
    customCaCert: readFileSync(server.ca.caFile),
    telemetryEnabled: false,
  });
  const raw = await client.openSession({ initialCatalog: 'main', initialSchema: 'default' });
  try {
    const statement = session.sql!.previewStatement({
      catalog: 'main',
      schema: 'default',
      table: 'wide_1000x20',
      limit: 1000,
    });
    const core = async (): Promise<number> => {
      let n = 0;
      await session.sql!.stream(statement, {
        start: () => undefined,
        rows: (b: CellValue[][]) => void (n += b.length),
      });
      return n;
    };
    const bare = async (): Promise<number> => {
      const op = await raw.executeStatement(statement.sql);
      const rows = await op.fetchAll();
      await op.close();
      return Math.min(rows.length, 1000);
    };
    for (const [what, count] of [
      ['the connector', await core()],
      ['the bare driver', await bare()],
    ] as const) {
      if (count !== 1000) throw new Error(`${what} read ${count} rows of the 1,000-row preview`);
    }
    const preview = await sideBySide(101, core, bare);
    bench('databricks_preview_1000x20_ms', Number(preview.a.toFixed(1)), 'ms');
    bench('databricks_preview_1000x20_ratio', preview.ratio, 'x');
    await session.sql!.stream(
      { sql: 'SELECT * FROM big', limit: 100, timeoutMs: 60_000 },
      { start: () => undefined, rows: () => undefined },
    );
    bench('databricks_rows_fetched_1m_limit100', server.operationsFor('SELECT * FROM big').at(-1)!.rowsServed, 'rows');
  } finally {
    await session.close();
    await raw.close();
    await client.close();
    await server.close();
  }
}
