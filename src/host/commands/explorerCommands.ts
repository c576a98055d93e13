import * as vscode from 'vscode';
import { inertInLabel, inputBox } from '../ui/untrusted';
import type { ConnectionsApi } from '../../core/api/types';
import { displayIdentifier, displayQualifiedName } from '../../core/connectors/sql/dialects';
import type { ExplorerNode, LoadMoreNode, MessageNode, SchemaNode, TableNode } from '../../core/explorer/nodes';
import type { Logger } from '../../core/ports';
import type { ConnectionsTreeProvider } from '../explorer/connectionsTreeProvider';
import type { ResultPanels } from '../webviews/results/resultPanels';
import { registerCommand } from './commandHost';

interface Deps {
  api: ConnectionsApi;
  explorer: ConnectionsTreeProvider;
  logger: Logger;
  results: ResultPanels;
}

/** Commands on tree nodes: refresh, load more, filter, preview, copy names. */
export function registerExplorerCommands(deps: Deps): vscode.Disposable[] {
  const { explorer, logger } = deps;
  return [
    registerCommand(logger, 'planasonix.explorer.refreshAll', 'Could not refresh', () => explorer.refresh()),
    registerCommand(logger, 'planasonix.explorer.refresh', 'Could not refresh', (node?: ExplorerNode) => explorer.refresh(node)),
    registerCommand(logger, 'planasonix.explorer.retry', 'Could not retry', (node?: MessageNode) => explorer.refresh(node?.parent)),
    registerCommand(logger, 'planasonix.explorer.loadMore', 'Could not load more tables', (node: LoadMoreNode) => explorer.loadMore(node)),
    registerCommand(logger, 'planasonix.explorer.filterTables', 'Could not filter tables', async (node: SchemaNode) => {
      const value = await inputBox({
        title: `Filter tables in ${inertInLabel(node.schema)}`,
        prompt: 'Part of a table name, matched by the server (case-insensitive). Empty clears the filter.',
        value: explorer.filterOf(node) ?? '',
      });
      if (value !== undefined) explorer.setFilter(node, value.trim() || undefined);
    }),
    registerCommand(logger, 'planasonix.explorer.previewTable', 'Could not preview the table', async (node: TableNode) => {
      const connection = await deps.api.getConnection(node.connectionId);
      deps.results.showPreview({ connectionId: node.connectionId, connectionName: connection.name, catalog: node.catalog, schema: node.schema, table: node.table });
    }),
    registerCommand(logger, 'planasonix.explorer.copyName', 'Could not copy', async (node: ExplorerNode) => {
      await vscode.env.clipboard.writeText(nameOf(node, false));
    }),
    registerCommand(logger, 'planasonix.explorer.copyQualifiedName', 'Could not copy', async (node: ExplorerNode) => {
      await vscode.env.clipboard.writeText(nameOf(node, true));
    }),
  ];
}

/** The node's name as a user would type it in SQL; qualified with its schema when asked. */
export function nameOf(node: ExplorerNode, qualified: boolean): string {
  switch (node.kind) {
    case 'connection':
      return node.connection.name;
    case 'catalog':
      return node.catalog;
    case 'schema':
      return node.schema;
    case 'table':
      return qualified ? displayQualifiedName(node.connectionType, node.schema, node.table) : node.table;
    case 'column':
      return qualified
        ? displayQualifiedName(node.connectionType, node.schema, node.table, node.column.name)
        : displayIdentifier(node.connectionType, node.column.name);
    default:
      return '';
  }
}
