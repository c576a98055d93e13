/**
 * The connection form: connector picker and fields generated from the connector spec, inline
 * validation with the same rules core enforces, test without saving, save. Runs in the webview.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { ConfigField } from '../../shared/configField';
import { checkInput } from '../../shared/fieldValidation';
import type {
  ConnectorChoice,
  FormDraft,
  FormInit,
  FormState,
  FormToHost,
  FormValues,
  HostToForm,
  SubmitDraft,
} from '../../shared/protocol/connectionForm';
import { Latest } from '../../shared/protocol/requests';
import { el, vscodeApi } from '../common/vscodeApi';
import { formCss } from './style';

interface TextField extends HTMLElement {
  value: string;
  invalid: boolean;
  type: string;
  placeholder: string | undefined;
  disabled: boolean;
}
interface Select extends HTMLElement {
  value: string;
  disabled: boolean;
}
interface Checkbox extends HTMLElement {
  checked: boolean;
  disabled: boolean;
}

const vscode = vscodeApi<FormState, FormToHost>();
const sheet = new CSSStyleSheet();
sheet.replaceSync(formCss);
document.adoptedStyleSheets = [sheet];

const root = document.getElementById('root')!;
let init: FormInit | undefined;
let draft: FormDraft | undefined;
const secrets = new Map<string, string>();
const controls = new Map<
  string,
  { field: ConfigField; wrapper: HTMLElement; control: HTMLElement; error: HTMLElement }
>();
let nameControl: { control: TextField; error: HTMLElement } | undefined;
let status: HTMLElement;
/** The latest test or save asked for: an answer to an earlier one is dropped. */
const latest = new Latest();

function connector(): ConnectorChoice {
  return init!.connectors.find((c) => c.type === draft!.type) ?? init!.connectors[0];
}

function persist(): void {
  // The state never holds a secret: only the non-secret values typed so far.
  if (init && draft) vscode.setState({ init, draft });
}

function render(): void {
  root.replaceChildren();
  controls.clear();
  const spec = connector();
  root.append(el('h1', {}, init!.mode === 'create' ? 'Add connection' : `Edit ${draft!.name || spec.label}`));
  if (init!.readOnly) root.append(el('div', { class: 'notice', role: 'note' }, init!.readOnly));

  const picker = el('div', { class: 'connectors', role: 'radiogroup', 'aria-label': 'Connector' });
  for (const choice of init!.connectors) {
    const button = el('button', {
      class: 'connector',
      role: 'radio',
      'aria-checked': String(choice.type === spec.type),
      'data-type': choice.type,
    });
    button.append(
      el('span', { class: `codicon codicon-${choice.icon}`, 'aria-hidden': 'true' }),
      el('span', {}, choice.label),
    );
    if (init!.mode === 'edit') button.setAttribute('disabled', '');
    button.addEventListener('click', () => {
      if (draft!.type === choice.type) return;
      draft = { ...draft!, type: choice.type, values: {} };
      secrets.clear();
      persist();
      render();
    });
    picker.append(button);
  }
  root.append(picker);

  root.append(nameField());
  const advanced = el('vscode-collapsible', { title: 'Advanced' });
  for (const field of spec.fields) {
    const node = fieldNode(field);
    (field.advanced ? advanced : root).append(node);
  }
  if (advanced.childElementCount > 0) root.append(advanced);
  updateVisibility();

  const actions = el('div', { class: 'actions' });
  const test = el('vscode-button', { secondary: '', id: 'test' }, 'Test connection');
  const save = el('vscode-button', { id: 'save' }, init!.mode === 'create' ? 'Save' : 'Save changes');
  const cancel = el('vscode-button', { secondary: '', id: 'cancel' }, 'Cancel');
  test.addEventListener('click', () => submit('test'));
  save.addEventListener('click', () => submit('save'));
  cancel.addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
  actions.append(test, save, cancel);
  status = el('div', { class: 'status', role: 'status', 'aria-live': 'polite', id: 'status' });
  root.append(actions, status);
}

