// The shared SQL connector contract, run for Databricks SQL through the real @databricks/sql driver
// against the Databricks test server (its main.fixture schema).
import { DatabricksServer } from '../support/databricks/server';
import { sqlBehaviourContract } from './sqlBehaviourContract';

describe('Databricks SQL connector: the shared SQL contract', function () {
  this.timeout(120_000);
  let server: DatabricksServer | undefined;
  const up = async (): Promise<DatabricksServer> => (server ??= await DatabricksServer.start());
  after(async () => server?.close());

  sqlBehaviourContract({
    type: 'databricks',
    label: 'Databricks',
    config: () => ({
      host: `${server!.host}:${server!.port}`,
      httpPath: server!.httpPath,
      caFile: server!.ca.caFile,
      catalog: 'main',
      schema: 'fixture',
    }),
    get secrets() {
      return { token: [...server!.tokens][0] };
    },
    ensureFixture: async () => void (await up()),
    catalog: 'main',
    schema: 'fixture',
    fold: (name) => name,
    table: (name) => `main.fixture.${name}`,
    longStatement: (_seconds, marker) => `SELECT * FROM main.default.slow /* ${marker} */`,
    runningStatements: async (marker) =>
      [...server!.operations.values()].filter((o) => o.sql.includes(marker) && server!.refresh(o) === 'running').length,
    dataChecksum: async () => server!.catalog.changes.join('\n'),
    writes: [
      { label: 'INSERT', sql: `INSERT INTO main.fixture.customers (name) VALUES ('intruder')` },
      { label: 'UPDATE', sql: `UPDATE main.fixture.customers SET name = 'changed'` },
      { label: 'DELETE', sql: 'DELETE FROM main.fixture.orders' },
      {
        label: 'MERGE',
        sql: 'MERGE INTO main.fixture.orders o USING main.fixture.orders n ON o.id = n.id WHEN MATCHED THEN DELETE',
      },
      {
        label: 'CREATE TABLE AS SELECT',
        sql: 'CREATE TABLE main.fixture.copy AS SELECT * FROM main.fixture.customers',
      },
      { label: 'DROP TABLE', sql: 'DROP TABLE main.fixture.orders' },
      { label: 'TRUNCATE', sql: 'TRUNCATE TABLE main.fixture.orders' },
      { label: 'OPTIMIZE', sql: 'OPTIMIZE main.fixture.orders' },
      { label: 'a second statement after a SELECT', sql: 'SELECT 1; DELETE FROM main.fixture.orders' },
      {
        label: 'a CTE in front of an INSERT',
        sql: 'WITH x AS (SELECT 1) INSERT INTO main.fixture.orders SELECT * FROM x',
      },
      { label: 'reflect() (a Java call)', sql: "SELECT reflect('java.lang.System', 'exit', 0)" },
    ],
    awkwardTables: [
      { schema: 'fixture', table: 'select', expected: [[1]] },
      { schema: 'fixture', table: 'tick`name', expected: [[7]] },
      { schema: 'fixture', table: 'naïve_ünïcødé_表', expected: [[42]] },
      { schema: 'fixture', table: 'x`; DROP TABLE main.fixture.customers; --', expected: [[1]] },
    ],
  });
});
