import * as assert from 'node:assert/strict';
import { CompositeConnectionsApi } from '../../src/core/api/composite';
import type { Connection } from '../../src/core/api/types';
import { ConnectorRegistry } from '../../src/core/connectors/registry';
import { ConnectionError } from '../../src/core/errors';
import { HostedConnectionsApi } from '../../src/core/hosted/hostedConnectionsApi';
import { HostedCredentialsApi } from '../../src/core/hosted/hostedCredentialsApi';
import { HostedHttp } from '../../src/core/hosted/httpClient';
import type { Logger } from '../../src/core/ports';
import { systemClock } from '../../src/core/ports';
import { SyncJournal } from '../../src/core/sync/journal';
import { WorkspaceSync } from '../../src/core/sync/workspaceSync';
import { makeHarness, type Harness } from '../support/harness';
import { connectorRoles } from '../../src/core/hosted/connectorRoles';
import { ReferenceServer, type Fault, type Profile } from '../support/referenceServer';
import { MemoryKeyValueStore } from '../support/doubles';

const registry = new ConnectorRegistry();
/** Every sync test runs against the documented API and against the back end Planasonix deploys. */
const profiles: Profile[] = ['documented', 'deployed'];
/** Settings as text: the deployed back end keeps every value as a string. */
const asText = (config: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)]));
const password = 'pw-that-must-only-travel-in-a-credential-create';
const pgConfig = { host: 'db.internal.example', port: 5432, user: 'etl', database: 'warehouse', sslMode: 'disable' };

interface World {
  server: ReferenceServer;
  local: Harness;
  api: HostedConnectionsApi;
  credentials: HostedCredentialsApi;
  sync: WorkspaceSync;
  journal: SyncJournal;
  logged: string[];
  close(): Promise<void>;
}

async function world(profile: Profile): Promise<World> {
  const server = await ReferenceServer.start(profile);
  const local = await makeHarness();
  const logged: string[] = [];
  const logger: Logger = {
    trace: (m) => logged.push(m),
    info: (m) => logged.push(m),
    warn: (m) => logged.push(m),
    error: (m) => logged.push(m),
  };
  const http = new HostedHttp(
    { baseUrl: server.url, maxRetries: 2, timeoutMs: 5000 },
    { token: async () => 'key' },
    { sleep: async () => undefined, logger },
  );
  const api = new HostedConnectionsApi(http, connectorRoles(registry));
  const credentials = new HostedCredentialsApi(http);
  const journal = new SyncJournal(new MemoryKeyValueStore());
  const sync = new WorkspaceSync(
    {
      store: local.store,
      local: local.api,
      localCredentials: local.credentials,
      vault: local.vault,
      registry,
      journal,
      clock: systemClock,
      logger,
    },
    api,
    credentials,
  );
  return {
    server,
    local,
    api,
    credentials,
    sync,
    journal,
    logged,
    close: async () => Promise.all([server.close(), local.api.dispose()]).then(() => undefined),
  };
}

/** The workspace's connections and its active credentials, straight from the server's store. */
async function workspaceState(
  w: World,
): Promise<{ connections: Awaited<ReturnType<ReferenceServer['workspaceConnections']>>; credentials: string[] }> {
  const connections = await w.server.workspaceConnections();
  const credentials = (await w.server.backend.credentials.listCredentials()).data.map((c) => c.id);
  return { connections, credentials };
}

async function localPg(w: World, name = 'Warehouse'): Promise<Connection> {
  return w.local.save({ name, type: 'postgres', config: pgConfig }, { password });
}

