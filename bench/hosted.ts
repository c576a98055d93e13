import { wholePreview } from '../test/support/whole';
/**
 * The hosted client against the reference server (test/support/referenceServer.ts), in both of its
 * profiles (the documented API: `hosted_*`; the back end Planasonix deploys: `hosted_deployed_*`):
 * - hosted_list_10k_ms: list a 10,000-connection workspace, 500 per page (deployed: one bare array) (goal ≤ 1,000 ms);
 * - hosted_list_overhead_ratio: the client vs plain fetch + JSON.parse of the same pages (goal ≤ 1.2);
 * - hosted_preview_1000x20_ratio: a hosted preview of 1,000 rows × 20 columns through the client vs
 *   fetch + JSON.parse of the same response (goal ≤ 1.15).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { HostedConnectionsApi } from '../src/core/hosted/hostedConnectionsApi';
import { HostedHttp } from '../src/core/hosted/httpClient';
import { connectorRoles } from '../src/core/hosted/connectorRoles';
import { ConnectorRegistry } from '../src/core/connectors/registry';
import { ReferenceServer, type Profile } from '../test/support/referenceServer';

type Bench = (name: string, value: number, unit: string) => void;
type SideBySide = (
  rounds: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
) => Promise<{ a: number; b: number; ratio: number }>;

export async function hostedFigures(bench: Bench, sideBySide: SideBySide): Promise<void> {
  for (const profile of ['documented', 'deployed'] as Profile[]) await profileFigures(profile, bench, sideBySide);
}

async function profileFigures(profile: Profile, report: Bench, sideBySide: SideBySide): Promise<void> {
  const prefix = profile === 'documented' ? 'hosted_' : 'hosted_deployed_';
  const bench: Bench = (name, value, unit) => report(name.replace(/^hosted_/, prefix), value, unit);
  const server = await ReferenceServer.start(profile);
  try {
    const key = 'plnx_bench_key';
    server.keys.add(key);
    await server.seed(10_000);
    if (profile === 'documented') server.pageSize = 500;
    const api = new HostedConnectionsApi(
      new HostedHttp({ baseUrl: server.url }, { token: async () => key }),
      connectorRoles(new ConnectorRegistry()),
    );
    const plain = async (): Promise<number> => {
      let cursor: string | null = null;
      let n = 0;
      do {
        const url = new URL('/api/connections', server.url);
        if (cursor) url.searchParams.set('cursor', cursor);
        const response = await fetch(url, { headers: { Authorization: `Bearer ${key}`, Accept: 'application/json' } });
        const body = JSON.parse(await response.text()) as
          unknown[] | { data: unknown[]; meta: { page?: { cursor: string | null } } };
        n += Array.isArray(body) ? body.length : body.data.length;
        cursor = Array.isArray(body) ? null : (body.meta.page?.cursor ?? null);
      } while (cursor);
      return n;
    };
    const list = await sideBySide(41, () => api.listConnections(), plain);
    bench('hosted_list_10k_ms', Number(list.a.toFixed(1)), 'ms');
    bench('hosted_list_10k_fetch_ms', Number(list.b.toFixed(1)), 'ms');
    bench('hosted_list_overhead_ratio', list.ratio, 'x');

    // A 1,000 × 20 table in a SQLite file, previewed through the server's real connector.
    const dir = mkdtempSync(path.join(tmpdir(), 'planasonix-bench-'));
    const columns = Array.from({ length: 20 }, (_, i) => `c${i}`);
    const initSqlJs = (await import('sql.js')).default;
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.run(`CREATE TABLE wide (${columns.map((c) => `${c} TEXT`).join(', ')})`);
    const insert = db.prepare(`INSERT INTO wide VALUES (${columns.map(() => '?').join(', ')})`);
    for (let r = 0; r < 1000; r++) insert.run(columns.map((c) => `${c}-${r}-value`));
    insert.free();
    const file = path.join(dir, 'wide.sqlite');
    writeFileSync(file, Buffer.from(db.export()));
    const { id } = await api.createConnection({ name: 'wide', type: 'sqlite', config: { path: file } });
    const url = new URL(`/api/connections/${id}/preview`, server.url);
    url.searchParams.set('table', 'wide');
    url.searchParams.set('limit', '1000');
    const preview = await sideBySide(
      15,
      () => wholePreview(api, id, { table: 'wide', limit: 1000 }),
      async () =>
        JSON.parse(await (await fetch(url, { headers: { Authorization: `Bearer ${key}` } })).text()) as unknown,
    );
    bench('hosted_preview_1000x20_ms', Number(preview.a.toFixed(1)), 'ms');
    bench('hosted_preview_1000x20_ratio', preview.ratio, 'x');
  } finally {
    await server.close();
  }
}
