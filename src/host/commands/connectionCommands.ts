import * as vscode from 'vscode';
import type { Connection, ConnectionsApi } from '../../core/api/types';
import type { ConnectionNode, ExplorerNode } from '../../core/explorer/nodes';
import type { Logger } from '../../core/ports';
import { registerCommand, withCancellableProgress } from './commandHost';
import type { ConnectionForms } from '../webviews/connectionForm/connectionForms';

interface Deps {
  api: ConnectionsApi;
  logger: Logger;
  forms: ConnectionForms;
}

/** Add, edit, delete and test connections. */
export function registerConnectionCommands(deps: Deps): vscode.Disposable[] {
  const { logger } = deps;
  return [
    registerCommand(logger, 'planasonix.connections.add', 'Could not add the connection', () => deps.forms.show()),
    registerCommand(logger, 'planasonix.connections.edit', 'Could not edit the connection', async (node?: ExplorerNode) => {
      const connection = await resolveConnection(deps.api, node, 'Edit which connection?');
      if (connection) await deps.forms.show(connection);
    }),
    registerCommand(logger, 'planasonix.connections.delete', 'Could not delete the connection', async (node?: ExplorerNode) =>
      deleteConnection(deps, await resolveConnection(deps.api, node, 'Delete which connection?')),
    ),
    registerCommand(logger, 'planasonix.connections.test', 'Could not test the connection', async (node?: ExplorerNode) =>
      testConnection(deps, await resolveConnection(deps.api, node, 'Test which connection?')),
    ),
  ];
}

async function deleteConnection(deps: Deps, connection: Connection | undefined): Promise<void> {
  if (!connection) return;
  if (connection.scope === 'workspace') {
    void vscode.window.showInformationMessage(`"${connection.name}" is defined in the workspace file; remove it from that file.`);
    return;
  }
  const choice = await vscode.window.showWarningMessage(
    `Delete the connection "${connection.name}"?`,
    { modal: true, detail: 'Its saved password is removed from this machine too. The database itself is not touched.' },
    'Delete',
  );
  if (choice !== 'Delete') return;
  await deps.api.deleteConnection(connection.id);
}

async function testConnection(deps: Deps, connection: Connection | undefined): Promise<void> {
  if (!connection) return;
  const result = await withCancellableProgress(`Testing "${connection.name}"…`, (signal) =>
    deps.api.testConnection({ type: connection.type, config: connection.config, credentialId: connection.credentialId }, { signal }),
  );
  if (result.ok) {
    void vscode.window.showInformationMessage(
      `"${connection.name}": connected in ${result.latencyMs} ms${result.serverVersion ? ` · ${result.serverVersion}` : ''}`,
    );
    return;
  }
  deps.logger.warn(`Test of "${connection.name}" failed (${result.errorCode ?? 'error'}): ${result.message}`);
  const choice = await vscode.window.showErrorMessage(`"${connection.name}": ${result.message}`, 'Edit Connection', 'Show Log');
  if (choice === 'Edit Connection') await deps.forms.show(connection);
  if (choice === 'Show Log') await vscode.commands.executeCommand('planasonix.showLog');
}

/** The connection a command acts on: the tree node's, or one the user picks. */
export async function resolveConnection(api: ConnectionsApi, node: ExplorerNode | undefined, prompt: string): Promise<Connection | undefined> {
  let current: ExplorerNode | undefined = node;
  while (current && current.kind !== 'connection') current = current.parent;
  if (current) return api.getConnection((current as ConnectionNode).connection.id);
  const { data } = await api.listConnections();
  if (data.length === 0) {
    const add = await vscode.window.showInformationMessage('There are no connections yet.', 'Add Connection');
    if (add) await vscode.commands.executeCommand('planasonix.connections.add');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    data.map((c) => ({ label: c.name, description: `${c.type}${c.scope === 'workspace' ? ' · workspace' : ''}`, connection: c })),
    { placeHolder: prompt },
  );
  return picked?.connection;
}
