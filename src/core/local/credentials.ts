import { createHash, randomUUID } from 'node:crypto';
import type { ConnectionConfig, SecretValues } from '../api/types';
import { ConnectionError } from '../errors';
import type { SecretVault } from '../ports';
import type { ConnectorSpec } from '../connectors/types';
import { normalizeConfig } from '../connectors/validation';

const prefix = 'planasonix.credential.';

/** Where a credential's secrets were entered for: the connector and the whole non-secret config. */
export interface CredentialTarget {
  type: string;
  config: ConnectionConfig;
}

/** What the credentials API shows of a credential kept on this machine. */
export interface CredentialMeta {
  name: string;
  type: string;
  created_at: string;
  updated_at: string;
}

interface StoredCredential {
  secrets: SecretValues;
  /** The target the secrets may be sent to; absent for entries written before targets were kept. */
  target?: CredentialTarget;
  /** Name, type and times; absent for entries written before credentials had their own API. */
  meta?: CredentialMeta;
  /** Written by a version that kept no target (plain secrets, not the v2 entry). */
  legacy?: boolean;
}

/** Where a connection's secrets would be sent: its type and settings. */
export function targetOf(connection: { type: string; config: ConnectionConfig }): CredentialTarget {
  return { type: connection.type, config: connection.config };
}

/** A stable fingerprint of a target: key order does not matter. */
export function targetFingerprint(target: CredentialTarget): string {
  const config = canonical(target.config);
  const keys = Object.keys(config).sort();
  return createHash('sha256')
    .update(JSON.stringify([target.type, keys.map((k) => [k, config[k]])]))
    .digest('hex');
}

/** Settings compared as text, unset ones left out: port 5432 and "5432" are one target, '' and absent too. */
function canonical(config: ConnectionConfig): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config)
      .filter(([, v]) => v !== undefined && v !== null && v !== '')
      .map(([k, v]) => [k, String(v)]),
  );
}

export interface TargetChange {
  key: string;
  from: string;
  to: string;
}

/** The settings that differ between two targets, as `key: old → new`. */
export function targetChanges(before: CredentialTarget, after: CredentialTarget): TargetChange[] {
  const show = (v: string | undefined): string => v ?? '(not set)';
  const changes: TargetChange[] = [];
  if (before.type !== after.type) changes.push({ key: 'type', from: before.type, to: after.type });
  const [was, now] = [canonical(before.config), canonical(after.config)];
  for (const key of [...new Set([...Object.keys(was), ...Object.keys(now)])].sort()) {
    if (was[key] !== now[key]) changes.push({ key, from: show(was[key]), to: show(now[key]) });
  }
  return changes;
}

/** A target compared with one never recorded: every setting is new. */
function unrecorded(target: CredentialTarget): TargetChange[] {
  return Object.entries(canonical(target.config))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, to]) => ({ key, from: '(not recorded)', to }));
}

const strings = (value: unknown): SecretValues =>
  value && typeof value === 'object'
    ? Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {};

/**
 * Secrets of one credential, kept as one JSON entry in the vault together with the target they were
 * entered for, so that a connection whose host, port, user, database or TLS settings changed (a
 * workspace file edited by a commit or a branch switch) does not send them on unconfirmed.
 */
export class CredentialStore {
  constructor(private readonly vault: SecretVault) {}

  static newId(): string {
    return `cred_${randomUUID().replace(/-/g, '')}`;
  }

  async read(credentialId: string | undefined): Promise<SecretValues> {
    return (await this.entry(credentialId)).secrets;
  }

  async entry(credentialId: string | undefined): Promise<StoredCredential> {
    if (!credentialId) return { secrets: {} };
    const raw = await this.vault.get(prefix + credentialId);
    if (!raw) return { secrets: {} };
    try {
      const value: unknown = JSON.parse(raw);
      if (value && typeof value === 'object' && (value as { v?: unknown }).v === 2) {
        const v = value as { secrets?: unknown; target?: { type?: unknown; config?: unknown }; meta?: unknown };
        const target =
          v.target && typeof v.target.type === 'string' && v.target.config && typeof v.target.config === 'object'
            ? { type: v.target.type, config: v.target.config as ConnectionConfig }
            : undefined;
        const m = strings(v.meta);
        const meta =
          m.name !== undefined && m.type !== undefined && m.created_at !== undefined && m.updated_at !== undefined
            ? { name: m.name, type: m.type, created_at: m.created_at, updated_at: m.updated_at }
            : undefined;
        return { secrets: strings(v.secrets), ...(target ? { target } : {}), ...(meta ? { meta } : {}) };
      }
      // Saved by a version that kept no target: where the secrets were meant for is not known.
      return { secrets: strings(value), legacy: true };
    } catch {
      // An unreadable entry is treated as empty; the user is asked again.
      return { secrets: {} };
    }
  }

