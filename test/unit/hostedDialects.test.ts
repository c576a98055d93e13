import * as assert from 'node:assert/strict';
import { ConnectorRegistry } from '../../src/core/connectors/registry';
import { ConnectionError } from '../../src/core/errors';
import { ExplorerModel } from '../../src/core/explorer/explorerModel';
import { DeviceFlow, HostedSession } from '../../src/core/hosted/auth';

import { columns, failureIn, files, names, result, tables } from '../../src/core/hosted/browse';
import { connectorRoles } from '../../src/core/hosted/connectorRoles';
import { toConnection, unwrapList } from '../../src/core/hosted/decode';
import { HostedConnectionsApi } from '../../src/core/hosted/hostedConnectionsApi';
import { decodeError, HostedHttp } from '../../src/core/hosted/httpClient';
import {
  dialectOfList,
  dialectOfRecord,
  differences,
  mergedRecord,
  type FieldRole,
} from '../../src/core/hosted/records';
import { MemorySecretVault } from '../support/doubles';

const roles = connectorRoles(new ConnectorRegistry());
const role: FieldRole = (type, field) =>
  roles.isSecretField(type, field) ? 'secret' : roles.isSettingField(type, field) ? 'setting' : undefined;

type Handler = (method: string, path: string, body: unknown, query: URLSearchParams) => Response | Error;

/** A scripted workspace: each request is answered by the handler; every request is kept. */
function workspace(handler: Handler) {
  const sent: { method: string; path: string; body: unknown }[] = [];
  const impl = (async (url: URL | string, init?: RequestInit) => {
    const u = new URL(String(url));
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    sent.push({ method: init?.method ?? 'GET', path: u.pathname + u.search, body });
    const answer = handler(init?.method ?? 'GET', u.pathname, body, u.searchParams);
    if (answer instanceof Error) throw answer;
    return answer;
  }) as typeof fetch;
  const http = new HostedHttp(
    { baseUrl: 'https://api.example.test', maxRetries: 3 },
    { token: async () => 'tok' },
    { fetch: impl, sleep: async () => undefined },
  );
  return { http, sent, api: new HostedConnectionsApi(http, roles) };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });

/** The deployed record of a PostgreSQL connection, with its password inline and a field the extension does not know. */
const deployedPg = () => ({
  id: 'conn_1',
  name: 'Warehouse',
  type: 'postgres',
  category: 'source',
  params: {
    host: 'db.internal',
    port: '5432',
    database: 'analytics',
    user: 'etl',
    password: 's3cret-inline',
    sslMode: 'require',
    replicaSet: 'rs0',
  },
});

describe('hosted dialects: telling them apart', () => {
  it('knows the deployed dialect from bare or null lists and from category/params, the documented one from {data} and config', () => {
    assert.equal(dialectOfList(null, []), 'deployed');
    assert.equal(dialectOfList([], []), 'deployed');
    assert.equal(dialectOfList({ data: [], meta: { total: 0 } }, []), 'documented');
    assert.equal(
      dialectOfList(
        [{ id: 'a', name: 'A', type: 'postgres', category: 'source' }],
        [{ id: 'a', name: 'A', type: 'postgres', category: 'source' }],
      ),
      'deployed',
    );
    // Items say more than the envelope: documented items in a bare array are documented.
    assert.equal(
      dialectOfList([{ id: 'a', credentialId: 'cred_1' }], [{ id: 'a', credentialId: 'cred_1' }]),
      'documented',
    );
    assert.equal(dialectOfRecord(deployedPg()), 'deployed');
    assert.equal(dialectOfRecord({ id: 'a', name: 'A', type: 'postgres', config: {} }), 'documented');
    assert.equal(dialectOfRecord({ id: 'a', name: 'A', type: 'postgres' }), undefined);
  });

  it('reads a null list as an empty workspace, and a listed item as a summary, never as settings', () => {
    assert.deepEqual(unwrapList(null).items, []);
    assert.deepEqual(unwrapList({ data: null }).items, []);
    const summary = toConnection(
      { id: 'a', name: 'A', type: 'postgres', category: 'destination' },
      roles.isSecretField,
    );
    assert.equal(summary.summary, true);
    assert.equal(summary.category, 'destination');
    assert.deepEqual(summary.config, {});
    const full = toConnection(deployedPg(), roles.isSecretField);
    assert.equal(full.summary, undefined);
    assert.equal(full.config.password, undefined, 'an inline secret is never kept');
    assert.equal(full.config.host, 'db.internal');
  });
});

