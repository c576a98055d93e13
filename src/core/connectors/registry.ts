import { ConnectionError } from '../errors';
import { connectorManifest } from './manifest';
import { standardDialect, type SqlDialect } from '../sql/dialect';
import type { ConnectorDriverModule, ConnectorSpec } from './types';
import type { ConnectorChoice } from '../../shared/protocol/connectionForm';

/** Every connector the extension knows (the manifest). Specs are light; drivers load on first use. */
export const connectorSpecs: readonly ConnectorSpec[] = connectorManifest;

export class ConnectorRegistry {
  private readonly specs: Map<string, ConnectorSpec>;
  private readonly modules = new Map<string, Promise<ConnectorDriverModule>>();

  constructor(specs: readonly ConnectorSpec[] = connectorSpecs) {
    this.specs = new Map(specs.map((s) => [s.type, s]));
  }

  all(): ConnectorSpec[] {
    return [...this.specs.values()];
  }

  /** What the connection form offers: every connector with its fields, in manifest order. */
  formChoices(): ConnectorChoice[] {
    return this.all().map((s) => ({ type: s.type, label: s.label, icon: s.icon, fields: [...s.fields] }));
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

  /** The SQL dialect of a type: its spec's, or standard SQL for a type this version does not know. */
  dialect(type: string): SqlDialect {
    return this.specs.get(type)?.sql ?? standardDialect;
  }

  /**
   * Language ids of the editors whose SQL the extension runs: VS Code's own, those of SQL dialects no
   * connector speaks yet, and each connector's dialect's own. package.json's menus and key bindings list
   * the same (`npm run contributes` writes them; a unit test checks).
   */
  sqlLanguages(): string[] {
    const own = this.all().flatMap((spec) => spec.sql?.languages ?? []);
    return [...new Set(['sql', 'plsql', 'tsql', 'hql', 'jinja-sql', ...own])];
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
