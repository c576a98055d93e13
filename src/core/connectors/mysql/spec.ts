import { mysqlDialect } from './dialect';
import { serverFields } from '../sql/serverFields';
import type { ConnectorSpec } from '../types';

export const mysqlSpec: ConnectorSpec = {
  type: 'mysql',
  label: 'MySQL / MariaDB',
  icon: 'database',
  fields: serverFields(3306, 'root', 'Default database for unqualified names; every database of the server is listed.'),
  capabilities: ['schemas', 'tables', 'preview', 'query'],
  hierarchy: {
    children: { connection: ['schema'], schema: ['table'], table: ['column'] },
    paged: ['table'],
    searchable: ['table'],
  },
  sql: mysqlDialect,
  tableTypes: { SEQUENCE: { icon: 'symbol-number' }, 'SYSTEM VERSIONED TABLE': { icon: 'history' } },
  load: () => import('./driver'),
};
