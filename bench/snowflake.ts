/**
 * Snowflake through the extension's core vs the raw snowflake-sdk, against the Snowflake test server:
 * - snowflake_preview_1000x20_ratio: a 1,000 × 20 preview through the connector (which first has
 *   Snowflake describe the statement) vs the bare driver streaming the same statement (goal ≤ 1.15);
 * - snowflake_rows_fetched_1m_limit100: rows the server sent for a test query capped at 100 over a
 *   1,000,000-row table (goal: at most one chunk beyond 100).
 */
import { snowflakeSpec } from '../src/core/connectors/snowflake/spec';
import type { CellValue } from '../src/core/api/types';

import { SnowflakeServer } from '../test/support/snowflake/server';
import type * as snowflakeSdk from 'snowflake-sdk';
import { silentLogger } from '../test/support/doubles';

type Bench = (name: string, value: number, unit: string) => void;
type SideBySide = (
  rounds: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
) => Promise<{ a: number; b: number; ratio: number }>;

export async function snowflakeFigures(bench: Bench, sideBySide: SideBySide): Promise<void> {
  const server = await SnowflakeServer.start();
  server.users.set('ALICE', { password: 'bench-pw' });
  const driver = await snowflakeSpec.load();
  const session = driver.openSession({
    config: {
      account: 'fake',
      user: 'alice',
      serverUrl: server.url,
      warehouse: 'WH',
      database: 'DEMO_DB',
      schema: 'PUBLIC',
    },
    secrets: { password: 'bench-pw' },
    logger: silentLogger,
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the same SDK the connector loaded
  const snowflake = require('snowflake-sdk') as typeof snowflakeSdk;
  const raw = snowflake.createConnection({
    accessUrl: server.url,
    account: 'fake',
    username: 'alice',
    password: 'bench-pw',
    warehouse: 'WH',
    database: 'DEMO_DB',
    schema: 'PUBLIC',
  });
  await new Promise<void>((resolve, reject) => raw.connect((error) => (error ? reject(error) : resolve())));
  try {
    const statement = session.sql!.previewStatement({
      catalog: 'DEMO_DB',
      schema: 'PUBLIC',
      table: 'WIDE_1000X20',
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
    const bare = (): Promise<number> =>
      new Promise((resolve, reject) => {
        raw.execute({
          sqlText: statement.sql,
          streamResult: true,
          rowMode: 'array',
          complete: (error, stmt) => {
            if (error) return reject(error);
            let n = 0;
            stmt
              .streamRows()
              .on('data', () => n++)
              .on('end', () => resolve(n))
              .on('error', reject);
          },
        });
      });
    for (const [what, count] of [
      ['the connector', await core()],
      ['the bare driver', await bare()],
    ] as const) {
      if (count !== 1000) throw new Error(`${what} read ${count} rows of the 1,000-row preview`);
    }
    const preview = await sideBySide(101, core, bare);
    bench('snowflake_preview_1000x20_ms', Number(preview.a.toFixed(1)), 'ms');
    bench('snowflake_preview_1000x20_ratio', preview.ratio, 'x');
    await session.sql!.stream(
      { sql: 'SELECT * FROM BIG', limit: 100, timeoutMs: 60_000 },
      { start: () => undefined, rows: () => undefined },
    );
    const big = [...server.queries.values()].filter((q) => q.result?.total === 1_000_000).at(-1)!;
    bench('snowflake_rows_fetched_1m_limit100', big.rowsServed, 'rows');
    bench('snowflake_chunk_rows', server.chunkRows, 'rows');
  } finally {
    await session.close();
    await new Promise<void>((resolve) => raw.destroy(() => resolve()));
    await server.close();
  }
}
