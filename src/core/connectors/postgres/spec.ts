import { postgresDialect } from './dialect';
import { serverFields } from '../sql/serverFields';
import type { ConnectorSpec } from '../types';

export const postgresSpec: ConnectorSpec = {
  type: 'postgres',
  label: 'PostgreSQL',
  icon: 'database',
  fields: serverFields(5432, 'postgres', 'Database to connect to first; other databases of the server are listed too.'),
  capabilities: ['catalogs', 'schemas', 'tables', 'preview', 'query'],
  hierarchy: {
    children: { connection: ['catalog'], catalog: ['schema'], schema: ['table'], table: ['column', 'table'] },
    paged: ['table'],
    searchable: ['table'],
  },
  sql: postgresDialect,
  tableTypes: {
    'MATERIALIZED VIEW': { icon: 'save', view: true },
    'PARTITIONED TABLE': { icon: 'layers' },
    PARTITION: { icon: 'layers-dot' },
    'FOREIGN TABLE': { icon: 'link-external' },
  },
  // pg's optional native binding is never used.
  bundle: { external: ['pg-native'] },
  load: () => import('./driver'),
};
