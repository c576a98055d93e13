import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Connection, ConnectionsApi } from '../api/types';

export const sampleConnectionName = 'Sample (SQLite)';

export interface OnceFlags {
  get(key: string): boolean;
  set(key: string, value: boolean): PromiseLike<void>;
}

const offeredKey = 'planasonix.sampleOffered';

/**
 * Gives a new user something to browse: the shipped sample database, copied into the extension's own
 * storage (the install folder changes on every update), as a connection. Offered once: a user who
 * deletes it does not get it back.
 */
export async function offerSampleConnection(api: ConnectionsApi, flags: OnceFlags, shippedSample: string, storageDir: string): Promise<Connection | undefined> {
  if (flags.get(offeredKey)) return undefined;
  const { data } = await api.listConnections();
  if (data.some((c) => c.scope !== 'workspace')) {
    await flags.set(offeredKey, true);
    return undefined;
  }
  const target = path.join(storageDir, 'sample', path.basename(shippedSample));
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.copyFile(shippedSample, target);
  const created = await api.createConnection({ name: sampleConnectionName, type: 'sqlite', config: { path: target } });
  await flags.set(offeredKey, true);
  return created;
}
