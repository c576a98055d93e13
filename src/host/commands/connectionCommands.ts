import * as vscode from 'vscode';
import type { ConnectionsModel } from '../../core/api/connectionsModel';
import type { Connection, ConnectionsApi } from '../../core/api/types';
import type { ExplorerNode } from '../../core/explorer/nodes';
import type { Logger } from '../../core/ports';
import { msg, notify, pick } from '../ui/untrusted';
import { registerCommand, withCancellableProgress } from './commandHost';
import type { ConnectionForms } from '../webviews/connectionForm/connectionForms';
import type { WorkspaceSync } from '../../core/sync/workspaceSync';

interface Deps {
  api: ConnectionsApi;
  connections: ConnectionsModel;
  logger: Logger;
  forms: ConnectionForms;
  /** Sync with the hosted workspace while signed in (a linked connection's delete may reach it). */
  sync?: () => WorkspaceSync | undefined;
}

/** Add, edit, delete and test connections. */
export function registerConnectionCommands(deps: Deps): vscode.Disposable[] {
  const { logger } = deps;
  return [
    registerCommand(logger, 'planasonix.connections.add', 'Could not add the connection', () => deps.forms.show()),
    registerCommand(
      logger,
      'planasonix.connections.edit',
      'Could not edit the connection',
      async (node?: ExplorerNode) => {
        const connection = await resolveConnection(deps.connections, node, 'Edit which connection?');
        if (connection) await deps.forms.show(connection);
      },
    ),
    registerCommand(
      logger,
      'planasonix.connections.delete',
      'Could not delete the connection',
      async (node?: ExplorerNode) =>
        deleteConnection(deps, await resolveConnection(deps.connections, node, 'Delete which connection?')),
    ),
    registerCommand(
      logger,
      'planasonix.connections.test',
      'Could not test the connection',
      async (node?: ExplorerNode) =>
        testConnection(deps, await resolveConnection(deps.connections, node, 'Test which connection?')),
    ),
    registerCommand(
      logger,
      'planasonix.connections.confirmTarget',
      'Could not confirm the new target',
      async (arg?: string | ExplorerNode) => {
        const connection = await resolveConnection(deps.connections, arg, 'Review the target of which connection?');
        if (connection) await confirmTarget(deps, connection);
      },
    ),
  ];
}

async function deleteConnection(deps: Deps, connection: Connection | undefined): Promise<void> {
  if (!connection) return;
  if (connection.scope === 'workspace') {
    void notify.info(msg`"${connection.name}" is defined in the workspace file; remove it from that file.`);
    return;
  }
  const sync = deps.sync?.();
  if (connection.link) {
    // Linked: the user says whether the workspace's connection goes too (pipelines there may use it).
    const reachable = sync?.workspace === connection.link.workspace;
    const choice = await notify.warn(
      msg`Delete "${connection.name}"? It is linked to a connection in your Planasonix workspace.`,
      {
        modal: true,
        detail: reachable
          ? 'Delete only the copy on this machine (its saved password too), or the workspace connection as well, for everyone in the workspace.'
          : 'Only the copy on this machine is deleted; sign in to Planasonix to delete the workspace connection too.',
      },
      'Delete Here Only',
      ...(reachable ? (['Delete Here and in the Workspace'] as const) : []),
    );
    if (!choice) return;
    if (sync && reachable) await sync.deleteLinked(connection.id, choice === 'Delete Here and in the Workspace');
    else await deps.api.deleteConnection(connection.id);
    return;
  }
  const detail =
    connection.scope === 'hosted'
      ? 'It is deleted from your Planasonix workspace, for everyone in it. If pipelines use it, the workspace refuses and says so. The database itself is not touched.'
      : 'Its saved password is removed from this machine too. The database itself is not touched.';
  const choice = await notify.warn(msg`Delete the connection "${connection.name}"?`, { modal: true, detail }, 'Delete');
  if (choice !== 'Delete') return;
  await deps.api.deleteConnection(connection.id);
}

/**
 * A connection's target changed since its password was saved (a workspace file edited by a commit or
 * a branch switch): show exactly what changed, and send the password there only if the user says so.
 */
async function confirmTarget(deps: Deps, connection: Connection): Promise<void> {
  const changes = (await deps.api.targetChanges?.(connection.id)) ?? [];
  if (changes.length === 0) {
    void notify.info(msg`"${connection.name}" points where its password was saved for; nothing to confirm.`);
    return;
  }
  const lines = changes.map((c) => msg`${c.key}: ${c.from} → ${c.to}`.safeText).join('\n');
  const choice = await notify.warn(
    msg`"${connection.name}" points somewhere new since its password was saved. Send the saved password to the new target?`,
    {
      modal: true,
      detail:
        `${lines}\n\nA workspace file can be changed by any commit or branch switch. Confirm only if you expected this ` +
        'change; otherwise the password stays on this machine.',
    },
    // The first button is the dialog's default (Enter): never the one that sends the secret.
    'Edit Connection',
    'Send Password to New Target',
  );
  if (choice === 'Send Password to New Target') {
    await deps.api.confirmTarget?.(connection.id);
    await vscode.commands.executeCommand('planasonix.explorer.refreshAll');
  } else if (choice === 'Edit Connection') await deps.forms.show(connection);
}

async function testConnection(deps: Deps, connection: Connection | undefined): Promise<void> {
  if (!connection) return;
  const result = await withCancellableProgress(msg`Testing "${connection.name}"…`, (signal) =>
    deps.api.testConnection(
      {
        type: connection.type,
        config: connection.config,
        credentialId: connection.credentialId,
        connectionId: connection.id,
      },
      { signal },
    ),
  );
  if (result.ok) {
    void notify.info(
      msg`"${connection.name}": connected in ${result.latencyMs} ms${result.serverVersion ? ` · ${result.serverVersion}` : ''}`,
    );
    return;
  }
  if (result.errorCode === 'cancelled') return; // the user cancelled: nothing to report
  if (result.errorCode === 'target_changed') {
    // The saved password was not sent: show what changed and let the user decide.
    await confirmTarget(deps, connection);
    return;
  }
  deps.logger.warn(`Test of "${connection.name}" failed (${result.errorCode ?? 'error'}): ${result.message}`);
  const choice = await notify.error(msg`"${connection.name}": ${result.message}`, {}, 'Edit Connection', 'Show Log');
  if (choice === 'Edit Connection') await deps.forms.show(connection);
  if (choice === 'Show Log') await vscode.commands.executeCommand('planasonix.showLog');
}

/**
 * The connection a command acts on, with its settings: the one an id names (a notification's button, a
 * message node), the one a tree node is in, or one the user picks. Every command resolves it here.
 */
export async function resolveConnection(
  connections: ConnectionsModel,
  target: string | ExplorerNode | undefined,
  prompt: string,
): Promise<Connection | undefined> {
  if (typeof target === 'string') return connections.details(target);
  let current: ExplorerNode | undefined = target;
  while (current && current.kind !== 'connection') current = current.parent;
  if (current) return connections.details(current.connection.id);
  await connections.ready;
  const data = connections.list();
  if (data.length === 0) {
    const add = await notify.info(msg`There are no connections yet.`, {}, 'Add Connection');
    if (add) await vscode.commands.executeCommand('planasonix.connections.add');
    return undefined;
  }
  const picked = await pick(
    data.map((c) => ({
      label: c.name,
      description: `${c.type}${c.scope === 'workspace' ? ' · workspace' : ''}`,
      connection: c,
    })),
    { placeHolder: prompt },
  );
  return picked ? connections.details(picked.connection.id) : undefined;
}