describe('hosted dialects: writes that keep every field', () => {
  it('merges a rename into the whole deployed record: type, category, params, the inline secret and unknown fields all kept', () => {
    const body = mergedRecord('deployed', deployedPg(), { name: 'Renamed' }, role, 'source');
    assert.deepEqual(body, { ...deployedPg(), name: 'Renamed' });
  });

  it('applies a config edit field by field: a shown setting cleared is removed, unknown fields and secrets stay, values become text', () => {
    const config = { host: 'db2.internal', port: 6543, database: 'analytics', user: 'etl' }; // sslMode cleared
    const body = mergedRecord('deployed', deployedPg(), { config }, role, 'source');
    assert.deepEqual(body.params, {
      host: 'db2.internal',
      port: '6543',
      database: 'analytics',
      user: 'etl',
      password: 's3cret-inline',
      replicaSet: 'rs0',
    });
    assert.equal(body.category, 'source');
    assert.equal(body.id, 'conn_1');
  });

  it('writes the documented record back whole without its server-owned fields, keeping what it does not know', () => {
    const raw = {
      id: 'conn_2',
      name: 'Lake',
      type: 'postgres',
      config: { host: 'h', port: 5432, tuning: { fetch: 10 } },
      credentialId: 'cred_1',
      description: 'shared',
      createdAt: 't0',
      updatedAt: 't1',
    };
    const body = mergedRecord(
      'documented',
      raw,
      { name: 'Lake 2', config: { host: 'h2', port: 5432 } },
      role,
      'source',
    );
    assert.deepEqual(body, {
      name: 'Lake 2',
      type: 'postgres',
      config: { host: 'h2', port: 5432, tuning: { fetch: 10 } },
      credentialId: 'cred_1',
      description: 'shared',
    });
  });

  it('names what a workspace did not keep, never showing a secret or an unknown field’s value', () => {
    const sent = mergedRecord('deployed', deployedPg(), { name: 'New' }, role, 'source');
    const back = {
      id: 'conn_1',
      name: 'New',
      type: '',
      category: '',
      params: { host: 'db.internal', replicaSet: 'rs1' },
    };
    const diffs = differences(sent, back, role);
    assert.ok(diffs.some((d) => d.startsWith('type (sent postgres, kept (empty))')));
    assert.ok(diffs.some((d) => d.startsWith('port (sent 5432')));
    assert.ok(diffs.includes('replicaSet (changed)'));
    assert.ok(!diffs.join(' ').includes('s3cret'), 'the inline password is not compared or shown');
    assert.deepEqual(differences(sent, sent, role), []);
  });
});

