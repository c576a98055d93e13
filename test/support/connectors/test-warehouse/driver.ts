import type { ColumnInfo, NamedItem } from '../../../../src/core/api/types';
import type {
  ConnectorSession,
  QueryOptions,
  SessionOptions,
  StreamSummary,
} from '../../../../src/core/connectors/types';
import { quoteIdentifier } from '../../../../src/core/connectors/sql/dialects';
import { warehouseDialect } from './dialect';

/** What the warehouse's sessions were asked to run, newest last: tests read it. */
export const seenStatements: QueryOptions[] = [];

/** Its content: one project, whose datasets are listed unless the dataset listing is told to fail. */
const datasets: Record<string, Record<string, { type: string; columns: ColumnInfo[] }>> = {
  sales: {
    orders: { type: 'TABLE', columns: [{ name: 'id', type: 'INT64', nullable: false }] },
    'order lines': { type: 'VIEW', columns: [{ name: 'qty', type: 'INT64', nullable: true }] },
    orders_2024: { type: 'SNAPSHOT', columns: [] },
  },
  empty: {},
};

export function openSession({ config, secrets }: SessionOptions): ConnectorSession {
  const project = String(config.project);
  // A project whose token may not list datasets: its tree shows the failure in place.
  const failing = project === 'no-datasets';
  return {
    test: async () => ({ ok: secrets.token === 'good', message: `project ${project}`, serverVersion: 'Warehouse 1.0' }),
    sql: {
      catalogs: async (): Promise<NamedItem[]> => [{ name: project }],
      schemas: async (catalog): Promise<NamedItem[]> => {
        if (failing) throw new Error('datasets are not listed for this token');
        return catalog === project ? Object.keys(datasets).map((name) => ({ name })) : [];
      },
      tables: async (q) => ({
        tables: Object.entries(datasets[q.schema ?? ''] ?? {}).map(([name, t]) => ({ name, type: t.type })),
      }),
      columns: async (q): Promise<ColumnInfo[]> => datasets[q.schema ?? '']?.[q.table]?.columns ?? [],
      stream: async (options, sink): Promise<StreamSummary> => {
        seenStatements.push(options);
        sink.start(['one'], ['INT64']);
        await sink.rows([['1']]);
        return { executionMs: 1, rowsReturned: 1, truncated: false };
      },
      previewStatement: (q) => ({
        sql: `SELECT * FROM ${[q.catalog, q.schema, q.table]
          .filter((p): p is string => p !== undefined)
          .map((p) => quoteIdentifier(warehouseDialect, p))
          .join('.')}`,
        limit: q.limit,
        timeoutMs: 1000,
        generated: true,
      }),
    },
    close: async () => undefined,
  };
}
