import * as vscode from 'vscode';
import type { CompositeConnectionsApi } from '../../core/api/composite';
import type { ConnectorRegistry } from '../../core/connectors/registry';
import { ConnectionError, errorMessage } from '../../core/errors';
import type { HostedSession } from '../../core/hosted/auth';
import type { HostedConnectionsApi } from '../../core/hosted/hostedConnectionsApi';
import type { HostedCredentialsApi } from '../../core/hosted/hostedCredentialsApi';
import type { HostedSettings } from '../../core/hosted/httpClient';
import { hostedAuthKey } from '../../core/hosted/keys';
import { SignedOutApi } from '../../core/api/signedOut';
import type { Logger, SecretVault } from '../../core/ports';
import { systemClock } from '../../core/ports';
import type { ConnectionsApi } from '../../core/api/types';
import type { CredentialsApi } from '../../core/api/credentials';
import type { ConnectionStore } from '../../core/local/connectionStore';
import type { KeyValueStore } from '../../core/sync/journal';
import type { WorkspacePoller } from '../../core/sync/poller';
import type { SyncReport, WorkspaceSync } from '../../core/sync/workspaceSync';
import { loadHosted, type HostedModule } from './load';
import { approveInBrowser, askForApiKey, sayFailedSignIn } from './signInFlows';
import { WorkspaceChanges } from './workspaceChanges';
import { readHostedConfig } from '../config';
import { msg, notify } from '../ui/untrusted';

/** The client id this extension uses in the device flow. */
const clientId = 'plnx_cli_vscode';

/** This machine's side of sync: its store, its connections API over the store and its credentials. */
export interface LocalSide {
  store: ConnectionStore;
  api: ConnectionsApi;
  credentials: CredentialsApi;
  /** Global state: where interrupted publishes are written down, and whether the user signed out. */
  state: KeyValueStore;
}

const signedOutKey = 'planasonix.hosted.signedOut';

/**
 * The hosted Planasonix workspace as a source of the composite: its lifecycle. Present while signed in,
 * polled for remote changes (workspaceChanges.ts), removed on sign-out. Signing in is by device code
 * (approved in the browser) or an API key (signInFlows.ts says what the user sees); tokens and keys live
 * only in secret storage.
 */
export class HostedWorkspace implements vscode.Disposable {
  private module: { mod: HostedModule; session: HostedSession; poller: WorkspacePoller } | undefined;
  private api: HostedConnectionsApi | undefined;
  private credentialsApi: HostedCredentialsApi | undefined;
  private syncer: WorkspaceSync | undefined;
  /** Polling and Sync Now: what changed in the workspace since the last look. */
  private readonly changes = new WorkspaceChanges(() =>
    this.api && this.syncer ? { api: this.api, sync: this.syncer } : undefined,
  );
  /** Sign-ins under way in this window (their secret-storage writes are not another window's). */
  private signingIn = 0;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires on sign-in and sign-out. */
  readonly onDidChangeSignIn = this.changed.event;
  /** Fires after each sync pass with what it did and what waits for the user. */
  readonly onDidSync = this.changes.onDidSync;

  constructor(
    private readonly vault: SecretVault,
    private readonly composite: CompositeConnectionsApi,
    private readonly registry: ConnectorRegistry,
    private readonly logger: Logger,
    private readonly visible: () => boolean,
    private readonly local: LocalSide,
  ) {}

  /** The hosted client, sign-in and sync: loaded on first use (dist/hosted.js), never at activation. */
  private async loaded(): Promise<{ mod: HostedModule; session: HostedSession; poller: WorkspacePoller }> {
    if (this.module) return this.module;
    const mod = await loadHosted();
    this.module ??= {
      mod,
      session: new mod.HostedSession(this.vault, () => this.settings(), { logger: this.logger }),
      poller: new mod.WorkspacePoller({
        poll: () => this.changes.pollOnce(),
        baseSeconds: () => readHostedConfig().pollSeconds,
        visible: this.visible,
        schedule: (ms, work) => {
          const timer = setTimeout(work, ms);
          timer.unref();
          return { cancel: () => clearTimeout(timer) };
        },
        onError: (error) => this.logger.warn(`Polling the Planasonix workspace failed: ${errorMessage(error)}`),
      }),
    };
    return this.module;
  }

  /** The sign-in kept in secret storage, if any (loads the hosted module only when there is one). */
  async session(): Promise<HostedSession | undefined> {
    if (!this.module && !(await this.vault.get(hostedAuthKey))) return undefined;
    return (await this.loaded()).session;
  }

  /** Sync with the workspace while signed in. */
  get sync(): WorkspaceSync | undefined {
    return this.syncer;
  }

  /** The workspace's address as the user set it (for confirmations). */
  get label(): string {
    const c = readHostedConfig();
    return `${c.baseUrl}${c.organizationId ? ` (organization ${c.organizationId})` : ''}`;
  }

  /** The user is looking (the view was shown, Refresh All): poll now. */
  nudge(): void {
    this.module?.poller.nudge();
  }

  /** Lists the workspace, syncs the links, and tells the model (Sync Now). */
  syncNow(): Promise<SyncReport | undefined> {
    return this.changes.syncNow();
  }

  /** The hosted credentials API while signed in. */
  get credentials(): HostedCredentialsApi | undefined {
    return this.credentialsApi;
  }

