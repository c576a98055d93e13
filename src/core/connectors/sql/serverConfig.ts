import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionConfig } from '../../api/types';
import { ConnectionError } from '../../errors';
import type { SslMode } from './serverFields';

export interface ServerConfig {
  host: string;
  port: number;
  database?: string;
  user: string;
  sslMode: SslMode;
  sslCaFile?: string;
  connectTimeoutMs: number;
  showSystemSchemas: boolean;
}

/** Reads the normalized config of a host/port server connector into typed settings. */
export function readServerConfig(config: ConnectionConfig): ServerConfig {
  const str = (k: string): string | undefined =>
    typeof config[k] === 'string' && config[k] !== '' ? config[k] : undefined;
  const num = (k: string, d: number): number => (typeof config[k] === 'number' ? config[k] : d);
  return {
    host: str('host') ?? 'localhost',
    port: num('port', 0),
    database: str('database'),
    user: str('user') ?? '',
    sslMode: (str('sslMode') ?? 'prefer') as SslMode,
    sslCaFile: str('sslCaFile'),
    connectTimeoutMs: num('connectTimeoutSeconds', 10) * 1000,
    showSystemSchemas: config.showSystemSchemas === true,
  };
}

export interface TlsOptions {
  rejectUnauthorized: boolean;
  ca?: string;
  checkServerIdentity?: () => undefined;
  servername?: string;
}

/** Node TLS options for a mode; undefined means plain TCP. */
export function tlsOptions(cfg: ServerConfig): TlsOptions | undefined {
  switch (cfg.sslMode) {
    case 'disable':
      return undefined;
    case 'prefer':
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, ca: readCa(cfg), checkServerIdentity: () => undefined };
    case 'verify-full':
      // SNI carries host names only; the certificate is still checked against an IP host.
      return { rejectUnauthorized: true, ca: readCa(cfg), ...(isIP(cfg.host) ? {} : { servername: cfg.host }) };
  }
}

function readCa(cfg: ServerConfig): string | undefined {
  if (!cfg.sslCaFile) return undefined; // falls back to the system trust store
  try {
    return readFileSync(cfg.sslCaFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConnectionError('invalid_config', `Cannot read the CA certificate file "${cfg.sslCaFile}" (${code}).`, {
      field: 'sslCaFile',
    });
  }
}
