import * as vscode from 'vscode';

/** Setting keys, declared once; package.json contributes the same keys. */
export const settingKeys = {
  previewRowLimit: 'preview.rowLimit',
  queryRowLimit: 'query.rowLimit',
  queryTimeoutSeconds: 'query.timeoutSeconds',
  explorerPageSize: 'explorer.pageSize',
  sessionIdleMinutes: 'sessions.idleMinutes',
  queryCodeLens: 'query.codeLens',
  csvEscapeFormulas: 'export.csvEscapeFormulas',
} as const;

export interface Settings {
  previewRowLimit: number;
  queryRowLimit: number;
  queryTimeoutSeconds: number;
  explorerPageSize: number;
  sessionIdleMinutes: number;
  queryCodeLens: boolean;
  csvEscapeFormulas: boolean;
}

const defaults: Settings = {
  previewRowLimit: 100,
  queryRowLimit: 100,
  queryTimeoutSeconds: 30,
  explorerPageSize: 500,
  sessionIdleMinutes: 5,
  queryCodeLens: true,
  csvEscapeFormulas: false,
};

function positiveInt(value: unknown, fallback: number, max: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max ? value : fallback;
}

/** Typed, range-checked settings; a bad value falls back to the default instead of breaking a command. */
export function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('planasonix');
  return {
    previewRowLimit: positiveInt(c.get(settingKeys.previewRowLimit), defaults.previewRowLimit, 1_000_000),
    queryRowLimit: positiveInt(c.get(settingKeys.queryRowLimit), defaults.queryRowLimit, 1_000_000),
    queryTimeoutSeconds: positiveInt(c.get(settingKeys.queryTimeoutSeconds), defaults.queryTimeoutSeconds, 3600),
    explorerPageSize: positiveInt(c.get(settingKeys.explorerPageSize), defaults.explorerPageSize, 10_000),
    sessionIdleMinutes: positiveInt(c.get(settingKeys.sessionIdleMinutes), defaults.sessionIdleMinutes, 24 * 60),
    queryCodeLens: c.get(settingKeys.queryCodeLens) !== false,
    csvEscapeFormulas: c.get(settingKeys.csvEscapeFormulas) === true,
  };
}

/** Where the hosted Planasonix workspace is (settings `planasonix.hosted.*`). */
export interface HostedConfig {
  baseUrl: string;
  pathPrefix: string;
  organizationId?: string;
  introspection: 'path' | 'query';
  pollSeconds: number;
}

export function readHostedConfig(): HostedConfig {
  const c = vscode.workspace.getConfiguration('planasonix.hosted');
  // Where the sign-in goes is the user's own setting: a folder's (or workspace's) value is never read,
  // so a cloned repository cannot send the stored token or a typed key to another server.
  const userOnly = <T>(key: string): T | undefined => {
    const seen = c.inspect<T>(key);
    return seen?.globalValue ?? seen?.defaultValue;
  };
  const url = userOnly<string>('baseUrl');
  const org = userOnly<string>('organizationId');
  return {
    baseUrl: typeof url === 'string' && url.trim() !== '' ? url.trim() : 'https://api.planasonix.com',
    pathPrefix: userOnly<string>('pathPrefix') === '/v1' ? '/v1' : '',
    ...(typeof org === 'string' && org.trim() !== '' ? { organizationId: org.trim() } : {}),
    introspection: c.get<string>('introspection') === 'query' ? 'query' : 'path',
    pollSeconds: positiveInt(c.get('pollSeconds'), 60, 3600),
  };
}
