import { sqliteDialect } from './dialect';
import type { ConnectorSpec } from '../types';

export const sqliteSpec: ConnectorSpec = {
  type: 'sqlite',
  label: 'SQLite',
  icon: 'file-binary',
  fields: [
    {
      name: 'path',
      label: 'Database file',
      kind: 'file',
      required: true,
      help: 'A SQLite database file. It is read into memory and never written.',
      placeholder: '/path/to/data.sqlite',
    },
  ],
  capabilities: ['catalogs', 'tables', 'preview', 'query'],
  hierarchy: {
    children: { connection: ['catalog'], catalog: ['table'], table: ['column'] },
    paged: ['table'],
    searchable: ['table'],
  },
  sql: sqliteDialect,
  sample: {
    name: 'Sample (SQLite)',
    asset: ['media', 'sample', 'planasonix-sample.sqlite'],
    config: (path) => ({ path }),
  },
  // sql.js runs in a worker thread so a long query never blocks the extension host.
  bundle: { entries: { 'sqlite-worker': 'worker.ts' } },
  load: () => import('./driver'),
};
