import type { ConfigValue, Connection, ConnectionConfig } from '../api/types';
import { ConnectionError } from '../errors';

/**
 * Tolerant reading of what the hosted API sends, where the docs and the deployed back end disagree
 * (planasonix-platform-api.md §3.2, §7): bare objects or `{data: ...}`, JSON:API-style `attributes`,
 * `config` or `params`, camelCase or snake_case.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One resource: the object itself, or inside `data`, with `attributes` merged in. */
export function unwrapOne(body: unknown): Json {
  const inner = isObject(body) && isObject(body.data) ? body.data : body;
  if (!isObject(inner)) throw badResponse('an object');
  return flatten(inner);
}

export interface ListPage {
  items: Json[];
  /** The next page's cursor; undefined when this is the last page. */
  cursor?: string;
  total?: number;
}

/** A list: a bare array, `{data: [...]}` or `{data: [{attributes}]}`, with `meta.page.cursor` when paged. */
export function unwrapList(body: unknown): ListPage {
  // `null` (a Go nil slice, as the deployed back end sends an empty workspace) is an empty list.
  const array =
    body === null
      ? []
      : Array.isArray(body)
        ? body
        : isObject(body) && Array.isArray(body.data)
          ? body.data
          : isObject(body) && body.data === null
            ? []
            : undefined;
  if (!array) throw badResponse('a list');
  const meta = isObject(body) && isObject(body.meta) ? body.meta : undefined;
  const page = meta && isObject(meta.page) ? meta.page : undefined;
  const cursor = page && typeof page.cursor === 'string' && page.cursor !== '' ? page.cursor : undefined;
  const total = meta && typeof meta.total === 'number' ? meta.total : undefined;
  // One pass (a page of a large workspace is decoded on every poll).
  const items: Json[] = [];
  for (const v of array) if (isObject(v)) items.push(isObject(v.attributes) ? flatten(v) : v);
  return { items, ...(cursor ? { cursor } : {}), ...(total !== undefined ? { total } : {}) };
}

function flatten(item: Json): Json {
  if (!isObject(item.attributes)) return item;
  const { attributes, ...rest } = item;
  return { ...(attributes as Json), ...rest };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The settings of every summary: none, and never written (a listed connection is read before it is edited). */
const noSettings: Readonly<ConnectionConfig> = Object.freeze({});

/**
 * A connection as the API sends it, in the shape the extension uses. Secrets inline in `params` are
 * dropped. One without settings (`config`/`params` absent, as every list item) is a summary.
 */
export function toConnection(raw: Json, isSecretField: (type: string, field: string) => boolean): Connection {
  const id = str(raw.id);
  const name = str(raw.name);
  const type = str(raw.type);
  if (!id || !name || !type) throw badResponse('a connection with an id, a name and a type');
  const source = isObject(raw.config) ? raw.config : isObject(raw.params) ? raw.params : undefined;
  const config: ConnectionConfig = source ? {} : (noSettings as ConnectionConfig);
  if (source) {
    for (const k in source) {
      if (!Object.prototype.hasOwnProperty.call(source, k)) continue;
      const v = source[k];
      // The deployed back end may put secrets inline in params: they are never kept or shown here.
      if ((typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && !isSecretField(type, k)) config[k] = v as ConfigValue;
    }
  }
  // Built field by field (a list of 10,000 is decoded on every poll).
  const connection: Connection = { id, name, type, config, scope: 'hosted' };
  const credentialId = str(raw.credentialId) ?? str(raw.credential_id);
  const createdAt = str(raw.createdAt) ?? str(raw.created_at);
  const updatedAt = str(raw.updatedAt) ?? str(raw.updated_at);
  if (!source) connection.summary = true;
  if (typeof raw.category === 'string' && raw.category !== '') connection.category = raw.category;
  if (credentialId) connection.credentialId = credentialId;
  if (createdAt) connection.createdAt = createdAt;
  if (updatedAt) connection.updatedAt = updatedAt;
  return connection;
}

export function badResponse(what: string): ConnectionError {
  return new ConnectionError('internal', `The Planasonix API sent something other than ${what}.`);
}
