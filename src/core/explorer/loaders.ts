import type { ConnectionsApi } from '../api/types';
import type { ConnectorRegistry } from '../connectors/registry';
import { ConnectionError, errorMessage } from '../errors';
import {
  childId,
  type ColumnNode,
  type ConnectionNode,
  type ExplorerNode,
  type LoadMoreNode,
  type MessageNode,
  type SchemaNode,
  type TableNode,
} from './nodes';

export interface LoadOptions {
  pageSize: number;
  /** Server-side name filter per schema node id. */
  tableFilter?: (schemaNodeId: string) => string | undefined;
  signal?: AbortSignal;
}

const what: Record<string, string> = {
  root: 'connections',
  connection: 'the contents',
  catalog: 'schemas',
  schema: 'tables',
  table: 'columns',
};

/**
 * Children of a node, one API round trip each. A failure or an empty result comes back as a message
 * node, never as an exception, so the tree shows it in place with a way to retry.
 */
export async function loadChildren(
  api: ConnectionsApi,
  registry: ConnectorRegistry,
  node: ExplorerNode | undefined,
  options: LoadOptions,
): Promise<ExplorerNode[]> {
  const parentId = node?.id ?? 'root';
  try {
    const children = await load(api, registry, node, options);
    if (children.length === 0 && node) {
      const filter = node.kind === 'schema' ? options.tableFilter?.(node.id) : undefined;
      const text = filter ? `No tables match "${filter}"` : `No ${what[node.kind] ?? 'items'}`;
      return [message(node, 'empty', text)];
    }
    return children;
  } catch (error) {
    if (!node) throw error;
    const reason = errorMessage(error);
    const detail = ConnectionError.is(error) ? `${error.code}: ${reason}` : reason;
    const m = message(node, 'error', `Could not list ${what[node.kind] ?? 'items'}: ${reason}`, detail);
    return [ConnectionError.is(error) ? { ...m, errorCode: error.code } : m];
  }

  function message(parent: ExplorerNode, severity: MessageNode['severity'], text: string, detail?: string): MessageNode {
    return { kind: 'message', id: childId(parentId, 'message', severity), parent, severity, text, detail };
  }
}

async function load(api: ConnectionsApi, registry: ConnectorRegistry, node: ExplorerNode | undefined, options: LoadOptions): Promise<ExplorerNode[]> {
  if (!node) {
    const { data } = await api.listConnections();
    return data.map((connection): ConnectionNode => {
      const spec = safeSpec(registry, connection.type);
      return {
        kind: 'connection',
        id: `${connection.scope ?? 'user'}:${connection.id}`,
        connection,
        icon: spec?.icon ?? 'plug',
        typeLabel: spec?.label ?? connection.type,
      };
    });
  }
  switch (node.kind) {
    case 'connection': {
      const { connection } = node;
      const spec = registry.spec(connection.type);
      if (spec.capabilities.includes('catalogs')) {
        const { catalogs } = await api.listCatalogs(connection.id, { signal: options.signal });
        return catalogs.map((c) => ({
          kind: 'catalog',
          id: childId(node.id, 'catalog', c.name),
          parent: node,
          connectionId: connection.id,
          connectionType: connection.type,
          catalog: c.name,
        }));
      }
      if (spec.capabilities.includes('schemas')) {
        const { schemas } = await api.listSchemas(connection.id, {}, { signal: options.signal });
        return schemas.map((s) => schemaNode(node, connection.id, connection.type, undefined, s.name));
      }
      return [];
    }
    case 'catalog': {
      if (!registry.spec(node.connectionType).capabilities.includes('schemas')) {
        // A catalog without schemas (a SQLite file) holds its tables directly.
        return loadTablePage(api, { ...schemaNode(node, node.connectionId, node.connectionType, node.catalog, ''), id: node.id }, undefined, 0, options);
      }
      const { schemas } = await api.listSchemas(node.connectionId, { catalog: node.catalog }, { signal: options.signal });
      return schemas.map((s) => schemaNode(node, node.connectionId, node.connectionType, node.catalog, s.name));
    }
    case 'schema':
      return loadTablePage(api, node, undefined, 0, options);
    case 'table': {
      // A partitioned table shows its partitions after its columns, as DataGrip does.
      const [{ columns }, partitions] = await Promise.all([
        api.listColumns(node.connectionId, { catalog: node.catalog, schema: node.schema, table: node.table }, { signal: options.signal }),
        node.tableType === 'PARTITIONED TABLE'
          ? api.listTables(node.connectionId, { catalog: node.catalog, schema: node.schema, partitionsOf: node.table }, { signal: options.signal })
          : undefined,
      ]);
      const partitionNodes = (partitions?.tables ?? []).map(
        (t): TableNode => ({
          kind: 'table',
          id: childId(node.id, 'partition', `${t.schema ?? node.schema ?? ''}.${t.name}`),
          parent: node,
          connectionId: node.connectionId,
          connectionType: node.connectionType,
          catalog: node.catalog,
          schema: t.schema ?? node.schema,
          table: t.name,
          tableType: t.type,
        }),
      );
      const columnNodes = columns.map(
        (column): ColumnNode => ({
          kind: 'column',
          id: childId(node.id, 'column', column.name),
          parent: node,
          connectionId: node.connectionId,
          connectionType: node.connectionType,
          catalog: node.catalog,
          schema: node.schema,
          table: node.table,
          column,
        }),
      );
      return [...columnNodes, ...partitionNodes];
    }
    default:
      return [];
  }
}

/** One page of a schema's tables, ending with a "load more" node when the server has more. */
export async function loadTablePage(
  api: ConnectionsApi,
  schema: SchemaNode,
  pageToken: string | undefined,
  alreadyLoaded: number,
  options: LoadOptions,
): Promise<ExplorerNode[]> {
  const page = await api.listTables(
    schema.connectionId,
    { catalog: schema.catalog, schema: schema.schema, limit: options.pageSize, pageToken, search: options.tableFilter?.(schema.id) },
    { signal: options.signal },
  );
  const tables = page.tables.map(
    (t): TableNode => ({
      kind: 'table',
      id: childId(schema.id, 'table', t.name),
      parent: schema,
      connectionId: schema.connectionId,
      connectionType: schema.connectionType,
      catalog: schema.catalog,
      schema: schema.schema,
      table: t.name,
      tableType: t.type,
    }),
  );
  if (!page.nextPageToken) return tables;
  const loaded = alreadyLoaded + tables.length;
  const more: LoadMoreNode = { kind: 'loadMore', id: childId(schema.id, 'more', String(loaded)), parent: schema, pageToken: page.nextPageToken, loaded };
  return [...tables, more];
}

function schemaNode(parent: ExplorerNode, connectionId: string, connectionType: string, catalog: string | undefined, schema: string): SchemaNode {
  return { kind: 'schema', id: childId(parent.id, 'schema', schema), parent, connectionId, connectionType, catalog, schema };
}

function safeSpec(registry: ConnectorRegistry, type: string) {
  try {
    return registry.spec(type);
  } catch {
    return undefined;
  }
}
