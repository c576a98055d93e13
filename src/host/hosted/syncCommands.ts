import * as vscode from 'vscode';
import type { ConnectionsModel } from '../../core/api/connectionsModel';
import type { Connection, SecretValues } from '../../core/api/types';
import type { ConnectorRegistry } from '../../core/connectors/registry';
import { ConnectionError, errorMessage } from '../../core/errors';
import type { ExplorerNode } from '../../core/explorer/nodes';
import type { Logger } from '../../core/ports';
import type { SyncReport, WorkspaceSync } from '../../core/sync/workspaceSync';
import { registerCommand } from '../commands/commandHost';
import { resolveConnection } from '../commands/connectionCommands';
import { inertInLabel, inputBox, msg, notify, pick, withNotificationProgress } from '../ui/untrusted';
import { type ConflictEditor } from './conflictEditor';
import type { HostedWorkspace } from './hostedWorkspace';

interface Deps {
  hosted: HostedWorkspace;
  connections: ConnectionsModel;
  registry: ConnectorRegistry;
  logger: Logger;
  conflicts: ConflictEditor;
}

/** Publish, copy, sync now, resolve and unlink: moving connections between this machine and the workspace. */
export function registerSyncCommands(deps: Deps): vscode.Disposable[] {
  const { logger, hosted } = deps;
  const announced = new Set<string>();
  return [
    registerCommand(
      logger,
      'planasonix.hosted.publish',
      'Could not publish the connection',
      async (arg?: string | ExplorerNode) => {
        const connection = await resolveConnection(
          deps.connections,
          arg,
          'Publish which connection to your Planasonix workspace?',
        );
        if (connection) await publish(deps, connection);
      },
    ),
    registerCommand(
      logger,
      'planasonix.hosted.copyToMachine',
      'Could not copy the connection to this machine',
      async (node?: ExplorerNode) => {
        const connection = await resolveConnection(
          deps.connections,
          node,
          'Copy which workspace connection to this machine?',
        );
        if (connection) await copyToMachine(deps, connection);
      },
    ),
    registerCommand(logger, 'planasonix.hosted.syncNow', 'Could not sync with the Planasonix workspace', async () => {
      if (!hosted.sync) return offerSignIn();
      const report = await withNotificationProgress(msg`Syncing with your Planasonix workspace…`, () =>
        hosted.syncNow(),
      );
      if (report) void notify.info(msg`${summary(report)}`);
    }),
    registerCommand(
      logger,
      'planasonix.hosted.resolveConflict',
      'Could not resolve the sync conflict',
      async (arg?: string | ExplorerNode) => {
        const connection = await resolveConnection(deps.connections, arg, 'Resolve which connection?');
        if (!connection) return;
        const sync = requireSync(hosted);
        if (connection.link?.waiting === 'remoteDeleted') return askRemoteDeleted(sync, connection);
        try {
          await deps.conflicts.open(sync, connection);
        } catch (error) {
          if (!ConnectionError.is(error, 'not_found')) throw error;
          await askRemoteDeleted(sync, connection);
        }
      },
    ),
    registerCommand(
      logger,
      'planasonix.hosted.unlink',
      'Could not unlink the connection',
      async (node?: ExplorerNode) => {
        const connection = await resolveConnection(deps.connections, node, 'Unlink which connection?');
        if (!connection?.link) return;
        const choice = await notify.warn(
          msg`Unlink "${connection.name}" from your Planasonix workspace?`,
          { modal: true, detail: 'Both connections stay as they are; changes stop being synced between them.' },
          'Unlink',
        );
        if (choice === 'Unlink') await requireSync(hosted).unlink(connection.id);
      },
    ),
    hosted.onDidSync((report) => announce(deps, report, announced)),
  ];
}

function requireSync(hosted: HostedWorkspace): WorkspaceSync {
  if (!hosted.sync) throw new ConnectionError('auth_failed', 'Sign in to your Planasonix workspace first.');
  return hosted.sync;
}

