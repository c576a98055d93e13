import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Connection, ConnectionConfig, ConnectionsApi } from '../api/types';
import type { ConnectorRegistry } from '../connectors/registry';

/** A sample database a connector ships (its spec's `sample`), where it lies in this install. */
export interface ShippedSample {
  type: string;
  name: string;
  file: string;
  config: (path: string) => ConnectionConfig;
}

/** The first connector's sample in manifest order, with its file under the extension's folder. */
export function shippedSample(registry: ConnectorRegistry, extensionDir: string): ShippedSample | undefined {
  const spec = registry.all().find((s) => s.sample);
  if (!spec?.sample) return undefined;
  const { name, asset, config } = spec.sample;
  return { type: spec.type, name, file: path.join(extensionDir, ...asset), config };
}

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
export async function offerSampleConnection(
  api: ConnectionsApi,
  flags: OnceFlags,
  sample: ShippedSample,
  storageDir: string,
): Promise<Connection | undefined> {
  if (flags.get(offeredKey)) return undefined;
  const { data } = await api.listConnections();
  if (data.some((c) => c.scope !== 'workspace')) {
    await flags.set(offeredKey, true);
    return undefined;
  }
  const target = path.join(storageDir, 'sample', path.basename(sample.file));
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.copyFile(sample.file, target);
  const created = await api.createConnection({ name: sample.name, type: sample.type, config: sample.config(target) });
  await flags.set(offeredKey, true);
  return created;
}
