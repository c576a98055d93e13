import { snowflakeDialect } from './dialect';
import type { ConnectorSpec } from '../types';

const auth = (values: string[]) => ({ field: 'authenticator', values });

export const snowflakeSpec: ConnectorSpec = {
  type: 'snowflake',
  label: 'Snowflake',
  icon: 'database',
  fields: [
    {
      name: 'account',
      label: 'Account',
      kind: 'string',
      required: true,
      placeholder: 'xy12345.eu-central-1',
      help: 'The account identifier (orgname-account or locator.region), or the account URL.',
    },
    { name: 'user', label: 'User', kind: 'string', required: true },
    {
      name: 'authenticator',
      label: 'Sign in with',
      kind: 'enum',
      default: 'password',
      options: [
        { value: 'password', label: 'Password' },
        { value: 'keypair', label: 'Key pair (private key file)' },
        { value: 'oauth', label: 'OAuth access token' },
      ],
    },
    { name: 'password', label: 'Password', kind: 'secret', secret: true, visibleWhen: auth(['password']) },
    {
      name: 'privateKeyFile',
      label: 'Private key file',
      kind: 'file',
      help: 'PKCS#8 PEM (rsa_key.p8).',
      visibleWhen: auth(['keypair']),
    },
    {
      name: 'privateKeyPassphrase',
      label: 'Private key passphrase',
      kind: 'secret',
      secret: true,
      help: 'Only for an encrypted key.',
      visibleWhen: auth(['keypair']),
    },
    { name: 'token', label: 'OAuth access token', kind: 'secret', secret: true, visibleWhen: auth(['oauth']) },
    { name: 'warehouse', label: 'Warehouse', kind: 'string' },
    {
      name: 'database',
      label: 'Database',
      kind: 'string',
      help: 'Default database for unqualified names; every database you may see is listed.',
    },
    { name: 'schema', label: 'Schema', kind: 'string' },
    { name: 'role', label: 'Role', kind: 'string' },
    {
      name: 'serverUrl',
      label: 'Server URL',
      kind: 'url',
      advanced: true,
      help: 'Only for private connectivity or a proxy: otherwise derived from the account. HTTPS (plain HTTP only to this machine).',
    },
    {
      name: 'connectTimeoutSeconds',
      label: 'Connect timeout (seconds)',
      kind: 'number',
      default: 20,
      min: 1,
      max: 600,
      advanced: true,
    },
  ],
  capabilities: ['catalogs', 'schemas', 'tables', 'preview', 'query'],
  hierarchy: {
    children: { connection: ['catalog'], catalog: ['schema'], schema: ['table'], table: ['column'] },
    paged: ['table'],
    searchable: ['table'],
  },
  sql: snowflakeDialect,
  tableTypes: { 'DYNAMIC TABLE': { icon: 'sync' }, 'MATERIALIZED VIEW': { icon: 'save' } },
  bundle: {
    // PUT/GET file transfer to S3, Azure and GCS, and workload-identity sign-in: not used here, and most of the SDK's size.
    stub: [
      '^@azure/(storage-blob|identity|msal-node)$',
      '^@aws-sdk/',
      '^@smithy/',
      '^google-auth-library$',
      '^@google-cloud/',
    ],
  },
  load: () => import('./driver'),
};
