// s3rver's seventh fault (shared/reference/driver-protocols.md §3): a listing without a delimiter pages by
// its directory walk, not by byte order, and the continuation (the last key, in byte order) then skips
// keys. Shown here through the connector's paging against s3rver, which runs in a child process with
// Node's legacy OpenSSL provider (its continuation tokens are DES, its third fault); the same keys on the
// project's own server come back complete and in byte order, which is why listing tests run there.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ConnectorSession, StorageFacet } from '../../src/core/connectors/types';

import { S3Server } from '../support/s3/server';
import { openS3Session } from '../support/s3/session';

const keys = [
  ...Array.from({ length: 1100 }, (_, i) => `many/k${String(i).padStart(4, '0')}.csv`),
  ...Array.from({ length: 1200 }, (_, i) => `many-dirs/d${i}/k.csv`),
];
/** Byte order, as S3 lists keys ('-' sorts before '/', so every many-dirs/ key before any many/ one). */
const byteOrder = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

async function listAll(session: ConnectorSession & { storage: StorageFacet }, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await session.storage.listObjects({ prefix, ...(pageToken ? { pageToken } : {}) });
    out.push(...page.objects.map((o) => o.key));
    pageToken = page.nextPageToken;
  } while (pageToken);
  return out;
}

describe("s3rver's seventh fault: a listing without a delimiter drops keys (the project's server is the reference)", function () {
  this.timeout(180_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'planasonix-s3rver-walk-'));
  let child: ChildProcess;
  let endpoint: string;

  before(async () => {
    const script = `
      const S3rver = require('s3rver');
      new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: ${JSON.stringify(dir)}, configureBuckets: [{ name: 'lake' }] })
        .run().then(({ port }) => console.log('PORT ' + port));`;
    child = spawn(process.execPath, ['-e', script], {
      cwd: path.join(__dirname, '..', '..'),
      env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    endpoint = await new Promise<string>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`s3rver exited (${code})`)));
      child.stdout!.on('data', (data: Buffer) => {
        const m = /PORT (\d+)/.exec(data.toString());
        if (m) resolve(`http://127.0.0.1:${m[1]}`);
      });
    });
    const writer = new S3Client({
      region: 'us-east-1',
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(
        keys.slice(i, i + 50).map((Key) => writer.send(new PutObjectCommand({ Bucket: 'lake', Key, Body: 'a' }))),
      );
    }
    writer.destroy();
  });

  after(() => {
    child?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  const session = (
    url: string,
    accessKeyId: string,
    secretAccessKey: string,
  ): Promise<ConnectorSession & { storage: StorageFacet }> => openS3Session(url, {}, { accessKeyId, secretAccessKey });

  it('s3rver pages by its directory walk, and the byte-order continuation skips every many-dirs/ key', async () => {
    const s = await session(endpoint, 'S3RVER', 'S3RVER');
    try {
      const listed = await listAll(s, 'many');
      const missing = keys.filter((k) => !listed.includes(k));
      // Its walk returns many/ first; the second page starts after many/k0999 in byte order, past many-dirs/.
      assert.equal(
        missing.length,
        1200,
        `s3rver lost ${missing.length} keys (if 0, its fault 7 is fixed: listing tests may use it again)`,
      );
      assert.ok(missing.every((k) => k.startsWith('many-dirs/')));
    } finally {
      await s.close();
    }
  });

  it("the project's server lists every key once, in byte order, across pages", async () => {
    const server = await S3Server.start();
    try {
      for (const k of keys) server.put('lake', k, 'a');
      const s = await session(server.endpoint, 'AKIATESTKEY', 'test-secret-key');
      try {
        assert.deepEqual(await listAll(s, 'many'), byteOrder);
      } finally {
        await s.close();
      }
    } finally {
      await server.close();
    }
  });
});
