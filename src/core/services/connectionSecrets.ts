import { randomUUID } from 'node:crypto';
import type { ConnectorSpec } from '../connectors/types';
import { checkSecrets, isVisible } from '../connectors/validation';
import { ConnectionError } from '../errors';
import type { CredentialsApi } from '../api/credentials';
import type {
  Connection,
  ConnectionConfig,
  ConnectionLink,
  ConnectionDirectory,
  RequestOptions,
  SecretValues,
  TestConnectionResponse,
} from '../api/types';

/**
 * Secrets typed in the form go to the credentials API, and connection requests carry only the
 * credential's id: the same steps against this machine and against the hosted workspace.
 */
export interface SecretsContext {
  /** Only the directory: saving and testing touch connections, never their contents. */
  api: ConnectionDirectory;
  credentials: CredentialsApi;
}

export interface ConnectionDraft {
  name: string;
  type: string;
  config: ConnectionConfig;
  /** Only what the user typed; a secret left out keeps its saved value, an empty one is removed. */
  secrets: SecretValues;
  /** A new copy of a workspace connection, linked to it (this machine only). */
  link?: ConnectionLink;
  /** A hosted connection's role in Planasonix pipelines (source or destination). */
  category?: string;
}

const hasAny = (secrets: SecretValues): boolean => Object.keys(secrets).length > 0;
const nonEmpty = (secrets: SecretValues): SecretValues =>
  Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== ''));

function credentialName(name: string): string {
  // Credential names are unique in a hosted workspace: the connection's name plus a short random tag.
  return `${name} (VS Code ${randomUUID().slice(0, 8)})`;
}

/**
 * Saves a new connection or changes to one, with the secrets typed for it. Nothing is lost or left
 * behind: a credential made for a save that fails is deleted again, and a changed password goes into a
 * new credential that replaces the old one only once the connection names it.
 */
export async function saveConnection(
  ctx: SecretsContext,
  spec: ConnectorSpec,
  draft: ConnectionDraft,
  existing?: Connection,
): Promise<Connection> {
  checkSecrets(spec, draft.secrets);
  const credentialType = spec.credentialType ?? 'database';
  if (existing?.scope === 'workspace') {
    // The file holds the name and settings; only the secrets are saved here, under the file's credential id.
    if (hasAny(draft.secrets) && existing.credentialId) {
      await ctx.credentials.updateCredential(existing.credentialId, { config: draft.secrets });
      // Saved from the form, which showed the file's target: the secrets may go there.
      await ctx.api.confirmTarget?.(existing.id);
    }
    return existing;
  }
  if (!existing) {
    requireSecrets(spec, draft);
    // A workspace that keeps secrets in the connection itself has no credential to name: they go with the create.
    if (hasAny(draft.secrets) && (await ctx.api.keepsSecretsInline?.())) {
      return ctx.api.createConnection({
        name: draft.name,
        type: draft.type,
        config: draft.config,
        inlineSecrets: nonEmpty(draft.secrets),
      });
    }
    const credential = hasAny(draft.secrets)
      ? await ctx.credentials.createCredential({
          name: credentialName(draft.name),
          type: credentialType,
          config: draft.secrets,
        })
      : undefined;
    try {
      return await ctx.api.createConnection({
        name: draft.name,
        type: draft.type,
        config: draft.config,
        ...(credential ? { credentialId: credential.id } : {}),
        ...(draft.link ? { link: draft.link } : {}),
      });
    } catch (error) {
      if (credential) await ctx.credentials.deleteCredential(credential.id).catch(() => undefined);
      throw error;
    }
  }
  const category = draft.category ? { category: draft.category } : {};
  if (!hasAny(draft.secrets))
    return ctx.api.updateConnection(existing.id, { name: draft.name, config: draft.config, ...category });
  // A workspace that keeps secrets in the connection itself takes the new one there, in the one update.
  if (await ctx.api.keepsSecretsInline?.(existing.id)) {
    return ctx.api.updateConnection(existing.id, {
      name: draft.name,
      config: draft.config,
      inlineSecrets: nonEmpty(draft.secrets),
      ...category,
    });
  }
  const replacement = await ctx.credentials.createCredential({
    name: credentialName(draft.name),
    type: credentialType,
    config: draft.secrets,
    ...(existing.credentialId ? { inherit: existing.credentialId } : {}),
  });
  let saved: Connection;
  try {
    saved = await ctx.api.updateConnection(existing.id, {
      name: draft.name,
      config: draft.config,
      credentialId: replacement.id,
      ...category,
    });
  } catch (error) {
    await ctx.credentials.deleteCredential(replacement.id).catch(() => undefined);
    throw error;
  }
  const old = existing.credentialId;
  if (old && old !== replacement.id) {
    const { data } = await ctx.api.listConnections();
    if (!data.some((c) => c.credentialId === old)) await ctx.credentials.deleteCredential(old).catch(() => undefined);
  }
  return saved;
}

/**
 * Tests settings as the form shows them. Typed secrets go into a short-lived credential (on top of the
 * saved ones where the back end can combine them) that is deleted after the test.
 */
export async function testConnectionDraft(
  ctx: SecretsContext,
  spec: ConnectorSpec,
  draft: Omit<ConnectionDraft, 'name'> & { credentialId?: string; connectionId?: string; targetConfirmed?: boolean },
  options?: RequestOptions,
): Promise<TestConnectionResponse> {
  // A workspace file's connection: its saved secrets go only where they were saved for (the file may have moved it).
  const targetConfirmed = draft.targetConfirmed ?? true;
  checkSecrets(spec, draft.secrets);
  const inline = hasAny(draft.secrets) && (await ctx.api.keepsSecretsInline?.(draft.connectionId));
  if (!hasAny(draft.secrets) || inline) {
    return ctx.api.testConnection(
      {
        type: draft.type,
        config: draft.config,
        credentialId: draft.credentialId,
        targetConfirmed,
        ...(draft.connectionId ? { connectionId: draft.connectionId } : {}),
        ...(inline ? { inlineSecrets: nonEmpty(draft.secrets) } : {}),
      },
      options,
    );
  }
  const temporary = await ctx.credentials.createCredential({
    name: `Connection test (VS Code ${randomUUID().slice(0, 8)})`,
    type: spec.credentialType ?? 'database',
    config: draft.secrets,
    ...(draft.credentialId ? { inherit: draft.credentialId } : {}),
  });
  try {
    return await ctx.api.testConnection(
      {
        type: draft.type,
        config: draft.config,
        credentialId: temporary.id,
        targetConfirmed,
        typedKeys: Object.keys(draft.secrets),
        ...(draft.connectionId ? { connectionId: draft.connectionId } : {}),
      },
      options,
    );
  } finally {
    await ctx.credentials.deleteCredential(temporary.id).catch(() => undefined);
  }
}

/** A new connection's required secrets (where their field shows, its defaults counted): refused, named, when missing. */
function requireSecrets(spec: ConnectorSpec, draft: ConnectionDraft): void {
  const defaults = Object.fromEntries(
    spec.fields.flatMap((f) => (f.default !== undefined ? [[f.name, f.default]] : [])),
  );
  const config = { ...defaults, ...draft.config };
  const missing = spec.fields.find((f) => f.secret && f.required && isVisible(f, config) && !draft.secrets?.[f.name]);
  if (missing) throw new ConnectionError('invalid_config', `${missing.label} is required.`, { field: missing.name });
}