for (const profile of profiles)
  describe(`hosted sync: publish, copy and linked connections (${profile} back end)`, function () {
    this.timeout(120_000);
    let w: World;
    beforeEach(async () => (w = await world(profile)));
    afterEach(async () => w.close());

    it('publishes a local connection: the secret in the one request that stores it, the connection complete, the local copy linked', async () => {
      const local = await localPg(w);
      const plan = await w.sync.publishPlan(local.id);
      assert.deepEqual(plan.secretNames, ['password']);
      const published = await w.sync.publish(local.id);
      const { connections, credentials } = await workspaceState(w);
      assert.equal(connections.length, 1);
      assert.deepEqual(asText(connections[0].config), asText(local.config), 'every setting arrived');
      assert.equal(published.link?.remoteId, connections[0].id);
      assert.equal(published.link?.via, 'direct');
      const carrying = w.server.log.filter(
        (r) => r.body.includes(password) || JSON.stringify(r.query).includes(password),
      );
      if (profile === 'documented') {
        // The server holds the secret in its credential, never in the connection.
        assert.equal(credentials.length, 1);
        assert.equal(connections[0].credentialId, credentials[0]);
        assert.equal(
          (await w.server.backend.credentials.listCredentials()).data[0].stored_secrets?.includes('password'),
          true,
        );
        assert.deepEqual(
          carrying.map((r) => `${r.method} ${r.path}`),
          ['POST /api/credentials'],
        );
      } else {
        // No credential link exists there: the secret is in the connection, sent once, with its category.
        assert.equal(credentials.length, 0);
        assert.deepEqual(connections[0].secrets, ['password']);
        assert.equal(connections[0].category, 'source');
        assert.deepEqual(
          carrying.map((r) => `${r.method} ${r.path}`),
          ['POST /api/connections'],
        );
      }
      assert.ok(!w.logged.some((m) => m.includes(password)), 'a secret reached the log');
      assert.deepEqual(w.journal.list(), []);
    });

    it('refuses to publish over a workspace connection of the same name, and sends nothing', async () => {
      await w.api.createConnection({ name: 'WAREHOUSE', type: 'sqlite', config: { path: '/tmp/x.sqlite' } });
      const local = await localPg(w);
      await assert.rejects(
        w.sync.publish(local.id),
        (e: unknown) => ConnectionError.is(e, 'name_taken') && /rename this one first/.test(e.message),
      );
      assert.ok(!w.server.log.some((r) => r.method === 'POST' && r.path === '/api/credentials'));
      assert.equal(
        w.server.log.filter((r) => r.method === 'POST' && r.path === '/api/connections').length,
        1,
        'only the first create',
      );
    });

    it('shows a linked pair once, marked linked, and routes a copy without a secret through the workspace', async () => {
      const remote = await w.api.createConnection({
        name: 'Team SQLite',
        type: 'sqlite',
        config: { path: '/nonexistent/team.sqlite' },
      });
      const copy = await w.sync.copyToMachine(remote.id, {});
      assert.equal(copy.link?.via, 'hosted');
      assert.equal(copy.scope, 'user');
      const all = new CompositeConnectionsApi([
        { scope: 'user', api: w.local.api },
        { scope: 'hosted', api: w.api },
      ]);
      const { data } = await all.listConnections();
      assert.deepEqual(
        data.map((c) => `${c.name}:${c.scope}:${c.link?.remoteId ?? ''}`),
        [`Team SQLite:user:${remote.id}`],
      );
      // Browsing the copy asks the workspace about the linked id: the workspace's credential stays there.
      w.server.log.length = 0;
      await assert.rejects(all.listTables(copy.id, {}));
      assert.ok(w.server.log.some((r) => r.path.startsWith(`/api/connections/${remote.id}/`)));
      // Its test goes to the workspace too; with a password typed in the form (a local credential), it does not.
      w.server.log.length = 0;
      await all.testConnection({ type: copy.type, config: copy.config, connectionId: copy.id });
      assert.deepEqual(
        w.server.log.filter((r) => r.method === 'POST').map((r) => r.path),
        ['/api/connections/test'],
      );
      w.server.log.length = 0;
      const typed = await w.local.credentials.createCredential({
        name: 'typed',
        type: 'database',
        config: { password },
      });
      await all.testConnection({
        type: copy.type,
        config: copy.config,
        connectionId: copy.id,
        credentialId: typed.id,
        targetConfirmed: true,
      });
      assert.deepEqual(w.server.log, [], 'a test with a typed password went to the workspace');
      // Signed out, it says how to browse it instead of failing obscurely.
      all.setSource('hosted', undefined);
      await all.listConnections();
      await assert.rejects(
        all.listTables(copy.id, {}),
        (e: unknown) => ConnectionError.is(e, 'auth_failed') && /Sign in to Planasonix/.test(e.message),
      );
      await assert.rejects(w.sync.copyToMachine(remote.id, {}), /already on this machine/);
    });

    it('connects a copy browsed through the workspace directly once a password is saved for it here', async () => {
      const remote = await w.api.createConnection({ name: 'Team PG', type: 'postgres', config: pgConfig });
      const copy = await w.sync.copyToMachine(remote.id, {});
      assert.equal(copy.link?.via, 'hosted');
      const saved = await w.local.save({ name: copy.name, type: copy.type, config: copy.config }, { password }, copy);
      assert.equal(saved.link?.via, 'direct');
      assert.equal(saved.link?.remoteId, remote.id, 'the link was lost');
    });

    it('copies with a typed password into this machine only: the copy connects directly', async () => {
      const remote = await w.api.createConnection({ name: 'Team PG', type: 'postgres', config: pgConfig });
      const before = w.server.log.length;
      const copy = await w.sync.copyToMachine(remote.id, { secrets: { password } });
      assert.equal(copy.link?.via, 'direct');
      assert.ok(copy.credentialId);
      assert.deepEqual(await w.local.credentials.getCredential(copy.credentialId).then((c) => c.stored_secrets), [
        'password',
      ]);
      assert.ok(
        !w.server.log.slice(before).some((r) => r.body.includes(password)),
        'the typed password went to the workspace',
      );
    });

    it('applies one-sided changes both ways, and marks a change on both sides as a conflict without touching either', async () => {
      const local = await localPg(w);
      const linked = await w.sync.publish(local.id);
      const remoteId = linked.link!.remoteId;
      // The workspace changes: pulled here.
      await w.server.editAsColleague(remoteId, { config: { ...pgConfig, database: 'warehouse_v2' } });
      let report = await w.sync.syncAll();
      assert.deepEqual(
        report.pulled.map((p) => p.name),
        ['Warehouse'],
      );
      assert.equal((await w.local.api.getConnection(local.id)).config.database, 'warehouse_v2');
      // This machine changes: pushed there.
      await w.local.api.updateConnection(local.id, { config: { ...pgConfig, database: 'warehouse_v3' } });
      report = await w.sync.syncAll();
      assert.equal(report.pushed.length, 1);
      assert.equal((await w.api.getConnection(remoteId)).config.database, 'warehouse_v3');
      // Nothing changed: nothing is written (a workspace that sends no updatedAt is read to be sure).
      w.server.log.length = 0;
      report = await w.sync.syncAll();
      assert.deepEqual([report.pulled, report.pushed, report.waiting], [[], [], []]);
      assert.deepEqual(
        w.server.log.map((r) => `${r.method} ${r.path}`),
        profile === 'documented'
          ? ['GET /api/connections']
          : ['GET /api/connections', `GET /api/connections/${remoteId}`],
      );
      // Both change differently: a conflict, and both sides stay as they are.
      await w.local.api.updateConnection(local.id, { config: { ...pgConfig, database: 'mine' } });
      await w.server.editAsColleague(remoteId, { config: { ...pgConfig, database: 'theirs' } });
      report = await w.sync.syncAll();
      assert.deepEqual(
        report.waiting.map((x) => [x.waiting, x.fresh]),
        [['conflict', true]],
      );
      assert.equal((await w.local.api.getConnection(local.id)).config.database, 'mine');
      assert.equal((await w.api.getConnection(remoteId)).config.database, 'theirs');
      assert.equal((await w.sync.syncAll()).waiting[0]?.fresh, false, 'a conflict is announced once');
      // Resolved with a merge: both sides get it.
      const versions = await w.sync.versions(local.id);
      assert.equal(versions.remote?.config.database, 'theirs');
      await w.sync.resolveConflict(
        local.id,
        { merged: { name: 'Warehouse', config: { ...pgConfig, database: 'merged' } } },
        { local: versions.local.version, remote: versions.remote.version },
      );
      assert.equal((await w.local.api.getConnection(local.id)).config.database, 'merged');
      assert.equal((await w.api.getConnection(remoteId)).config.database, 'merged');
      assert.equal((await w.local.api.getConnection(local.id)).link?.waiting, undefined);
      report = await w.sync.syncAll();
      assert.deepEqual([report.pulled, report.pushed, report.waiting], [[], [], []]);
    });

    it('refuses a resolution when a side changed again while the user compared', async () => {
      const local = await localPg(w);
      const remoteId = (await w.sync.publish(local.id)).link!.remoteId;
      await w.local.api.updateConnection(local.id, { config: { ...pgConfig, database: 'mine' } });
      await w.server.editAsColleague(remoteId, { config: { ...pgConfig, database: 'theirs' } });
      await w.sync.syncAll();
      const versions = await w.sync.versions(local.id);
      await w.server.editAsColleague(remoteId, { config: { ...pgConfig, database: 'theirs-again' } });
      await assert.rejects(
        w.sync.resolveConflict(
          local.id,
          { keep: 'local' },
          { local: versions.local.version, remote: versions.remote!.version },
        ),
        /changed again/,
      );
      assert.equal((await w.api.getConnection(remoteId)).config.database, 'theirs-again');
    });

    it('never lets a local password follow a target changed in the workspace until the user confirms it', async () => {
      const local = await localPg(w);
      const remoteId = (await w.sync.publish(local.id)).link!.remoteId;
      await w.server.editAsColleague(remoteId, { config: { ...pgConfig, host: 'attacker.example' } });
      const report = await w.sync.syncAll();
      assert.deepEqual(
        report.pulled.map((p) => p.targetChanged),
        [true],
      );
      await assert.rejects(
        w.local.api.listSchemas(local.id),
        (e: unknown) => ConnectionError.is(e, 'target_changed') && /attacker\.example/.test(e.message),
      );
    });

    it('asks before deleting a copy whose workspace connection was deleted, and explains a 409 on delete', async () => {
      const local = await localPg(w);
      const remoteId = (await w.sync.publish(local.id)).link!.remoteId;
      w.server.inUse.add(remoteId);
      await assert.rejects(
        w.sync.deleteLinked(local.id, true),
        (e: unknown) => ConnectionError.is(e, 'conflict') && /used by pipelines/.test(e.message),
      );
      assert.ok(await w.local.api.getConnection(local.id), 'a refused delete in the workspace deleted the local copy');
      w.server.inUse.clear();
      await w.server.deleteAsColleague(remoteId);
      const report = await w.sync.syncAll();
      assert.deepEqual(
        report.waiting.map((x) => x.waiting),
        ['remoteDeleted'],
      );
      assert.ok(await w.local.api.getConnection(local.id));
      await w.sync.resolveRemoteDeleted(local.id, 'keepHere');
      assert.equal((await w.local.api.getConnection(local.id)).link, undefined);
    });

    it('pulls a colleague’s rename without touching a setting, and reports no new target', async () => {
      const local = await localPg(w);
      const remoteId = (await w.sync.publish(local.id)).link!.remoteId;
      await w.server.editAsColleague(remoteId, { name: 'Warehouse (prod)' });
      const report = await w.sync.syncAll();
      assert.deepEqual(
        report.pulled.map((p) => [p.name, p.targetChanged]),
        [['Warehouse (prod)', false]],
      );
      const after = await w.local.api.getConnection(local.id);
      assert.equal(after.name, 'Warehouse (prod)');
      assert.deepEqual(after.config, local.config, 'the settings stayed as they were');
      assert.deepEqual(
        await w.local.api.targetChanges(local.id),
        [],
        'the password still goes where it was entered for',
      );
      // The listing's summaries are never taken for the record: a second pass finds both sides equal.
      assert.deepEqual((await w.sync.syncAll()).pulled, []);
    });

    if (profile === 'deployed')
      it('keeps a setting the workspace does not keep when it pulls a change, and announces no new target for it', async () => {
        const local = await w.local.save(
          { name: 'Warehouse', type: 'postgres', config: { ...pgConfig, connectTimeoutSeconds: 30 } },
          { password },
        );
        const remoteId = (await w.sync.publish(local.id)).link!.remoteId;
        // Its web app rewrites the record with the settings it knows only (no timeout, no TLS mode), and a new name.
        const record = w.server.deployed.records.get(remoteId)!;
        const params = record.params as Record<string, string>;
        w.server.deployed.records.set(remoteId, {
          ...record,
          name: 'Warehouse (web)',
          params: { host: params.host, port: params.port, user: params.user, database: params.database, password },
        });
        const report = await w.sync.syncAll();
        assert.deepEqual(
          report.pulled.map((p) => [p.name, p.targetChanged]),
          [['Warehouse (web)', false]],
        );
        const after = await w.local.api.getConnection(local.id);
        assert.equal(after.config.connectTimeoutSeconds, 30, 'a setting the workspace does not keep was reset here');
        assert.equal(after.config.sslMode, 'disable');
        assert.deepEqual(await w.local.api.targetChanges(local.id), []);
      });

    it('pushes a local edit as a whole record: nothing the workspace holds is erased', async () => {
      const local = await localPg(w);
      const remoteId = (await w.sync.publish(local.id)).link!.remoteId;
      const before = (await w.server.workspaceConnections())[0];
      await w.local.api.updateConnection(local.id, {
        name: 'Warehouse 2',
        config: { ...pgConfig, database: 'edited' },
      });
      const report = await w.sync.syncAll();
      assert.equal(report.pushed.length, 1, JSON.stringify(report.failed));
      const after = (await w.server.workspaceConnections())[0];
      assert.equal(after.id, remoteId);
      assert.equal(after.name, 'Warehouse 2');
      assert.equal(after.type, before.type);
      assert.equal(after.category, before.category);
      assert.deepEqual(after.secrets, before.secrets, 'a secret the workspace held was erased');
      assert.deepEqual(asText(after.config), asText({ ...before.config, database: 'edited' }));
      // The workspace still lists for everyone.
      assert.equal((await w.api.listConnections()).data.length, 1);
    });
  });

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The requests of one clean publish, as method and path. */
async function publishFlow(profile: Profile): Promise<string[]> {
  const w = await world(profile);
  try {
    const local = await localPg(w);
    w.server.log.length = 0;
    await w.sync.publish(local.id);
    return w.server.log.map((r) => `${r.method} ${r.path.replace(/\/conn_[^/]+$/, '/{id}')}`);
  } finally {
    await w.close();
  }
}

