import { wholePreview, wholeTestQuery } from './whole';
/**
 * The connections API as the back end Planasonix actually runs answers it, built from its own Go client
 * (planasonix/mcp-server `tools/http_client.go`, `models/models.go`; planasonix-platform-api.md §7), not
 * from the docs:
 * - a connection is `{id, name, type, category, params}`, `params` a `map[string]string` (secrets inline),
 *   no `config`, no `credentialId`, no timestamps;
 * - lists are bare arrays of summaries `{id, name, type, category}`, `null` when empty (a Go nil slice);
 * - create needs `category`; a non-string param is a decode error; unknown fields are dropped;
 * - `PUT` replaces the whole record with what was sent (zero values for the rest), and a record with an
 *   empty type or category makes the list endpoint fail for everyone;
 * - test takes `{type, params}` and answers `{success, message}`; idempotency keys are ignored;
 * - errors are `{"error": "<text>"}`; browsing answers are bare arrays, rows are objects keyed by column
 *   (marshalled with sorted keys), a failed test query is a 200 with `{success: false, error}`.
 * Introspection runs the real connectors on a shadow connection of this machine's back end.
 */
import type { CellValue, Connection } from '../../src/core/api/types';
import { ConnectionError, errorMessage } from '../../src/core/errors';
import type { Harness } from './harness';

type Json = Record<string, unknown>;
export type Answer = { status?: number; body: unknown };

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const fail = (status: number, error: string): Answer => ({ status, body: { error } });

