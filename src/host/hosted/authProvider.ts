import * as vscode from 'vscode';
import type { HostedWorkspace } from './hostedWorkspace';

/** What an Accounts-menu session carries instead of a token: it is handed to any extension that asks. */
export const sessionMarker = 'planasonix-signed-in (the token is not shared with other extensions)';

/** The Planasonix account in VS Code's Accounts menu, backed by the hosted workspace's sign-in. */
export class PlanasonixAuthProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.emitter.event;
  private last: vscode.AuthenticationSession | undefined;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly workspace: HostedWorkspace) {
    this.subscription = workspace.onDidChangeSignIn(() => void this.announce());
  }

  async getSessions(): Promise<vscode.AuthenticationSession[]> {
    const session = await this.workspace.session();
    const auth = await session?.read();
    // A sign-in made with another server than the one configured now is not offered to anyone.
    const token = auth ? await session?.token().catch(() => undefined) : undefined;
    if (!auth || !token) return [];
    const label = auth.account ?? (auth.kind === 'apiKey' ? 'Planasonix (API key)' : 'Planasonix');
    // The Accounts menu shows the sign-in; the token stays in this extension. Any extension may ask
    // VS Code for this session, so what it carries is a marker, never the token or the API key.
    return [{ id: 'planasonix', accessToken: sessionMarker, account: { id: label, label }, scopes: [] }];
  }

  async createSession(): Promise<vscode.AuthenticationSession> {
    await this.workspace.signInWithDeviceCode();
    const [session] = await this.getSessions();
    if (!session) throw new Error('Signing in to Planasonix did not complete.');
    return session;
  }

  async removeSession(): Promise<void> {
    await this.workspace.signOut();
  }

  private async announce(): Promise<void> {
    const [now] = await this.getSessions();
    const before = this.last;
    this.last = now;
    this.emitter.fire({
      added: now && !before ? [now] : [],
      removed: before && !now ? [before] : [],
      changed: now && before ? [now] : [],
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
