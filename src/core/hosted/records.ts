import type { ConnectionConfig, SecretValues } from '../api/types';
import { ConnectionError } from '../errors';
import { isObject } from '../../shared/isObject';
import { asText } from '../../shared/asText';

/**
 * The two ways a Planasonix workspace speaks about connections (docs/API.md: the two record forms):
 * - `documented`: `{name, type, config, credentialId}`, lists in `{data, meta}`, tests `{ok, latencyMs}`;
 * - `deployed` (the back end Planasonix runs, as its own Go client reads it): `{id, name, type, category,
 *   params}` with `params` a map of strings (secrets inline), bare lists (`null` when empty), `PUT`
 *   replacing the whole record, tests `{type, params}` answered `{success, message}`.
 * The client learns the dialect from what the workspace sends and writes in it.
 */
export type HostedDialect = 'documented' | 'deployed';

export type Json = Record<string, unknown>;

export { isObject };

/** Which dialect one connection object is in, where it says. */
export function dialectOfRecord(raw: Json): HostedDialect | undefined {
  if (isObject(raw.config) || typeof raw.credentialId === 'string' || typeof raw.credential_id === 'string')
    return 'documented';
  if (isObject(raw.params) || typeof raw.category === 'string') return 'deployed';
  return undefined;
}

/** Which dialect a list answer is in: its items first, then its envelope (bare or `null` is the deployed one). */
export function dialectOfList(body: unknown, items: readonly Json[]): HostedDialect | undefined {
  // The items of one answer are alike: the first says it where any does.
  const d = items.length > 0 ? dialectOfRecord(items[0]) : undefined;
  if (d) return d;
  if (body === null || Array.isArray(body)) return 'deployed';
  if (isObject(body) && (Array.isArray(body.data) || isObject(body.meta))) return 'documented';
  return undefined;
}

/** The settings object of a record: `config` or `params`. */
export function settingsOf(raw: Json): Json {
  return isObject(raw.config) ? raw.config : isObject(raw.params) ? raw.params : {};
}

/** The deployed back end keeps every setting as text (`map[string]string`). */
export function asParams(config: ConnectionConfig, secrets: SecretValues = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) out[k] = String(v);
  for (const [k, v] of Object.entries(secrets)) if (v !== '') out[k] = v;
  return out;
}

/** What a field of a connector is to the extension: a setting it shows, a secret, or unknown (kept as it is). */
export type FieldRole = (type: string, field: string) => 'setting' | 'secret' | undefined;

export interface RecordChange {
  name?: string;
  /** The whole config as the user now has it: known settings left out were cleared; unknown ones are kept. */
  config?: ConnectionConfig;
  credentialId?: string;
  category?: string;
}

/** Server-owned fields never written back in the documented dialect. */
const serverOwned = new Set(['id', 'createdAt', 'updatedAt', 'created_at', 'updated_at', 'attributes']);

/**
 * The record to write back whole: what the workspace holds, with the user's changes applied field by
 * field. Fields the extension does not know, settings it does not show and secrets the workspace keeps
 * inline are carried over untouched; nothing the user did not change is erased.
 */
export function mergedRecord(
  dialect: HostedDialect,
  raw: Json,
  change: RecordChange,
  role: FieldRole,
  defaultCategory: string,
): Json {
  const type = typeof raw.type === 'string' ? raw.type : '';
  const key = dialect === 'deployed' ? 'params' : 'config';
  const current = settingsOf(raw);
  const settings: Json = {};
  for (const [k, v] of Object.entries(current)) {
    // A setting the extension shows and the user no longer has was cleared; everything else stays.
    if (change.config && role(type, k) === 'setting' && !(k in change.config)) continue;
    settings[k] = v;
  }
  for (const [k, v] of Object.entries(change.config ?? {})) settings[k] = dialect === 'deployed' ? String(v) : v;
  const out: Json = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'config' || k === 'params') continue;
    if (dialect === 'documented' && serverOwned.has(k)) continue;
    out[k] = v;
  }
  if (change.name !== undefined) out.name = change.name;
  out[key] = settings;
  if (dialect === 'deployed') {
    out.id = raw.id;
    out.type = type;
    out.category =
      change.category ?? (typeof raw.category === 'string' && raw.category !== '' ? raw.category : defaultCategory);
  } else {
    if (change.credentialId !== undefined) out.credentialId = change.credentialId;
    // A documented workspace that keeps a role too gets the user's choice; one without is not given a field it does not know.
    if (change.category !== undefined && typeof raw.category === 'string') out.category = change.category;
  }
  return out;
}

/**
 * What the workspace did not keep of what was written: the name, type, category, credential and every
 * setting sent (secrets aside: a workspace need not return them). Empty when it kept everything.
 */
export function differences(sent: Json, back: Json, role: FieldRole): string[] {
  const out: string[] = [];
  const text = (v: unknown): string => (v === undefined || v === null ? '(none)' : v === '' ? '(empty)' : asText(v));
  const type = typeof sent.type === 'string' ? sent.type : typeof back.type === 'string' ? back.type : '';
  for (const k of ['name', 'type', 'category', 'credentialId'] as const) {
    if (sent[k] === undefined) continue;
    if (text(sent[k]) !== text(back[k] ?? (k === 'credentialId' ? back.credential_id : undefined)))
      out.push(`${k} (sent ${text(sent[k])}, kept ${text(back[k])})`);
  }
  const mine = settingsOf(sent);
  const theirs = settingsOf(back);
  for (const [k, v] of Object.entries(mine)) {
    const r = role(type, k);
    if (r === 'secret' || text(v) === text(theirs[k])) continue;
    // A field the extension does not know may be a secret under another name: named, its values not shown.
    out.push(r === 'setting' ? `${k} (sent ${text(v)}, kept ${text(theirs[k])})` : `${k} (changed)`);
  }
  return out;
}

/** The error for a write the workspace did not keep as sent. */
export function notKept(what: string, name: string, diffs: readonly string[]): ConnectionError {
  return new ConnectionError(
    'internal',
    `Your Planasonix workspace did not keep the ${what} of "${name}" as sent: ${diffs.slice(0, 5).join('; ')}${diffs.length > 5 ? ` and ${diffs.length - 5} more` : ''}. Nothing was reported as saved; check the connection in Planasonix.`,
  );
}
