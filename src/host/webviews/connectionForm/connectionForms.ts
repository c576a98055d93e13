import { promises as fs } from 'node:fs';
import * as vscode from 'vscode';
import type { Connection, ConnectionConfig, ConnectionScope, ConnectionsApi } from '../../../core/api/types';
import type { ConnectionsModel } from '../../../core/api/connectionsModel';
import { saveConnection, testConnectionDraft } from '../../../core/services/connectionSecrets';
import type { CredentialsApi } from '../../../core/api/credentials';
import type { ConnectorRegistry } from '../../../core/connectors/registry';
import type { ConfigField } from '../../../shared/configField';
import { ConnectionError, errorMessage } from '../../../core/errors';
import type { Logger } from '../../../core/ports';
import {
  connectionFormViewType,
  isFormToHost,
  type FormExchanges,
  type FormInit,
  type FormRequest,
  type FormState,
  type FormToHost,
  type FormValues,
  type HostToForm,
  type SubmitDraft,
} from '../../../shared/protocol/connectionForm';
import { answerTo } from '../../../shared/protocol/requests';
import { WebviewChannel, webviewHtml, webviewOptions } from '../webviewBase';

interface Deps {
  api: ConnectionsApi;
  /** Where the secrets of a connection from a source are kept (the hosted workspace keeps its own). */
  credentialsFor(scope: ConnectionScope | undefined): CredentialsApi;
  connections: ConnectionsModel;
  registry: ConnectorRegistry;
  extensionUri: vscode.Uri;
  logger: Logger;
  /** Called after a save, with the saved connection. */
  onSaved(connection: Connection): void;
}

const newKey = 'new';

/** The connection form panels: one per connection being edited, one for a new connection. */
export class ConnectionForms implements vscode.Disposable {
  private readonly open = new Map<string, ConnectionFormPanel>();

  constructor(private readonly deps: Deps) {}

  /** What each open form was given (its connectors and draft), for a test host to read. */
  get openForms(): readonly FormInit[] {
    return [...this.open.values()].map((form) => form.init);
  }

  /** Opens (or brings forward) the form for a connection, or for a new one. */
  async show(connection?: Connection): Promise<void> {
    const key = connection?.id ?? newKey;
    const existing = this.open.get(key);
    if (existing) {
      existing.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      connectionFormViewType,
      titleFor(connection),
      vscode.ViewColumn.Active,
      webviewOptions(this.deps.extensionUri),
    );
    this.attach(key, panel, this.initFor(connection));
  }

  /** Brings back a panel VS Code kept across a reload; the webview restores what was typed. */
  async restore(panel: vscode.WebviewPanel, state: FormState | undefined): Promise<void> {
    const id = state?.init.connectionId;
    let connection: Connection | undefined;
    if (id) {
      const found = await this.deps.connections.lookup(id);
      if (found.state === 'not_found') {
        // Deleted while the window was closed: nothing to edit.
        panel.dispose();
        return;
      }
      if (found.state === 'unreachable') {
        // Not known to be gone, only not reachable now: the form comes back as it was, typed values and all.
        this.deps.logger.warn(`Restored the form of connection ${id} without checking it: ${found.message}`);
        this.attach(id, panel, state.init);
        return;
      }
      connection = found.connection.summary ? await this.deps.connections.details(id) : found.connection;
    }
    panel.title = titleFor(connection);
    this.attach(id ?? newKey, panel, this.initFor(connection));
  }

  private attach(key: string, panel: vscode.WebviewPanel, init: FormInit): void {
    panel.webview.options = webviewOptions(this.deps.extensionUri);
    const form = new ConnectionFormPanel(panel, init, this.deps);
    this.open.set(key, form);
    panel.onDidDispose(() => {
      if (this.open.get(key) === form) this.open.delete(key);
      form.dispose();
    });
  }