  get signedIn(): boolean {
    return this.api !== undefined;
  }

  /** Attaches the workspace if a sign-in was kept from an earlier session. */
  async restore(): Promise<void> {
    const session = await this.session();
    if (session && (await session.read())) this.attach((await this.loaded()).mod);
    // Not signed in: one node says so from the first start, with Sign In (nothing is asked of the server).
    else
      this.composite.setSource(
        'hosted',
        new SignedOutApi(this.local.state.get<boolean>(signedOutKey) ? 'signedOut' : 'never'),
      );
  }

  /**
   * Secret storage's sign-in entry changed (another window of this VS Code signed in, out, or refreshed
   * the tokens): read it again, and attach or detach the workspace to match.
   */
  async secretsChanged(): Promise<void> {
    // This window's own sign-in writes the entry too: it attaches by itself once the key is verified.
    if (this.signingIn > 0 || (!this.module && !(await this.vault.get(hostedAuthKey)))) return;
    const { mod, session } = await this.loaded();
    session.forget();
    const auth = await session.read();
    if (auth && !this.signedIn) {
      this.logger.info('Signed in to the Planasonix workspace in another window: following.');
      this.attach(mod);
    } else if (!auth && this.signedIn) {
      this.logger.info('Signed out of the Planasonix workspace in another window: following.');
      this.detach();
      this.composite.setSource('hosted', new SignedOutApi());
    }
  }

  async signInWithApiKey(): Promise<void> {
    await askForApiKey(this.label, (key) => this.useApiKey(key), this.logger);
  }

  /** Signs in with an API key (kept in secret storage only) and attaches the workspace once it answers. */
  async useApiKey(key: string): Promise<void> {
    const { session } = await this.loaded();
    this.signingIn++;
    try {
      await session.useApiKey(key);
    } catch (error) {
      this.signingIn--;
      throw error;
    }
    await this.verifyAndAttach();
  }

  async signInWithDeviceCode(): Promise<void> {
    try {
      await this.deviceSignIn();
    } catch (error) {
      if (ConnectionError.is(error, 'cancelled')) return;
      await sayFailedSignIn(this.label, error, this.logger, () => this.signInWithDeviceCode());
    }
  }

  private async deviceSignIn(): Promise<void> {
    const { mod, session } = await this.loaded();
    const flow = new mod.DeviceFlow(this.settings(), clientId, { logger: this.logger });
    const start = await flow.start();
    const tokens = await approveInBrowser(start, (signal) => flow.complete(start, signal));
    this.signingIn++;
    await session.signedInWith(tokens).catch((error: unknown) => {
      this.signingIn--;
      throw error;
    });
    await this.verifyAndAttach();
  }

  async signOut(): Promise<void> {
    await (await this.loaded()).session.signOut();
    this.detach();
    await this.local.state.update(signedOutKey, true);
    this.composite.setSource('hosted', new SignedOutApi());
    void notify.info(msg`Signed out of the Planasonix workspace. No token is left on this machine.`);
  }

  /** Lists once with the new credentials, so a wrong key is said now, not at the next refresh. */
  private async verifyAndAttach(): Promise<void> {
    const { mod, session } = await this.loaded();
    const api = this.makeApi(mod);
    try {
      await api.listConnections();
    } catch (error) {
      if (ConnectionError.is(error, 'auth_failed') || ConnectionError.is(error, 'forbidden')) await session.signOut();
      throw error;
    } finally {
      this.signingIn = Math.max(0, this.signingIn - 1);
    }
    this.attach(mod, api);
    void notify.info(msg`Signed in to the Planasonix workspace.`);
  }

  private attach(mod: HostedModule, api = this.makeApi(mod)): void {
    this.api = api;
    this.credentialsApi = new mod.HostedCredentialsApi(this.http(mod));
    this.syncer = new mod.WorkspaceSync(
      {
        store: this.local.store,
        local: this.local.api,
        localCredentials: this.local.credentials,
        vault: this.vault,
        registry: this.registry,
        journal: new mod.SyncJournal(this.local.state),
        clock: systemClock,
        logger: this.logger,
      },
      api,
      this.credentialsApi,
    );
    this.changes.reset();
    this.composite.setSource('hosted', api);
    void this.local.state.update(signedOutKey, undefined);
    this.module?.poller.start();
    this.module?.poller.nudge();
    this.changed.fire();
  }

  private detach(): void {
    this.module?.poller.stop();
    this.api = undefined;
    this.credentialsApi = undefined;
    this.syncer = undefined;
    this.composite.setSource('hosted', undefined);
    this.changed.fire();
  }

  private settings(): HostedSettings {
    const c = readHostedConfig();
    return {
      baseUrl: c.baseUrl,
      pathPrefix: c.pathPrefix,
      ...(c.organizationId ? { organizationId: c.organizationId } : {}),
    };
  }

  private http(mod: HostedModule): InstanceType<HostedModule['HostedHttp']> {
    return new mod.HostedHttp(this.settings(), this.module!.session, { logger: this.logger });
  }

  private makeApi(mod: HostedModule): HostedConnectionsApi {
    return new mod.HostedConnectionsApi(this.http(mod), {
      introspection: readHostedConfig().introspection,
      ...mod.connectorRoles(this.registry),
    });
  }

  dispose(): void {
    this.module?.poller.stop();
    this.changed.dispose();
    this.changes.dispose();
  }
}