describe('hosted dialects: the client against a scripted deployed workspace', () => {
  it('updates by reading, merging and writing the whole record, then reads it back', async () => {
    let record: Record<string, unknown> = deployedPg();
    const { api, sent } = workspace((method, path, body) => {
      if (method === 'GET' && path === '/api/connections/conn_1') return json(200, record);
      if (method === 'PUT') {
        record = body as Record<string, unknown>;
        return json(200, record);
      }
      return json(404, { error: 'not found' });
    });
    const updated = await api.updateConnection('conn_1', { name: 'Renamed' });
    assert.equal(updated.name, 'Renamed');
    assert.deepEqual(
      sent.map((r) => `${r.method} ${r.path}`),
      ['GET /api/connections/conn_1', 'PUT /api/connections/conn_1', 'GET /api/connections/conn_1'],
    );
    assert.deepEqual(record, { ...deployedPg(), name: 'Renamed' }, 'nothing but the name changed in the workspace');
  });

  it('reports a write the workspace did not keep as an error, never as done', async () => {
    const { api } = workspace((method) =>
      method === 'PUT' ? json(200, {}) : json(200, method === 'GET' ? deployedPg() : {}),
    );
    await assert.rejects(
      api.updateConnection('conn_1', { name: 'Renamed' }),
      (e: unknown) => ConnectionError.is(e) && /did not keep/.test(e.message) && /name/.test(e.message),
    );
  });

  it('says so when a create is answered but its settings and credential link were dropped (never "published")', async () => {
    const kept: Record<string, unknown>[] = [];
    const { api } = workspace((method, path, body) => {
      if (method === 'GET' && path === '/api/connections') return json(200, { data: [], meta: { total: 0 } });
      if (method === 'POST') {
        // A back end that takes only what it knows: the name and type, nothing of config or credentialId.
        const b = body as Record<string, unknown>;
        kept.push({ id: 'conn_7', name: b.name, type: b.type });
        return json(201, kept[0]);
      }
      if (method === 'GET' && path === '/api/connections/conn_7') return json(200, kept[0]);
      return json(404, { error: 'not found' });
    });
    await assert.rejects(
      api.createConnection({
        name: 'Orders',
        type: 'postgres',
        config: { host: 'db', port: 5432 },
        credentialId: 'cred_1',
      }),
      (e: unknown) => {
        assert.ok(ConnectionError.is(e));
        assert.match(e.message, /did not keep the settings of "Orders"/);
        assert.match(e.message, /credentialId \(sent cred_1, kept \(none\)\)/);
        assert.match(e.message, /host \(sent db, kept \(none\)\)/);
        return true;
      },
    );
  });

  it('creates in the deployed shape: category from the connector, every value as text, the secret inline', async () => {
    const made: Record<string, unknown>[] = [];
    const { api } = workspace((method, path, body) => {
      if (method === 'GET' && path === '/api/connections') return json(200, null);
      if (method === 'POST') {
        made.push({ id: 'conn_9', ...(body as Record<string, unknown>) });
        return json(201, made[0]);
      }
      if (method === 'GET' && path === '/api/connections/conn_9') return json(200, made[0]);
      return json(404, { error: 'not found' });
    });
    const created = await api.createConnection({
      name: 'Orders',
      type: 'postgres',
      config: { host: 'h', port: 5432, sslMode: 'disable' },
      inlineSecrets: { password: 'pw-typed' },
    });
    assert.equal(created.id, 'conn_9');
    assert.deepEqual(made[0], {
      id: 'conn_9',
      name: 'Orders',
      type: 'postgres',
      category: 'source',
      params: { host: 'h', port: '5432', sslMode: 'disable', password: 'pw-typed' },
    });
    assert.equal(created.config.password, undefined);
  });

  it('finds what a create whose answer was lost made, instead of making it twice (the key ignored)', async () => {
    const made: Record<string, unknown>[] = [];
    let posts = 0;
    const { api } = workspace((method, path, body) => {
      if (method === 'POST' && path === '/api/connections') {
        posts++;
        made.push({ id: `conn_${posts}`, ...(body as Record<string, unknown>) });
        return new TypeError('fetch failed'); // carried out, answer lost
      }
      if (method === 'GET' && path === '/api/connections')
        return json(
          200,
          made.length ? made.map(({ id, name, type, category }) => ({ id, name, type, category })) : null,
        );
      const one = made.find((m) => path === `/api/connections/${String(m.id)}`);
      return one ? json(200, one) : json(404, { error: 'not found' });
    });
    const created = await api.createConnection({ name: 'Once', type: 'postgres', config: { host: 'h' } });
    assert.equal(posts, 1, 'the create was sent once');
    assert.equal(created.id, 'conn_1');
  });

  it('tests a saved connection with what the workspace holds ({type, params}), and reads {success, message}', async () => {
    const { api, sent } = workspace((method, path) => {
      if (method === 'GET' && path === '/api/connections/conn_1') return json(200, deployedPg());
      if (path === '/api/connections/test')
        return json(200, { success: false, message: 'password authentication failed' });
      return json(404, { error: 'not found' });
    });
    const outcome = await api.testConnection({
      type: 'postgres',
      config: { host: 'db.internal', port: 5432, database: 'analytics', user: 'etl', sslMode: 'require' },
      connectionId: 'conn_1',
    });
    assert.deepEqual(
      { ...outcome, latencyMs: 0 },
      { ok: false, latencyMs: 0, message: 'password authentication failed' },
    );
    assert.ok(
      outcome.latencyMs >= 0 && outcome.latencyMs < 5_000,
      'the round trip is the latency where the workspace gives none',
    );
    const test = sent.find((r) => r.path === '/api/connections/test')!;
    assert.deepEqual(Object.keys(test.body as object), ['type', 'params']);
    assert.equal((test.body as { params: Record<string, string> }).params.port, '5432');
  });

  it('lists a hosted storage connection’s files under its own bucket, without asking for catalogs', async () => {
    const { api, sent } = workspace((_method, path) => {
      if (path === '/api/connections') return json(200, [{ id: 's', name: 'Lake', type: 's3', category: 'source' }]);
      if (path === '/api/connections/s')
        return json(200, {
          id: 's',
          name: 'Lake',
          type: 's3',
          category: 'source',
          params: { bucket: 'raw', region: 'eu-west-1' },
        });
      return json(404, { error: 'not found' });
    });
    await api.listConnections();
    assert.deepEqual((await api.listCatalogs('s')).catalogs, [{ name: 'raw' }]);
    assert.ok(!sent.some((r) => r.path.endsWith('/catalogs')));
  });
});

