import * as vscode from 'vscode';
import { unreachable, type ExplorerNode, type ItemNode } from '../../core/explorer/nodes';
import { visibleText as shown } from '../../shared/visibleText';
import { connectionUri } from './connectionBadges';

// Names, types and messages come from servers and workspace files: invisible and bidirectional
// characters in them are shown by code point, never applied. (Tree labels render no $(icon).)

/** Node data to TreeItem, with no I/O: everything shown comes from the node itself. */
export function renderNode(node: ExplorerNode, filterable = false): vscode.TreeItem {
  const C = vscode.TreeItemCollapsibleState;
  const filter = filterable ? '.filterable' : '';
  switch (node.kind) {
    case 'connection': {
      const c = node.connection;
      const item = new vscode.TreeItem(shown(c.name), C.Collapsed);
      const where = [c.config.host, c.config.port].filter((v) => v !== undefined && v !== '').join(':');
      const source = c.link
        ? 'linked to Planasonix'
        : c.scope === 'workspace'
          ? 'workspace file'
          : c.scope === 'hosted'
            ? 'Planasonix'
            : undefined;
      const waiting =
        c.link?.waiting === 'conflict'
          ? 'sync conflict'
          : c.link?.waiting === 'remoteDeleted'
            ? 'deleted in workspace'
            : undefined;
      item.description = [node.typeLabel, source, waiting, node.stale ? 'offline' : undefined]
        .filter(Boolean)
        .join(' · ');
      item.tooltip = new vscode.MarkdownString(undefined, true);
      item.tooltip.appendText(
        shown(
          `${c.name}\n${node.typeLabel}${where ? ` at ${where}` : ''}${c.config.database ? `, database ${String(c.config.database)}` : ''}`,
        ),
      );
      if (c.scope === 'workspace')
        item.tooltip.appendText('\nDefined in the workspace file (.vscode/planasonix-connections.json)');
      if (c.scope === 'hosted') item.tooltip.appendText('\nIn your Planasonix workspace; browsed through its API');
      if (c.link) {
        item.tooltip.appendText(
          `\nOn this machine, linked to your Planasonix workspace; last synced ${localTime(c.link.syncedAt)}`,
        );
        if (c.link.via === 'hosted')
          item.tooltip.appendText('\nBrowsed through the workspace, which keeps its password');
        if (c.link.waiting === 'conflict')
          item.tooltip.appendText(
            '\nChanged here and in the workspace: nothing was overwritten. Resolve it to sync again.',
          );
        if (c.link.waiting === 'remoteDeleted')
          item.tooltip.appendText('\nDeleted in the workspace: the copy here was kept until you decide.');
      }
      if (node.stale)
        item.tooltip.appendText(
          '\nIts source could not be reached just now: shown as last listed. Nothing was changed.',
        );
      item.iconPath = waiting
        ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
        : new vscode.ThemeIcon(node.icon);
      const linkState = c.link ? `.linked${c.link.waiting ? `.${c.link.waiting}` : ''}` : '';
      item.contextValue = `connection.${c.scope ?? 'user'}${linkState}${filter}`;
      // A badge at the row's end says "team" or "linked" however narrow the sidebar (the description is cut first).
      const resource = connectionUri(c);
      if (resource) item.resourceUri = resource;
      return finish(item, node, shown(c.name));
    }
    case 'catalog':
    case 'schema':
    case 'bucket':
    case 'volume':
      // Word and icon from the connector's spec (its looks), e.g. "Catalog" on Databricks.
      return container(node, `${node.word} ${shown(node.name)}`, filter);
    case 'prefix': {
      const item = container(node, `${node.word} ${shown(node.name)}`, filter);
      // A folder of part files (Parquet, CSV, JSON Lines; a Delta table's live files) previews as one table.
      item.contextValue = `${item.contextValue}.previewable`;
      item.label = shown(lastPart(node.name, node.parent));
      return item;
    }
    case 'object': {
      const item = new vscode.TreeItem(shown(lastPart(node.name, node.parent)), C.Collapsed);
      item.description = `${formatSize(node.size)}${node.lastModified ? ` · ${node.lastModified}` : ''}`;
      item.tooltip = shown(node.name);
      item.iconPath = new vscode.ThemeIcon(node.icon);
      // Files its connector reads as rows (spec.previewableFiles), set by the loader.
      item.contextValue = node.previewable ? 'object.previewable' : 'object';
      return finish(item, node, `${node.word} ${shown(node.name)}, ${formatSize(node.size)}`);
    }
    case 'table': {
      const item = new vscode.TreeItem(shown(node.name), C.Collapsed);
      item.description = node.tableType === 'TABLE' ? undefined : node.tableType.toLowerCase();
      // The icon and whether it is a view come from its connector's spec (tableTypes).
      item.iconPath = new vscode.ThemeIcon(node.icon);
      item.contextValue = `${node.view ? 'view' : 'table'}.previewable`;
      return finish(item, node, `${node.tableType.toLowerCase()} ${shown(node.name)}`);
    }
    case 'column': {
      const col = node.column;
      const item = new vscode.TreeItem(shown(col.name), C.None);
      item.description = shown(`${col.type}${col.nullable ? '' : ', not null'}`);
      item.iconPath = new vscode.ThemeIcon(col.primaryKey ? 'key' : node.icon);
      item.tooltip = shown(
        `${col.name} ${col.type}${col.nullable ? ' NULL' : ' NOT NULL'}${col.primaryKey ? ', primary key' : ''}${
          col.default != null ? `\ndefault ${col.default}` : ''
        }`,
      );
      item.contextValue = 'column';
      return finish(item, node, `${node.word} ${shown(col.name)}, ${item.description}`);
    }
    case 'message': {
      const item = new vscode.TreeItem(shown(node.text), C.None);
      item.iconPath = new vscode.ThemeIcon(node.severity === 'error' ? 'warning' : 'info');
      item.tooltip = shown(node.detail ?? node.text);
      item.contextValue = `message.${node.severity}`;
      if (node.id === 'empty:user') {
        item.command = { command: 'planasonix.connections.add', title: 'Add Connection', arguments: [] };
        item.iconPath = new vscode.ThemeIcon('add');
      } else if (node.errorCode === 'auth_failed' && node.id === 'unavailable:hosted') {
        item.command = { command: 'planasonix.hosted.signIn', title: 'Sign In', arguments: [] };
        item.iconPath = new vscode.ThemeIcon('account');
      } else if (node.errorCode === 'target_changed') {
        item.command = {
          command: 'planasonix.connections.confirmTarget',
          title: 'Review New Target',
          arguments: [node],
        };
        item.iconPath = new vscode.ThemeIcon('shield');
      } else if (node.severity === 'error') {
        item.command = { command: 'planasonix.explorer.retry', title: 'Retry', arguments: [node] };
      }
      return finish(item, node, shown(node.text));
    }
    case 'loadMore': {
      const item = new vscode.TreeItem('Load more…', C.None);
      item.description = `${node.loaded} shown`;
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.contextValue = 'loadMore';
      item.command = { command: 'planasonix.explorer.loadMore', title: 'Load More', arguments: [node] };
      return finish(item, node, `Load more ${node.what}, ${node.loaded} shown`);
    }
    default:
      return unreachable(node);
  }
}

function container(node: ItemNode, label: string, filter: string): vscode.TreeItem {
  const item = new vscode.TreeItem(shown(node.name), vscode.TreeItemCollapsibleState.Collapsed);
  item.iconPath = new vscode.ThemeIcon(node.icon);
  item.contextValue = `${node.kind}${filter}`;
  return finish(item, node, label);
}

/** A key or prefix shown relative to the folder it is listed in. */
function lastPart(key: string, parent: ExplorerNode | undefined): string {
  const base = parent?.kind === 'prefix' ? parent.name : '';
  return key.startsWith(base) && key.length > base.length ? key.slice(base.length) : key;
}

function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A time from the API (ISO, UTC) as the user reads times: their locale and time zone. */
function localTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t)
    ? iso
    : new Date(t).toLocaleString(vscode.env.language, { dateStyle: 'medium', timeStyle: 'short' });
}

function finish(item: vscode.TreeItem, node: ExplorerNode, label: string): vscode.TreeItem {
  item.id = node.id;
  // The accessible name is what screen readers say and what UI tests find, whatever the tooltip.
  item.accessibilityInformation = { label };
  return item;
}
