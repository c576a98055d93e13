import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ConnectionConfig, ConnectionLink } from '../api/types';
import { ConnectionError, errorMessage } from '../errors';
import type { Clock, Logger } from '../ports';
import { isObject } from '../../shared/isObject';

export const storeVersion = 1;

export interface StoredConnection {
  id: string;
  name: string;
  type: string;
  config: ConnectionConfig;
  credentialId?: string;
  createdAt: string;
  updatedAt: string;
  /** Set while linked to a connection in the hosted workspace (src/core/sync). */
  link?: ConnectionLink;
}

interface StoreDocument {
  version: number;
  connections: StoredConnection[];
}

export interface StoreLoadReport {
  /** What went wrong while loading and what was done about it; empty when all was well. */
  problems: string[];
  /** Set when the file cannot be written safely (unreadable, or from a newer version). */
  readOnlyReason?: string;
}

/**
 * Connection records in one versioned JSON document. Writes go to a temporary file that is renamed
 * over the old one, so a crash leaves either the old or the new document; the previous document is
 * kept as `.bak`. A corrupt document is moved aside and reported, never overwritten.
 */
export class ConnectionStore {
  private records: StoredConnection[] = [];
  private readOnlyReason: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly file: string,
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  get backupFile(): string {
    return `${this.file}.bak`;
  }

  list(): readonly StoredConnection[] {
    return this.records;
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  load(): Promise<StoreLoadReport> {
    return this.serialized(async () => {
      const report: StoreLoadReport = { problems: [] };
      const result = await this.readDocument(report);
      this.records = result;
      this.readOnlyReason = report.readOnlyReason;
      this.emit();
      return report;
    });
  }

  /** Applies a change to the latest document on disk (another window may have written it) and saves it. */
  mutate<T>(change: (records: StoredConnection[]) => T): Promise<T> {
    return this.serialized(async () => {
      const report: StoreLoadReport = { problems: [] };
      const latest = await this.readDocument(report);
      if (report.readOnlyReason) this.readOnlyReason = report.readOnlyReason;
      if (this.readOnlyReason) {
        throw new ConnectionError('read_only', `Connections cannot be saved: ${this.readOnlyReason}`);
      }
      for (const problem of report.problems) this.logger.warn(problem);
      const next = latest.map((r) => ({ ...r, config: { ...r.config } }));
      const result = change(next);
      await this.write({ version: storeVersion, connections: next });
      this.records = next;
      this.emit();
      return result;
    });
  }

  private async readDocument(report: StoreLoadReport): Promise<StoredConnection[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return [];
      report.readOnlyReason = `the file ${this.file} cannot be read (${code ?? errorMessage(error)}).`;
      report.problems.push(`Could not read saved connections: ${report.readOnlyReason} Nothing was changed.`);
      return this.records;
    }
    const parsed = parseDocument(text);
    if (parsed.ok) {
      if (parsed.document.version > storeVersion) {
        report.readOnlyReason = `${this.file} was written by a newer version of Planasonix Connections (format ${parsed.document.version}); update the extension.`;
        report.problems.push(report.readOnlyReason);
      }
      return parsed.document.connections;
    }
    const aside = `${this.file}.corrupt-${this.clock.now().toISOString().replace(/[:.]/g, '-')}`;
    await fs.rename(this.file, aside);
    const backup = await this.readBackup();
    const restored = backup ? ` Restored ${backup.length} connection(s) from the last good copy.` : '';
    report.problems.push(
      `The saved connections file was damaged (${parsed.reason}). It was moved to ${aside}.${restored}`,
    );
    if (backup) {
      await this.write({ version: storeVersion, connections: backup }, false);
      return backup;
    }
    return [];
  }

  private async readBackup(): Promise<StoredConnection[] | undefined> {
    try {
      const parsed = parseDocument(await fs.readFile(this.backupFile, 'utf8'));
      return parsed.ok ? parsed.document.connections : undefined;
    } catch {
      return undefined;
    }
  }

  private async write(document: StoreDocument, keepBackup = true): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    const handle = await fs.open(temp, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(document, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      if (keepBackup)
        await fs.copyFile(this.file, this.backupFile).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'ENOENT') throw e;
        });
      await fs.rename(temp, this.file);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw new ConnectionError(
        'store_unreadable',
        `Could not save connections to ${this.file}: ${errorMessage(error)}`,
      );
    }
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

type ParseResult = { ok: true; document: StoreDocument } | { ok: false; reason: string };

export function parseDocument(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not valid JSON: ${errorMessage(error)}` };
  }
  if (!isObject(value)) return { ok: false, reason: 'not a JSON object' };
  if (typeof value.version !== 'number' || !Number.isInteger(value.version) || value.version < 1) {
    return { ok: false, reason: 'no format version' };
  }
  if (!Array.isArray(value.connections)) return { ok: false, reason: '"connections" is not a list' };
  const connections: StoredConnection[] = [];
  for (const [i, item] of value.connections.entries()) {
    const problem = checkRecord(item);
    if (problem) return { ok: false, reason: `connection #${i + 1} ${problem}` };
    const record = item as StoredConnection & { link?: unknown };
    // A link that cannot be read is dropped (the connection stays, unlinked): it only says where a copy is.
    if (record.link !== undefined && !isLink(record.link)) delete record.link;
    connections.push(record);
  }
  return { ok: true, document: { version: value.version, connections } };
}

function checkRecord(item: unknown): string | undefined {
  if (!isObject(item)) return 'is not an object';
  for (const key of ['id', 'name', 'type', 'createdAt', 'updatedAt'] as const) {
    if (typeof item[key] !== 'string') return `has no ${key}`;
  }
  if (item.credentialId !== undefined && typeof item.credentialId !== 'string') return 'has a bad credentialId';
  if (!isObject(item.config)) return 'has no config';
  for (const v of Object.values(item.config)) {
    if (!['string', 'number', 'boolean'].includes(typeof v))
      return 'has a config value that is not text, number or boolean';
  }
  return undefined;
}

function isLink(value: unknown): value is ConnectionLink {
  if (!isObject(value)) return false;
  const strings = ['workspace', 'remoteId', 'localUpdatedAt', 'remoteUpdatedAt', 'syncedAt'].every(
    (k) => typeof value[k] === 'string',
  );
  const waiting = value.waiting === undefined || value.waiting === 'conflict' || value.waiting === 'remoteDeleted';
  return strings && (value.via === 'direct' || value.via === 'hosted') && waiting;
}