describe('hosted dialects: browsing answers in every shape', () => {
  it('reads names, tables and columns bare, wrapped, documented or null', () => {
    assert.deepEqual(names(null, 'schemas'), []);
    assert.deepEqual(names(['a', { name: 'b' }], 'schemas'), [{ name: 'a' }, { name: 'b' }]);
    assert.deepEqual(names({ data: { schemas: null } }, 'schemas'), []);
    assert.deepEqual(
      tables([
        { name: 't', type: 'BASE TABLE' },
        { table_name: 'v', table_type: 'view' },
      ]).tables,
      [
        { name: 't', type: 'TABLE' },
        { name: 'v', type: 'VIEW' },
      ],
    );
    assert.deepEqual(tables({ tables: [{ name: 't', type: 'TABLE' }], nextPageToken: 'p2' }), {
      tables: [{ name: 't', type: 'TABLE' }],
      nextPageToken: 'p2',
    });
    assert.deepEqual(tables(null).tables, []);
    assert.deepEqual(columns([{ column_name: 'id', data_type: 'integer', is_nullable: 'NO' }]), [
      { name: 'id', type: 'integer', nullable: false },
    ]);
    assert.deepEqual(columns({ columns: [{ name: 'x', type: 'text' }] }), [
      { name: 'x', type: 'text', nullable: true },
    ]);
    assert.throws(() => columns('nope'), /Planasonix API sent something other than a list of columns/);
  });

  it('reads rows as arrays or as objects keyed by column (Go maps, keys sorted), in the answer’s column order', () => {
    const r = result({ columns: ['z', 'a'], rows: [{ a: 1, z: 'last' }, { a: null }] });
    assert.deepEqual(r.columns, ['z', 'a']);
    assert.deepEqual(r.rows, [
      ['last', 1],
      [null, null],
    ]);
    const bare = result([{ id: 1, name: 'x' }]);
    assert.deepEqual(bare.columns, ['id', 'name']);
    assert.deepEqual(bare.rows, [[1, 'x']]);
    const typed = result({ columns: [{ name: 'n', type: 'numeric' }], rows: [['1.10']] });
    assert.deepEqual(typed.columnTypes, ['numeric']);
    assert.deepEqual(result({ columns: ['a'], rows: null }).rows, []);
  });

  it('takes a 200 that says the statement failed for an error, with the server’s words', () => {
    assert.equal(failureIn({ success: true, rows: [] }), undefined);
    const e = failureIn({ success: false, error: 'syntax error at or near "FORM"' });
    assert.ok(ConnectionError.is(e, 'query_failed'));
    assert.equal(e.message, 'syntax error at or near "FORM"');
    assert.ok(
      ConnectionError.is(
        failureIn({ ok: false, error: { code: 'timeout', message: 'took too long' } }),
        'query_failed',
      ),
    );
  });

  it('reads files bare (folders as keys ending in /), documented, or as Go’s AWS types spell them', () => {
    const bare = files(
      [
        { key: 'a/', size: 0, isDir: true },
        { key: 'a.parquet', size: 10, lastModified: 't' },
      ],
      '',
    );
    assert.deepEqual(bare.commonPrefixes, ['a/']);
    assert.deepEqual(bare.objects, [{ key: 'a.parquet', size: 10, lastModified: 't' }]);
    const aws = files(
      {
        Contents: [{ Key: 'k', Size: '7', LastModified: 't' }],
        CommonPrefixes: [{ Prefix: 'p/' }],
        NextContinuationToken: 'n',
      },
      '',
    );
    assert.deepEqual(aws, {
      prefix: '',
      objects: [{ key: 'k', size: 7, lastModified: 't' }],
      commonPrefixes: ['p/'],
      nextPageToken: 'n',
    });
    assert.deepEqual(files(null, 'x/'), { prefix: 'x/', objects: [], commonPrefixes: [] });
  });
});

