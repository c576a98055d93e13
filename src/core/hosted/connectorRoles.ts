import type { ConnectorRegistry } from '../connectors/registry';
import type { HostedApiOptions } from './hostedConnectionsApi';

/** What the hosted client needs to know of the connectors: which fields are secrets, which are settings, which types are storage. */
export function connectorRoles(
  registry: ConnectorRegistry,
): Required<Pick<HostedApiOptions, 'isSecretField' | 'isSettingField' | 'categoryOf' | 'isStorage'>> {
  const field = (type: string, name: string) => registry.find(type)?.fields.find((f) => f.name === name);
  return {
    isSecretField: (type, name) => field(type, name)?.secret === true,
    isSettingField: (type, name) => {
      const f = field(type, name);
      return f !== undefined && f.secret !== true;
    },
    // Every connector here reads data: a new workspace connection is a source until the user says otherwise.
    categoryOf: () => 'source',
    isStorage: (type) => registry.find(type)?.capabilities.includes('files') === true,
  };
}