for (const profile of profiles)
  describe(`hosted sync: an interrupted publish is finished or undone, never half-applied or duplicated (${profile} back end)`, function () {
    this.timeout(300_000);
    const faults: Record<string, (k: number) => Fault> = {
      'the network goes down': (k) => ({ times: 1e9, skip: k, drop: true }),
      'the service answers 503': (k) => ({ times: 1e9, skip: k, status: 503 }),
      'a storm of 429s': (k) => ({ times: 1e9, skip: k, status: 429, retryAfter: '1' }),
      'the request is carried out but its answer is lost': (k) => ({ times: 1e9, skip: k, dropAfter: true }),
      // Absorbed by the client's retries: the publish succeeds at once, and a retried create made twice is swept.
      'one answer is lost': (k) => ({ times: 1, skip: k, dropAfter: true }),
      'one 503': (k) => ({ times: 1, skip: k, status: 503 }),
    };

    it('covers every request of the flow', async () => {
      const flow = await publishFlow(profile);
      assert.deepEqual(
        flow,
        profile === 'documented'
          ? [
              'GET /api/connections',
              'POST /api/credentials',
              'POST /api/connections',
              'GET /api/connections/{id}',
              'GET /api/credentials',
            ]
          : ['GET /api/connections', 'POST /api/connections', 'GET /api/connections/{id}'],
      );
      // The deployed back end ignores idempotency keys whatever the client sends.
      for (const idempotency of profile === 'documented' ? [true, false] : [false]) {
        for (const [what, fault] of Object.entries(faults)) {
          for (let k = 0; k < flow.length; k++) {
            const label = `${what} at request ${k + 1} (${flow[k]}), idempotency keys ${idempotency ? 'honoured' : 'ignored'}`;
            const w = await world(profile);
            try {
              w.server.honourIdempotencyKeys = idempotency;
              const local = await localPg(w);
              w.server.faults.push(fault(k));
              const first = await w.sync.publish(local.id).then(
                () => undefined,
                (e: unknown) => e,
              );
              const transient = fault(k).times === 1;
              assert.ok(
                transient ? first === undefined : first instanceof ConnectionError,
                `${label}: ${String(first)}`,
              );
              // Nothing local was lost or changed.
              assert.deepEqual((await w.local.api.getConnection(local.id)).config, local.config, label);
              if (first) assert.equal((await w.local.api.getConnection(local.id)).link, undefined, label);
              w.server.faults.length = 0;
              if (first && w.journal.list().length === 0) {
                assert.equal(k, 0, `${label}: nothing was journaled`);
                // Stopped before anything was sent that changes the workspace: it is as it was.
                assert.deepEqual(await workspaceState(w), { connections: [], credentials: [] }, label);
                continue;
              }
              if (first) assert.match(errorText(first), /Nothing is lost/, label);
              // The next sync finishes it.
              const report = await w.sync.syncAll();
              assert.deepEqual(report.failed, [], label);
              const { connections, credentials } = await workspaceState(w);
              assert.equal(connections.length, 1, `${label}: ${connections.length} connections in the workspace`);
              assert.deepEqual(asText(connections[0].config), asText(local.config), label);
              if (profile === 'documented') {
                assert.equal(credentials.length, 1, `${label}: ${credentials.length} credentials in the workspace`);
                assert.equal(connections[0].credentialId, credentials[0], label);
              } else {
                assert.deepEqual([credentials.length, connections[0].secrets], [0, ['password']], label);
              }
              assert.equal((await w.local.api.getConnection(local.id)).link?.remoteId, connections[0].id, label);
              assert.deepEqual(w.journal.list(), [], label);
            } finally {
              await w.close();
            }
          }
        }
      }
    });

    it('undoes an interrupted publish on request: the workspace as it was, the local copy untouched', async () => {
      for (let k = 1; k < 3; k++) {
        const w = await world(profile);
        try {
          w.server.honourIdempotencyKeys = false;
          const local = await localPg(w);
          w.server.faults.push({ times: 1e9, skip: k, dropAfter: true });
          await assert.rejects(w.sync.publish(local.id));
          w.server.faults.length = 0;
          await w.sync.undoPublish(local.id);
          const { connections, credentials } = await workspaceState(w);
          assert.deepEqual([connections.length, credentials.length], [0, 0], `undo after request ${k + 1}`);
          assert.equal((await w.local.api.getConnection(local.id)).link, undefined);
          assert.ok(w.local.credentialKeys().length > 0, 'the local secret was lost');
        } finally {
          await w.close();
        }
      }
    });

    it('a copy to this machine interrupted at its request creates nothing here; the next one creates exactly one', async () => {
      for (const fault of [
        { times: 1e9, status: 503 },
        { times: 1e9, drop: true },
        { times: 1e9, status: 429, retryAfter: '1' },
      ] as Fault[]) {
        const w = await world(profile);
        try {
          const remote = await w.api.createConnection({ name: 'Team PG', type: 'postgres', config: pgConfig });
          w.server.faults.push(fault);
          await assert.rejects(w.sync.copyToMachine(remote.id, { secrets: { password } }));
          assert.deepEqual((await w.local.api.listConnections()).data, [], JSON.stringify(fault));
          assert.deepEqual(w.local.credentialKeys(), [], 'a credential was left behind');
          w.server.faults.length = 0;
          await w.sync.copyToMachine(remote.id, { secrets: { password } });
          await assert.rejects(w.sync.copyToMachine(remote.id, {}), /already on this machine/);
          assert.equal((await w.local.api.listConnections()).data.length, 1);
          assert.equal(w.local.credentialKeys().length, 1);
        } finally {
          await w.close();
        }
      }
    });

    it('a failed push or pull leaves both sides as they were, and the next pass finishes it once', async () => {
      const w = await world(profile);
      try {
        const local = await localPg(w);
        const remoteId = (await w.sync.publish(local.id)).link!.remoteId;
        await w.local.api.updateConnection(local.id, { config: { ...pgConfig, database: 'pushed' } });
        w.server.faults.push({ method: 'PUT', times: 1e9, dropAfter: true });
        const failed = await w.sync.syncAll();
        assert.equal(failed.failed.length, 1);
        w.server.faults.length = 0;
        // The PUT went through though its answer was lost: the next pass sees both sides agree.
        const report = await w.sync.syncAll();
        assert.deepEqual([report.failed, report.waiting, report.pulled], [[], [], []]);
        assert.equal((await w.api.getConnection(remoteId)).config.database, 'pushed');
        // A pull whose listing fails changes nothing here.
        await w.server.editAsColleague(remoteId, { config: { ...pgConfig, database: 'pulled' } });
        w.server.faults.push({ method: 'GET', times: 1e9, status: 503 });
        await assert.rejects(w.sync.syncAll());
        assert.equal((await w.local.api.getConnection(local.id)).config.database, 'pushed');
        w.server.faults.length = 0;
        await w.sync.syncAll();
        assert.equal((await w.local.api.getConnection(local.id)).config.database, 'pulled');
      } finally {
        await w.close();
      }
    });
  });
