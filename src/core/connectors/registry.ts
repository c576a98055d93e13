import { ConnectionError } from '../errors';
import { mysqlSpec } from './mysql/spec';
import { postgresSpec } from './postgres/spec';
import { sqliteSpec } from './sqlite/spec';
import type { ConnectorDriverModule, ConnectorSpec } from './types';

/** Every connector the extension knows. Specs are light; drivers load on first use. */
export const connectorSpecs: readonly ConnectorSpec[] = [postgresSpec, mysqlSpec, sqliteSpec];

export class ConnectorRegistry {
  private readonly specs: Map<string, ConnectorSpec>;
  private readonly modules = new Map<string, Promise<ConnectorDriverModule>>();

  constructor(specs: readonly ConnectorSpec[] = connectorSpecs) {
    this.specs = new Map(specs.map((s) => [s.type, s]));
  }

  all(): ConnectorSpec[] {
    return [...this.specs.values()];
  }

  /** The spec of a type, or undefined for a type this version does not know. */
  find(type: string): ConnectorSpec | undefined {
    return this.specs.get(type);
  }

  spec(type: string): ConnectorSpec {
    const spec = this.specs.get(type);
    if (!spec) {
      const known = [...this.specs.keys()].join(', ');
      throw new ConnectionError('unsupported', `Unknown connector type "${type}". Known types: ${known}.`);
    }
    return spec;
  }

  driver(type: string): Promise<ConnectorDriverModule> {
    let loading = this.modules.get(type);
    if (!loading) {
      loading = this.spec(type).load();
      // A failed load is retried next time instead of being remembered.
      loading.catch(() => this.modules.delete(type));
      this.modules.set(type, loading);
    }
    return loading;
  }
}