async function offerSignIn(): Promise<void> {
  const choice = await notify.info(
    msg`Sign in to your Planasonix workspace first.`,
    {},
    'Sign In',
    'Sign In with API Key',
  );
  if (choice === 'Sign In') await vscode.commands.executeCommand('planasonix.hosted.signIn');
  if (choice === 'Sign In with API Key') await vscode.commands.executeCommand('planasonix.hosted.signInWithApiKey');
}

async function publish(deps: Deps, connection: Connection): Promise<void> {
  const sync = deps.hosted.sync;
  if (!sync) return offerSignIn();
  if (connection.scope !== 'user') {
    void notify.info(
      msg`Only connections saved on this machine can be published; "${connection.name}" is ${connection.scope === 'hosted' ? 'already in the workspace' : 'in the workspace file'}.`,
    );
    return;
  }
  const pending = sync.pending().find((op) => op.localId === connection.id);
  if (!pending) {
    let secretNames: string[];
    try {
      ({ secretNames } = await sync.publishPlan(connection.id));
    } catch (error) {
      if (ConnectionError.is(error, 'target_changed')) {
        // The saved password was for another target: it is not published until the user confirms this one.
        await vscode.commands.executeCommand('planasonix.connections.confirmTarget', connection.id);
        return;
      }
      throw error;
    }
    const detail =
      secretNames.length > 0
        ? `Its saved ${secretNames.join(', ')} will be sent once, over HTTPS, to a credential in that workspace and stored there; ` +
          'people with access to the workspace can use the connection. The connection itself carries no secret.'
        : 'It has no saved password: only its settings are published.';
    const choice = await notify.warn(
      msg`Publish "${connection.name}" to your Planasonix workspace at ${deps.hosted.label}?`,
      { modal: true, detail },
      'Publish',
    );
    if (choice !== 'Publish') return;
  }
  try {
    await withNotificationProgress(msg`Publishing "${connection.name}"…`, () => sync.publish(connection.id));
  } catch (error) {
    if (!sync.pending().some((op) => op.localId === connection.id)) throw error;
    const choice = await notify.error(msg`${errorMessage(error)}`, {}, 'Retry', 'Undo');
    if (choice === 'Retry') await vscode.commands.executeCommand('planasonix.hosted.publish', connection.id);
    if (choice === 'Undo')
      await withNotificationProgress(msg`Undoing the publish of "${connection.name}"…`, () =>
        sync.undoPublish(connection.id),
      );
    return;
  }
  void notify.info(msg`"${connection.name}" is now in your Planasonix workspace, linked to this machine's copy.`);
}

async function copyToMachine(deps: Deps, connection: Connection): Promise<void> {
  const sync = deps.hosted.sync;
  if (!sync) return offerSignIn();
  if (connection.scope !== 'hosted') {
    void notify.info(msg`"${connection.name}" is not a workspace connection.`);
    return;
  }
  const spec = deps.registry.find(connection.type);
  const secretFields = spec?.fields.filter((f) => f.secret) ?? [];
  let secrets: SecretValues | undefined;
  if (secretFields.length > 0) {
    const how = await pick(
      [
        {
          label: 'Browse through Planasonix',
          detail: "Its password stays in the workspace's credential; tables and previews come through the API.",
          direct: false,
        },
        {
          label: 'Connect directly from this machine',
          detail: 'Type the password now; it is kept in VS Code secret storage only.',
          direct: true,
        },
      ],
      {
        title: inertInLabel(`Copy "${connection.name}" to this machine`),
        placeHolder: 'The API never returns secrets: how should the copy connect?',
      },
    );
    if (!how) return;
    if (how.direct) {
      secrets = {};
      for (const field of secretFields) {
        const value = await inputBox({ title: `${field.label} for the copy`, password: true, ignoreFocusOut: true });
        if (value === undefined) return;
        if (value !== '') secrets[field.name] = value;
      }
    }
  }
  const taken = deps.connections
    .list()
    .some((c) => c.scope !== 'hosted' && c.name.toLowerCase() === connection.name.toLowerCase());
  let name: string | undefined = connection.name;
  if (taken) {
    name = await inputBox({
      title: inertInLabel(`A connection on this machine is already named "${connection.name}"`),
      prompt: 'Name for the copy on this machine',
      value: `${connection.name} (workspace)`,
      ignoreFocusOut: true,
    });
    if (!name) return;
  }
  const copy = await sync.copyToMachine(connection.id, { name, ...(secrets ? { secrets } : {}) });
  void notify.info(msg`"${copy.name}" is now on this machine, linked to the workspace's connection.`);
}

