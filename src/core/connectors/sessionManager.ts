import { errorMessage } from '../errors';
import type { Logger } from '../ports';
import type { ConnectorSession } from './types';

interface Entry {
  session: Promise<ConnectorSession>;
  inUse: number;
  idleTimer?: NodeJS.Timeout;
}

/**
 * One live session per saved connection: opened on first use, shared while in use, closed when
 * idle, when the connection is edited or deleted, and on shutdown.
 */
export class SessionManager {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly open: (connectionId: string) => Promise<ConnectorSession>,
    private readonly logger: Logger,
    private readonly idleMs = 5 * 60_000,
  ) {}

  get openCount(): number {
    return this.entries.size;
  }

  async use<T>(connectionId: string, work: (session: ConnectorSession) => Promise<T>): Promise<T> {
    let entry = this.entries.get(connectionId);
    if (!entry) {
      entry = { session: this.open(connectionId), inUse: 0 };
      this.entries.set(connectionId, entry);
      const created = entry;
      created.session.catch(() => {
        if (this.entries.get(connectionId) === created) this.entries.delete(connectionId);
      });
    }
    entry.inUse++;
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = undefined;
    try {
      return await work(await entry.session);
    } finally {
      entry.inUse--;
      if (entry.inUse === 0 && this.entries.get(connectionId) === entry) {
        const idle = entry;
        idle.idleTimer = setTimeout(() => void this.closeEntry(connectionId, idle), this.idleMs);
        idle.idleTimer.unref();
      }
    }
  }

  async invalidate(connectionId: string): Promise<void> {
    const entry = this.entries.get(connectionId);
    if (entry) await this.closeEntry(connectionId, entry);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.entries].map(([id, entry]) => this.closeEntry(id, entry)));
  }

  private async closeEntry(connectionId: string, entry: Entry): Promise<void> {
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    if (this.entries.get(connectionId) === entry) this.entries.delete(connectionId);
    try {
      await (await entry.session).close();
    } catch (error) {
      this.logger.trace(`Session ${connectionId} closed with: ${errorMessage(error)}`);
    }
  }
}
