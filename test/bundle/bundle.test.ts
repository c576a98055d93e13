import { queryWhole } from '../support/whole';
import * as assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { DatabricksServer } from '../support/databricks/server';
import { S3Server } from '../support/s3/server';
import { SnowflakeServer } from '../support/snowflake/server';
import { connectorManifest } from '../../src/core/connectors/manifest';
import type { ConnectorDriverModule } from '../../src/core/connectors/types';
import { ConnectionError } from '../../src/core/errors';

import { samplePath } from '../../scripts/sampleDatabase';
import { mysqlServer, pgServer } from '../support/servers';
import { silentLogger } from '../support/doubles';

const dist = path.resolve(__dirname, '..', '..', 'dist');
const mainBundle = path.join(dist, 'extension.js');

/** Loads the main bundle with a stand-in `vscode` module and returns every module it required. */
function loadMainBundle(): string[] {
  const required: string[] = [];
  const loader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const original = loader._load;
  loader._load = function (request: string, parent: unknown, isMain: boolean) {
    required.push(request);
    if (request === 'vscode') return {};
    return original.call(this, request, parent, isMain);
  };
  try {
    delete require.cache[mainBundle];
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the built file is the point
    require(mainBundle);
  } finally {
    loader._load = original;
  }
  return required;
}

