/**
 * Test Connection against a closed port on this machine, for every connector that connects over the
 * network (`npm run bench -- unreachable`): how long until the user reads a clear error. The slowest
 * is `unreachable_closed_port_ms_max` (goal ≤ 1000 ms). The median of five tries each.
 */
import { performance } from 'node:perf_hooks';
import type { ConnectionConfig, SecretValues } from '../src/core/api/types';
import { makeHarness } from '../test/support/harness';
import { freePort } from '../scripts/vscode/codeServer';
import { median } from './common';

type Bench = (name: string, value: number, unit: string) => void;

export async function unreachableFigures(bench: Bench): Promise<void> {
  const port = await freePort(); // nothing listens on it
  const at = `127.0.0.1:${port}`;
  const targets: [string, ConnectionConfig, SecretValues][] = [
    ['postgres', { host: '127.0.0.1', port, database: 'x', user: 'u', sslMode: 'disable' }, { password: 'p' }],
    ['mysql', { host: '127.0.0.1', port, user: 'u', sslMode: 'disable' }, { password: 'p' }],
    ['snowflake', { account: 'fake', user: 'u', serverUrl: `http://${at}` }, { password: 'p' }],
    ['databricks', { host: at, httpPath: '/sql/1.0/warehouses/x', authType: 'token' }, { token: 'dapi-x' }],
    [
      's3',
      {
        region: 'us-east-1',
        endpoint: `http://${at}`,
        forcePathStyle: true,
        authType: 'keys',
        accessKeyId: 'AKIAX',
        bucket: 'b',
      },
      { secretAccessKey: 's' },
    ],
  ];
  const h = await makeHarness();
  let worst = 0;
  try {
    for (const [type, config, secrets] of targets) {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const credential = await h.credentials.createCredential({
          name: `bench ${type} ${i}`,
          type: h.api.registry.spec(type).credentialType ?? 'database',
          config: secrets,
        });
        const started = performance.now();
        const result = await h.api.testConnection({ type, config, credentialId: credential.id, targetConfirmed: true });
        times.push(performance.now() - started);
        if (result.ok) throw new Error(`${type}: a closed port answered`);
        await h.credentials.deleteCredential(credential.id);
      }
      const ms = Math.round(median(times));
      bench(`unreachable_closed_port_ms_${type}`, ms, 'ms');
      worst = Math.max(worst, ms);
    }
  } finally {
    await h.api.dispose();
  }
  bench('unreachable_closed_port_ms_max', worst, 'ms');
}
