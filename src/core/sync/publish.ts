import { randomUUID } from 'node:crypto';
import type { Connection } from '../api/types';
import { ConnectionError, errorMessage, unlessNotFound } from '../errors';
import type { StoredConnection } from '../local/connectionStore';
import { CredentialStore, targetOf } from '../local/credentials';
import type { PublishOp } from './journal';
import type { SyncSides, Version } from './sides';

/**
 * Publishing a connection of this machine to the hosted workspace takes three steps: a credential with
 * its secrets (the one request that carries them), the connection naming that credential, and the link
 * here. The steps are journaled; a retry resumes with the same idempotency keys and looks for what an
 * answer lost in transit made (the credential by its tagged name, the connection by name and
 * credential) before making anything, so no interruption leaves a duplicate or half a publish.
 */
export class Publisher {
  private readonly secrets: CredentialStore;

  constructor(private readonly sides: SyncSides) {
    this.secrets = new CredentialStore(sides.deps.vault);
  }

  /** What a publish would send: whether a secret goes with it (the confirmation says so). */
  async plan(localId: string): Promise<{ connection: StoredConnection; secretNames: string[] }> {
    const record = this.sides.record(localId);
    if (record.link)
      throw new ConnectionError(
        'conflict',
        `"${record.name}" is already linked to a connection in your Planasonix workspace.`,
      );
    const secrets = await this.secrets.secretsFor(record.credentialId, targetOf(record), record);
    return { connection: record, secretNames: Object.keys(secrets) };
  }

  /**
   * Publishes a connection of this machine: its secrets into a new workspace credential, then the
   * connection naming it; the local copy becomes linked. An interruption leaves the journal entry,
   * from which the next attempt (or the next sync) finishes it.
   */
  async publish(localId: string): Promise<Connection> {
    const existing = this.sides.deps.journal.find(localId, this.sides.workspace);
    if (existing) return this.finishPublish(existing, true);
    const { connection: record, secretNames } = await this.plan(localId);
    const wanted = record.name.toLowerCase();
    const clash = (await this.sides.remote.listConnections({ search: record.name })).data.find(
      (c) => c.name.toLowerCase() === wanted,
    );
    if (clash) {
      throw new ConnectionError(
        'name_taken',
        `Your Planasonix workspace already has a connection named "${clash.name}"; rename this one first, or copy that one to this machine.`,
        { field: 'name' },
      );
    }
    const opId = randomUUID();
    // A workspace without credential links keeps the secret in the connection: it goes with the create.
    const inline = secretNames.length > 0 && ((await this.sides.remote.keepsSecretsInline?.()) ?? false);
    const op: PublishOp = {
      kind: 'publish',
      opId,
      workspace: this.sides.workspace,
      localId,
      name: record.name,
      localUpdatedAt: record.updatedAt,
      ...(secretNames.length > 0 && !inline
        ? { credentialName: `${record.name} (published from VS Code ${opId.slice(0, 8)})` }
        : {}),
      ...(inline ? { inlineSecrets: true as const } : {}),
      startedAt: this.sides.now(),
    };
    await this.sides.deps.journal.put(op);
    return this.finishPublish(op, false);
  }

  /** Undoes an interrupted publish: what it made in the workspace is deleted, the local copy stays as it was. */
  async undoPublish(localId: string): Promise<void> {
    const op = this.sides.deps.journal.find(localId, this.sides.workspace);
    if (op) await this.rollBack(op);
  }

  async finishPublish(op: PublishOp, resuming: boolean): Promise<Connection> {
    const record = this.sides.deps.store.list().find((r) => r.id === op.localId);
    if (!record) {
      // Deleted here while the publish was pending: nothing is left to publish.
      await this.rollBack(op);
      throw new ConnectionError(
        'not_found',
        `"${op.name}" was deleted on this machine; its interrupted publish was undone.`,
      );
    }
    try {
      const credentialId = op.credentialName ? await this.publishCredential(op, record, resuming) : undefined;
      const created = await this.publishConnection(op, record, credentialId, resuming);
      if (credentialId) await this.sweep(op, credentialId);
      const now = this.sides.now();
      await this.sides.writeLink(
        record,
        {
          workspace: this.sides.workspace,
          remoteId: created.id,
          localUpdatedAt: op.localUpdatedAt,
          remoteUpdatedAt: created.version,
          syncedAt: now,
          via: 'direct',
        },
        false,
      );
      await this.sides.deps.journal.remove(op.opId);
      this.sides.deps.logger.info(
        `Published "${record.name}" (${record.id}) to the Planasonix workspace as ${created.id}.`,
      );
      return this.sides.deps.local.getConnection(record.id);
    } catch (error) {
      await this.sides.deps.journal.put({ ...op, lastError: errorMessage(error) });
      throw new ConnectionError(
        ConnectionError.is(error) ? error.code : 'internal',
        `Publishing "${op.name}" was interrupted: ${errorMessage(error)} Nothing is lost: retry to finish it, or undo it.`,
      );
    }
  }

