import * as assert from 'node:assert/strict';
import { ConnectionError } from '../../src/core/errors';
import { makeHarness } from '../support/harness';

const field = (name: string) => (e: unknown) => ConnectionError.is(e, 'invalid_config') && e.details?.field === name;

describe('a connection that signs in with a key needs the key', () => {
  it('refuses an S3 key sign-in saved without its key id or its secret, naming the field; saves it with both', async () => {
    const h = await makeHarness();
    try {
      const base = { name: 'Lake', type: 's3', config: { authType: 'keys', bucket: 'lake' } };
      await assert.rejects(h.save(base, { secretAccessKey: 'k' }), field('accessKeyId'));
      await assert.rejects(
        h.save({ ...base, config: { ...base.config, accessKeyId: 'AKIA1' } }, {}),
        field('secretAccessKey'),
      );
      // Key sign-in is the default: leaving it unsaid does not skip the check.
      await assert.rejects(
        h.save({ ...base, config: { bucket: 'lake', accessKeyId: 'AKIA1' } }, {}),
        field('secretAccessKey'),
      );
      assert.equal((await h.api.listConnections()).meta.total, 0, 'nothing was saved');
      const saved = await h.save(
        { ...base, config: { ...base.config, accessKeyId: 'AKIA1' } },
        { secretAccessKey: 'k' },
      );
      assert.ok(saved.credentialId);
      // Another sign-in needs no key.
      await h.save({ name: 'Profiled', type: 's3', config: { authType: 'profile', profile: 'dev' } }, {});
      assert.equal((await h.api.listConnections()).meta.total, 2);
    } finally {
      await h.api.dispose();
    }
  });
});
