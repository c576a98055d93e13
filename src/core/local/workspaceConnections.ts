import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { Connection, ConnectionConfig } from '../api/types';
import { errorMessage } from '../errors';

/** Name of the shareable, secret-free file in a workspace folder. */
export const workspaceConnectionsFile = '.vscode/planasonix-connections.json';

export interface WorkspaceReadResult {
  connections: Connection[];
  problems: string[];
}

/**
 * Reads connections that a team keeps in the repository. They carry no secrets: a password is asked
 * for and kept in the user's secret storage under the connection's own credential id.
 */
export async function readWorkspaceConnections(
  file: string,
  isSecretField: (type: string, field: string) => boolean | undefined,
): Promise<WorkspaceReadResult> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { connections: [], problems: [] };
    return { connections: [], problems: [`Cannot read ${file}: ${errorMessage(error)}`] };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { connections: [], problems: [`${file} is not valid JSON: ${errorMessage(error)}`] };
  }
  const list = (value as { connections?: unknown } | null)?.connections;
  if (!Array.isArray(list)) return { connections: [], problems: [`${file} has no "connections" list.`] };
  const connections: Connection[] = [];
  const problems: string[] = [];
  list.forEach((item: unknown, i) => {
    const entry = item as { name?: unknown; type?: unknown; config?: unknown } | null;
    const label = `${file}, connection #${i + 1}`;
    if (!entry || typeof entry.name !== 'string' || entry.name.trim() === '' || typeof entry.type !== 'string') {
      problems.push(`${label} needs a "name" and a "type".`);
      return;
    }
    const config = (entry.config ?? {}) as Record<string, unknown>;
    if (typeof config !== 'object' || Array.isArray(config)) {
      problems.push(`${label} ("${entry.name}") has a "config" that is not an object.`);
      return;
    }
    const clean: ConnectionConfig = {};
    for (const [key, v] of Object.entries(config)) {
      if (isSecretField(entry.type, key)) {
        problems.push(
          `${label} ("${entry.name}") holds a secret in "${key}"; it was ignored. Secrets never go in workspace files.`,
        );
        continue;
      }
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') clean[key] = v;
    }
    const hash = createHash('sha256').update(`${file}\u0000${entry.name}`).digest('hex').slice(0, 16);
    connections.push({
      id: `ws_${hash}`,
      name: entry.name.trim(),
      type: entry.type,
      config: clean,
      credentialId: `cred_ws_${hash}`,
      scope: 'workspace',
    });
  });
  return { connections, problems };
}