  private async publishCredential(op: PublishOp, record: StoredConnection, resuming: boolean): Promise<string> {
    if (op.credentialId) return op.credentialId;
    // A create whose answer was lost may have worked (more than once, where the server ignores the
    // idempotency key): use the one a connection already names, or the first; the sweep removes the rest.
    let found: string | undefined;
    if (resuming) {
      const tagged = await this.tagged(op);
      const named = tagged.length > 0 ? (await this.ours(op, tagged)).find((c) => c.credentialId) : undefined;
      found = named?.credentialId ?? tagged[0];
    }
    const secrets = await this.secrets.secretsFor(record.credentialId, targetOf(record), record);
    const credential =
      found ??
      (
        await this.sides.remoteCredentials.createCredential(
          { name: op.credentialName!, type: this.sides.credentialType(record.type), config: secrets },
          { idempotencyKey: `${op.opId}-credential` },
        )
      ).id;
    op.credentialId = credential;
    await this.sides.deps.journal.put(op);
    return credential;
  }

  /** Ids of the workspace credentials this publish made (by the tag in their name). */
  private async tagged(op: PublishOp): Promise<string[]> {
    if (!op.credentialName) return [];
    const { data } = await this.sides.remoteCredentials.listCredentials();
    return data.filter((c) => c.name === op.credentialName && c.status === 'active').map((c) => c.id);
  }

  /** Workspace connections this publish made: its name, naming one of its credentials (or its type, without one). */
  private async ours(op: PublishOp, credentials: string[]): Promise<Connection[]> {
    const { data } = await this.sides.remote.listConnections({ search: op.name });
    return data.filter(
      (c) =>
        c.id === op.remoteId ||
        (c.name === op.name && (op.credentialName ? credentials.includes(c.credentialId ?? '') : true)),
    );
  }

  /** Deletes credentials of this publish that no connection uses (made by a retried create). */
  private async sweep(op: PublishOp, keep: string): Promise<void> {
    for (const id of await this.tagged(op)) if (id !== keep) await this.deleteCredential(id);
  }

  private async deleteCredential(id: string): Promise<void> {
    await unlessNotFound(this.sides.remoteCredentials.deleteCredential(id));
  }

  private async publishConnection(
    op: PublishOp,
    record: StoredConnection,
    credentialId: string | undefined,
    resuming: boolean,
  ): Promise<Version & { id: string }> {
    const mine = this.sides.localVersion(record);
    if (op.remoteId)
      return { ...this.sides.clean(await this.sides.remote.getConnection(op.remoteId)), id: op.remoteId };
    const found = resuming
      ? (await this.ours(op, credentialId ? [credentialId] : [])).find((c) => c.type === record.type)
      : undefined;
    const inlineSecrets = op.inlineSecrets
      ? await this.secrets.secretsFor(record.credentialId, targetOf(record), record)
      : undefined;
    const request = {
      name: op.name,
      type: record.type,
      config: mine.config,
      ...(credentialId ? { credentialId } : {}),
      ...(inlineSecrets ? { inlineSecrets } : {}),
    };
    const created =
      found ??
      (await this.sides.remote
        .createConnection(request, { idempotencyKey: `${op.opId}-connection` })
        .catch(async (error: unknown) => {
          // A retried create the server ran twice (it ignores the key) meets the first as a taken name: that one is ours.
          const first =
            ConnectionError.is(error, 'conflict') || ConnectionError.is(error, 'name_taken')
              ? (await this.ours(op, credentialId ? [credentialId] : [])).find((c) => c.type === record.type)
              : undefined;
          if (!first) throw error;
          return first;
        }));
    op.remoteId = created.id;
    await this.sides.deps.journal.put(op);
    // A listed connection is only a summary: what was made is read before it is compared.
    const details = created.summary ? await this.sides.remote.getConnection(created.id) : created;
    return { ...this.sides.clean(details), id: created.id };
  }

  private async rollBack(op: PublishOp): Promise<void> {
    const credentials = [...new Set([...(op.credentialId ? [op.credentialId] : []), ...(await this.tagged(op))])];
    for (const c of await this.ours(op, credentials)) await unlessNotFound(this.sides.remote.deleteConnection(c.id));
    for (const id of credentials) await this.deleteCredential(id);
    await this.sides.deps.journal.remove(op.opId);
  }
}
