import * as vscode from 'vscode';
import type { Connection, ConnectionsApi, TestConnectionResponse } from '../../core/api/types';
import type { ConnectorRegistry } from '../../core/connectors/registry';
import { ConnectionError, errorMessage } from '../../core/errors';
import type { ConnectionNode, ExplorerNode } from '../../core/explorer/nodes';
import type { Logger } from '../../core/ports';
import type { ConnectionsTreeProvider } from '../explorer/connectionsTreeProvider';
import { registerCommand, withCancellableProgress } from './commandHost';
import { runConnectionFlow, type ConnectionDraft } from './connectionInputFlow';

interface Deps {
  api: ConnectionsApi;
  registry: ConnectorRegistry;
  explorer: ConnectionsTreeProvider;
  logger: Logger;
}

/** Add, edit, delete and test connections. */
export function registerConnectionCommands(deps: Deps): vscode.Disposable[] {
  const { logger } = deps;
  return [
    registerCommand(logger, 'planasonix.connections.add', 'Could not add the connection', () => addConnection(deps)),
    registerCommand(logger, 'planasonix.connections.edit', 'Could not edit the connection', async (node?: ExplorerNode) =>
      editConnection(deps, await resolveConnection(deps.api, node, 'Edit which connection?')),
    ),
    registerCommand(logger, 'planasonix.connections.delete', 'Could not delete the connection', async (node?: ExplorerNode) =>
      deleteConnection(deps, await resolveConnection(deps.api, node, 'Delete which connection?')),
    ),
    registerCommand(logger, 'planasonix.connections.test', 'Could not test the connection', async (node?: ExplorerNode) =>
      testConnection(deps, await resolveConnection(deps.api, node, 'Test which connection?')),
    ),
  ];
}

async function takenNames(api: ConnectionsApi, exceptId?: string): Promise<Set<string>> {
  const { data } = await api.listConnections();
  return new Set(data.filter((c) => c.id !== exceptId).map((c) => c.name.toLowerCase()));
}

async function addConnection(deps: Deps): Promise<Connection | undefined> {
  let draft: Partial<ConnectionDraft> | undefined;
  for (;;) {
    const result = await runConnectionFlow(deps.registry, { draft, takenNames: await takenNames(deps.api), title: 'Add Connection' });
    if (!result) return undefined;
    draft = result;
    const tested = result.action === 'test-and-save' ? await testDraft(deps, result) : undefined;
    if (tested && !tested.ok) {
      const choice = await vscode.window.showErrorMessage(
        `Connection test failed: ${tested.message} "${result.name}" was not saved.`,
        'Edit Again',
        'Save Anyway',
      );
      if (choice === 'Edit Again') continue;
      if (choice !== 'Save Anyway') return undefined;
    }
    try {
      const created = await deps.api.createConnection({ name: result.name, type: result.type, config: result.config, secrets: result.secrets });
      void vscode.window.showInformationMessage(`Connection "${created.name}" saved${testedSuffix(tested)}`);
      return created;
    } catch (error) {
      if (!retryable(error)) throw error;
      const choice = await vscode.window.showErrorMessage(`"${result.name}" was not saved: ${(error as Error).message}`, 'Edit Again');
      if (choice !== 'Edit Again') return undefined;
    }
  }
}

async function editConnection(deps: Deps, connection: Connection | undefined): Promise<void> {
  if (!connection) return;
  const spec = deps.registry.spec(connection.type);
  if (connection.scope === 'workspace') {
    const secretField = spec.fields.find((f) => f.secret);
    if (!secretField) {
      void vscode.window.showInformationMessage(`"${connection.name}" is defined in the workspace file; edit that file to change it.`);
      return;
    }
    const value = await vscode.window.showInputBox({
      title: `${connection.name}: ${secretField.label}`,
      prompt: `"${connection.name}" comes from the workspace file; only its ${secretField.label.toLowerCase()} is kept here, in your secret storage.`,
      password: true,
      ignoreFocusOut: true,
    });
    if (value === undefined) return;
    await deps.api.updateConnection(connection.id, { secrets: { [secretField.name]: value } });
    deps.explorer.refresh();
    return;
  }
  let draft: Partial<ConnectionDraft> = { type: connection.type, name: connection.name, config: connection.config, secrets: {} };
  for (;;) {
    const result = await runConnectionFlow(deps.registry, {
      draft,
      hasSavedSecrets: connection.credentialId !== undefined,
      takenNames: await takenNames(deps.api, connection.id),
      title: `Edit ${connection.name}`,
    });
    if (!result) return;
    draft = result;
    const tested = result.action === 'test-and-save' ? await testDraft(deps, result, connection.credentialId) : undefined;
    if (tested && !tested.ok) {
      const choice = await vscode.window.showErrorMessage(
        `Connection test failed: ${tested.message} Changes to "${result.name}" were not saved.`,
        'Edit Again',
        'Save Anyway',
      );
      if (choice === 'Edit Again') continue;
      if (choice !== 'Save Anyway') return;
    }
    try {
      await deps.api.updateConnection(connection.id, { name: result.name, config: result.config, secrets: result.secrets });
      void vscode.window.showInformationMessage(`Connection "${result.name}" updated${testedSuffix(tested)}`);
      return;
    } catch (error) {
      if (!retryable(error)) throw error;
      const choice = await vscode.window.showErrorMessage(`Changes were not saved: ${(error as Error).message}`, 'Edit Again');
      if (choice !== 'Edit Again') return;
    }
  }
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
  if (choice === 'Edit Connection') await editConnection(deps, connection);
  if (choice === 'Show Log') await vscode.commands.executeCommand('planasonix.showLog');
}

/** Tests a draft without saving it; a failure comes back as a result, never as an exception. */
async function testDraft(deps: Deps, draft: ConnectionDraft, credentialId?: string): Promise<TestConnectionResponse> {
  try {
    return await withCancellableProgress(`Testing "${draft.name}"…`, (signal) =>
      deps.api.testConnection({ type: draft.type, config: draft.config, secrets: draft.secrets, credentialId }, { signal }),
    );
  } catch (error) {
    return { ok: false, latencyMs: 0, message: errorMessage(error) };
  }
}

function testedSuffix(result: TestConnectionResponse | undefined): string {
  if (!result) return '.';
  return ` · connected in ${result.latencyMs} ms${result.serverVersion ? ` · ${result.serverVersion}` : ''}`;
}

function retryable(error: unknown): boolean {
  return ConnectionError.is(error, 'name_taken') || ConnectionError.is(error, 'invalid_config');
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
