import { databricksDialect } from './dialect';
import type { ConnectorSpec } from '../types';

const auth = (values: string[]) => ({ field: 'authType', values });

export const databricksSpec: ConnectorSpec = {
  type: 'databricks',
  label: 'Databricks SQL',
  icon: 'database',
  fields: [
    {
      name: 'host',
      label: 'Server hostname',
      kind: 'string',
      required: true,
      placeholder: 'dbc-a1b2c3d4-e5f6.cloud.databricks.com',
      help: "The workspace host from the warehouse's Connection details (a port after a colon only for a proxy).",
    },
    {
      name: 'httpPath',
      label: 'HTTP path',
      kind: 'string',
      required: true,
      placeholder: '/sql/1.0/warehouses/1234567890abcdef',
      help: "The SQL warehouse's HTTP path, from its Connection details.",
    },
    {
      name: 'authType',
      label: 'Sign in with',
      kind: 'enum',
      default: 'token',
      options: [
        { value: 'token', label: 'Personal access token' },
        { value: 'oauth-m2m', label: 'OAuth machine credentials (service principal)' },
      ],
    },
    { name: 'token', label: 'Access token', kind: 'secret', secret: true, visibleWhen: auth(['token']) },
    { name: 'clientId', label: 'OAuth client ID', kind: 'string', visibleWhen: auth(['oauth-m2m']) },
    {
      name: 'clientSecret',
      label: 'OAuth client secret',
      kind: 'secret',
      secret: true,
      visibleWhen: auth(['oauth-m2m']),
    },
    {
      name: 'catalog',
      label: 'Default catalog',
      kind: 'string',
      help: 'For unqualified names; every catalog you may see is listed.',
    },
    { name: 'schema', label: 'Default schema', kind: 'string' },
    {
      name: 'caFile',
      label: 'CA certificate file',
      kind: 'file',
      advanced: true,
      help: "PEM file of a corporate proxy's CA, trusted in addition to the public ones.",
    },
  ],
  capabilities: ['catalogs', 'schemas', 'tables', 'preview', 'query'],
  hierarchy: {
    children: { connection: ['catalog'], catalog: ['schema'], schema: ['table'], table: ['column'] },
    paged: ['table'],
    searchable: ['table'],
    looks: { catalog: { label: 'Catalog', plural: 'catalogs' } },
  },
  sql: databricksDialect,
  readOnlyNotice:
    'Databricks does not enforce read-only: this statement was checked by the extension only, before it ran. Connect with a principal that has SELECT grants only.',
  tableTypes: {
    'MATERIALIZED VIEW': { icon: 'save', view: true },
    'STREAMING TABLE': { icon: 'sync' },
    'METRIC VIEW': { icon: 'graph', view: true },
  },
  bundle: {
    // Optional native parts stay out of the .vsix: without lz4-napi the driver asks for uncompressed
    // Arrow, and the Rust kernel is used only behind its internal useKernel flag.
    external: ['lz4-napi'],
    // Never used here: the Rust kernel; the driver's own OAuth (machine sign-in is done in oauth.ts) with
    // its browser opener; PAC-script proxies, which evaluate JavaScript from the network in an engine.
    stub: ['native/kernel$', '^openid-client$', '^open$', '^pac-proxy-agent$'],
  },
  load: () => import('./driver'),
};
