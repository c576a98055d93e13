import * as vscode from 'vscode';
import type { ConnectionsModel } from '../../core/api/connectionsModel';
import type { ExplorerApi } from '../../core/explorer/loaders';
import type { ConnectorRegistry } from '../../core/connectors/registry';
import { ExplorerModel } from '../../core/explorer/explorerModel';
import type { ContainerNode, ExplorerNode, LoadMoreNode } from '../../core/explorer/nodes';
import { renderNode } from './renderNode';

/** The explorer's model (src/core) as a VS Code tree: rendering, and the change event. */
export class ConnectionsTreeProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly model: ExplorerModel;
  /** Listings under way, by the id of the node they list (the root's is ''). */
  private readonly loading = new Map<string, AbortController>();

  constructor(
    api: ExplorerApi,
    connections: ConnectionsModel,
    registry: ConnectorRegistry,
    private readonly ready: Promise<unknown>,
    pageSize: () => number,
  ) {
    this.model = new ExplorerModel(api, connections, registry, pageSize, (node) => this.changed.fire(node));
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    const item = renderNode(node, this.model.canFilter(node));
    const filter = this.model.filterOf(node);
    if (filter) item.description = `filter: ${filter}`;
    return item;
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    await this.ready;
    // Each listing can be stopped (collapsing its node, or refreshing it): the request to the server ends too.
    const key = node?.id ?? '';
    this.loading.get(key)?.abort();
    const controller = new AbortController();
    this.loading.set(key, controller);
    try {
      return await this.model.children(node, controller.signal);
    } finally {
      if (this.loading.get(key) === controller) this.loading.delete(key);
    }
  }

  /** Stops the listing under a node, if one is under way (the user collapsed it). */
  cancel(node: ExplorerNode): void {
    const load = this.loading.get(node.id);
    if (!load) return;
    load.abort();
    // What the stopped listing returns is not kept: the next expansion lists again.
    this.model.refresh(node);
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return node.parent;
  }

  loadMore(node: LoadMoreNode): Promise<void> {
    return this.model.loadMore(node);
  }

  canFilter(node: ExplorerNode): node is ContainerNode {
    return this.model.canFilter(node);
  }

  filterOf(node: ExplorerNode): string | undefined {
    return this.model.filterOf(node);
  }

  setFilter(node: ContainerNode, filter: string | undefined): void {
    this.model.setFilter(node, filter);
  }

  refresh(node?: ExplorerNode): void {
    if (node) this.loading.get(node.id)?.abort();
    this.model.refresh(node);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