describe('hosted transport: what real servers send on a bad day', () => {
  const client = (answers: (Response | Error)[]) => {
    const calls: string[] = [];
    const waits: number[] = [];
    const http = new HostedHttp(
      { baseUrl: 'https://api.example.test', maxRetries: 3 },
      { token: async () => 'tok' },
      {
        fetch: (async (url: URL | string, init?: RequestInit) => {
          calls.push(`${init?.method ?? 'GET'} ${new URL(String(url)).pathname}`);
          const next = answers.shift()!;
          if (next instanceof Error) throw next;
          return next;
        }) as typeof fetch,
        sleep: async (ms) => void waits.push(ms),
        random: () => 1,
      },
    );
    return { http, calls, waits };
  };
  /** A response whose body is cut off after the status line, as undici reports it. */
  const cut = (): Response => {
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('[{"id":'));
        controller.error(new TypeError('terminated'));
      },
    });
    return new Response(body, { status: 200, headers: { 'Content-Type': 'application/json' } });
  };

  it('retries a read whose answer was cut mid-body', async () => {
    const { http, calls } = client([cut(), json(200, [])]);
    assert.deepEqual(await http.request('GET', '/api/connections'), []);
    assert.equal(calls.length, 2);
  });

  it('does not repeat a create whose answer was cut: it says the outcome is unknown', async () => {
    const { http, calls } = client([cut()]);
    await assert.rejects(
      http.request('POST', '/api/connections', { body: {}, mayRepeat: false }),
      (e: unknown) =>
        ConnectionError.is(e, 'unreachable') && e.details?.ambiguous === true && /cut off/.test(e.message),
    );
    assert.equal(calls.length, 1);
  });

  it('waits as Retry-After says on a 503 too', async () => {
    const { http, waits } = client([json(503, { error: 'maintenance' }, { 'Retry-After': '7' }), json(200, [])]);
    await http.request('GET', '/api/connections');
    assert.deepEqual(waits, [7000]);
  });

  it('reduces a gateway’s HTML error page to its status and title', async () => {
    const page =
      '<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>body{}</style></head><body><h1>Bad Gateway</h1><script>x()</script></body></html>';
    const html = () =>
      new Response(page, { status: 502, statusText: 'Bad Gateway', headers: { 'Content-Type': 'text/html' } });
    const { http } = client([html(), html(), html(), html()]);
    await assert.rejects(http.request('GET', '/api/connections'), (e: unknown) => {
      assert.ok(ConnectionError.is(e));
      assert.match(e.message, /^GET \/api\/connections answered 502 Bad Gateway: 502 Bad Gateway\. /);
      assert.ok(!/<|script|style/.test(e.message), e.message);
      return true;
    });
    assert.deepEqual(decodeError('<html><body><h1>Gateway Timeout</h1></body></html>'), { message: 'Gateway Timeout' });
  });
});

describe('hosted sign-in: a device flow whose server says "pending" with HTTP 200', () => {
  it('keeps polling through 200-pending answers, then signs in; denial and expiry read differently', async () => {
    const script = (answers: Response[]) =>
      new DeviceFlow({ baseUrl: 'https://api.example.test' }, 'plnx_cli_vscode', {
        fetch: async () => answers.shift()!,
        sleep: async () => undefined,
        now: () => 0,
      });
    const start = {
      deviceCode: 'dev',
      userCode: 'ABCD-EFGH',
      verificationUri: 'https://app.example.test/device',
      expiresIn: 900,
      interval: 0,
    };
    const pending = () => json(200, { error: 'authorization_pending', error_description: 'waiting' });
    const tokens = await script([
      pending(),
      pending(),
      json(200, { accessToken: 'at', refreshToken: 'rt', expiresIn: 60 }),
    ]).complete(start);
    assert.equal(tokens.accessToken, 'at');
    const denied = await script([pending(), json(200, { error: 'access_denied' })])
      .complete(start)
      .catch((e: Error) => e.message);
    const expired = await script([json(400, { error: 'expired_token' })])
      .complete(start)
      .catch((e: Error) => e.message);
    assert.match(String(denied), /denied/);
    assert.match(String(expired), /expired/);
    assert.notEqual(denied, expired);
  });
});

