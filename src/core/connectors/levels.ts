import type { ConnectorSpec, Level, LevelLook } from './types';

/** The common words and icons; a connector's spec says where its own differ (`hierarchy.looks`). */
const commonLooks: Readonly<Record<Level, LevelLook>> = {
  catalog: { label: 'Database', plural: 'databases', icon: 'database' },
  schema: { label: 'Schema', plural: 'schemas', icon: 'symbol-namespace' },
  table: { label: 'Table', plural: 'tables', icon: 'table' },
  column: { label: 'Column', plural: 'columns', icon: 'symbol-field' },
  bucket: { label: 'Bucket', plural: 'buckets', icon: 'archive' },
  prefix: { label: 'Folder', plural: 'folders', icon: 'folder' },
  object: { label: 'File', plural: 'files', icon: 'file' },
  volume: { label: 'Volume', plural: 'volumes', icon: 'folder-library' },
};

/** What a connector calls a level of its tree, and its icon. */
export function levelLook(spec: Pick<ConnectorSpec, 'hierarchy'> | undefined, level: Level): LevelLook {
  return { ...commonLooks[level], ...spec?.hierarchy.looks?.[level] };
}