function nameField(): HTMLElement {
  const wrapper = el('div', { class: 'field' });
  const control = el('vscode-textfield', { id: 'field-name', name: 'name' }) as TextField;
  control.value = draft!.name;
  control.disabled = Boolean(init!.readOnly);
  const error = el('div', { class: 'error', role: 'alert', id: 'error-name' });
  control.addEventListener('input', () => {
    draft = { ...draft!, name: control.value };
    error.textContent = '';
    control.invalid = false;
    persist();
  });
  wrapper.append(el('vscode-label', { for: 'field-name', required: '' }, 'Name'), control, error);
  nameControl = { control, error };
  return wrapper;
}

function fieldNode(field: ConfigField): HTMLElement {
  const id = `field-${field.name}`;
  const wrapper = el('div', { class: 'field', 'data-field': field.name });
  const error = el('div', { class: 'error', role: 'alert', id: `error-${field.name}` });
  const stored = draft!.values[field.name];
  let control: HTMLElement;
  const locked = Boolean(init!.readOnly) && !field.secret;
  if (field.kind === 'enum') {
    const select = el('vscode-single-select', { id, name: field.name }) as Select;
    for (const option of field.options ?? [])
      select.append(el('vscode-option', { value: option.value, description: option.label }, option.value));
    select.value = String(stored ?? field.default ?? field.options?.[0]?.value ?? '');
    select.disabled = locked;
    select.addEventListener('change', () => onValue(field, select.value));
    control = select;
  } else if (field.kind === 'boolean') {
    const box = el('vscode-checkbox', { id, name: field.name, label: field.label }) as Checkbox;
    box.checked = stored === undefined ? field.default === true : stored === true || stored === 'true';
    box.disabled = locked;
    box.addEventListener('change', () => onValue(field, box.checked));
    control = box;
  } else {
    const text = el('vscode-textfield', { id, name: field.name }) as TextField;
    if (field.kind === 'secret') {
      text.type = 'password';
      // A saved secret is never sent here; empty keeps it.
      text.placeholder = init!.savedSecrets.includes(field.name) ? 'unchanged' : (field.placeholder ?? '');
      text.value = secrets.get(field.name) ?? '';
    } else {
      if (field.kind === 'number') text.type = 'number';
      text.placeholder = field.placeholder ?? (field.default !== undefined ? String(field.default) : '');
      text.value = stored === undefined ? (field.default !== undefined ? String(field.default) : '') : String(stored);
    }
    text.disabled = locked;
    text.addEventListener('input', () => onValue(field, text.value));
    text.addEventListener('blur', () => showError(field.name, validate(field)));
    control = text;
  }
  const label = el('vscode-label', { for: id, ...(field.required ? { required: '' } : {}) }, field.label);
  if (field.kind === 'boolean') wrapper.append(control);
  else if (field.kind === 'file') {
    const row = el('div', { class: 'row' });
    const browse = el('vscode-button', { secondary: '', 'data-browse': field.name }, 'Browse…');
    browse.addEventListener('click', () => vscode.postMessage({ type: 'pickFile', field: field.name }));
    row.append(control, browse);
    wrapper.append(label, row);
  } else wrapper.append(label, control);
  if (field.help) wrapper.append(el('div', { class: 'help' }, field.help));
  wrapper.append(error);
  controls.set(field.name, { field, wrapper, control, error });
  return wrapper;
}

function onValue(field: ConfigField, value: string | boolean): void {
  if (field.secret) secrets.set(field.name, String(value));
  else draft = { ...draft!, values: { ...draft!.values, [field.name]: value } };
  showError(field.name, undefined);
  persist();
  updateVisibility();
}

function currentValue(field: ConfigField): string | boolean {
  if (field.secret) return secrets.get(field.name) ?? '';
  const value = draft!.values[field.name];
  if (value !== undefined) return value;
  if (field.kind === 'boolean') return field.default === true;
  return field.default !== undefined ? String(field.default) : '';
}

function visible(field: ConfigField, values: FormValues): boolean {
  if (!field.visibleWhen) return true;
  const other =
    values[field.visibleWhen.field] ?? connector().fields.find((f) => f.name === field.visibleWhen!.field)?.default;
  return typeof other === 'string' && field.visibleWhen.values.includes(other);
}

function updateVisibility(): void {
  for (const { field, wrapper } of controls.values()) wrapper.hidden = !visible(field, draft!.values);
}

