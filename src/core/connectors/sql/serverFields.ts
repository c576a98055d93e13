import type { ConfigField } from '../types';

export const sslModes = [
  { value: 'disable', label: 'disable: never use TLS' },
  { value: 'prefer', label: 'prefer: TLS when the server offers it' },
  { value: 'require', label: 'require: TLS, certificate not checked' },
  { value: 'verify-ca', label: 'verify-ca: TLS, certificate signed by the CA' },
  { value: 'verify-full', label: 'verify-full: TLS, CA and host name checked' },
] as const;

export type SslMode = (typeof sslModes)[number]['value'];

/** The fields every host/port/user/password SQL server shares. */
export function serverFields(defaultPort: number, defaultUser: string, databaseHelp: string): ConfigField[] {
  return [
    {
      name: 'host',
      label: 'Host',
      kind: 'string',
      required: true,
      default: 'localhost',
      placeholder: 'db.example.com',
    },
    { name: 'port', label: 'Port', kind: 'number', required: true, default: defaultPort, min: 1, max: 65535 },
    { name: 'database', label: 'Database', kind: 'string', help: databaseHelp },
    { name: 'user', label: 'User', kind: 'string', required: true, default: defaultUser },
    { name: 'password', label: 'Password', kind: 'secret', secret: true, help: 'Kept in VS Code secret storage.' },
    { name: 'sslMode', label: 'SSL mode', kind: 'enum', default: 'prefer', options: sslModes },
    {
      name: 'sslCaFile',
      label: 'CA certificate file',
      kind: 'file',
      help: 'PEM file of the certificate authority, for verify-ca and verify-full.',
      visibleWhen: { field: 'sslMode', values: ['verify-ca', 'verify-full'] },
    },
    {
      name: 'connectTimeoutSeconds',
      label: 'Connect timeout (seconds)',
      kind: 'number',
      default: 10,
      min: 1,
      max: 600,
      advanced: true,
    },
    { name: 'showSystemSchemas', label: 'Show system schemas', kind: 'boolean', default: false, advanced: true },
  ];
}