  /** Stores the secrets for a target; without one, the target (and the meta) already stored are kept. */
  async write(
    credentialId: string,
    secrets: SecretValues,
    target?: CredentialTarget,
    meta?: CredentialMeta,
  ): Promise<void> {
    const existing = target && meta ? undefined : await this.entry(credentialId);
    const bound = target ?? existing?.target;
    const about = meta ?? existing?.meta;
    await this.vault.store(
      prefix + credentialId,
      JSON.stringify({ v: 2, secrets, ...(bound ? { target: bound } : {}), ...(about ? { meta: about } : {}) }),
    );
  }

  /** The secrets may now go to this target (the user confirmed it, or saved the connection with it). */
  async bind(credentialId: string, target: CredentialTarget): Promise<void> {
    const { secrets } = await this.entry(credentialId);
    if (Object.keys(secrets).length > 0) await this.write(credentialId, secrets, target);
  }

  /**
   * The secrets, if they were entered for this target. A changed target (another host, port, user,
   * database or TLS setting: a workspace file changed by a commit or a branch switch) gets none: a
   * `target_changed` error says what changed, until the user confirms with bind(). An entry saved
   * before targets were kept is bound to the target it is first used with.
   */
  async secretsFor(
    credentialId: string | undefined,
    target: CredentialTarget,
    connection: { id: string; name: string; scope?: string },
  ): Promise<SecretValues> {
    const entry = await this.entry(credentialId);
    if (!credentialId || Object.keys(entry.secrets).length === 0) return entry.secrets;
    // A workspace file may have been retargeted before this version first saw it: an entry saved without
    // its target is bound only when the user confirms where it goes. Elsewhere the settings are the user's own.
    const unknown = !entry.target && entry.legacy === true && connection.scope === 'workspace';
    if (!entry.target && !unknown) {
      await this.bind(credentialId, target);
      return entry.secrets;
    }
    if (entry.target && targetFingerprint(entry.target) === targetFingerprint(target)) return entry.secrets;
    const changes = entry.target ? targetChanges(entry.target, target) : unrecorded(target);
    throw new ConnectionError(
      'target_changed',
      `"${connection.name}" points somewhere new since its password was saved (${changes.map((c) => `${c.key} ${c.from} → ${c.to}`).join(', ')}). ` +
        'The password is not sent until you confirm the new target.',
      { changes, connectionId: connection.id },
    );
  }

  /** What changed in the target since the secrets were saved; empty when nothing did (or nothing is saved). */
  async changes(credentialId: string | undefined, target: CredentialTarget, scope?: string): Promise<TargetChange[]> {
    const entry = await this.entry(credentialId);
    if (!entry.target)
      return entry.legacy && scope === 'workspace' && Object.keys(entry.secrets).length > 0 ? unrecorded(target) : [];
    return targetChanges(entry.target, target);
  }

  async delete(credentialId: string): Promise<void> {
    await this.vault.delete(prefix + credentialId);
  }
}

/** Where a connection's secrets go, with the connector's defaults filled in as every test and session fills them. */
export function normalizedTarget(
  spec: ConnectorSpec,
  connection: { type: string; config: ConnectionConfig },
): CredentialTarget {
  try {
    return { type: connection.type, config: normalizeConfig(spec, connection.config) };
  } catch {
    return targetOf(connection);
  }
}

/**
 * The secrets a test may send. A saved credential goes only to the target it was saved for, unless the
 * user sees and owns this one (the form of a connection of their own). Typed secrets on top of a
 * workspace connection's saved ones (a short-lived credential) go only where the saved ones may.
 */
export async function secretsForTest(
  store: CredentialStore,
  request: { credentialId?: string; targetConfirmed?: boolean; typedKeys?: string[] },
  target: CredentialTarget,
  owner: { id: string; name: string; scope?: string; credentialId?: string } | undefined,
): Promise<SecretValues> {
  if (request.targetConfirmed) return store.read(request.credentialId);
  if (owner?.credentialId && owner.credentialId !== request.credentialId) {
    // Only secrets the user did not type come from the saved ones: those need the saved target.
    const saved = await store.read(owner.credentialId);
    if (Object.keys(saved).some((k) => !(request.typedKeys ?? []).includes(k)))
      await store.secretsFor(owner.credentialId, target, owner);
    return store.read(request.credentialId);
  }
  return store.secretsFor(request.credentialId, target, owner ?? { id: '', name: 'This connection' });
}
