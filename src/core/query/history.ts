import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../errors';
import type { Logger } from '../ports';

export type HistoryStatus = 'ok' | 'failed' | 'cancelled' | 'refused';

export interface HistoryEntry {
  id: string;
  connectionId: string;
  connectionName: string;
  sql: string;
  catalog?: string;
  schema?: string;
  /** ISO time the query started. */
  at: string;
  durationMs: number;
  rows: number;
  truncated?: boolean;
  status: HistoryStatus;
  /** The error message of a failed or refused run (never a secret: messages are redacted at the source). */
  message?: string;
}

interface HistoryDocument {
  version: 1;
  entries: HistoryEntry[];
}

/** Entries kept per connection; the oldest go first. */
export const maxEntriesPerConnection = 200;
const maxSqlChars = 100_000;

/**
 * Test queries run, per connection, most recent first, in a JSON file on this machine. Holds no
 * secrets: connection passwords never pass through here, only the SQL the user ran and its outcome.
 * Writes are serialised and atomic (temporary file renamed over the old one); a damaged file is
 * moved aside and history starts again, rather than failing the query that was being recorded.
 */
export class QueryHistory {
  private entries: HistoryEntry[] | undefined;
  /** One read of the file at a time: two overlapping first reads must not reset what a write just set. */
  private loading: Promise<HistoryEntry[]> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly file: string,
    private readonly logger: Logger,
  ) {}

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Most recent first; for one connection when an id is given. */
  async list(connectionId?: string): Promise<HistoryEntry[]> {
    const all = await this.load();
    return connectionId ? all.filter((e) => e.connectionId === connectionId) : [...all];
  }

  add(entry: Omit<HistoryEntry, 'id'>): Promise<HistoryEntry> {
    const full: HistoryEntry = { ...entry, id: randomBytes(8).toString('hex'), sql: entry.sql.slice(0, maxSqlChars) };
    return this.mutate((entries) => {
      entries.unshift(full);
      let kept = 0;
      return entries.filter((e) => e.connectionId !== full.connectionId || ++kept <= maxEntriesPerConnection);
    }).then(() => full);
  }

  /** Drops one connection's entries (when the connection is deleted), or all. */
  clear(connectionId?: string): Promise<void> {
    return this.mutate((entries) => (connectionId ? entries.filter((e) => e.connectionId !== connectionId) : []));
  }

  private mutate(change: (entries: HistoryEntry[]) => HistoryEntry[]): Promise<void> {
    const run = this.queue.then(async () => {
      const next = change([...(await this.load())]);
      this.entries = next;
      await this.write({ version: 1, entries: next });
      for (const l of [...this.listeners]) l();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private load(): Promise<HistoryEntry[]> {
    if (this.entries) return Promise.resolve(this.entries);
    this.loading ??= this.read().then((entries) => {
      this.entries ??= entries;
      this.loading = undefined;
      return this.entries;
    });
    return this.loading;
  }

  private async read(): Promise<HistoryEntry[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch {
      return [];
    }
    try {
      const doc = JSON.parse(text) as Partial<HistoryDocument>;
      if (doc.version !== 1 || !Array.isArray(doc.entries)) throw new Error('not a history document');
      return doc.entries.filter(
        (e): e is HistoryEntry => typeof e?.sql === 'string' && typeof e.connectionId === 'string',
      );
    } catch (error) {
      const aside = `${this.file}.damaged-${Date.now()}`;
      await fs.rename(this.file, aside).catch(() => undefined);
      this.logger.warn(
        `Query history could not be read (${errorMessage(error)}); it was moved to ${aside} and starts again.`,
      );
      return [];
    }
  }

  private async write(doc: HistoryDocument): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.writeFile(temp, JSON.stringify(doc), { mode: 0o600 });
    await fs.rename(temp, this.file);
  }
}
