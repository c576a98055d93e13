// Amazon S3 in real VS Code, from the packaged .vsix, against the project's S3 server (the real
// @aws-sdk/client-s3 inside the extension talks to it unchanged): add through the form with an endpoint
// and path-style addressing, browse a bucket to a Parquet file and its columns, preview it in the grid,
// preview a folder of part files (one damaged) as one table, and find a key among thousands with a
// server-side prefix filter.
import * as assert from 'node:assert/strict';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { S3Server } from '../support/s3/server';
import {
  addThroughForm,
  contextMenu,
  expand,
  resultsGrid,
  rowAction,
  runCommand,
  showConnections,
  treeRow,
  useWorkbench,
} from './workbench';

describe('Amazon S3 in real VS Code (code-server + Chromium), from the packaged .vsix', function () {
  this.bail(true);
  this.timeout(120_000);
  const name = 'E2E Lake';
  let server: S3Server;
  const parquet = Buffer.from(
    parquetWriteBuffer({
      columnData: [
        { name: 'order_id', data: BigInt64Array.from([1n, 2n, 9007199254740993n]), type: 'INT64', nullable: false },
        { name: 'city', data: ['Oslo', 'Lima', null], type: 'STRING' },
        {
          name: 'at',
          data: [new Date('2025-03-27T06:00:00Z'), null, new Date('2025-03-28T00:00:00Z')],
          type: 'TIMESTAMP',
        },
      ],
    }),
  );
  before(async () => {
    server = await S3Server.start();
    server.keys.set('AKIAE2ETEST', 'e2e-secret-key-42');
    server.createBucket('lake');
    server.put('lake', 'curated/orders.parquet', parquet);
    server.put('lake', 'notes/readme.md', '# Hello lake\n\n[not a link](command:workbench.action.quit)\n');
    for (let i = 0; i < 3000; i++) server.put('lake', `raw/part-${String(i).padStart(5, '0')}.json`, '{}');
    // A folder of part files: bytes without a string annotation, and one damaged part among them.
    const part = (ids: number[]): Buffer =>
      Buffer.from(
        parquetWriteBuffer({
          columnData: [
            { name: 'id', data: Int32Array.from(ids), type: 'INT32', nullable: false },
            { name: 'raw', data: ids.map(() => Uint8Array.from([0xff, 0xfe, 0x00, 0x80])), type: 'BYTE_ARRAY' },
          ],
        }),
      );
    server.put('lake', 'sales/part-0.parquet', part([1]));
    server.put('lake', 'sales/part-1.parquet', Buffer.from('PAR1 damaged in transit'));
    server.put('lake', 'sales/part-2.parquet', part([2]));
  });
  const workbench = useWorkbench('s3');
  after(async () => server?.close());

  it('adds an S3 connection through the form, with an endpoint and path-style addressing, tested before it is saved', async () => {
    const { page } = workbench();
    await showConnections(page);
    await addThroughForm(page, {
      connector: 's3',
      name,
      fields: { bucket: 'lake', accessKeyId: 'AKIAE2ETEST', secretAccessKey: 'e2e-secret-key-42' },
      advanced: { endpoint: server.endpoint },
      checks: ['forcePathStyle'],
      tested: /Connected in \d+ ms/,
      screenshot: 's3-00-form',
      shoot: (shot) => workbench().screenshot(shot),
    });
  });

  it("browses the bucket to a Parquet file and its columns, read from the file's end", async () => {
    const { page } = workbench();
    await expand(treeRow(page, name));
    await expand(treeRow(page, 'Bucket lake'));
    await expand(treeRow(page, 'Folder curated/'));
    const size = parquet.length < 1024 ? `${parquet.length} B` : `${(parquet.length / 1024).toFixed(1)} KB`;
    const before = server.log.length;
    await expand(treeRow(page, `File curated/orders.parquet, ${size}`));
    await treeRow(page, 'Column order_id, INT64, not null').waitFor({ timeout: 30_000 });
    await treeRow(page, 'Column at, TIMESTAMP(MILLIS, UTC)').waitFor();
    const reads = server.log.slice(before).filter((r) => r.key === 'curated/orders.parquet');
    assert.deepEqual(
      reads.map((r) => `${r.method} ${/^bytes=\d+-\d+$/.test(r.range ?? '') ? 'range' : (r.range ?? 'whole')}`),
      ['GET range'],
      'the schema came from one ranged read',
    );
    await workbench().screenshot('s3-01-tree');
  });

  it('previews the Parquet file in the grid, with exact values', async () => {
    const { page } = workbench();
    await rowAction(
      treeRow(
        page,
        `File curated/orders.parquet, ${parquet.length < 1024 ? `${parquet.length} B` : `${(parquet.length / 1024).toFixed(1)} KB`}`,
      ),
      'Preview Table',
    );
    const grid = await resultsGrid(page, 'orders.parquet');
    await grid.locator('.status', { hasText: /^3 rows · limit 100/ }).waitFor({ timeout: 30_000 });
    const cells = await grid.locator('.row:not([hidden]) .cell:not(.gutter)').allTextContents();
    for (const exact of ['9007199254740993', 'Oslo', '2025-03-27 06:00:00.000'])
      assert.ok(cells.includes(exact), `${exact} is not in the grid: ${cells.join(' | ')}`);
  });

  it('previews a folder of part files as one table: bytes as hex, a damaged part named in the status line', async () => {
    const { page } = workbench();
    await runCommand(page, 'View: Close All Editors');
    await rowAction(treeRow(page, 'Folder sales/'), 'Preview Table');
    const grid = await resultsGrid(page, 'sales/');
    const status = grid.locator('.status', {
      hasText: /^2 rows · limit 100 · .* · 1 file skipped \(Skipped s3:\/\/lake\/sales\/part-1\.parquet/,
    });
    await status.waitFor({ timeout: 30_000 });
    assert.match(
      (await status.getAttribute('title')) ?? '',
      /^Skipped s3:\/\/lake\/sales\/part-1\.parquet .*not a Parquet file/,
    );
    const cells = await grid.locator('.row:not([hidden]) .cell:not(.gutter)').allTextContents();
    assert.deepEqual(cells, ['1', '0xfffe0080 (4 B)', '2', '0xfffe0080 (4 B)']);
    await workbench().screenshot('s3-02-folder');
  });

  it('opens a small text file read-only in an editor', async () => {
    const { page } = workbench();
    await runCommand(page, 'View: Close All Editors');
    await expand(treeRow(page, 'Folder notes/'));
    const size = '# Hello lake\n\n[not a link](command:workbench.action.quit)\n'.length;
    await contextMenu(page, treeRow(page, `File notes/readme.md, ${size} B`), 'Open File');
    await page.locator('.tab', { hasText: 'readme.md' }).waitFor({ timeout: 30_000 });
    await page.locator('.editor-instance .monaco-editor .view-line', { hasText: '# Hello lake' }).waitFor();
    await workbench().screenshot('s3-02-open');
  });

  it('finds a key among thousands with a server-side prefix filter', async () => {
    const { page } = workbench();
    await runCommand(page, 'View: Close All Editors');
    await contextMenu(page, treeRow(page, 'Bucket lake'), 'Filter by Name…');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('raw/part-0271');
    await page.keyboard.press('Enter');
    await treeRow(page, 'File raw/part-02719.json, 2 B').waitFor({ timeout: 30_000 });
    assert.ok(
      server.log.some((r) => r.query['prefix'] === 'raw/part-0271'),
      'the prefix was not sent to the server',
    );
    await workbench().screenshot('s3-03-filter');
  });
});
