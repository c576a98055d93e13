/**
 * Messages between the connection form webview and the extension host, declared once and imported
 * by both sides. Secret values travel only in `test`/`save` requests, never in init or state.
 */
import type { ConfigField } from '../configField';
import { isObject } from '../isObject';
import type { AnswerOf, RequestOf } from './requests';

export const connectionFormViewType = 'planasonix.connectionForm';

export interface ConnectorChoice {
  type: string;
  label: string;
  icon: string;
  fields: ConfigField[];
}

/** Values as typed in the form: text for text and numbers, booleans for checkboxes. No secrets. */
export type FormValues = Record<string, string | boolean>;

export interface FormDraft {
  type: string;
  name: string;
  values: FormValues;
}

export interface FormInit {
  mode: 'create' | 'edit';
  connectionId?: string;
  /** Workspace connections can change only their secrets here. */
  readOnly?: string;
  connectors: ConnectorChoice[];
  draft: FormDraft;
  /** Secret fields that already have a saved value (shown as "unchanged"). */
  savedSecrets: string[];
}

export interface SubmitDraft extends FormDraft {
  /** Only the secrets the user typed; a secret left empty keeps its saved value. */
  secrets: Record<string, string>;
}

export interface TestOutcome {
  ok: boolean;
  latencyMs: number;
  serverVersion?: string;
  message: string;
  errorCode?: string;
}

/** The form's requests and the answer each gets, paired by request id (requests.ts). */
export interface FormExchanges {
  [kind: string]: { request: object; answer: { type: string } };
  test: {
    request: { draft: SubmitDraft };
    answer: { type: 'testResult'; outcome: TestOutcome; fieldErrors: Record<string, string> };
  };
  save: {
    request: { draft: SubmitDraft };
    answer: { type: 'saveResult'; ok: boolean; message: string; fieldErrors: Record<string, string> };
  };
}
export type FormRequest<K extends 'test' | 'save'> = RequestOf<FormExchanges, K>;
export type FormAnswer<K extends 'test' | 'save'> = AnswerOf<FormExchanges, K>;

export type FormToHost =
  | { type: 'ready' }
  | FormRequest<'test'>
  | FormRequest<'save'>
  | { type: 'pickFile'; field: string }
  /** Stop the test under way (a host that never answers would keep the form waiting). */
  | { type: 'cancelTest'; requestId: number }
  | { type: 'cancel' };

export type HostToForm =
  | { type: 'init'; init: FormInit }
  | FormAnswer<'test'>
  | FormAnswer<'save'>
  | { type: 'filePicked'; field: string; path: string };

/** What the webview keeps across hide/show and reloads (vscode.setState): never a secret. */
export interface FormState {
  init: FormInit;
  draft: FormDraft;
}

function isStringMap(value: unknown, allowBoolean: boolean): boolean {
  return (
    isObject(value) &&
    Object.values(value).every((v) => typeof v === 'string' || (allowBoolean && typeof v === 'boolean'))
  );
}

function isSubmitDraft(value: unknown): value is SubmitDraft {
  return (
    isObject(value) &&
    typeof value.type === 'string' &&
    typeof value.name === 'string' &&
    isStringMap(value.values, true) &&
    isStringMap(value.secrets, false)
  );
}

/** The host trusts nothing from a webview: a message that does not match the protocol is dropped. */
export function isFormToHost(value: unknown): value is FormToHost {
  if (!isObject(value) || typeof value.type !== 'string') return false;
  switch (value.type) {
    case 'ready':
    case 'cancel':
      return true;
    case 'test':
    case 'save':
      return typeof value.requestId === 'number' && isSubmitDraft(value.draft);
    case 'pickFile':
      return typeof value.field === 'string';
    case 'cancelTest':
      return typeof value.requestId === 'number';
    default:
      return false;
  }
}
