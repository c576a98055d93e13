import { wholePreview, wholeTestQuery } from '../support/whole';
import * as assert from 'node:assert/strict';
import type { CloudSchemaResponse, FilesResponse } from '../../src/core/api/types';
import { connectorManifest } from '../../src/core/connectors/manifest';
import { ConnectorRegistry } from '../../src/core/connectors/registry';
import type { ConnectorSession, ConnectorSpec, StreamSummary } from '../../src/core/connectors/types';
import { ConnectionError } from '../../src/core/errors';
import { loadChildren } from '../../src/core/explorer/loaders';
import type { ExplorerNode, ItemNode } from '../../src/core/explorer/nodes';
import { makeHarness } from '../support/harness';

/**
 * A storage connector that exists only in this test, with the storage facet of the connector contract:
 * the local API lists its objects, reads a file's schema and previews a file through it, and the
 * explorer walks bucket > folder > file > columns, all without a line of code that knows the connector.
 */
const objects = [
  { key: 'lake/2025/a.parquet', size: 100, lastModified: '2025-01-01T00:00:00Z' },
  { key: 'lake/readme.txt', size: 5, lastModified: '2025-01-02T00:00:00Z' },
];
const signals: (AbortSignal | undefined)[] = [];
const testStore: ConnectorSpec = {
  type: 'test-store',
  label: 'Test object store',
  icon: 'archive',
  fields: [{ name: 'bucket', label: 'Bucket', kind: 'string', required: true }],
  capabilities: ['catalogs', 'files', 'cloudSchema', 'preview'],
  hierarchy: {
    children: { connection: ['prefix', 'object'], prefix: ['prefix', 'object'], object: ['column'] },
    paged: ['object'],
  },
  credentialType: 'aws',
  load: async () => ({
    openSession: (): ConnectorSession => ({
      test: async () => ({ ok: true, message: 'Listed the bucket.' }),
      storage: {
        listObjects: async (query, signal): Promise<FilesResponse> => {
          signals.push(signal);
          const prefix = query.prefix ?? '';
          const under = objects.filter((o) => o.key.startsWith(prefix));
          const folders = [
            ...new Set(
              under
                .map((o) => o.key.slice(prefix.length))
                .filter((rest) => rest.includes('/'))
                .map((rest) => prefix + rest.slice(0, rest.indexOf('/') + 1)),
            ),
          ];
          return {
            prefix,
            objects: under.filter((o) => !o.key.slice(prefix.length).includes('/')),
            commonPrefixes: folders,
          };
        },
        fileSchema: async (query): Promise<CloudSchemaResponse> => {
          if (!query.path.endsWith('.parquet'))
            throw new ConnectionError('unsupported', `"${query.path}" is not a file whose schema can be read.`);
          return { path: query.path, format: 'parquet', columns: [{ name: 'id', type: 'INT64', nullable: false }] };
        },
        previewObject: async ({ path }, limit, sink): Promise<StreamSummary> => {
          sink.start(['path', 'limit'], ['text', 'int']);
          await sink.rows([[path, String(limit)]]);
          return { executionMs: 1, rowsReturned: 1, truncated: false };
        },
      },
      close: async () => undefined,
    }),
  }),
};

describe('connector contract: the storage facet', () => {
  const registry = new ConnectorRegistry([...connectorManifest, testStore]);

  it('lists files, reads a schema and previews a file through the local API, the signal reaching the driver', async () => {
    const h = await makeHarness({ registry });
    try {
      const { id } = await h.api.createConnection({ name: 'Lake', type: 'test-store', config: { bucket: 'b' } });
      const controller = new AbortController();
      const files = await h.api.listFiles(id, { prefix: 'lake/', delimiter: '/' }, { signal: controller.signal });
      assert.deepEqual(files.commonPrefixes, ['lake/2025/']);
      assert.deepEqual(
        files.objects.map((o) => o.key),
        ['lake/readme.txt'],
      );
      assert.equal(signals.at(-1), controller.signal);
      assert.equal((await h.api.cloudSchema(id, { path: 'lake/2025/a.parquet' })).columns[0]?.type, 'INT64');
      await assert.rejects(h.api.cloudSchema(id, { path: 'lake/readme.txt' }), /not a file whose schema can be read/);
      const preview = await wholePreview(h.api, id, { table: 'lake/2025/a.parquet', limit: 7 });
      assert.deepEqual(preview.rows, [['lake/2025/a.parquet', '7']]);
      // A SQL request to a storage connection says so instead of failing somewhere deep.
      await assert.rejects(wholeTestQuery(h.api, { connectionId: id, sql: 'SELECT 1' }), (e: unknown) =>
        ConnectionError.is(e, 'unsupported'),
      );
    } finally {
      await h.api.dispose();
    }
  });

  it("is walked in the explorer: folders, files, a file's columns", async () => {
    const h = await makeHarness({ registry });
    try {
      await h.api.createConnection({ name: 'Lake', type: 'test-store', config: { bucket: 'b' } });
      let node: ExplorerNode | undefined;
      const path: string[] = [];
      for (const name of ['Lake', 'lake/', 'lake/2025/', 'lake/2025/a.parquet', 'id']) {
        const children = await loadChildren(h.api, registry, node, { pageSize: 100 });
        node = children.find((n) => (n.kind === 'connection' ? n.connection.name : (n as ItemNode).name) === name);
        assert.ok(node, `${name} not among ${children.map((c) => c.id).join(', ')}`);
        path.push(node.kind);
      }
      assert.deepEqual(path, ['connection', 'prefix', 'prefix', 'object', 'column']);
    } finally {
      await h.api.dispose();
    }
  });

  it('refuses storage calls on a SQL connection with a typed error', async () => {
    const h = await makeHarness({ registry });
    try {
      const { id } = await h.api.createConnection({ name: 'pg', type: 'postgres', config: { host: 'h' } });
      await assert.rejects(h.api.listFiles(id), (e: unknown) => ConnectionError.is(e, 'unsupported'));
    } finally {
      await h.api.dispose();
    }
  });
});