async function askRemoteDeleted(sync: WorkspaceSync, connection: Connection): Promise<void> {
  const choice = await notify.warn(
    msg`"${connection.name}" was deleted from your Planasonix workspace.`,
    {
      modal: true,
      detail: 'Delete the copy on this machine too, or keep it here as a connection of this machine only?',
    },
    'Keep on This Machine',
    'Delete Here Too',
  );
  if (choice === 'Delete Here Too') await sync.resolveRemoteDeleted(connection.id, 'deleteHere');
  if (choice === 'Keep on This Machine') await sync.resolveRemoteDeleted(connection.id, 'keepHere');
}

/** What a pass did, in a line. */
function summary(report: SyncReport): string {
  const parts = [
    report.pulled.length ? `${report.pulled.length} updated from the workspace` : '',
    report.pushed.length ? `${report.pushed.length} sent to the workspace` : '',
    report.published.length ? `${report.published.length} publish finished` : '',
    report.waiting.length ? `${report.waiting.length} waiting for you` : '',
    report.failed.length ? `${report.failed.length} failed (see the log)` : '',
  ].filter(Boolean);
  return parts.length ? `Synced: ${parts.join(', ')}.` : 'Everything is in sync.';
}

/** Says what needs the user once per occurrence; routine changes go to the log and the status bar. */
function announce(deps: Deps, report: SyncReport, announced: Set<string>): void {
  for (const p of report.pulled) deps.logger.info(`Sync: "${p.name}" updated from the Planasonix workspace.`);
  for (const p of report.pushed) deps.logger.info(`Sync: "${p.name}" sent to the Planasonix workspace.`);
  for (const f of report.failed) deps.logger.warn(`Sync: "${f.name}" could not be synced: ${f.message}`);
  if (report.pulled.length + report.pushed.length > 0)
    vscode.window.setStatusBarMessage(`Planasonix: ${summary(report)}`, 5000);
  // Not awaited: each notification waits for the user on its own, none holds up the others.
  for (const p of report.pulled.filter((x) => x.targetChanged)) {
    void notify
      .warn(
        msg`"${p.name}" was pointed at a new target in your Planasonix workspace. Its password on this machine is not sent there until you confirm.`,
        {},
        'Review Target',
      )
      .then((choice) => choice && vscode.commands.executeCommand('planasonix.connections.confirmTarget', p.localId));
  }
  const current = new Set(report.waiting.map((w) => `${w.localId}:${w.waiting}`));
  for (const key of [...announced]) if (!current.has(key)) announced.delete(key);
  for (const w of report.waiting) {
    const key = `${w.localId}:${w.waiting}`;
    if (announced.has(key)) continue;
    announced.add(key);
    const text =
      w.waiting === 'conflict'
        ? msg`"${w.name}" was changed both on this machine and in your Planasonix workspace. Nothing was overwritten.`
        : msg`"${w.name}" was deleted from your Planasonix workspace. The copy on this machine was kept.`;
    void notify
      .warn(text, {}, w.waiting === 'conflict' ? 'Compare and Resolve…' : 'Decide…')
      .then((choice) => choice && vscode.commands.executeCommand('planasonix.hosted.resolveConflict', w.localId));
  }
}
