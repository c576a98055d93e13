import * as assert from 'node:assert/strict';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { samplePath } from '../../scripts/sampleDatabase';
import { saveConnection } from '../../src/core/services/connectionSecrets';
import { ConnectorRegistry } from '../../src/core/connectors/registry';
import { ConnectionError } from '../../src/core/errors';
import { DeviceFlow, HostedSession } from '../../src/core/hosted/auth';
import { HostedConnectionsApi } from '../../src/core/hosted/hostedConnectionsApi';

import { HostedCredentialsApi } from '../../src/core/hosted/hostedCredentialsApi';
import { HostedHttp } from '../../src/core/hosted/httpClient';
import { connectorRoles } from '../../src/core/hosted/connectorRoles';
import { ReferenceServer, type Profile } from '../support/referenceServer';
import { S3Server } from '../support/s3/server';
import { ensurePostgresFixture, fixtureDatabase, pgServer } from '../support/servers';
import { MemorySecretVault } from '../support/doubles';

const registry = new ConnectorRegistry();
const roles = connectorRoles(registry);
/** Every hosted test runs against the documented API and against the back end Planasonix deploys. */
const profiles: Profile[] = ['documented', 'deployed'];

for (const profile of profiles)
  describe(`hosted back end: the client against the reference server (${profile} back end)`, function () {
    this.timeout(120_000);
    let server: ReferenceServer;
    let api: HostedConnectionsApi;
    let credentials: HostedCredentialsApi;
    const key = 'plnx_test_key_0123456789';
    /** The one request that may carry a secret: a credential's create, or (deployed) the connection's own. */
    const secretRequest = profile === 'documented' ? 'POST /api/credentials' : 'POST /api/connections';

    before(async () => {
      await ensurePostgresFixture();
    });
    beforeEach(async () => {
      server = await ReferenceServer.start(profile);
      server.keys.add(key);
      const http = new HostedHttp(
        { baseUrl: server.url, maxRetries: 3 },
        { token: async () => key },
        { sleep: async () => undefined },
      );
      api = new HostedConnectionsApi(http, roles);
      credentials = new HostedCredentialsApi(http);
    });
    afterEach(async () => server.close());

    for (const envelope of profile === 'documented' ? (['docs', 'data'] as const) : (['bare'] as const)) {
      it(`creates, reads, lists, updates and deletes connections (${envelope} envelopes)`, async () => {
        server.envelope = envelope;
        const created = await api.createConnection({ name: 'Sample', type: 'sqlite', config: { path: samplePath } });
        assert.equal(created.scope, 'hosted');
        assert.equal((await api.getConnection(created.id)).config.path, samplePath);
        assert.deepEqual(
          (await api.listConnections({ type: 'sqlite' })).data.map((c) => c.name),
          ['Sample'],
        );
        assert.equal((await api.updateConnection(created.id, { name: 'Renamed' })).name, 'Renamed');
        assert.equal((await api.deleteConnection(created.id)).id, created.id);
        await assert.rejects(api.getConnection(created.id), (e: unknown) => ConnectionError.is(e, 'not_found'));
      });
    }

    it('browses a hosted PostgreSQL connection through the API: tables, columns, preview, test query', async () => {
      // The secret goes into a credential (the only request that carries it); the connection names the credential.
      const password = 'never-in-a-connection-request';
      const created = await saveConnection({ api, credentials }, registry.spec('postgres'), {
        name: 'Team PG',
        type: 'postgres',
        config: {
          host: pgServer.host,
          port: pgServer.port,
          user: pgServer.user,
          database: fixtureDatabase,
          sslMode: 'disable',
        },
        secrets: { password },
      });
      assert.equal(created.credentialId !== undefined, profile === 'documented');
      const { tables } = await api.listTables(created.id, { schema: 'fixture' });
      assert.ok(tables.some((t) => t.name === 'customers'));
      const { columns } = await api.listColumns(created.id, { schema: 'fixture', table: 'customers' });
      assert.deepEqual(
        columns.slice(0, 2).map((c) => c.name),
        ['id', 'name'],
      );
      // The fixture holds three customers: a limit of two is truncated, and says so.
      const preview = await api.preview(created.id, { schema: 'fixture', table: 'customers', limit: 2 });
      assert.equal(preview.rows.length, 2);
      assert.equal(preview.truncated, true);
      const rows: unknown[][] = [];
      const stats = await api.testQueryStream(
        { connectionId: created.id, sql: 'SELECT count(*) AS n FROM fixture.customers' },
        { start: () => undefined, rows: (b) => void rows.push(...b) },
      );
      assert.equal(rows.length, 1);
      assert.equal(stats.rowsReturned, 1);
      await assert.rejects(api.testQuery({ connectionId: created.id, sql: 'DELETE FROM fixture.orders' }), /Refused/);
      // A statement that fails says why (never an empty result), in either back end's shape.
      await assert.rejects(
        api.testQuery({ connectionId: created.id, sql: 'SELECT nope FROM fixture.customers' }),
        (e: unknown) => {
          assert.ok(ConnectionError.is(e, 'query_failed') || ConnectionError.is(e, 'invalid_config'), String(e));
          assert.match(e.message, /nope/);
          return true;
        },
      );
      // The saved connection tests through the workspace with what it holds.
      const tested = await api.testConnection({ type: 'postgres', config: created.config, connectionId: created.id });
      assert.equal(tested.ok, true, tested.message);
      // Secrets went in one request only (the deployed back end's test of a saved connection takes its params, secret inline, as its own client sends them).
      const carrying = server.log.filter((r) => r.body.includes(password)).map((r) => `${r.method} ${r.path}`);
      assert.deepEqual(
        carrying,
        profile === 'documented' ? [secretRequest] : [secretRequest, 'POST /api/connections/test'],
      );
    });

    it('browses a hosted S3 connection through the API: files of a bucket by page, a Parquet schema from one ranged read', async () => {
      const store = await S3Server.start();
      try {
        store.createBucket('lake');
        store.createBucket('other');
        store.put(
          'other',
          'x/a.parquet',
          Buffer.from(
            parquetWriteBuffer({ columnData: [{ name: 'id', data: BigInt64Array.from([1n]), type: 'INT64' }] }),
          ),
        );
        const created = await saveConnection({ api, credentials }, registry.spec('s3'), {
          name: 'Lake',
          type: 's3',
          config: {
            endpoint: store.endpoint,
            forcePathStyle: true,
            authType: 'keys',
            accessKeyId: 'AKIATESTKEY',
            // The deployed back end lists the files of a connection's own bucket.
            ...(profile === 'deployed' ? { bucket: 'other' } : {}),
          },
          secrets: { secretAccessKey: 'test-secret-key' },
        });
        server.log.length = 0;
        assert.deepEqual(
          (await api.listCatalogs(created.id)).catalogs.map((c) => c.name),
          profile === 'documented' ? ['lake', 'other'] : ['other'],
        );
        // A storage connection with its own bucket does not ask for catalogs: its bucket is its top level.
        assert.equal(
          server.log.some((r) => r.path.endsWith('/catalogs')),
          profile === 'documented',
        );
        const files = await api.listFiles(created.id, { bucket: 'other', prefix: 'x/', delimiter: '/' });
        assert.deepEqual(
          files.objects.map((o) => o.key),
          ['x/a.parquet'],
        );
        const before = store.log.length;
        const schema = await api.cloudSchema(created.id, {
          bucket: 'other',
          path: 'x/a.parquet',
          size: files.objects[0].size,
        });
        assert.deepEqual(schema.columns, [{ name: 'id', type: 'INT64', nullable: true }]);
        assert.deepEqual(
          store.log.slice(before).map((r) => r.method),
          // The deployed back end knows no size parameter: its connector asks the store.
          profile === 'documented' ? ['GET'] : ['HEAD', 'GET'],
          'the size from the listing reached the connector through the API (no HEAD)',
        );
        assert.deepEqual(
          server.log.filter((r) => r.body.includes('test-secret-key')).map((r) => `${r.method} ${r.path}`),
          [],
          'the secret went in its one request, before this log was cleared',
        );
      } finally {
        await store.close();
      }
    });

    if (profile === 'documented')
      it('falls back to the query-parameter form where the path form of tables and columns is refused', async () => {
        server.refusePathIntrospection = true;
        const { id } = await api.createConnection({ name: 'Sample', type: 'sqlite', config: { path: samplePath } });
        const { catalogs } = await api.listCatalogs(id);
        const { tables } = await api.listTables(id, { catalog: catalogs[0].name });
        assert.ok(tables.length > 0);
        await api.listColumns(id, { table: tables[0].name });
        const paths = server.log
          .filter((r) => r.path.endsWith('/tables') || r.path.endsWith('/columns'))
          .map((r) => r.path.replace(id, 'ID'));
        assert.deepEqual(paths, ['/api/connections/ID/tables', '/api/connections/tables', '/api/connections/columns']);
        assert.equal(server.log.find((r) => r.path === '/api/connections/columns')?.query.connectionId, id);
      });

    it('explains a delete refused because pipelines use the connection', async () => {
      const { id } = await api.createConnection({ name: 'Busy', type: 'sqlite', config: { path: samplePath } });
      server.inUse.add(id);
      await assert.rejects(
        api.deleteConnection(id),
        (e: unknown) => ConnectionError.is(e, 'conflict') && /still used by pipelines/.test((e as Error).message),
      );
      assert.equal((await api.getConnection(id)).name, 'Busy', 'nothing was deleted');
    });

    it('rides out a storm of 429s, 5xx and dropped sockets without duplicating a create, whatever the server does with the key', async () => {
      server.honourIdempotencyKeys = false;
      // Where names need not be unique, a blind retry would make a second connection rather than meet a 409.
      server.deployed.uniqueNames = false;
      // Dropped before it was carried out, then a 503, then carried out with its answer lost: what it made is found.
      server.faults.push({ method: 'POST', path: /^\/api\/connections$/, times: 1, drop: true });
      server.faults.push({ method: 'POST', path: /^\/api\/connections$/, times: 1, status: 503 });
      server.faults.push({ method: 'POST', path: /^\/api\/connections$/, times: 1, dropAfter: true });
      server.faults.push({ method: 'GET', times: 3, status: 429, retryAfter: '0' });
      const created = await api.createConnection({ name: 'Stormy', type: 'sqlite', config: { path: samplePath } });
      const { data } = await api.listConnections();
      assert.deepEqual(
        data.map((c) => c.name),
        ['Stormy'],
        'dropped and failed tries created nothing extra',
      );
      const posts = server.log.filter((r) => r.method === 'POST' && r.path === '/api/connections');
      assert.equal(posts.length, 3, 'no create was sent again after the one that was carried out');
      assert.equal(
        new Set(posts.map((p) => p.headers['idempotency-key'])).size,
        1,
        'every try carried the same idempotency key',
      );
      assert.equal(created.name, 'Stormy');
      assert.equal(created.id, data[0].id);
    });

    it('retries a listing whose body was cut off, and finds what a create whose body was cut off made', async () => {
      await api.createConnection({ name: 'First', type: 'sqlite', config: { path: samplePath } });
      server.faults.push({ method: 'GET', path: /^\/api\/connections$/, times: 1, cutAfter: true });
      const lists = (): number => server.log.filter((r) => r.method === 'GET' && r.path === '/api/connections').length;
      const before = lists();
      assert.deepEqual(
        (await api.listConnections()).data.map((c) => c.name),
        ['First'],
      );
      assert.equal(lists() - before, 2, 'the cut answer was not asked for again');
      server.honourIdempotencyKeys = false;
      server.faults.push({ method: 'POST', path: /^\/api\/connections$/, times: 1, cutAfter: true });
      const made = await api.createConnection({ name: 'Cut', type: 'sqlite', config: { path: samplePath } });
      assert.equal(made.name, 'Cut');
      assert.equal(
        server.log.filter((r) => r.method === 'POST' && r.path === '/api/connections' && r.body.includes('"Cut"'))
          .length,
        1,
        'sent again',
      );
      assert.equal((await api.listConnections()).data.filter((c) => c.name === 'Cut').length, 1);
    });

    it("waits as a 503's Retry-After says, and reduces a gateway's HTML error page to its title", async () => {
      server.faults.push({ method: 'GET', path: /^\/api\/connections$/, times: 1, status: 503, retryAfter: '0' });
      assert.deepEqual((await api.listConnections()).data, []);
      const page =
        '<!DOCTYPE html><html><head><title>504 Gateway Time-out</title></head><body><center><h1>504 Gateway Time-out</h1></center><hr><center>nginx</center></body></html>';
      server.faults.push({
        method: 'GET',
        path: /^\/api\/connections$/,
        times: 10,
        status: 504,
        body: page,
        contentType: 'text/html',
      });
      await assert.rejects(api.listConnections(), (e: unknown) => {
        assert.ok(ConnectionError.is(e, 'unreachable'));
        assert.match(
          e.message,
          /answered 504 Gateway Timeout: 504 Gateway Time-out\. The Planasonix service had a problem/,
        );
        assert.ok(!/<|nginx/.test(e.message), e.message);
        return true;
      });
    });

    it('resolves a 409 on create by finding the twin a lost answer made, and says a name is taken otherwise', async () => {
      server.honourIdempotencyKeys = false;
      // Carried out, answer lost, every try: the client's own retries meet a taken name.
      server.faults.push({ method: 'POST', path: /^\/api\/connections$/, times: 1, dropAfter: true });
      server.faults.push({ method: 'GET', path: /^\/api\/connections$/, times: 1, drop: true });
      const made = await api.createConnection({ name: 'Twin', type: 'sqlite', config: { path: samplePath } });
      assert.equal((await api.listConnections()).data.filter((c) => c.name === 'Twin').length, 1);
      assert.equal(made.name, 'Twin');
      if (profile === 'deployed') {
        // A different connection of the same name is not a twin.
        await assert.rejects(
          api.createConnection({ name: 'Twin', type: 'sqlite', config: { path: '/other.sqlite' } }),
          (e: unknown) => ConnectionError.is(e, 'name_taken'),
        );
      }
    });

    it(
      profile === 'documented'
        ? 'lists a 10,000-connection workspace page by page (cursor paging)'
        : 'lists a 10,000-connection workspace sent in one bare array',
      async () => {
        await server.seed(10_000);
        if (profile === 'documented') server.pageSize = 500;
        const { data } = await api.listConnections();
        assert.equal(data.length, 10_000);
        assert.equal(new Set(data.map((c) => c.id)).size, 10_000);
        assert.equal(server.log.filter((r) => r.path === '/api/connections').length, profile === 'documented' ? 20 : 1);
        assert.ok(
          data.every((c) => c.summary === true),
          'a listed connection is a summary until it is read',
        );
      },
    );

    it('says the key is wrong without ever showing it', async () => {
      const http = new HostedHttp({ baseUrl: server.url, maxRetries: 0 }, { token: async () => 'plnx_wrong_key_999' });
      await assert.rejects(new HostedConnectionsApi(http).listConnections(), (e: unknown) => {
        assert.ok(ConnectionError.is(e, 'auth_failed'));
        assert.match(
          e.message,
          /^GET \/api\/connections answered 401 Unauthorized: Invalid or expired token\. Sign in to Planasonix again\.$/,
        );
        assert.ok(!e.message.includes('plnx_wrong_key_999'));
        return true;
      });
    });
  });

