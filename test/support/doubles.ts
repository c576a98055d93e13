// Test doubles for core's ports: in memory, for tests, benchmarks and the npm start launcher. They
// live here, not in the product, so nothing shipped can reach for one by mistake.
import type { ApiDisposable, Connection, ConnectionScope } from '../../src/core/api/types';
import type { ConnectionRecords } from '../../src/core/local/records';
import type { Logger, SecretVault } from '../../src/core/ports';
import type { KeyValueStore } from '../../src/core/sync/journal';

/** A logger that drops everything. */
export const silentLogger: Logger = { trace() {}, info() {}, warn() {}, error() {} };

/** Secret storage in a Map. */
export class MemorySecretVault implements SecretVault {
  readonly entries = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.entries.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.entries.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }
}

/** Records held in memory and replaced whole (the workspace file as last read; tests). */
export class MemoryRecords implements ConnectionRecords {
  private connections: readonly Connection[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly scope: ConnectionScope,
    initial: readonly Connection[] = [],
  ) {
    this.connections = initial.map((c) => ({ ...c, scope }));
  }

  list(): readonly Connection[] {
    return this.connections;
  }

  set(connections: readonly Connection[]): void {
    this.connections = connections.map((c) => ({ ...c, scope: this.scope }));
    for (const listener of [...this.listeners]) listener();
  }

  onDidChange(listener: () => void): ApiDisposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}

/** A journal in memory (tests, and a host without global state). */
export class MemoryKeyValueStore implements KeyValueStore {
  private readonly values = new Map<string, unknown>();
  get<T>(k: string): T | undefined {
    return this.values.get(k) as T | undefined;
  }
  async update(k: string, value: unknown): Promise<void> {
    this.values.set(k, JSON.parse(JSON.stringify(value)) as unknown);
  }
}
