import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readWorkspaceConnections } from '../../src/core/local/workspaceConnections';

const isSecret = (_type: string, field: string): boolean => field === 'password';

function file(content: string): string {
  const f = path.join(mkdtempSync(path.join(tmpdir(), 'ws-')), 'planasonix-connections.json');
  writeFileSync(f, content);
  return f;
}

describe('workspace connections file', () => {
  it('reads connections with stable ids, scoped to the workspace', async () => {
    const f = file(
      JSON.stringify({ connections: [{ name: 'Team PG', type: 'postgres', config: { host: 'db', port: 5432 } }] }),
    );
    const first = await readWorkspaceConnections(f, isSecret);
    const second = await readWorkspaceConnections(f, isSecret);
    assert.equal(first.connections.length, 1);
    assert.equal(first.connections[0].scope, 'workspace');
    assert.equal(first.connections[0].id, second.connections[0].id);
    assert.match(first.connections[0].credentialId!, /^cred_ws_/);
  });

  it('drops a secret found in the file and says so', async () => {
    const f = file(
      JSON.stringify({ connections: [{ name: 'Leaky', type: 'postgres', config: { host: 'db', password: 'oops' } }] }),
    );
    const result = await readWorkspaceConnections(f, isSecret);
    assert.equal(result.connections[0].config.password, undefined);
    assert.match(result.problems[0], /holds a secret in "password"/);
    assert.ok(!result.problems[0].includes('oops'));
  });

  it('reports bad JSON and bad entries instead of throwing', async () => {
    assert.match((await readWorkspaceConnections(file('{nope'), isSecret)).problems[0], /not valid JSON/);
    const result = await readWorkspaceConnections(
      file(JSON.stringify({ connections: [{ type: 'postgres' }] })),
      isSecret,
    );
    assert.equal(result.connections.length, 0);
    assert.match(result.problems[0], /needs a "name"/);
    assert.deepEqual(await readWorkspaceConnections('/no/such/file.json', isSecret), { connections: [], problems: [] });
  });
});
