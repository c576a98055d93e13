import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { offerSampleConnection, sampleConnectionName } from '../../src/core/local/sampleConnection';
import { samplePath } from '../../scripts/sampleDatabase';
import { makeHarness } from '../support/harness';

function flags(): { get(k: string): boolean; set(k: string, v: boolean): Promise<void>; values: Map<string, boolean> } {
  const values = new Map<string, boolean>();
  return { values, get: (k) => values.get(k) ?? false, set: async (k, v) => void values.set(k, v) };
}

describe('sample connection for a new user', () => {
  it('adds the sample once, from a copy in the extension storage, and not again after it is deleted', async () => {
    const h = await makeHarness();
    const f = flags();
    const created = await offerSampleConnection(h.api, f, samplePath, h.dir);
    assert.equal(created?.name, sampleConnectionName);
    const copied = String(created!.config.path);
    assert.ok(copied.startsWith(h.dir) && existsSync(copied));
    assert.equal(path.basename(copied), path.basename(samplePath));
    await h.api.deleteConnection(created!.id);
    assert.equal(await offerSampleConnection(h.api, f, samplePath, h.dir), undefined);
    assert.equal((await h.api.listConnections()).meta.total, 0);
  });

  it('leaves a user who already has connections alone', async () => {
    const h = await makeHarness();
    await h.api.createConnection({ name: 'mine', type: 'sqlite', config: { path: samplePath } });
    assert.equal(await offerSampleConnection(h.api, flags(), samplePath, h.dir), undefined);
    assert.deepEqual(
      (await h.api.listConnections()).data.map((c) => c.name),
      ['mine'],
    );
  });
});