function validate(field: ConfigField): string | undefined {
  if (!visible(field, draft!.values)) return undefined;
  // A secret may be left empty where one is saved (it is kept); a required one is needed otherwise.
  if (field.secret)
    return field.required && !secrets.get(field.name) && !init!.savedSecrets.includes(field.name)
      ? `${field.label} is required.`
      : undefined;
  return checkInput(field, currentValue(field));
}

function showError(name: string, message: string | undefined): void {
  const entry = name === 'name' ? nameControl : controls.get(name);
  if (!entry) return;
  entry.error.textContent = message ?? '';
  (entry.control as TextField).invalid = Boolean(message);
}

function collect(): SubmitDraft | undefined {
  let firstInvalid: HTMLElement | undefined;
  if (!draft!.name.trim() && !init!.readOnly) {
    showError('name', 'A connection needs a name.');
    firstInvalid = nameControl!.control;
  }
  for (const { field, control } of controls.values()) {
    const problem = validate(field);
    showError(field.name, problem);
    if (problem && !firstInvalid) firstInvalid = control;
  }
  if (firstInvalid) {
    firstInvalid.focus();
    setStatus('fail', 'Fix the highlighted fields first.');
    return undefined;
  }
  const values: FormValues = {};
  for (const { field } of controls.values()) {
    if (field.secret || !visible(field, draft!.values)) continue;
    values[field.name] = currentValue(field);
  }
  const typedSecrets: Record<string, string> = {};
  for (const [k, v] of secrets) if (v !== '') typedSecrets[k] = v;
  return { type: draft!.type, name: draft!.name.trim(), values, secrets: typedSecrets };
}

function submit(kind: 'test' | 'save'): void {
  const submitted = collect();
  if (!submitted) return;
  const requestId = latest.issue();
  setStatus('busy', kind === 'test' ? 'Testing the connection…' : 'Saving…');
  if (kind === 'test') {
    // A host that never answers keeps a test waiting up to its connect timeout: the user may stop it.
    const stop = el('vscode-button', { secondary: '', id: 'cancel-test' }, 'Cancel test');
    stop.addEventListener('click', () => vscode.postMessage({ type: 'cancelTest', requestId }));
    status.append(stop);
  }
  vscode.postMessage({ type: kind, requestId, draft: submitted });
}

function setStatus(kind: 'ok' | 'fail' | 'busy', text: string): void {
  status.className = `status ${kind}`;
  status.textContent = text;
  if (kind === 'busy') status.prepend(el('vscode-progress-ring', { 'aria-hidden': 'true' }));
}

function applyFieldErrors(errors: Record<string, string>): void {
  for (const [name, message] of Object.entries(errors)) showError(name, message);
}

window.addEventListener('message', (event: MessageEvent<HostToForm>) => {
  const message = event.data;
  switch (message.type) {
    case 'init': {
      const saved = vscode.getState();
      init = message.init;
      // A restored panel keeps what was typed before it was hidden or reloaded.
      draft = saved && saved.init.connectionId === message.init.connectionId ? saved.draft : message.init.draft;
      persist();
      render();
      return;
    }
    case 'filePicked': {
      const entry = controls.get(message.field);
      if (!entry) return;
      (entry.control as TextField).value = message.path;
      onValue(entry.field, message.path);
      return;
    }
    case 'testResult':
      if (!latest.answers(message)) return;
      applyFieldErrors(message.fieldErrors);
      if (message.outcome.ok) {
        setStatus(
          'ok',
          `Connected in ${message.outcome.latencyMs} ms${message.outcome.serverVersion ? ` · ${message.outcome.serverVersion}` : ''}`,
        );
      } else if (message.outcome.errorCode === 'cancelled') {
        setStatus('fail', 'Test cancelled.');
      } else {
        setStatus('fail', `Connection failed: ${message.outcome.message}`);
      }
      return;
    case 'saveResult':
      if (!latest.answers(message)) return;
      applyFieldErrors(message.fieldErrors);
      setStatus(message.ok ? 'ok' : 'fail', message.ok ? message.message : `Not saved: ${message.message}`);
      return;
  }
});

vscode.postMessage({ type: 'ready' });