  private initFor(connection: Connection | undefined): FormInit {
    const connectors = this.deps.registry.formChoices();
    if (!connection) {
      return {
        mode: 'create',
        connectors,
        draft: { type: connectors[0].type, name: '', values: {} },
        savedSecrets: [],
      };
    }
    const spec = this.deps.registry.spec(connection.type);
    const values: FormValues = {};
    for (const [k, v] of Object.entries(connection.config)) values[k] = typeof v === 'boolean' ? v : String(v);
    // A workspace connection has a role in Planasonix pipelines: shown, and changed, beside its settings.
    const hosted = connection.scope === 'hosted';
    if (hosted) values[categoryField.name] = connection.category ?? 'source';
    return {
      mode: 'edit',
      connectionId: connection.id,
      ...(connection.scope === 'workspace'
        ? { readOnly: 'Defined in the workspace file: only the password is kept here.' }
        : {}),
      connectors: hosted
        ? connectors.map((c) =>
            c.type === connection.type ? { ...c, fields: [...c.fields.map(keptByWorkspace), categoryField] } : c,
          )
        : connectors,
      draft: { type: connection.type, name: connection.name, values },
      // A workspace connection's secrets stay in the workspace: never sent here, kept unless a new one is typed.
      savedSecrets: connection.credentialId || hosted ? spec.fields.filter((f) => f.secret).map((f) => f.name) : [],
    };
  }

  dispose(): void {
    for (const form of this.open.values()) form.panel.dispose();
  }
}

function titleFor(connection: Connection | undefined): string {
  return connection ? `Edit ${connection.name}` : 'Add Connection';
}

class ConnectionFormPanel implements vscode.Disposable {
  private readonly channel: WebviewChannel<FormToHost, HostToForm>;
  /** The test under way, which Cancel test stops. */
  private testing: { requestId: number; controller: AbortController } | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly init: FormInit,
    private readonly deps: Deps,
  ) {
    this.channel = new WebviewChannel(panel.webview, isFormToHost, (m) => void this.handle(m), deps.logger);
    panel.webview.html = webviewHtml(panel.webview, deps.extensionUri, 'connectionForm');
  }

  private async handle(message: FormToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.channel.post({ type: 'init', init: this.init });
        return;
      case 'cancel':
        this.panel.dispose();
        return;
      case 'pickFile': {
        const files = await vscode.window.showOpenDialog({ canSelectMany: false, title: 'Choose a file' });
        if (files?.[0]) this.channel.post({ type: 'filePicked', field: message.field, path: files[0].fsPath });
        return;
      }
      case 'test':
        return this.test(message);
      case 'cancelTest':
        if (this.testing?.requestId === message.requestId) this.testing.controller.abort();
        return;
      case 'save':
        return this.save(message);
    }
  }

  private async test(asked: FormRequest<'test'>): Promise<void> {
    const { requestId, draft } = asked;
    const answer = (a: FormExchanges['test']['answer']): void =>
      this.channel.post(answerTo<FormExchanges, 'test'>(asked, a));
    const fieldErrors = await this.checkFiles(draft);
    if (Object.keys(fieldErrors).length > 0) {
      answer({
        type: 'testResult',
        outcome: { ok: false, latencyMs: 0, message: 'Fix the highlighted fields first.' },
        fieldErrors,
      });
      return;
    }
    const controller = new AbortController();
    this.testing = { requestId, controller };
    const cancelled = { ok: false, latencyMs: 0, message: 'Test cancelled.', errorCode: 'cancelled' };
    try {
      const existing = this.init.connectionId ? await this.deps.connections.details(this.init.connectionId) : undefined;
      // The form shows the target it tests, so a saved password may go to a connection of the user's own; typed ones go in a short-lived credential.
      const spec = this.deps.registry.spec(draft.type);
      const ctx = { api: this.deps.api, credentials: this.deps.credentialsFor(existing?.scope) };
      const request = {
        type: draft.type,
        config: toConfig(draft),
        secrets: draft.secrets,
        credentialId: existing?.credentialId,
        // A workspace file's target is not the user's own: its saved password goes only where it was saved for.
        targetConfirmed: existing?.scope !== 'workspace',
        ...(existing ? { connectionId: existing.id } : {}),
      };
      const outcome = await testConnectionDraft(ctx, spec, request, { signal: controller.signal });
      answer({ type: 'testResult', outcome: controller.signal.aborted ? cancelled : outcome, fieldErrors: {} });
    } catch (error) {
      const { message, fieldErrors: errors } = describe(error);
      const outcome = controller.signal.aborted ? cancelled : { ok: false, latencyMs: 0, message };
      answer({ type: 'testResult', outcome, fieldErrors: controller.signal.aborted ? {} : errors });
    } finally {
      if (this.testing?.requestId === requestId) this.testing = undefined;
    }
  }

  private async save(asked: FormRequest<'save'>): Promise<void> {
    const { draft } = asked;
    const answer = (a: FormExchanges['save']['answer']): void =>
      this.channel.post(answerTo<FormExchanges, 'save'>(asked, a));
    const fieldErrors = await this.checkFiles(draft);
    if (Object.keys(fieldErrors).length > 0) {
      answer({ type: 'saveResult', ok: false, message: 'Fix the highlighted fields first.', fieldErrors });
      return;
    }
    try {
      const existing = this.init.connectionId ? await this.deps.connections.details(this.init.connectionId) : undefined;
      const spec = this.deps.registry.spec(existing?.type ?? draft.type);
      const ctx = { api: this.deps.api, credentials: this.deps.credentialsFor(existing?.scope) };
      const category = existing?.scope === 'hosted' ? categoryOf(draft) : undefined;
      const saved = await saveConnection(
        ctx,
        spec,
        {
          name: draft.name,
          type: draft.type,
          config: toConfig(draft),
          secrets: draft.secrets,
          ...(category ? { category } : {}),
        },
        existing,
      );
      answer({ type: 'saveResult', ok: true, message: `Saved "${saved.name}".`, fieldErrors: {} });
      this.deps.onSaved(saved);
      this.panel.dispose();
    } catch (error) {
      this.deps.logger.warn(`Saving "${draft.name}" failed: ${errorMessage(error)}`);
      const { message, fieldErrors: errors } = describe(error);
      answer({ type: 'saveResult', ok: false, message, fieldErrors: errors });
    }
  }

  /** Files named in file fields must exist: said next to the field, before anything is sent. */
  private async checkFiles(draft: SubmitDraft): Promise<Record<string, string>> {
    const errors: Record<string, string> = {};
    const spec = this.deps.registry.spec(draft.type);
    for (const field of spec.fields.filter((f) => f.kind === 'file')) {
      const value = draft.values[field.name];
      if (typeof value !== 'string' || value.trim() === '') continue;
      const stat = await fs.stat(value.trim()).catch(() => undefined);
      if (!stat?.isFile()) errors[field.name] = `No file at "${value.trim()}".`;
    }
    return errors;
  }

  dispose(): void {
    this.channel.dispose();
  }
}

