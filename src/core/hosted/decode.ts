import type { Connection, ConnectionConfig } from '../api/types';
import { ConnectionError } from '../errors';
import { isObject } from '../../shared/isObject';

/**
 * Tolerant reading of what the hosted API sends, where the docs and the deployed back end disagree
 * (docs/API.md: envelopes and the two record forms): bare objects or `{data: ...}`, JSON:API-style `attributes`,
 * `config` or `params`, camelCase or snake_case.
 */

type Json = Record<string, unknown>;

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
  // A page of a large workspace is decoded on every poll: one that is all plain objects is used as it is.
  const plain = (array as unknown[]).every((v) => isObject(v) && v.attributes === undefined);
  const items: Json[] = plain ? (array as Json[]) : [];
  if (!plain) for (const v of array) if (isObject(v)) items.push(isObject(v.attributes) ? flatten(v) : v);
  return { items, ...(cursor ? { cursor } : {}), ...(total !== undefined ? { total } : {}) };
}

function flatten(item: Json): Json {
  if (!isObject(item.attributes)) return item;
  const { attributes, ...rest } = item;
  return { ...(attributes as Json), ...rest };
}

/** The settings of every summary: none, and never written (a listed connection is read before it is edited). */
const noSettings: Readonly<ConnectionConfig> = Object.freeze({});

/**
 * A connection as the API sends it, in the shape the extension uses. Secrets inline in `params` are
 * dropped. One without settings (`config`/`params` absent, as every list item) is a summary.
 */
export function toConnection(raw: Json, isSecretField: (type: string, field: string) => boolean): Connection {
  // One pass over the fields the item has (a listing of 10,000 is decoded on every poll: a lookup of each
  // spelling a field might have costs more than reading the few it has).
  let id: unknown,
    name: unknown,
    type: unknown,
    category: unknown,
    credentialId: unknown,
    createdAt: unknown,
    updatedAt: unknown;
  let source: Json | undefined;
  for (const k in raw) {
    if (!Object.prototype.hasOwnProperty.call(raw, k)) continue;
    const v = raw[k];
    switch (k) {
      case 'id':
        id = v;
        break;
      case 'name':
        name = v;
        break;
      case 'type':
        type = v;
        break;
      case 'category':
        category = v;
        break;
      case 'credentialId':
      case 'credential_id':
        credentialId ??= v;
        break;
      case 'createdAt':
      case 'created_at':
        createdAt ??= v;
        break;
      case 'updatedAt':
      case 'updated_at':
        updatedAt ??= v;
        break;
      case 'config':
      case 'params':
        if (isObject(v) && (source === undefined || k === 'config')) source = v;
        break;
    }
  }
  if (typeof id !== 'string' || typeof name !== 'string' || typeof type !== 'string' || !id || !name || !type) {
    throw badResponse('a connection with an id, a name and a type');
  }
  let connection: Connection;
  if (source) {
    const config: ConnectionConfig = {};
    for (const k in source) {
      if (!Object.prototype.hasOwnProperty.call(source, k)) continue;
      const v = source[k];
      // The deployed back end may put secrets inline in params: they are never kept or shown here.
      if ((typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && !isSecretField(type, k))
        config[k] = v;
    }
    connection = { id, name, type, config, scope: 'hosted' };
  } else {
    connection = { id, name, type, config: noSettings, scope: 'hosted', summary: true };
  }
  if (typeof category === 'string' && category !== '') connection.category = category;
  if (typeof credentialId === 'string' && credentialId !== '') connection.credentialId = credentialId;
  if (typeof createdAt === 'string' && createdAt !== '') connection.createdAt = createdAt;
  if (typeof updatedAt === 'string' && updatedAt !== '') connection.updatedAt = updatedAt;
  return connection;
}

export function badResponse(what: string): ConnectionError {
  return new ConnectionError('internal', `The Planasonix API sent something other than ${what}.`);
}
