import * as vscode from 'vscode';
import { inertInLabel, inputBox } from '../ui/untrusted';
import type { ConnectionsModel } from '../../core/api/connectionsModel';
import type { ConnectionsApi } from '../../core/api/types';
import { displayIdentifier, displayQualifiedName } from '../../core/connectors/sql/dialects';
import {
  locate,
  unreachable,
  type ContainerNode,
  type ExplorerNode,
  type LoadMoreNode,
  type MessageNode,
  type ObjectNode,
  type TableNode,
} from '../../core/explorer/nodes';
import type { Logger } from '../../core/ports';
import type { ConnectorRegistry } from '../../core/connectors/registry';
import type { ConnectionsTreeProvider } from '../explorer/connectionsTreeProvider';
import type { ResultPanels } from '../webviews/results/resultPanels';
import { ObjectDocuments, objectScheme } from '../explorer/objectDocuments';
import { registerCommand } from './commandHost';

interface Deps {
  api: ConnectionsApi;
  connections: ConnectionsModel;
  registry: ConnectorRegistry;
  explorer: ConnectionsTreeProvider;
  logger: Logger;
  results: ResultPanels;
}

/** Commands on tree nodes: refresh, load more, filter, preview, copy names. */
export function registerExplorerCommands(deps: Deps): vscode.Disposable[] {
  const { explorer, logger } = deps;
  const objects = new ObjectDocuments(deps.api);
  return [
    vscode.workspace.registerTextDocumentContentProvider(objectScheme, objects),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      if (doc.uri.scheme === objectScheme) objects.forget(doc.uri);
    }),
    registerCommand(logger, 'planasonix.explorer.openObject', 'Could not open the file', (node: ObjectNode) =>
      objects.open(node),
    ),
    // Refresh All lists the connections again (the hosted workspace has no change events), then redraws.
    registerCommand(logger, 'planasonix.explorer.refreshAll', 'Could not refresh', async () => {
      await deps.connections.refresh();
      explorer.refresh();
    }),
    registerCommand(logger, 'planasonix.explorer.refresh', 'Could not refresh', (node?: ExplorerNode) =>
      explorer.refresh(node),
    ),
    registerCommand(logger, 'planasonix.explorer.retry', 'Could not retry', (node?: MessageNode) =>
      explorer.refresh(node?.parent),
    ),
    registerCommand(logger, 'planasonix.explorer.loadMore', 'Could not load more', (node: LoadMoreNode) =>
      explorer.loadMore(node),
    ),
    registerCommand(
      logger,
      'planasonix.explorer.filterTables',
      'Could not set the filter',
      async (node: ContainerNode) => {
        if (!explorer.canFilter(node)) return;
        const value = await inputBox({
          title: `Filter ${inertInLabel(node.kind === 'connection' ? node.connection.name : node.name)}`,
          prompt: 'Part of a name, matched by the server (blind to case and accents). Empty clears the filter.',
          value: explorer.filterOf(node) ?? '',
        });
        if (value !== undefined) explorer.setFilter(node, value.trim() || undefined);
      },
    ),
    registerCommand(
      logger,
      'planasonix.explorer.previewTable',
      'Could not preview',
      async (node: TableNode | ObjectNode) => {
        const connection = await deps.connections.require(node.connection.id);
        const where = locate(node.path);
        // A file previews like a table: its key in `table`, its bucket in `catalog`.
        const bucket = node.path.find((s) => s.level === 'bucket')?.name;
        deps.results.showPreview({
          connectionId: node.connection.id,
          connectionName: connection.name,
          catalog: node.kind === 'object' ? bucket : where.catalog,
          schema: node.kind === 'object' ? undefined : where.schema,
          table: node.name,
        });
      },
    ),
    registerCommand(logger, 'planasonix.explorer.copyName', 'Could not copy', async (node: ExplorerNode) => {
      await vscode.env.clipboard.writeText(nameOf(node, false, deps.registry));
    }),
    registerCommand(logger, 'planasonix.explorer.copyUri', 'Could not copy', async (node: ExplorerNode) => {
      // A file's or folder's URI, as its tools take it: s3://bucket/key.
      await vscode.env.clipboard.writeText(nameOf(node, true, deps.registry));
    }),
    registerCommand(logger, 'planasonix.explorer.copyQualifiedName', 'Could not copy', async (node: ExplorerNode) => {
      await vscode.env.clipboard.writeText(nameOf(node, true, deps.registry));
    }),
  ];
}

/** The node's name as a user would type it in SQL; qualified with its schema when asked. */
export function nameOf(node: ExplorerNode, qualified: boolean, registry: ConnectorRegistry): string {
  switch (node.kind) {
    case 'connection':
      return node.connection.name;
    case 'catalog':
    case 'schema':
    case 'bucket':
    case 'volume':
      return node.name;
    case 'prefix':
    case 'object': {
      // Qualified: the object's URI (s3://bucket/key) where the connector has a scheme.
      const scheme = registry.find(node.connection.type)?.objectUriScheme;
      const bucket = node.path.find((s) => s.level === 'bucket')?.name;
      return qualified && scheme && bucket !== undefined ? `${scheme}://${bucket}/${node.name}` : node.name;
    }
    case 'table': {
      const where = locate(node.path);
      return qualified
        ? displayQualifiedName(registry.dialect(node.connection.type), where.schema, node.name)
        : node.name;
    }
    case 'column': {
      const where = locate(node.path);
      return qualified
        ? displayQualifiedName(registry.dialect(node.connection.type), where.schema, where.table, node.name)
        : displayIdentifier(registry.dialect(node.connection.type), node.name);
    }
    case 'message':
    case 'loadMore':
      return '';
    default:
      return unreachable(node);
  }
}
