import * as vscode from 'vscode';
import type { ConnectionsModel } from '../../core/api/connectionsModel';
import type { ConnectionsApi } from '../../core/api/types';
import type { ConnectorRegistry } from '../../core/connectors/registry';
import { ExplorerModel } from '../../core/explorer/explorerModel';
import type { ContainerNode, ExplorerNode, LoadMoreNode } from '../../core/explorer/nodes';
import { renderNode } from './renderNode';

/** The explorer's model (src/core) as a VS Code tree: rendering, and the change event. */
export class ConnectionsTreeProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly model: ExplorerModel;

  constructor(
    api: ConnectionsApi,
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
    return this.model.children(node);
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
    this.model.refresh(node);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
