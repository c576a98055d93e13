import * as vscode from 'vscode';
import type { ConnectionConfig, SecretValues } from '../../core/api/types';
import type { ConnectorRegistry } from '../../core/connectors/registry';
import type { ConfigField, ConnectorSpec } from '../../core/connectors/types';
import { isVisible, validateFieldInput } from '../../core/connectors/validation';

export interface ConnectionDraft {
  type: string;
  name: string;
  config: ConnectionConfig;
  /** Only secrets the user typed; a secret left empty keeps the saved one. */
  secrets: SecretValues;
  action: 'test-and-save' | 'save';
}

export interface FlowOptions {
  /** Start from these values (edit, or "edit again" after a failure). */
  draft?: Partial<ConnectionDraft>;
  /** The connection already has saved secrets; empty input keeps them. */
  hasSavedSecrets?: boolean;
  /** Names already in use (other than the one being edited). */
  takenNames: ReadonlySet<string>;
  title: string;
}

const cancelled = Symbol('cancelled');
type Step<T> = T | typeof cancelled;

/**
 * A guided quick-input flow generated from the connector spec. Escape at any step cancels the
 * whole flow and nothing is saved; the caller keeps the draft to offer it again.
 */
export async function runConnectionFlow(registry: ConnectorRegistry, options: FlowOptions): Promise<ConnectionDraft | undefined> {
  const spec = options.draft?.type ? registry.spec(options.draft.type) : await pickConnector(registry, options.title);
  if (!spec) return undefined;
  const config: ConnectionConfig = { ...(options.draft?.config ?? {}) };
  const secrets: SecretValues = { ...(options.draft?.secrets ?? {}) };
  const basic = spec.fields.filter((f) => !f.advanced);
  const total = basic.length + 1;
  let step = 0;
  for (const field of basic) {
    step++;
    if (!isVisible(field, config)) continue;
    const answer = await askField(field, config, secrets, options, `${options.title}: ${spec.label} (${step}/${total})`);
    if (answer === cancelled) return undefined;
  }
  const name = await askName(spec, config, options, `${options.title}: ${spec.label} (${total}/${total})`);
  if (name === cancelled) return undefined;
  for (;;) {
    const action = await pickAction(options.title);
    if (action === undefined) return undefined;
    if (action !== 'advanced') return { type: spec.type, name, config, secrets, action };
    for (const field of spec.fields.filter((f) => f.advanced && isVisible(f, config))) {
      if ((await askField(field, config, secrets, options, `${options.title}: advanced settings`)) === cancelled) return undefined;
    }
  }
}

async function pickConnector(registry: ConnectorRegistry, title: string): Promise<ConnectorSpec | undefined> {
  const picked = await vscode.window.showQuickPick(
    registry.all().map((spec) => ({ label: `$(${spec.icon}) ${spec.label}`, description: spec.type, spec })),
    { title: `${title}: connector`, placeHolder: 'Which kind of connection?', ignoreFocusOut: true },
  );
  return picked?.spec;
}

async function askField(
  field: ConfigField,
  config: ConnectionConfig,
  secrets: SecretValues,
  options: FlowOptions,
  title: string,
): Promise<Step<void>> {
  const current = config[field.name] ?? field.default;
  switch (field.kind) {
    case 'secret': {
      const value = await vscode.window.showInputBox({
        title,
        prompt: options.hasSavedSecrets ? `${field.label}: leave empty to keep the saved one.` : `${field.label}${field.help ? `. ${field.help}` : ''}`,
        placeHolder: options.hasSavedSecrets ? 'unchanged' : undefined,
        password: true,
        ignoreFocusOut: true,
        value: secrets[field.name] ?? '',
      });
      if (value === undefined) return cancelled;
      if (value !== '') secrets[field.name] = value;
      else delete secrets[field.name];
      return;
    }
    case 'enum': {
      const picked = await vscode.window.showQuickPick(
        (field.options ?? []).map((o) => ({ label: o.value, description: o.label.replace(/^[^:]*:\s*/, ''), picked: o.value === current })),
        { title, placeHolder: `${field.label} (now ${String(current ?? 'not set')})`, ignoreFocusOut: true },
      );
      if (!picked) return cancelled;
      config[field.name] = picked.label;
      return;
    }
    case 'boolean': {
      const picked = await vscode.window.showQuickPick(
        [
          { label: 'Yes', value: true },
          { label: 'No', value: false },
        ],
        { title, placeHolder: `${field.label}? (now ${current === true ? 'yes' : 'no'})`, ignoreFocusOut: true },
      );
      if (!picked) return cancelled;
      config[field.name] = picked.value;
      return;
    }
    case 'file': {
      const choose = '$(folder-opened) Choose a file…';
      const none = '$(circle-slash) None';
      const keep = current ? `$(check) Keep ${String(current)}` : undefined;
      const picked = await vscode.window.showQuickPick([...(keep ? [keep] : []), choose, none], {
        title,
        placeHolder: `${field.label}${field.help ? `: ${field.help}` : ''}`,
        ignoreFocusOut: true,
      });
      if (!picked) return cancelled;
      if (picked === none) delete config[field.name];
      if (picked === choose) {
        const files = await vscode.window.showOpenDialog({ canSelectMany: false, title: field.label });
        if (!files?.[0]) return cancelled;
        config[field.name] = files[0].fsPath;
      }
      return;
    }
    default: {
      const value = await vscode.window.showInputBox({
        title,
        prompt: `${field.label}${field.help ? `. ${field.help}` : ''}`,
        placeHolder: field.placeholder,
        value: current === undefined ? '' : String(current),
        ignoreFocusOut: true,
        validateInput: (v) => validateFieldInput(field, v),
      });
      if (value === undefined) return cancelled;
      if (value.trim() === '') delete config[field.name];
      else config[field.name] = field.kind === 'number' ? Number(value.trim()) : value.trim();
      return;
    }
  }
}

async function askName(spec: ConnectorSpec, config: ConnectionConfig, options: FlowOptions, title: string): Promise<Step<string>> {
  const suggestion = options.draft?.name || [config.user, config.host].filter(Boolean).join('@') + (config.database ? `/${String(config.database)}` : '') || spec.label;
  const value = await vscode.window.showInputBox({
    title,
    prompt: 'A name for this connection',
    value: suggestion,
    ignoreFocusOut: true,
    validateInput: (v) => {
      const name = v.trim();
      if (name === '') return 'A connection needs a name.';
      if (options.takenNames.has(name.toLowerCase())) return `A connection named "${name}" already exists.`;
      return undefined;
    },
  });
  return value === undefined ? cancelled : value.trim();
}

async function pickAction(title: string): Promise<ConnectionDraft['action'] | 'advanced' | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: '$(plug) Test and save', value: 'test-and-save' as const },
      { label: '$(save) Save without testing', value: 'save' as const },
      { label: '$(gear) Advanced settings…', description: 'timeouts, system schemas', value: 'advanced' as const },
    ],
    { title, placeHolder: 'Ready', ignoreFocusOut: true },
  );
  return picked?.value;
}