/** Go's encoding/json marshals a map with its keys sorted. */
const goMap = (entries: [string, unknown][]): Json =>
  Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export class DeployedBackend {
  readonly records = new Map<string, Json>();
  /** Connection names must be unique (a second create with the same name is 409). */
  uniqueNames = true;
  /** Send createdAt/updatedAt on records (the Go client reads neither; off by default). */
  timestamps = false;
  private next = 0;
  private readonly shadows = new Map<string, { key: string; connection: Connection }>();

  constructor(private readonly backend: Harness) {}

  /** Puts n connections straight in (a big workspace without n round trips). */
  seed(n: number, type = 'sqlite'): void {
    for (let i = 0; i < n; i++) {
      const id = `conn_seed_${String(i).padStart(6, '0')}`;
      this.records.set(id, {
        id,
        name: `seeded ${String(i).padStart(6, '0')}`,
        type,
        category: 'source',
        params: { path: `/data/${i}.sqlite` },
      });
    }
  }

  async route(
    method: string,
    path: string,
    q: URLSearchParams,
    raw: string,
    inUse: ReadonlySet<string>,
  ): Promise<Answer | undefined> {
    let body: unknown;
    try {
      body = raw ? (JSON.parse(raw) as unknown) : {};
    } catch {
      return fail(400, 'invalid character in request body');
    }
    const json = isObject(body) ? body : {};
    let m: RegExpExecArray | null;
    if (path === '/api/connections' && method === 'GET') return this.list();
    if (path === '/api/connections' && method === 'POST') return this.create(json);
    if (path === '/api/connections/test' && method === 'POST') return this.test(json);
    if (path === '/api/connections/test-query' && method === 'POST') return this.testQuery(json);
    if ((m = /^\/api\/connections\/([^/]+)$/.exec(path))) {
      const id = decodeURIComponent(m[1]);
      const record = this.records.get(id);
      if (!record) return fail(404, 'connection not found');
      if (method === 'GET') return { body: this.shown(record) };
      if (method === 'PUT') return this.replace(id, json);
      if (method === 'DELETE') {
        if (inUse.has(id)) return fail(409, 'connection is used by active pipelines');
        this.records.delete(id);
        return { status: 204, body: undefined };
      }
    }
    if ((m = /^\/api\/connections\/([^/]+)\/([a-z-]+)$/.exec(path)) && method === 'GET') {
      const id = decodeURIComponent(m[1]);
      const p = (k: string): string | undefined => q.get(k) ?? undefined;
      switch (m[2]) {
        case 'catalogs':
          return this.browse(id, async (api, sid) =>
            nilIfEmpty((await api.listCatalogs(sid)).catalogs.map((c) => c.name)),
          );
        case 'schemas':
          return this.browse(id, async (api, sid) =>
            nilIfEmpty((await api.listSchemas(sid, { catalog: p('catalog') })).schemas.map((s) => s.name)),
          );
        case 'tables':
          return this.browse(id, async (api, sid) => {
            const r = await api.listTables(sid, {
              schema: p('schema'),
              catalog: p('catalog'),
              search: p('search'),
              limit: 100_000,
            });
            return nilIfEmpty(r.tables.map((t) => ({ name: t.name, type: t.type })));
          });
        case 'columns':
          return this.browse(id, async (api, sid) => {
            const r = await api.listColumns(sid, {
              schema: p('schema'),
              table: p('table') ?? '',
              catalog: p('catalog'),
            });
            return nilIfEmpty(r.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable })));
          });
        case 'preview':
          return this.browse(id, async (api, sid) => {
            const r = await wholePreview(api, sid, {
              schema: p('schema'),
              table: p('table') ?? '',
              catalog: p('catalog'),
              limit: q.get('limit') ? Number(q.get('limit')) : 100,
            });
            return { columns: r.columns, rows: rowObjects(r.columns, r.rows) };
          });
        case 'files':
          return this.browse(id, async (api, sid) => {
            const r = await api.listFiles(sid, { prefix: p('prefix') ?? '', delimiter: p('delimiter') });
            return nilIfEmpty([
              ...r.commonPrefixes.map((key) => ({ key, size: 0, lastModified: '', isDir: true })),
              ...r.objects.map((o) => ({ key: o.key, size: o.size, lastModified: o.lastModified, isDir: false })),
            ]);
          });
        case 'cloud-schema':
          return this.browse(id, async (api, sid) => {
            const r = await api.cloudSchema(sid, { path: p('path') ?? '' });
            return nilIfEmpty(r.columns.map((c) => ({ name: c.name, type: c.type, nullable: c.nullable })));
          });
      }
    }
    return undefined;
  }

  private list(): Answer {
    const all = [...this.records.values()];
    // One record a full-replace PUT emptied breaks the listing for everyone (the Go model needs both).
    if (all.some((r) => r.type === '' || r.category === ''))
      return fail(500, 'failed to list connections: invalid connection record');
    if (all.length === 0) return { body: null };
    return { body: all.map((r) => ({ id: r.id, name: r.name, type: r.type, category: r.category, ...this.times(r) })) };
  }

  private params(value: unknown): Record<string, string> | Answer {
    if (value === undefined || value === null) return {};
    if (!isObject(value))
      return fail(400, 'json: cannot unmarshal params into Go struct field of type map[string]string');
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string')
        return fail(400, `json: cannot unmarshal ${typeof v} into Go struct field .params.${k} of type string`);
    }
    return value as Record<string, string>;
  }

  private create(body: Json): Answer {
    for (const k of ['name', 'type', 'category'] as const)
      if (typeof body[k] !== 'string' || body[k] === '') return fail(400, `${k} is required`);
    const params = this.params(body.params);
    if ('body' in params) return params as Answer;
    if (this.uniqueNames && [...this.records.values()].some((r) => r.name === body.name))
      return fail(409, 'a connection with this name already exists');
    const id = `conn_d${String(++this.next).padStart(5, '0')}`;
    const now = new Date().toISOString();
    const record: Json = {
      id,
      name: body.name,
      type: body.type,
      category: body.category,
      params: { ...params },
      createdAt: now,
      updatedAt: now,
    };
    this.records.set(id, record);
    return { status: 201, body: this.shown(record) };
  }

  /** Full replace: whatever was not sent becomes its zero value. */
  private replace(id: string, body: Json): Answer {
    const params = this.params(body.params);
    if ('body' in params) return params as Answer;
    const before = this.records.get(id)!;
    const str = (v: unknown): string => (typeof v === 'string' ? v : '');
    const record: Json = {
      id,
      name: str(body.name),
      type: str(body.type),
      category: str(body.category),
      params: { ...params },
      createdAt: before.createdAt,
      updatedAt: new Date().toISOString(),
    };
    this.records.set(id, record);
    return { body: this.shown(record) };
  }

  private shown(r: Json): Json {
    return { id: r.id, name: r.name, type: r.type, category: r.category, params: r.params, ...this.times(r) };
  }

  private times(r: Json): Json {
    return this.timestamps ? { createdAt: r.createdAt, updatedAt: r.updatedAt } : {};
  }

  /** The settings and secrets a connector reads from a params map. */
  private split(
    type: string,
    params: Record<string, string>,
  ): { config: Record<string, string>; secrets: Record<string, string> } {
    const spec = this.backend.api.registry.find(type);
    const config: Record<string, string> = {};
    const secrets: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) {
      const field = spec?.fields.find((f) => f.name === k);
      if (!field || v === '') continue;
      (field.secret ? secrets : config)[k] = v;
    }
    return { config, secrets };
  }

  private async test(body: Json): Promise<Answer> {
    const params = this.params(body.params);
    if ('body' in params) return params as Answer;
    const type = typeof body.type === 'string' ? body.type : '';
    if (!this.backend.api.registry.find(type))
      return { body: { success: false, message: `unsupported connection type "${type}"` } };
    const { config, secrets } = this.split(type, params);
    try {
      const r = await this.backend.test({ type, config }, secrets);
      return { body: { success: r.ok, message: r.message } };
    } catch (error) {
      return { body: { success: false, message: errorMessage(error) } };
    }
  }

  private async testQuery(body: Json): Promise<Answer> {
    return this.browse(String(body.connectionId), async (api, id) => {
      try {
        const r = await wholeTestQuery(api, {
          connectionId: id,
          sql: String(body.sql),
          limit: typeof body.limit === 'number' ? body.limit : 100,
        });
        return { success: true, columns: r.columns, rows: rowObjects(r.columns, r.rows) };
      } catch (error) {
        // The statement's failure is in the body of a 200, as the deployed back end answers it.
        return { success: false, error: errorMessage(error) };
      }
    });
  }

  /** Runs an introspection on the connection's shadow here (made again when its params change). */
  private async browse(id: string, work: (api: Harness['api'], shadowId: string) => Promise<unknown>): Promise<Answer> {
    const record = this.records.get(id);
    if (!record) return fail(404, 'connection not found');
    const params = record.params as Record<string, string>;
    const type = String(record.type);
    const key = JSON.stringify([type, params]);
    let shadow = this.shadows.get(id);
    if (shadow?.key !== key) {
      if (shadow) await this.backend.api.deleteConnection(shadow.connection.id).catch(() => undefined);
      const { config, secrets } = this.split(type, params);
      try {
        shadow = {
          key,
          connection: await this.backend.save({ name: `shadow ${id} ${this.next++}`, type, config }, secrets),
        };
      } catch (error) {
        return fail(400, errorMessage(error));
      }
      this.shadows.set(id, shadow);
    }
    try {
      return { body: await work(this.backend.api, shadow.connection.id) };
    } catch (error) {
      const status =
        ConnectionError.is(error) && error.code === 'not_found'
          ? 404
          : ConnectionError.is(error) && error.code === 'invalid_config'
            ? 400
            : 500;
      return fail(status, errorMessage(error));
    }
  }
}

function nilIfEmpty<T>(list: T[]): T[] | null {
  return list.length === 0 ? null : list;
}

/** Rows as `[]map[string]any`: each an object keyed by column, keys sorted as Go writes them. */
function rowObjects(columns: string[], rows: CellValue[][]): Json[] {
  return rows.map((row) =>
    goMap(columns.map((c, i) => [c, row[i] instanceof Uint8Array ? Buffer.from(row[i]).toString('base64') : row[i]])),
  );
}