/** The role of a workspace connection in Planasonix pipelines (the deployed back end requires one). */
const categoryField: ConfigField = {
  name: 'planasonixCategory',
  label: 'Role in Planasonix pipelines',
  kind: 'enum',
  default: 'source',
  options: [
    { value: 'source', label: 'Source' },
    { value: 'destination', label: 'Destination' },
  ],
  help: 'Pipelines read from a source and write to a destination. Kept by your Planasonix workspace, not by the database.',
};

/** A secret field of a workspace connection: kept there, not in this machine's secret storage. */
function keptByWorkspace(field: ConfigField): ConfigField {
  return field.secret
    ? { ...field, help: 'Kept by your Planasonix workspace, never sent here. Type a new one to replace it there.' }
    : field;
}

function categoryOf(draft: SubmitDraft): string | undefined {
  const v = draft.values[categoryField.name];
  return v === 'source' || v === 'destination' ? v : undefined;
}

/** Form values to connection config: empty fields are left out so the spec's defaults apply. */
function toConfig(draft: SubmitDraft): ConnectionConfig {
  const config: ConnectionConfig = {};
  for (const [k, v] of Object.entries(draft.values)) {
    if (k === categoryField.name) continue;
    if (typeof v === 'string' && v.trim() === '') continue;
    config[k] = v;
  }
  return config;
}

function describe(error: unknown): { message: string; fieldErrors: Record<string, string> } {
  const message = errorMessage(error);
  const field = ConnectionError.is(error) ? error.details?.field : undefined;
  return { message, fieldErrors: field ? { [field]: message } : {} };
}
