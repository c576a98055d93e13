import type { Connection } from '../api/types';

/**
 * What sync does with one linked pair (a connection on this machine and its copy in the hosted
 * workspace), decided from the two sides as they are now and as they were at the last sync. Nothing is
 * overwritten silently: when both sides changed, or one side was deleted, the user decides.
 */

/** One side of a link as sync sees it: absent means deleted (or never there). */
export type Side = Pick<Connection, 'name' | 'type' | 'config' | 'updatedAt'> | undefined;

/** What both sides looked like when they last agreed. */
export interface LastSync {
  localUpdatedAt?: string;
  remoteUpdatedAt?: string;
}

export type SyncAction =
  /** Nothing changed, or both sides made the same change. */
  | { kind: 'none' }
  /** Only the workspace changed: apply it here. `targetChanged` asks the user before a local secret follows. */
  | { kind: 'pull'; targetChanged: boolean }
  /** Only this machine changed: send it to the workspace. */
  | { kind: 'push' }
  /** Both changed differently: show both versions and let the user pick or merge. */
  | { kind: 'conflict' }
  /** Deleted in the workspace; changed or not here: ask before deleting the local copy. */
  | { kind: 'askDeleteLocal'; localChanged: boolean }
  /** Deleted here; ask before deleting it in the workspace (pipelines may use it). */
  | { kind: 'askDeleteRemote'; remoteChanged: boolean }
  /** Gone on both sides: only the link is left to forget. */
  | { kind: 'forget' };

/** Settings that say where a connection's secret goes: a change to any of them needs the user's word. */
const targetKeys = [
  'host',
  'port',
  'user',
  'username',
  'database',
  'sslMode',
  'sslCaFile',
  'account',
  'endpoint',
  'region',
  'path',
  'httpPath',
];

/**
 * Whether the workspace side points the connection at another server (or user, or TLS setting). Only
 * what the workspace sent counts: a setting it does not keep is not a change (it never moves a target).
 */
export function targetChanged(local: NonNullable<Side>, remote: NonNullable<Side>): boolean {
  if (local.type !== remote.type) return true;
  return targetKeys.some((k) => k in remote.config && (local.config[k] ?? null) !== (remote.config[k] ?? null));
}

/** Whether the workspace's side says anything else than this machine's, on what the workspace sent. */
function differsOnRemote(local: NonNullable<Side>, remote: NonNullable<Side>): boolean {
  return (
    local.name !== remote.name ||
    local.type !== remote.type ||
    Object.keys(remote.config).some((k) => local.config[k] !== remote.config[k])
  );
}

function sameContent(a: NonNullable<Side>, b: NonNullable<Side>): boolean {
  const keys = [...new Set([...Object.keys(a.config), ...Object.keys(b.config)])];
  return a.name === b.name && a.type === b.type && keys.every((k) => a.config[k] === b.config[k]);
}

export function decide(local: Side, remote: Side, last: LastSync): SyncAction {
  const localChanged = local !== undefined && local.updatedAt !== last.localUpdatedAt;
  const remoteChanged = remote !== undefined && remote.updatedAt !== last.remoteUpdatedAt;
  if (!local && !remote) return { kind: 'forget' };
  if (!remote) return { kind: 'askDeleteLocal', localChanged };
  if (!local) return { kind: 'askDeleteRemote', remoteChanged };
  if (localChanged && remoteChanged) return sameContent(local, remote) ? { kind: 'none' } : { kind: 'conflict' };
  // A change on the workspace's side is what it sent: a setting it does not keep leaves this machine's as it is.
  if (remoteChanged)
    return differsOnRemote(local, remote)
      ? { kind: 'pull', targetChanged: targetChanged(local, remote) }
      : { kind: 'none' };
  if (localChanged) return sameContent(local, remote) ? { kind: 'none' } : { kind: 'push' };
  return { kind: 'none' };
}
