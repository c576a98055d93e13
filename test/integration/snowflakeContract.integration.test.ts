// The shared SQL connector contract, run for Snowflake through the real snowflake-sdk against the
// Snowflake test server (its DEMO_DB.FIXTURE schema; unquoted names fold to upper case).
import { SnowflakeServer } from '../support/snowflake/server';
import { sqlBehaviourContract } from './sqlBehaviourContract';

describe('Snowflake connector: the shared SQL contract', function () {
  this.timeout(120_000);
  let server: SnowflakeServer | undefined;
  const up = async (): Promise<SnowflakeServer> => {
    if (!server) {
      server = await SnowflakeServer.start();
      server.users.set('CONTRACT', { password: 'contract-pw' });
    }
    return server;
  };
  after(async () => server?.close());

  sqlBehaviourContract({
    type: 'snowflake',
    label: 'Snowflake',
    config: () => ({
      account: 'fake',
      user: 'contract',
      serverUrl: server!.url,
      warehouse: 'WH',
      database: 'DEMO_DB',
      schema: 'FIXTURE',
    }),
    secrets: { password: 'contract-pw' },
    ensureFixture: async () => void (await up()),
    catalog: 'DEMO_DB',
    schema: 'FIXTURE',
    fold: (name) => name.toUpperCase(),
    table: (name) => `DEMO_DB.FIXTURE.${name}`,
    // SLOW is a view that takes a minute (SYSTEM$WAIT is refused by the read-only check).
    longStatement: (_seconds, marker) => `SELECT * FROM DEMO_DB.PUBLIC.SLOW /* ${marker} */`,
    runningStatements: async (marker) => server!.running(marker),
    dataChecksum: async () => server!.catalog.changes.join('\n'),
    writes: [
      { label: 'INSERT', sql: `INSERT INTO DEMO_DB.FIXTURE.CUSTOMERS (NAME) VALUES ('intruder')` },
      { label: 'UPDATE', sql: `UPDATE DEMO_DB.FIXTURE.CUSTOMERS SET NAME = 'changed'` },
      { label: 'DELETE', sql: 'DELETE FROM DEMO_DB.FIXTURE.ORDERS' },
      {
        label: 'MERGE',
        sql: 'MERGE INTO DEMO_DB.FIXTURE.ORDERS o USING DEMO_DB.FIXTURE.ORDERS n ON o.ID = n.ID WHEN MATCHED THEN DELETE',
      },
      {
        label: 'CREATE TABLE AS SELECT',
        sql: 'CREATE TABLE DEMO_DB.FIXTURE.COPY AS SELECT * FROM DEMO_DB.FIXTURE.CUSTOMERS',
      },
      { label: 'DROP TABLE', sql: 'DROP TABLE DEMO_DB.FIXTURE.ORDERS' },
      { label: 'TRUNCATE', sql: 'TRUNCATE TABLE DEMO_DB.FIXTURE.ORDERS' },
      { label: 'a second statement after a SELECT', sql: 'SELECT 1; DELETE FROM DEMO_DB.FIXTURE.ORDERS' },
      { label: 'CALL', sql: 'CALL DEMO_DB.FIXTURE.PURGE()' },
      {
        label: 'a CTE in front of an INSERT',
        sql: 'WITH x AS (SELECT 1) INSERT INTO DEMO_DB.FIXTURE.ORDERS SELECT * FROM x',
      },
    ],
    awkwardTables: [
      { schema: 'FIXTURE', table: 'Mixed Case', expected: [['1']] },
      { schema: 'FIXTURE', table: 'table"quote', expected: [['7']] },
      { schema: 'FIXTURE', table: 'naïve ünïcødé 表', expected: [['42']] },
      { schema: 'FIXTURE', table: 'SELECT', expected: [['1']] },
      { schema: 'FIXTURE', table: 'x"; DROP TABLE FIXTURE.CUSTOMERS; --', expected: [['1']] },
    ],
  });
});
