import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { msg, notify } from './ui/untrusted';
import { ConnectorRegistry } from '../core/connectors/registry';
import type { ExplorerNode } from '../core/explorer/nodes';
import { CompositeConnectionsApi } from '../core/api/composite';
import { ConnectionsModel } from '../core/api/connectionsModel';
import type { ConnectionsApi } from '../core/api/types';
import type { CredentialsApi } from '../core/api/credentials';
import { LocalConnectionsApi, maxRowLimit } from '../core/local/localConnectionsApi';
import { StoreRecords } from '../core/local/records';
import { LocalCredentialsApi } from '../core/local/localCredentials';
import { registerCommand } from './commands/commandHost';
import { PlanasonixAuthProvider } from './hosted/authProvider';
import { HostedWorkspace } from './hosted/hostedWorkspace';
import { hostedAuthKey } from '../core/hosted/keys';
import { ConnectionBadges } from './explorer/connectionBadges';
import { ConflictEditor } from './hosted/conflictEditor';
import { registerSyncCommands } from './hosted/syncCommands';
import { offerSampleConnection, shippedSample } from '../core/local/sampleConnection';
import { errorMessage } from '../core/errors';
import { systemClock } from '../core/ports';
import { ConnectionStore } from '../core/local/connectionStore';
import { OutputLogger, VscodeSecretVault } from './adapters';
import { registerConnectionCommands } from './commands/connectionCommands';
import { registerExplorerCommands } from './commands/explorerCommands';
import { readSettings } from './config';
import { ConnectionsTreeProvider } from './explorer/connectionsTreeProvider';
import { WorkspaceConnectionsModel } from './workspaceConnectionsModel';
import { ConnectionForms } from './webviews/connectionForm/connectionForms';
import { ResultPanels } from './webviews/results/resultPanels';
import { ValueDocuments, valueScheme } from './webviews/results/valueDocuments';
import { EditorBindings } from './query/bindings';
import { registerQueryFeatures } from './query/queryFeatures';
import { QueryHistory } from '../core/query/history';
import { errorMessage as messageOf } from '../core/errors';
import { removeSpoolFolder, sweepStaleSpoolFolders } from '../core/results/resultSet';
import { resultsViewType } from '../shared/protocol/results';
import { connectionFormViewType, type FormState } from '../shared/protocol/connectionForm';

/** What activate returns: used by the extension-host tests, not a public API. */
export interface PlanasonixTestApi {
  api: ConnectionsApi;
  credentials: CredentialsApi;
  connections: ConnectionsModel;
  explorer: ConnectionsTreeProvider;
  forms: ConnectionForms;
  results: ResultPanels;
  bindings: EditorBindings;
  history: QueryHistory;
  treeView: vscode.TreeView<ExplorerNode>;
  hosted: HostedWorkspace;
  /**
   * The one secret-storage entry of the Planasonix sign-in, to check what is (and is not) kept there and
   * to play another window: never the whole secret storage, not even to a test.
   */
  signInEntry: { get(): Thenable<string | undefined>; store(value: string): Thenable<void>; delete(): Thenable<void> };
  /** The Accounts-menu provider: what VS Code hands any extension that asks for a Planasonix session. */
  accounts: PlanasonixAuthProvider;
  ready: Promise<unknown>;
  storeFile: string;
  /** Milliseconds spent inside activate(), for the activate_ms benchmark. */
  activationMs: number;
}

let shutdown: (() => Promise<void>) | undefined;

/**
 * Composition root: build the services, register them, return. Nothing here loads a driver. What it
 * returns is the extension's exports, which every other extension can read: the internals (secret
 * storage among them) are returned only to a test host, which sets PLANASONIX_TEST_API.
 */