describe('built bundles (npm run build:production)', () => {
  it('loads the main bundle without pulling in any connector driver', () => {
    const required = loadMainBundle();
    const drivers = required.filter((r) => /connectors\/|^pg|^mysql2|snowflake|databricks|aws-sdk/.test(r));
    assert.deepEqual(drivers, [], `required at load: ${required.join(', ')}`);
    assert.ok(!Object.keys(require.cache).some((k) => k.includes(`${path.sep}dist${path.sep}connectors${path.sep}`)));
  });

  it('keeps driver code out of the main bundle, which stays under 150 KB', () => {
    const text = readFileSync(mainBundle, 'utf8');
    for (const marker of ['SCRAM-SERVER-FIRST-MESSAGE', 'caching_sha2_password', 'pg-cursor']) {
      assert.ok(!text.includes(marker), `driver code (${marker}) found in the main bundle`);
    }
    for (const d of connectorManifest.map((spec) => spec.type))
      assert.ok(text.includes(`./connectors/${d}.js`), `no lazy reference to ${d}`);
    assert.ok(!text.includes('sql-wasm') && !text.includes('initSqlJs'), 'sql.js found in the main bundle');
    // The hosted workspace's client and sync load only once the user signs in.
    assert.ok(
      !text.includes('Idempotency-Key') && !text.includes('published from VS Code'),
      'hosted code found in the main bundle',
    );
    assert.ok(text.includes('./hosted.js'), 'no lazy reference to the hosted bundle');
    // Exporting a result (and its CSV writer) loads on the first export.
    assert.ok(
      text.includes('./export.js') && !text.includes('csv-stringify') && !text.includes('record_delimiter'),
      'export code found in the main bundle',
    );
    const kb = statSync(mainBundle).size / 1024;
    assert.ok(kb <= 150, `main bundle is ${kb.toFixed(1)} KB`);
  });

  it('builds the result export on its own, not loaded with the main bundle', () => {
    const required = loadMainBundle();
    assert.ok(!required.some((r) => r.includes('export')), `required at load: ${required.join(', ')}`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the built file is the point
    const exported = require(path.join(dist, 'export.js')) as Record<string, unknown>;
    assert.equal(typeof exported.exportResult, 'function', 'dist/export.js does not export exportResult');
  });

  it('builds the hosted workspace on its own, not loaded with the main bundle', () => {
    const required = loadMainBundle();
    assert.ok(!required.some((r) => r.includes('hosted')), `required at load: ${required.join(', ')}`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the built file is the point
    const hosted = require(path.join(dist, 'hosted.js')) as Record<string, unknown>;
    for (const name of [
      'HostedHttp',
      'HostedSession',
      'DeviceFlow',
      'HostedConnectionsApi',
      'HostedCredentialsApi',
      'WorkspaceSync',
      'SyncJournal',
      'WorkspacePoller',
    ])
      assert.equal(typeof hosted[name], 'function', `dist/hosted.js does not export ${name}`);
  });

  it('builds one driver bundle per manifest line, with the extra entries its spec names', () => {
    for (const spec of connectorManifest) {
      for (const out of [spec.type, ...Object.keys(spec.bundle?.entries ?? {})]) {
        assert.ok(
          statSync(path.join(dist, 'connectors', `${out}.js`)).size > 0,
          `dist/connectors/${out}.js is missing`,
        );
      }
    }
  });

  it('runs the bundled SQLite driver, whose worker is its own bundle, on the shipped sample', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the built file is the point
    const driver = require(path.join(dist, 'connectors', 'sqlite.js')) as ConnectorDriverModule;
    const session = driver.openSession({ config: { path: samplePath }, secrets: {}, logger: silentLogger });
    try {
      assert.match((await session.test()).serverVersion ?? '', /^SQLite 3/);
      const result = await queryWhole(session.sql!, {
        sql: 'SELECT count(*) FROM customers',
        limit: 1,
        timeoutMs: 10_000,
      });
      assert.deepEqual(result.rows, [['60']]);
    } finally {
      await session.close();
    }
  });

  it('keeps typed error codes from a driver bundle, whose ConnectionError is its own copy of the class', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the built file is the point
    const driver = require(path.join(dist, 'connectors', 'sqlite.js')) as ConnectorDriverModule;
    const session = driver.openSession({ config: { path: '/no/such/file.sqlite' }, secrets: {}, logger: silentLogger });
    try {
      await assert.rejects(session.test(), (error: unknown) => {
        assert.ok(!(error instanceof ConnectionError), 'expected a ConnectionError from another bundle');
        assert.ok(ConnectionError.is(error, 'not_found'), String(error));
        return true;
      });
    } finally {
      await session.close();
    }
  });

  it('runs the bundled PostgreSQL and MySQL drivers against the real servers', async () => {
    for (const [type, server] of [
      ['postgres', pgServer],
      ['mysql', mysqlServer],
    ] as const) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the built file is the point
      const driver = require(path.join(dist, 'connectors', `${type}.js`)) as ConnectorDriverModule;
      const session = driver.openSession({
        config: {
          host: server.host,
          port: server.port,
          user: server.user,
          sslMode: 'disable',
          connectTimeoutSeconds: 5,
        },
        secrets: {},
        logger: silentLogger,
      });
      try {
        const result = await session.test();
        assert.equal(result.ok, true, `${type}: ${result.message}`);
      } finally {
        await session.close();
      }
    }
  });

  it('runs the bundled Snowflake driver against the Snowflake test server: its unused cloud-storage parts are stubs, its hooks work', async () => {
    const server = await SnowflakeServer.start();
    server.users.set('ALICE', { password: 'alice-pw' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the built file is the point
    const driver = require(path.join(dist, 'connectors', 'snowflake.js')) as ConnectorDriverModule;
    const session = driver.openSession({
      config: {
        account: 'fake',
        user: 'alice',
        serverUrl: server.url,
        warehouse: 'WH',
        database: 'DEMO_DB',
        schema: 'PUBLIC',
      },
      secrets: { password: 'alice-pw' },
      logger: silentLogger,
    });
    try {
      assert.equal((await session.test()).ok, true);
      const rows: unknown[][] = [];
      const summary = await session.sql!.stream(
        { sql: 'SELECT * FROM ALL_TYPES', limit: 10, timeoutMs: 10_000 },
        { start: () => undefined, rows: (b) => void rows.push(...b) },
      );
      assert.equal(summary.rowsReturned, 2);
      assert.equal(rows[0][0], '12345678901234567890123456789012345678');
      await assert.rejects(
        session.sql!.stream(
          { sql: 'DELETE FROM CUSTOMERS', limit: 10, timeoutMs: 10_000 },
          { start: () => undefined, rows: () => undefined },
        ),
        /Refused/,
      );
      // SHOW runs only on Snowflake's word (its statement type, which only the wire hook reads): the hook works.
      const shown = await session.sql!.stream(
        { sql: 'SHOW DATABASES', limit: 10, timeoutMs: 10_000 },
        { start: () => undefined, rows: () => undefined },
      );
      assert.ok(shown.rowsReturned > 0);
      assert.deepEqual(
        server.log.filter((r) => r.path === '/telemetry/send'),
        [],
      );
      const text = readFileSync(path.join(dist, 'connectors', 'snowflake.js'), 'utf8');
      // Stubs in place of the Azure, AWS and Google clients (3.6 MB with them, under 2 MB without).
      assert.ok(text.includes('is not part of Planasonix Connections.'), 'no stub in the Snowflake bundle');
      assert.ok(
        statSync(path.join(dist, 'connectors', 'snowflake.js')).size / 1024 / 1024 < 2.5,
        'the Snowflake bundle grew past 2.5 MB',
      );
    } finally {
      await session.close();
      await server.close();
    }
  });

  it('runs the bundled Databricks driver against the Databricks test server: exact values through its hooks, native parts left out', async () => {
    const server = await DatabricksServer.start();
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the built file is the point
    const driver = require(path.join(dist, 'connectors', 'databricks.js')) as ConnectorDriverModule;
    const session = driver.openSession({
      config: {
        host: `${server.host}:${server.port}`,
        httpPath: server.httpPath,
        caFile: server.ca.caFile,
        catalog: 'main',
        schema: 'default',
      },
      secrets: { token: [...server.tokens][0] },
      logger: silentLogger,
    });
    try {
      assert.equal((await session.test()).ok, true);
      const rows: unknown[][] = [];
      await session.sql!.stream(
        { sql: 'SELECT * FROM all_types', limit: 10, timeoutMs: 10_000 },
        { start: () => undefined, rows: (b) => void rows.push(...b) },
      );
      // BIGINT past 2^53, DECIMAL(38,0), FLOAT and a struct holding NaN, as the server sent them.
      assert.deepEqual(
        [rows[0][1], rows[0][2], rows[0][4], rows[0][12]],
        ['9007199254740993', '12345678901234567890123456789012345678', 1.4142, '{"a":1234567890123456789,"b":NaN}'],
      );
      const text = readFileSync(path.join(dist, 'connectors', 'databricks.js'), 'utf8');
      assert.ok(!text.includes('.node"'), 'a native module is referenced by the Databricks bundle');
      assert.ok(
        statSync(path.join(dist, 'connectors', 'databricks.js')).size / 1024 / 1024 < 2,
        'the Databricks bundle grew past 2 MB',
      );
    } finally {
      await session.close();
      await server.close();
    }
  });

  it("runs the bundled S3 driver against the project S3 server: the AWS SDK is whole in its bundle (no other driver's stubs), Parquet read by ranges", async () => {
    const server = await S3Server.start();
    const parquet = Buffer.from(
      parquetWriteBuffer({
        columnData: [{ name: 'id', data: BigInt64Array.from([9007199254740993n]), type: 'INT64' }],
      }),
    );
    server.put('lake', 'x/data.parquet', parquet);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the built file is the point
    const driver = require(path.join(dist, 'connectors', 's3.js')) as ConnectorDriverModule;
    const session = driver.openSession({
      config: {
        endpoint: server.endpoint,
        forcePathStyle: true,
        authType: 'keys',
        accessKeyId: 'AKIATESTKEY',
        bucket: 'lake',
      },
      secrets: { secretAccessKey: 'test-secret-key' },
      logger: silentLogger,
    });
    try {
      assert.deepEqual(await session.test(), { ok: true, message: 'Listed the bucket lake.' });
      assert.deepEqual((await session.storage!.fileSchema({ path: 'x/data.parquet' })).columns, [
        { name: 'id', type: 'INT64', nullable: true },
      ]);
      const rows: unknown[][] = [];
      await session.storage!.previewObject({ path: 'x/data.parquet' }, 10, {
        start: () => undefined,
        rows: (b) => void rows.push(...b),
      });
      assert.deepEqual(rows, [['9007199254740993']]);
      assert.ok(
        !readFileSync(path.join(dist, 'connectors', 's3.js'), 'utf8').includes(
          'is not part of Planasonix Connections.',
        ),
      );
    } finally {
      await session.close();
      await server.close();
    }
  });
});
