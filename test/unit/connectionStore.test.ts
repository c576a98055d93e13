import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConnectionError } from '../../src/core/errors';
import { systemClock } from '../../src/core/ports';
import { ConnectionStore, type StoredConnection } from '../../src/core/local/connectionStore';
import { silentLogger } from '../support/doubles';

function record(id: string, name = id): StoredConnection {
  return { id, name, type: 'postgres', config: { host: 'h' }, createdAt: 't', updatedAt: 't' };
}

function freshStore(): { store: ConnectionStore; file: string; dir: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'store-'));
  const file = path.join(dir, 'connections.json');
  return { store: new ConnectionStore(file, silentLogger, systemClock), file, dir };
}

describe('ConnectionStore', () => {
  it('writes a versioned document and reads it back in a new instance', async () => {
    const { store, file } = freshStore();
    await store.load();
    await store.mutate((rs) => rs.push(record('a')));
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(doc.version, 1);
    assert.deepEqual(
      doc.connections.map((c: StoredConnection) => c.id),
      ['a'],
    );
    const again = new ConnectionStore(file, silentLogger, systemClock);
    assert.deepEqual((await again.load()).problems, []);
    assert.deepEqual(
      again.list().map((c) => c.id),
      ['a'],
    );
  });

  it('keeps the previous document as the last good copy and leaves no temporary files', async () => {
    const { store, file, dir } = freshStore();
    await store.load();
    await store.mutate((rs) => rs.push(record('a')));
    await store.mutate((rs) => rs.push(record('b')));
    const backup = JSON.parse(readFileSync(`${file}.bak`, 'utf8'));
    assert.deepEqual(
      backup.connections.map((c: StoredConnection) => c.id),
      ['a'],
    );
    assert.deepEqual(readdirSync(dir).sort(), ['connections.json', 'connections.json.bak']);
  });

  it('moves a corrupt file aside untouched, restores the last good copy and reports it', async () => {
    const { store, file, dir } = freshStore();
    await store.load();
    await store.mutate((rs) => rs.push(record('a')));
    await store.mutate((rs) => rs.push(record('b')));
    writeFileSync(file, '{"version": 1, "connections": [ {broken');
    const reopened = new ConnectionStore(file, silentLogger, systemClock);
    const report = await reopened.load();
    assert.equal(report.problems.length, 1);
    assert.match(report.problems[0], /damaged .*moved to .*corrupt.*Restored 1 connection/s);
    assert.deepEqual(
      reopened.list().map((c) => c.id),
      ['a'],
    );
    const aside = readdirSync(dir).find((f) => f.includes('.corrupt-'))!;
    assert.equal(readFileSync(path.join(dir, aside), 'utf8'), '{"version": 1, "connections": [ {broken');
  });

  it('starts empty when a corrupt file has no good copy, without deleting the corrupt file', async () => {
    const { file, dir } = freshStore();
    writeFileSync(file, JSON.stringify({ version: 1, connections: [{ id: 1 }] }));
    const store = new ConnectionStore(file, silentLogger, systemClock);
    const report = await store.load();
    assert.match(report.problems[0], /connection #1 has no id/);
    assert.equal(store.list().length, 0);
    assert.ok(readdirSync(dir).some((f) => f.includes('.corrupt-')));
  });

  it('refuses to overwrite a document written by a newer version', async () => {
    const { file } = freshStore();
    const newer = JSON.stringify({ version: 99, connections: [record('a')] });
    writeFileSync(file, newer);
    const store = new ConnectionStore(file, silentLogger, systemClock);
    const report = await store.load();
    assert.ok(report.readOnlyReason);
    assert.deepEqual(
      store.list().map((c) => c.id),
      ['a'],
    );
    await assert.rejects(
      store.mutate((rs) => rs.push(record('b'))),
      (e: unknown) => ConnectionError.is(e, 'read_only'),
    );
    assert.equal(readFileSync(file, 'utf8'), newer);
  });

  it('reports an unreadable file and never writes over it', async () => {
    const { file } = freshStore();
    mkdirSync(file); // a directory where the file should be: EISDIR
    const store = new ConnectionStore(file, silentLogger, systemClock);
    const report = await store.load();
    assert.match(report.problems[0], /cannot be read \(EISDIR\)/);
    await assert.rejects(
      store.mutate((rs) => rs.push(record('b'))),
      (e: unknown) => ConnectionError.is(e, 'read_only'),
    );
    assert.ok(existsSync(file));
  });

  it('does not lose a connection saved by another window in between', async () => {
    const { store, file } = freshStore();
    const other = new ConnectionStore(file, silentLogger, systemClock);
    await store.load();
    await other.load();
    await store.mutate((rs) => rs.push(record('from-window-1')));
    await other.mutate((rs) => rs.push(record('from-window-2')));
    const final = new ConnectionStore(file, silentLogger, systemClock);
    await final.load();
    assert.deepEqual(
      final
        .list()
        .map((c) => c.id)
        .sort(),
      ['from-window-1', 'from-window-2'],
    );
  });

  it('serializes concurrent changes in one window', async () => {
    const { store, file } = freshStore();
    await store.load();
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.mutate((rs) => rs.push(record(`c${i}`)))));
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(doc.connections.length, 20);
  });

  it('leaves the store as it was when a change throws', async () => {
    const { store, file } = freshStore();
    await store.load();
    await store.mutate((rs) => rs.push(record('a')));
    const before = readFileSync(file, 'utf8');
    await assert.rejects(
      store.mutate(() => {
        throw new Error('no');
      }),
    );
    assert.equal(readFileSync(file, 'utf8'), before);
    assert.deepEqual(
      store.list().map((c) => c.id),
      ['a'],
    );
  });
});
