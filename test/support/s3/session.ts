import { s3Spec } from '../../../src/core/connectors/s3/spec';
import type { ConnectorSession, StorageFacet } from '../../../src/core/connectors/types';
import { silentLogger } from '../doubles';

/** The project's S3 server's credentials (it checks SigV4 against them). */
export const testKeys = { accessKeyId: 'AKIATESTKEY', secretAccessKey: 'test-secret-key' };

/**
 * A session of the real S3 connector against an S3 endpoint on this machine: path-style, bucket `lake`,
 * signed with `keys` (the project's server's by default); `config` adds or overrides settings.
 */
export async function openS3Session(
  endpoint: string,
  config: Record<string, string | boolean> = {},
  keys: { accessKeyId: string; secretAccessKey: string } = testKeys,
): Promise<ConnectorSession & { storage: StorageFacet }> {
  const driver = await s3Spec.load();
  return driver.openSession({
    config: {
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      authType: 'keys',
      accessKeyId: keys.accessKeyId,
      bucket: 'lake',
      ...config,
    },
    secrets: { secretAccessKey: keys.secretAccessKey },
    logger: silentLogger,
  }) as ConnectorSession & { storage: StorageFacet };
}
