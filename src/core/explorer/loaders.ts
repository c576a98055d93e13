import type { ConnectionBrowser, ConnectionDirectory, ConnectionScope, ListConnectionsResponse } from '../api/types';

/** What the tree asks of the API: the connections, and what is inside each. */
export type ExplorerApi = ConnectionBrowser & Pick<ConnectionDirectory, 'listConnections'>;
import type { ConnectorRegistry } from '../connectors/registry';
import type { ConnectorSpec, Hierarchy } from '../connectors/types';
import { tableKind } from '../connectors/tableTypes';
import { levelLook } from '../connectors/levels';
import { ConnectionError, errorMessage, type ConnectionErrorCode } from '../errors';
import {
  childId,
  locate,
  pathOf,
  refOf,
  segment,
  unreachable,
  type ConnectionNode,
  type ContainerNode,
  type ExplorerNode,
  type ItemNode,
  type Level,
  type LoadMoreNode,
  type MessageNode,
  type Segment,
} from './nodes';

export interface LoadOptions {
  pageSize: number;
  /** The connections to show at the top level (the cached model); without it, the API is asked. */
  connections?: () => Promise<ListConnectionsResponse>;
  /** Whether a connection is shown as last listed because its source cannot be reached now. */
  isStale?: (connectionId: string) => boolean;
  /** The server-side name filter set on a container node, by its id. */
  filterOf?: (containerId: string) => string | undefined;
  signal?: AbortSignal;
}

/** One API call lists the levels of a listing together (a file listing gives folders and files). */
type Listing = 'catalogs' | 'schemas' | 'tables' | 'columns' | 'files';

function listingOf(level: Level): Listing {
  switch (level) {
    case 'catalog':
    case 'bucket':
      return 'catalogs';
    case 'schema':
      return 'schemas';
    case 'table':
    case 'volume':
      return 'tables';
    case 'column':
      return 'columns';
    case 'prefix':
    case 'object':
      return 'files';
    default:
      return unreachable(level);
  }
}