export function activate(context: vscode.ExtensionContext): PlanasonixTestApi | undefined {
  const started = performance.now();
  const channel = vscode.window.createOutputChannel('Planasonix Connections', { log: true });
  const logger = new OutputLogger(channel);
  const registry = new ConnectorRegistry();
  const store = new ConnectionStore(
    path.join(context.globalStorageUri.fsPath, 'connections.json'),
    logger,
    systemClock,
  );
  const workspace = new WorkspaceConnectionsModel(registry, logger);
  const settings = readSettings;
  const vault = new VscodeSecretVault(context.secrets);
  // Secrets live in credentials, apart from connections: on this machine, in VS Code's secret storage.
  const credentials = new LocalCredentialsApi(vault, systemClock);
  const local = {
    vault,
    registry,
    logger,
    clock: systemClock,
    limits: () => {
      const s = settings();
      return { defaultRowLimit: s.queryRowLimit, maxRowLimit, defaultTimeoutMs: s.queryTimeoutSeconds * 1000 };
    },
    sessionIdleMs: settings().sessionIdleMinutes * 60_000,
  };
  // Each source of connections is its own back end; the composite merges them (the hosted workspace joins here).
  const userApi = new LocalConnectionsApi({ ...local, records: new StoreRecords(store) });
  const api = new CompositeConnectionsApi([
    { scope: 'user', api: userApi },
    { scope: 'workspace', api: new LocalConnectionsApi({ ...local, records: workspace }) },
  ]);
  const connections = new ConnectionsModel(api);
  // The hosted workspace joins the composite while the user is signed in.
  const viewState = { visible: false };
  const hosted = new HostedWorkspace(vault, api, registry, logger, () => viewState.visible, {
    store,
    api: userApi,
    credentials,
    state: context.globalState,
  });
  const accounts = new PlanasonixAuthProvider(hosted);

  const ready = Promise.all([
    store.load().then(async (report) => {
      for (const problem of report.problems) {
        logger.error(problem);
        void notify.error(msg`${problem}`, {}, 'Show Log').then((c) => c && channel.show());
      }
      if (report.readOnlyReason) return;
      const sample = shippedSample(registry, context.extensionUri.fsPath);
      if (!sample) return;
      const flags = {
        get: (k: string) => context.globalState.get<boolean>(k) === true,
        set: (k: string, v: boolean) => context.globalState.update(k, v),
      };
      await offerSampleConnection(api, flags, sample, context.globalStorageUri.fsPath).catch((error: unknown) =>
        logger.warn(`Could not add the sample connection: ${errorMessage(error)}`),
      );
    }),
    workspace.reload(),
    hosted
      .restore()
      .catch((error: unknown) =>
        logger.warn(`The Planasonix workspace sign-in could not be restored: ${errorMessage(error)}`),
      ),
  ]).then(() => connections.refresh());
  const explorer = new ConnectionsTreeProvider(api, connections, registry, ready, () => settings().explorerPageSize);
  const treeView = vscode.window.createTreeView('planasonix.connections', {
    treeDataProvider: explorer,
    showCollapseAll: true,
  });
  viewState.visible = treeView.visible;
  const forms = new ConnectionForms({
    api,
    // A hosted connection's secrets go to the hosted credentials API; everything else stays on this machine.
    credentialsFor: (scope) => (scope === 'hosted' && hosted.credentials ? hosted.credentials : credentials),
    registry,
    extensionUri: context.extensionUri,
    logger,
    connections,
    onSaved: (connection) => void notify.info(msg`Connection "${connection.name}" saved.`),
  });

  const values = new ValueDocuments();
  const history = new QueryHistory(path.join(context.globalStorageUri.fsPath, 'query-history.json'), logger);
  const results = new ResultPanels({
    api,
    connections,
    extensionUri: context.extensionUri,
    logger,
    previewLimit: () => settings().previewRowLimit,
    queryLimit: () => settings().queryRowLimit,
    queryTimeoutMs: () => settings().queryTimeoutSeconds * 1000,
    escapeCsvFormulas: () => settings().csvEscapeFormulas,
    showValue: (title, content, language) => values.show(title, content, language),
    // Cancel Test Query is in the palette only while a test query runs.
    onRunChange: () =>
      void vscode.commands.executeCommand(
        'setContext',
        'planasonix.query.running',
        results.panels.some((p) => p.running && p.state.source.kind === 'query'),
      ),
    onQueryFinished: (source, result, startedAt, durationMs) => {
      void history
        .add({
          connectionId: source.connectionId,
          connectionName: source.connectionName,
          sql: source.sql ?? '',
          catalog: source.catalog,
          schema: source.schema,
          at: startedAt.toISOString(),
          durationMs,
          rows: result.rowCount,
          truncated: result.stats?.truncated,
          status: result.phase === 'done' ? 'ok' : result.phase === 'cancelled' ? 'cancelled' : 'failed',
          message: result.phase === 'done' ? undefined : messageOf(result.error),
        })
        .catch((error: unknown) => logger.warn(`Query history not saved: ${messageOf(error)}`));
    },
  });
  const conflicts = new ConflictEditor(context.globalStorageUri.fsPath);
  const bindings = new EditorBindings(context.workspaceState, api, connections, registry);

  let teamIds = new Set<string>();
  context.subscriptions.push(
    hosted,
    treeView.onDidCollapseElement((e) => explorer.cancel(e.element)),
    treeView.onDidChangeVisibility((e) => {
      viewState.visible = e.visible;
      if (e.visible) hosted.nudge();
    }),
    hosted.onDidChangeSignIn(
      () => void vscode.commands.executeCommand('setContext', 'planasonix.hosted.signedIn', hosted.signedIn),
    ),
    // What belongs to the workspace (its connections, and copies browsed through it) is not left open after a sign-out.
    connections.onDidChange(() => {
      if (hosted.signedIn)
        teamIds = new Set(
          connections.list().flatMap((c) => (c.scope === 'hosted' || c.link?.via === 'hosted' ? [c.id] : [])),
        );
    }),
    hosted.onDidChangeSignIn(() => {
      if (hosted.signedIn || teamIds.size === 0) return;
      const closed = results.closeFor(teamIds);
      teamIds = new Set();
      if (closed > 0)
        logger.info(`Signed out of the Planasonix workspace: closed ${closed} result panel(s) of its connections.`);
    }),
    vscode.window.registerFileDecorationProvider(new ConnectionBadges()),
    // Another window signed in, out, or refreshed the shared sign-in: this one follows.
    context.secrets.onDidChange((e) => {
      if (e.key === hostedAuthKey)
        hosted
          .secretsChanged()
          .catch((error: unknown) => logger.warn(`Following a sign-in change failed: ${errorMessage(error)}`));
    }),
    conflicts,
    ...registerSyncCommands({ hosted, connections, registry, logger, conflicts }),
    vscode.authentication.registerAuthenticationProvider('planasonix', 'Planasonix', accounts, {
      supportsMultipleAccounts: false,
    }),
    registerCommand(logger, 'planasonix.hosted.signIn', 'Could not sign in to Planasonix', () =>
      hosted.signInWithDeviceCode(),
    ),
    registerCommand(logger, 'planasonix.hosted.signInWithApiKey', 'Could not sign in to Planasonix', () =>
      hosted.signInWithApiKey(),
    ),
    registerCommand(logger, 'planasonix.hosted.signOut', 'Could not sign out of Planasonix', () => hosted.signOut()),
    channel,
    workspace,
    explorer,
    treeView,
    // Any source changed (here, in another window, in the workspace file): the model lists again, then the views follow.
    connections.onDidChange(() => {
      explorer.refresh();
      void bindings.refresh();
    }),
    { dispose: () => connections.dispose() },
    vscode.commands.registerCommand('planasonix.showLog', () => channel.show()),
    forms,
    vscode.window.registerWebviewPanelSerializer(connectionFormViewType, {
      deserializeWebviewPanel: (panel, state: unknown) => forms.restore(panel, state as FormState | undefined),
    }),
    results,
    vscode.workspace.registerTextDocumentContentProvider(valueScheme, values),
    vscode.window.registerWebviewPanelSerializer(resultsViewType, {
      deserializeWebviewPanel: (panel, state: unknown) => results.restore(panel, state),
    }),
    ...registerConnectionCommands({ api, connections, logger, forms, sync: () => hosted.sync }),
    ...registerExplorerCommands({ api, connections, registry, explorer, logger, results }),
    bindings,
    ...registerQueryFeatures({
      api,
      connections,
      registry,
      bindings,
      results,
      history,
      logger,
      codeLensEnabled: () => settings().queryCodeLens,
    }),
  );
  // Later, off the activation path: result spools that a crashed window left in the temp folder.
  setTimeout(() => void sweepStaleSpoolFolders().catch(() => undefined), 30_000).unref();
  shutdown = async () => {
    results.dispose();
    await api.dispose();
    await removeSpoolFolder();
  };
  if (process.env.PLANASONIX_TEST_API !== '1') return undefined;
  return {
    api,
    credentials,
    connections,
    explorer,
    forms,
    results,
    bindings,
    history,
    treeView,
    hosted,
    accounts,
    signInEntry: {
      get: () => context.secrets.get(hostedAuthKey),
      store: (value: string) => context.secrets.store(hostedAuthKey, value),
      delete: () => context.secrets.delete(hostedAuthKey),
    },
    ready,
    storeFile: store.file,
    activationMs: performance.now() - started,
  };
}

export async function deactivate(): Promise<void> {
  await shutdown?.();
}
