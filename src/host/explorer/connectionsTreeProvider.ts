import * as vscode from 'vscode';
import type { ConnectionsApi } from '../../core/api/types';
import type { ConnectorRegistry } from '../../core/connectors/registry';
import { loadChildren, loadTablePage } from '../../core/explorer/loaders';
import type { ExplorerNode, LoadMoreNode, SchemaNode } from '../../core/explorer/nodes';
import { renderNode } from './renderNode';

/**
 * Routes getChildren to the core loaders. It keeps no fetched data except the extra pages a user
 * asked for with "Load more" (errors are never kept), so every expansion shows the server as it is.
 */
export class ConnectionsTreeProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly extraPages = new Map<string, ExplorerNode[]>();
  private readonly filters = new Map<string, string>();

  constructor(
    private readonly api: ConnectionsApi,
    private readonly registry: ConnectorRegistry,
    private readonly ready: Promise<unknown>,
    private readonly pageSize: () => number,
  ) {}

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    const item = renderNode(node);
    const filter = node.kind === 'schema' ? this.filters.get(node.id) : undefined;
    if (filter) item.description = `filter: ${filter}`;
    return item;
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    await this.ready;
    const options = { pageSize: this.pageSize(), tableFilter: (id: string) => this.filters.get(id) };
    const children = await loadChildren(this.api, this.registry, node, options);
    const extra = node ? this.extraPages.get(node.id) : undefined;
    if (extra && children[children.length - 1]?.kind === 'loadMore') {
      return [...children.slice(0, -1), ...extra];
    }
    return children;
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return node.parent;
  }

  /** Fetches the next page of a schema's tables and appends it below the ones shown. */
  async loadMore(node: LoadMoreNode): Promise<void> {
    const schema = node.parent;
    const options = { pageSize: this.pageSize(), tableFilter: (id: string) => this.filters.get(id) };
    const page = await loadTablePage(this.api, schema, node.pageToken, node.loaded, options);
    const previous = (this.extraPages.get(schema.id) ?? []).filter((n) => n.kind !== 'loadMore');
    this.extraPages.set(schema.id, [...previous, ...page]);
    this.changed.fire(schema);
  }

  filterOf(schema: SchemaNode): string | undefined {
    return this.filters.get(schema.id);
  }

  setFilter(schema: SchemaNode, filter: string | undefined): void {
    if (filter) this.filters.set(schema.id, filter);
    else this.filters.delete(schema.id);
    this.refresh(schema);
  }

  refresh(node?: ExplorerNode): void {
    if (!node) {
      this.extraPages.clear();
    } else {
      for (const id of [...this.extraPages.keys()]) if (id === node.id || id.startsWith(`${node.id}/`)) this.extraPages.delete(id);
    }
    this.changed.fire(node);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