/** What the children of a level are called, in its connector's words: "tables", "folders and files". */
export function describeLevels(spec: ConnectorSpec | undefined, levels: readonly Level[]): string {
  const words = [...new Set(levels.map((l) => levelLook(spec, l).plural))];
  return words.length === 0
    ? 'items'
    : words.length === 1
      ? words[0]
      : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** The levels listed under a node, as its connector's spec declares them. */
export function childLevels(hierarchy: Hierarchy, node: ContainerNode): readonly Level[] {
  return hierarchy.children[node.kind] ?? [];
}

/** Whether the user can filter a node's children by name on the server. */
export function isSearchable(spec: ConnectorSpec, node: ContainerNode): boolean {
  // A table's tables are its partitions: a handful, not worth a filter.
  if (node.kind === 'table') return false;
  return childLevels(spec.hierarchy, node).some((l) => spec.hierarchy.searchable?.includes(l));
}

/**
 * Children of a node, one API round trip per listing. A failure or an empty result comes back as a
 * message node, never as an exception, so the tree shows it in place with a way to retry.
 */
export async function loadChildren(
  api: ExplorerApi,
  registry: ConnectorRegistry,
  node: ExplorerNode | undefined,
  options: LoadOptions,
): Promise<ExplorerNode[]> {
  if (!node) return loadConnections(api, registry, options);
  if (node.kind === 'message' || node.kind === 'loadMore') return [];
  let what = 'the contents';
  try {
    const spec = registry.spec(refOf(node).type);
    const levels = childLevels(spec.hierarchy, node);
    what = describeLevels(spec, levels);
    // Each listing on its own: one that fails (a table's partitions) does not hide what the others found (its columns).
    const listings = listingsOf(levels);
    const settled = await Promise.allSettled(
      listings.map((listing) => list(api, spec, node, listing, undefined, 0, options)),
    );
    const failed = settled.flatMap((r, i) =>
      r.status === 'rejected' ? [{ listing: listings[i], error: r.reason as unknown }] : [],
    );
    if (failed.length === settled.length) throw failed[0].error;
    const children = settled.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    for (const { listing, error } of failed) children.push(listingError(node, spec, listing, levels, error));
    if (children.length === 0) {
      const filter = options.filterOf?.(node.id);
      return [message(node, 'empty', filter ? `No ${what} match "${filter}"` : `No ${what}`)];
    }
    return children;
  } catch (error) {
    const reason = errorMessage(error);
    const detail = ConnectionError.is(error) ? `${error.code}: ${reason}` : reason;
    const m = message(node, 'error', `Could not list ${what}: ${reason}`, detail);
    return [ConnectionError.is(error) ? { ...m, errorCode: error.code } : m];
  }
}

/** The page after a "Load more" node, ending with another one when the server has more. */
export async function loadMore(
  api: ExplorerApi,
  registry: ConnectorRegistry,
  more: LoadMoreNode,
  options: LoadOptions,
): Promise<ExplorerNode[]> {
  const parent = more.parent;
  const spec = registry.spec(refOf(parent).type);
  const listing = listingsOf(childLevels(spec.hierarchy, parent)).find((l) => isPaged(spec, l));
  if (!listing) return [];
  return list(api, spec, parent, listing, more.pageToken, more.loaded, options);
}

async function loadConnections(
  api: ExplorerApi,
  registry: ConnectorRegistry,
  options: LoadOptions,
): Promise<ExplorerNode[]> {
  const { data, meta } = await (options.connections?.() ?? api.listConnections());
  // A source that could not be listed says so in place; what the others hold is shown as usual.
  const problems = (meta.unavailable ?? []).map((u): MessageNode => ({
    kind: 'message',
    id: `unavailable:${u.scope}`,
    // Signed out is a state with its action (Sign In), not a failure.
    severity: u.signedOut ? 'info' : 'error',
    text: u.signedOut
      ? `${sourceNames[u.scope]}: ${u.message}`
      : `Could not list the ${sourceNames[u.scope]}: ${u.message}`,
    detail: `${u.code}: ${u.message}`,
    errorCode: u.code as ConnectionErrorCode,
  }));
  // This machine's connections first, then the team's: the two are never mixed in one alphabet.
  const ordered = [...data.filter((c) => c.scope !== 'hosted'), ...data.filter((c) => c.scope === 'hosted')];
  // The view always has the workspace's node, so VS Code's empty-view welcome never shows: say it here.
  const noneHere =
    ordered.every((c) => c.scope === 'hosted') && !(meta.unavailable ?? []).some((u) => u.scope === 'user');
  const addOne: MessageNode[] = noneHere
    ? [
        {
          kind: 'message',
          id: 'empty:user',
          severity: 'empty',
          text: 'No connections on this machine yet: Add Connection…',
        },
      ]
    : [];
  return [
    ...addOne,
    ...problems,
    ...ordered.map((connection): ConnectionNode => {
      const spec = registry.find(connection.type);
      return {
        kind: 'connection',
        id: `${connection.scope ?? 'user'}:${connection.id}`,
        connection,
        icon: spec?.icon ?? 'plug',
        typeLabel: spec?.label ?? connection.type,
        ...(options.isStale?.(connection.id) ? { stale: true } : {}),
      };
    }),
  ];
}

const sourceNames: Record<ConnectionScope, string> = {
  user: 'connections on this machine',
  workspace: 'workspace file',
  hosted: 'Planasonix workspace',
};

function listingsOf(levels: readonly Level[]): Listing[] {
  return [...new Set(levels.map(listingOf))];
}

function isPaged(spec: ConnectorSpec, listing: Listing): boolean {
  return (spec.hierarchy.paged ?? []).some((l) => listingOf(l) === listing);
}

/** Runs one listing under a parent and turns what the server sent into nodes, with a "Load more" when it has more. */
async function list(
  api: ExplorerApi,
  spec: ConnectorSpec,
  parent: ContainerNode,
  listing: Listing,
  pageToken: string | undefined,
  alreadyLoaded: number,
  options: LoadOptions,
): Promise<ExplorerNode[]> {
  const ref = refOf(parent);
  const path = pathOf(parent);
  const levels = childLevels(spec.hierarchy, parent);
  const signal = { signal: options.signal };
  const paged = isPaged(spec, listing);
  const search = levels.some((l) => listingOf(l) === listing && spec.hierarchy.searchable?.includes(l))
    ? options.filterOf?.(parent.id)
    : undefined;
  const item = <N extends ItemNode>(
    level: Level,
    name: string,
    extra: Omit<N, keyof ItemNode | 'kind'> & Partial<ItemNode>,
    idKind: string = level,
  ): N => {
    const segments: Segment[] = [...path, { level, name }];
    const { label: word, icon } = levelLook(spec, level);
    return {
      kind: level,
      id: childId(parent.id, idKind, name),
      parent,
      connection: ref,
      path: segments,
      name,
      word,
      icon,
      ...extra,
    } as unknown as N;
  };
  const withMore = (nodes: ExplorerNode[], next: string | undefined): ExplorerNode[] => {
    if (!paged || !next) return nodes;
    const loaded = alreadyLoaded + nodes.length;
    const more: LoadMoreNode = {
      kind: 'loadMore',
      id: childId(parent.id, 'more', String(loaded)),
      parent,
      pageToken: next,
      loaded,
      what: describeLevels(spec, levels),
    };
    return [...nodes, more];
  };
  switch (listing) {
    case 'catalogs': {
      const level = levels.find((l) => listingOf(l) === 'catalogs')!;
      const { catalogs } = await api.listCatalogs(ref.id, signal);
      return catalogs.map((c) => item(level, c.name, {}));
    }
    case 'schemas': {
      const { schemas } = await api.listSchemas(ref.id, { catalog: segment(path, 'catalog') }, signal);
      return schemas.map((s) => item('schema', s.name, {}));
    }
    case 'tables': {
      const where = locate(path);
      // Under a table, the tables listed are its partitions (after its columns, as DataGrip shows them).
      const underTable = parent.kind === 'table';
      if (underTable && parent.tableType !== 'PARTITIONED TABLE') return [];
      const page = await api.listTables(
        ref.id,
        {
          catalog: where.catalog,
          schema: where.schema,
          ...(underTable ? { partitionsOf: parent.name } : {}),
          ...(paged ? { limit: options.pageSize, pageToken } : {}),
          ...(search ? { search } : {}),
        },
        signal,
      );
      const volumes = levels.includes('volume');
      const nodes = page.tables.map((t): ExplorerNode => {
        if (volumes && t.type === 'VOLUME') return item('volume', t.name, {});
        const base = underTable ? path.filter((s) => s.level !== 'table' && s.level !== 'schema') : path;
        const segments: Segment[] = underTable
          ? [...base, { level: 'schema', name: t.schema ?? where.schema ?? '' }, { level: 'table', name: t.name }]
          : [...path, { level: 'table', name: t.name }];
        const id = underTable
          ? childId(parent.id, 'partition', `${t.schema ?? where.schema ?? ''}.${t.name}`)
          : childId(parent.id, 'table', t.name);
        const shown = tableKind(t.type, spec.tableTypes);
        const word = levelLook(spec, 'table').label;
        return {
          kind: 'table',
          id,
          parent,
          connection: ref,
          path: segments,
          name: t.name,
          word,
          tableType: t.type,
          icon: shown.icon,
          view: shown.view === true,
        };
      });
      return withMore(nodes, page.nextPageToken);
    }
    case 'columns': {
      if (parent.kind === 'object') {
        const bucket = segment(path, 'bucket');
        const { columns } = await api.cloudSchema(
          ref.id,
          { path: parent.name, size: parent.size, ...(bucket !== undefined ? { bucket } : {}) },
          signal,
        );
        return columns.map((column) => item('column', column.name, { column }));
      }
      const where = locate(path);
      if (where.table === undefined) return [];
      const { columns } = await api.listColumns(
        ref.id,
        { catalog: where.catalog, schema: where.schema, table: where.table },
        signal,
      );
      return columns.map((column) => item('column', column.name, { column }));
    }
    case 'files': {
      const prefix = parent.kind === 'prefix' ? parent.name : '';
      const page = await api.listFiles(
        ref.id,
        {
          ...(segment(path, 'bucket') !== undefined ? { bucket: segment(path, 'bucket') } : {}),
          prefix: search ? prefix + search : prefix,
          delimiter: '/',
          ...(paged && pageToken ? { pageToken } : {}),
        },
        signal,
      );
      const folders = levels.includes('prefix') ? page.commonPrefixes.map((p) => item('prefix', p, {})) : [];
      const files = levels.includes('object')
        ? page.objects
            .filter((o) => o.key !== prefix)
            .map((o) =>
              item('object', o.key, {
                size: o.size,
                lastModified: o.lastModified,
                previewable: spec.previewableFiles?.test(o.key) === true,
              }),
            )
        : [];
      return withMore([...folders, ...files], page.nextPageToken);
    }
    default:
      return unreachable(listing);
  }
}

/** A failed listing among others that worked, in place: "Could not list partitions: <reason>". */
function listingError(
  parent: ContainerNode,
  spec: ConnectorSpec,
  listing: Listing,
  levels: readonly Level[],
  error: unknown,
): MessageNode {
  const reason = errorMessage(error);
  const what = describeLevels(
    spec,
    levels.filter((l) => listingOf(l) === listing),
  );
  const m: MessageNode = {
    kind: 'message',
    id: childId(parent.id, 'message', `error-${listing}`),
    parent,
    severity: 'error',
    text: `Could not list ${what}: ${reason}`,
    detail: ConnectionError.is(error) ? `${error.code}: ${reason}` : reason,
  };
  return ConnectionError.is(error) ? { ...m, errorCode: error.code } : m;
}

function message(parent: ExplorerNode, severity: MessageNode['severity'], text: string, detail?: string): MessageNode {
  return { kind: 'message', id: childId(parent.id, 'message', severity), parent, severity, text, detail };
}
