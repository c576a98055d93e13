import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { offerSampleConnection, shippedSample, type ShippedSample } from '../../src/core/local/sampleConnection';
import { ConnectorRegistry } from '../../src/core/connectors/registry';
import { samplePath } from '../../scripts/sampleDatabase';
import { makeHarness } from '../support/harness';

function flags(): { get(k: string): boolean; set(k: string, v: boolean): Promise<void>; values: Map<string, boolean> } {
  const values = new Map<string, boolean>();
  return { values, get: (k) => values.get(k) ?? false, set: async (k, v) => void values.set(k, v) };
}

describe('sample connection for a new user', () => {
  // The shipped sample as the extension finds it (the SQLite spec's), with the file the fixtures built.
  const found = shippedSample(new ConnectorRegistry(), '/ext')!;
  const sample: ShippedSample = { ...found, file: samplePath };

  it("comes from the connector that ships one: its spec's name, file and settings", () => {
    assert.equal(found.type, 'sqlite');
    assert.equal(found.name, 'Sample (SQLite)');
    assert.equal(found.file, path.join('/ext', 'media', 'sample', path.basename(samplePath)));
    assert.deepEqual(found.config('/x.sqlite'), { path: '/x.sqlite' });
  });

  it('adds the sample once, from a copy in the extension storage, and not again after it is deleted', async () => {
    const h = await makeHarness();
    const f = flags();
    const created = await offerSampleConnection(h.api, f, sample, h.dir);
    assert.equal(created?.name, 'Sample (SQLite)');
    const copied = String(created.config.path);
    assert.ok(copied.startsWith(h.dir) && existsSync(copied));
    assert.equal(path.basename(copied), path.basename(samplePath));
    await h.api.deleteConnection(created.id);
    assert.equal(await offerSampleConnection(h.api, f, sample, h.dir), undefined);
    assert.equal((await h.api.listConnections()).meta.total, 0);
  });

  it('leaves a user who already has connections alone', async () => {
    const h = await makeHarness();
    await h.api.createConnection({ name: 'mine', type: 'sqlite', config: { path: samplePath } });
    assert.equal(await offerSampleConnection(h.api, flags(), sample, h.dir), undefined);
    assert.deepEqual(
      (await h.api.listConnections()).data.map((c) => c.name),
      ['mine'],
    );
  });
});
