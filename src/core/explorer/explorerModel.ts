import type { ConnectionsModel } from '../api/connectionsModel';
import type { ConnectorRegistry } from '../connectors/registry';
import { isSearchable, loadChildren, loadMore, type ExplorerApi, type LoadOptions } from './loaders';
import { refOf, type ContainerNode, type ExplorerNode, type LoadMoreNode } from './nodes';

/**
 * What the explorer shows, without VS Code: the loaders plus the only state the tree keeps, the extra
 * pages a user asked for with "Load more" and the name filters set on nodes. Errors are never kept, so
 * every expansion shows the server as it is. `changed` names the node whose children changed: the very
 * object the view was given, so the view finds it whatever its level.
 */
export class ExplorerModel {
  /** Pages appended by "Load more", by the id of the node they were listed under. */
  private readonly extraPages = new Map<string, ExplorerNode[]>();
  private readonly filters = new Map<string, string>();

  constructor(
    private readonly api: ExplorerApi,
    private readonly connections: ConnectionsModel | undefined,
    private readonly registry: ConnectorRegistry,
    private readonly pageSize: () => number,
    private readonly changed: (node: ExplorerNode | undefined) => void,
  ) {}

  async children(node: ExplorerNode | undefined, signal?: AbortSignal): Promise<ExplorerNode[]> {
    const children = await loadChildren(this.api, this.registry, node, this.options(signal));
    const extra = node ? this.extraPages.get(node.id) : undefined;
    if (extra && children[children.length - 1]?.kind === 'loadMore') return [...children.slice(0, -1), ...extra];
    return children;
  }

  /** Fetches the next page under the node's parent and appends it below what is shown. */
  async loadMore(node: LoadMoreNode): Promise<void> {
    const parent = node.parent;
    const page = await loadMore(this.api, this.registry, node, this.options());
    const previous = (this.extraPages.get(parent.id) ?? []).filter((n) => n.kind !== 'loadMore');
    this.extraPages.set(parent.id, [...previous, ...page]);
    this.changed(parent);
  }

  /** Whether the node's children can be filtered by name on the server (its connector says so). */
  canFilter(node: ExplorerNode): node is ContainerNode {
    if (node.kind === 'message' || node.kind === 'loadMore') return false;
    const spec = this.registry.find(refOf(node).type);
    return spec !== undefined && isSearchable(spec, node);
  }

  filterOf(node: ExplorerNode): string | undefined {
    return this.filters.get(node.id);
  }

  setFilter(node: ContainerNode, filter: string | undefined): void {
    if (filter) this.filters.set(node.id, filter);
    else this.filters.delete(node.id);
    this.refresh(node);
  }

  /** Forgets the extra pages at and below the node (everything without one) and says its children changed. */
  refresh(node?: ExplorerNode): void {
    if (!node) {
      this.extraPages.clear();
    } else {
      for (const id of [...this.extraPages.keys()])
        if (id === node.id || id.startsWith(`${node.id}/`)) this.extraPages.delete(id);
    }
    this.changed(node);
  }

  private options(signal?: AbortSignal): LoadOptions {
    const model = this.connections;
    const connections = model
      ? async () => {
          await model.ready;
          const data = model.list();
          return { data, meta: { total: data.length, unavailable: model.unavailableSources } };
        }
      : undefined;
    const isStale = model ? (id: string) => model.isStale(id) : undefined;
    return { pageSize: this.pageSize(), filterOf: (id: string) => this.filters.get(id), signal, connections, isStale };
  }
}