describe('hosted browsing: a listing the user stops', () => {
  it('ends the request to the workspace when the tree cancels, and shows the node as not listed', async () => {
    let aborted = false;
    const impl = (async (url: URL | string, init?: RequestInit) => {
      const path = new URL(String(url)).pathname;
      if (path === '/api/connections')
        return json(200, [{ id: 'c', name: 'Team', type: 'postgres', category: 'source' }]);
      // The workspace never answers: only the caller's cancel ends the request.
      return new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => {
          aborted = true;
          reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
        });
      });
    }) as typeof fetch;
    const http = new HostedHttp(
      { baseUrl: 'https://api.example.test', timeoutMs: 60_000 },
      { token: async () => 'tok' },
      { fetch: impl, sleep: async () => undefined },
    );
    const api = new HostedConnectionsApi(http, roles);
    const explorer = new ExplorerModel(
      api,
      undefined,
      new ConnectorRegistry(),
      () => 100,
      () => undefined,
    );
    const roots = await explorer.children(undefined);
    // Only the workspace's connections: the tree says how to add one of this machine's (VS Code's welcome never shows).
    assert.deepEqual(
      roots.map((n) => (n.kind === 'message' ? n.id : n.kind)),
      ['empty:user', 'connection'],
    );
    const connection = roots[1];
    const controller = new AbortController();
    const started = Date.now();
    const listing = explorer.children(connection, controller.signal);
    setTimeout(() => controller.abort(), 30);
    const nodes = await listing;
    assert.ok(Date.now() - started < 5_000, 'the listing waited for the server after the cancel');
    assert.ok(aborted, 'the request to the workspace was not ended');
    assert.equal(nodes[0]?.kind, 'message');
    assert.equal(nodes[0]?.kind === 'message' ? nodes[0].errorCode : undefined, 'cancelled');
  });
});

describe('hosted sign-in: bound to the server it was made with', () => {
  it('never sends a token or a refresh token to another API address; the first one works again', async () => {
    const settings = { baseUrl: 'https://api.example.test' };
    const vault = new MemorySecretVault();
    const sent: string[] = [];
    const fetchImpl = (async (url: URL | string) => {
      sent.push(new URL(String(url)).origin);
      return json(200, { accessToken: 'at2', refreshToken: 'rt2', expiresIn: 3600 });
    }) as typeof fetch;
    const session = new HostedSession(vault, () => settings, { fetch: fetchImpl });
    await session.signedInWith({ accessToken: 'at1', refreshToken: 'rt1', expiresAt: Date.now() + 3_600_000 });
    assert.equal(await session.token(), 'at1');
    settings.baseUrl = 'https://attacker.example.test';
    await assert.rejects(
      session.token(),
      (e: unknown) => ConnectionError.is(e, 'auth_failed') && /sign in again/.test(e.message),
    );
    await assert.rejects(session.refresh('at1'), (e: unknown) => ConnectionError.is(e, 'auth_failed'));
    assert.deepEqual(sent, [], 'something was sent to the other address');
    settings.baseUrl = 'https://api.example.test';
    assert.equal(await session.token(), 'at1');
  });
});

describe('hosted previews: cut or whole, said right where the workspace does not say', () => {
  it('asks a deployed workspace for one row more than shown: a table of exactly the limit is whole, one row more is cut', async () => {
    for (const [n, truncated] of [
      [10, false],
      [11, true],
      [3, false],
    ] as const) {
      const limits: number[] = [];
      const { api } = workspace((_method, path, body, query) => {
        if (path === '/api/connections') return json(200, null);
        const limit = path.endsWith('/preview') ? Number(query.get('limit')) : (body as { limit: number }).limit;
        limits.push(limit);
        const rows = Array.from({ length: Math.min(n, limit) }, (_, i) => ({ id: i }));
        return json(
          200,
          path.endsWith('/preview') ? { columns: ['id'], rows } : { success: true, columns: ['id'], rows },
        );
      });
      const preview = await api.preview('c', { table: 't', limit: 10 });
      assert.equal(preview.rows.length, Math.min(n, 10), `${n} rows`);
      assert.equal(preview.truncated, truncated, `${n} rows`);
      const query = await api.testQuery({ connectionId: 'c', sql: 'SELECT 1', limit: 10 });
      assert.equal(query.rows.length, Math.min(n, 10));
      assert.equal(query.truncated === true, truncated, `${n} rows (test query)`);
      assert.deepEqual(limits, [11, 11], 'one row more was asked for');
    }
  });
});