describe('hosted sign-in against the reference server: device flow, refresh with rotation, sign-out', function () {
  this.timeout(60_000);
  let server: ReferenceServer;
  beforeEach(async () => {
    server = await ReferenceServer.start();
    server.keys.add('plnx_bootstrap_key'); // the server requires a token for its API
  });
  afterEach(async () => server.close());

  it('signs in with a device code approved in the browser, then uses, refreshes and drops its tokens', async () => {
    const settings = { baseUrl: server.url };
    const device = new DeviceFlow(settings, 'plnx_cli_vscode');
    const start = await device.start();
    assert.match(start.verificationUriComplete ?? '', /\/device\?user_code=/);
    // The user approves after a moment, on the server's page.
    const page = await (await fetch(start.verificationUriComplete!)).text();
    assert.ok(page.includes(start.userCode));
    setTimeout(() => server.decide(start.userCode), 150);
    const tokens = await device.complete({ ...start, interval: 0.05 });

    const vault = new MemorySecretVault();
    const session = new HostedSession(vault, settings);
    await session.signedInWith(tokens);
    const api = new HostedConnectionsApi(new HostedHttp(settings, session), roles);
    assert.deepEqual((await api.listConnections()).data, []);

    // The server revokes the access token: the next request refreshes once and goes through; the old
    // refresh token is spent (rotation) and the new one was stored before the request was retried.
    server.revokeAccessTokens();
    await api.createConnection({ name: 'After refresh', type: 'sqlite', config: { path: samplePath } });
    const stored = await session.read();
    assert.ok(stored?.kind === 'session' && stored.tokens.refreshToken !== tokens.refreshToken);
    assert.ok(!server.refreshTokens.has(tokens.refreshToken!), 'the old refresh token no longer works');

    // Signed out: no token left, and the API says to sign in.
    await session.signOut();
    assert.equal(vault.entries.size, 0);
    await assert.rejects(api.listConnections(), (e: unknown) => ConnectionError.is(e, 'auth_failed'));
  });

  it('keeps two windows sharing one secret storage signed in: a stale refresh token is never spent, nobody is signed out', async () => {
    const settings = { baseUrl: server.url };
    const device = new DeviceFlow(settings, 'plnx_cli_vscode');
    const start = await device.start();
    server.decide(start.userCode);
    const vault = new MemorySecretVault(); // one secret storage, two windows
    const a = new HostedSession(vault, settings);
    await a.signedInWith(await device.complete({ ...start, interval: 0 }));
    const b = new HostedSession(vault, settings);
    const apiA = new HostedConnectionsApi(new HostedHttp(settings, a), roles);
    const apiB = new HostedConnectionsApi(new HostedHttp(settings, b), roles);
    await Promise.all([apiA.listConnections(), apiB.listConnections()]);
    // The access token is revoked: window A refreshes (rotating the refresh token); then window B's 401.
    server.revokeAccessTokens();
    await apiA.listConnections();
    await apiB.listConnections();
    assert.equal(
      server.log.filter((r) => r.path === '/api/auth/refresh').length,
      1,
      'B used A’s tokens instead of spending its stale refresh token',
    );
    // Both at once: one refresh between them, and both go on.
    server.revokeAccessTokens();
    await Promise.all([apiA.listConnections(), apiB.listConnections()]);
    assert.equal(server.log.filter((r) => r.path === '/api/auth/refresh').length, 2);
    assert.ok(vault.entries.size > 0, 'a window signed the other out');
    // A sign-out in one window is seen by the other once it reads secret storage again.
    await a.signOut();
    b.forget();
    assert.equal(await b.read(), undefined);
  });

  it('finishes a device sign-in whose server answers "pending" with HTTP 200 (as the deployed back end does)', async () => {
    server.pendingStatus = 200;
    const device = new DeviceFlow({ baseUrl: server.url }, 'plnx_cli_vscode');
    const start = await device.start();
    setTimeout(() => server.decide(start.userCode), 120);
    const tokens = await device.complete({ ...start, interval: 0.03 });
    assert.match(tokens.accessToken, /^at_/);
    const polls = server.log.filter((r) => r.path === '/api/v2/auth/device/token').length;
    assert.ok(polls > 1, `the first pending answer ended the sign-in (${polls} polls)`);
  });

  it('says why a sign-in ends when the answer to its renewal was lost (the server takes each renewal once)', async () => {
    const settings = { baseUrl: server.url };
    const device = new DeviceFlow(settings, 'plnx_cli_vscode');
    const start = await device.start();
    server.decide(start.userCode);
    const vault = new MemorySecretVault();
    const session = new HostedSession(vault, settings);
    await session.signedInWith(await device.complete({ ...start, interval: 0 }));
    const api = new HostedConnectionsApi(new HostedHttp(settings, session), roles);
    server.revokeAccessTokens();
    server.faults.push({ path: /^\/api\/auth\/refresh$/, times: 1, dropAfter: true });
    await assert.rejects(
      api.listConnections(),
      (e: unknown) => ConnectionError.is(e, 'auth_failed') && /answer to the renewal was lost/.test(e.message),
    );
    const renewals = server.log.filter((r) => r.path === '/api/auth/refresh');
    assert.equal(renewals.length, 2, 'tried once more with the same key');
    assert.equal(new Set(renewals.map((r) => r.headers['idempotency-key'])).size, 1);
    assert.equal(vault.entries.size, 0, 'a dead sign-in was left behind');
  });

  it('ends a sign-in the user denies', async () => {
    const device = new DeviceFlow({ baseUrl: server.url }, 'plnx_cli_vscode');
    const start = await device.start();
    server.decide(start.userCode, false);
    await assert.rejects(device.complete({ ...start, interval: 0.01 }), /denied in the browser/);
  });
});
