import type { ConnectorSpec } from '../../../../src/core/connectors/types';
import { warehouseDialect } from './dialect';

/**
 * A connector that exists only in the tests: a SQL warehouse of projects, datasets, tables and columns
 * held in memory, with a dialect and level names of its own. It is added the way a real one is: this
 * folder (named by its type) and one line in a manifest (../manifest.ts), and no other file in the project knows about it.
 */
export const warehouseSpec: ConnectorSpec = {
  type: 'test-warehouse',
  label: 'Test Warehouse',
  icon: 'server',
  fields: [
    { name: 'project', label: 'Project', kind: 'string', required: true },
    { name: 'token', label: 'Token', kind: 'secret', secret: true },
  ],
  capabilities: ['catalogs', 'schemas', 'tables', 'preview', 'query'],
  hierarchy: {
    children: { connection: ['catalog'], catalog: ['schema'], schema: ['table'], table: ['column'] },
    paged: ['table'],
    searchable: ['table'],
    looks: {
      catalog: { label: 'Project', plural: 'projects', icon: 'project' },
      schema: { label: 'Dataset', plural: 'datasets', icon: 'layers' },
    },
  },
  sql: warehouseDialect,
  // A kind of table only this warehouse has: its icon comes from here, not from any other file.
  tableTypes: { SNAPSHOT: { icon: 'history' } },
  load: () => import('./driver'),
};
