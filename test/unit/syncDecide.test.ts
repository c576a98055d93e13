import * as assert from 'node:assert/strict';
import { decide, type Side, type SyncAction } from '../../src/core/sync/decide';

const last = { localUpdatedAt: 'L0', remoteUpdatedAt: 'R0' };
const base = { name: 'Warehouse', type: 'postgres', config: { host: 'db', port: 5432, user: 'etl', database: 'dw' } };

type State = 'deleted' | 'unchanged' | 'changed';
const side = (state: State, at0: string, at1: string, config = base.config): Side =>
  state === 'deleted' ? undefined : { ...base, config, updatedAt: state === 'unchanged' ? at0 : at1 };

describe('sync: the decision for one linked connection, every combination', () => {
  const localEdit = { ...base.config, database: 'dw_local' };
  const remoteEdit = { ...base.config, database: 'dw_remote' };
  const expected: Record<`${State}/${State}`, SyncAction> = {
    'deleted/deleted': { kind: 'forget' },
    'deleted/unchanged': { kind: 'askDeleteRemote', remoteChanged: false },
    'deleted/changed': { kind: 'askDeleteRemote', remoteChanged: true },
    'unchanged/deleted': { kind: 'askDeleteLocal', localChanged: false },
    'changed/deleted': { kind: 'askDeleteLocal', localChanged: true },
    'unchanged/unchanged': { kind: 'none' },
    'unchanged/changed': { kind: 'pull', targetChanged: true },
    'changed/unchanged': { kind: 'push' },
    'changed/changed': { kind: 'conflict' },
  };
  for (const [combo, action] of Object.entries(expected)) {
    const [l, r] = combo.split('/') as [State, State];
    it(`local ${l}, workspace ${r}: ${action.kind}`, () => {
      const local = side(l, 'L0', 'L1', l === 'changed' ? localEdit : base.config);
      const remote = side(r, 'R0', 'R1', r === 'changed' ? remoteEdit : base.config);
      assert.deepEqual(decide(local, remote, last), action);
    });
  }

  it('sees the same change made on both sides as no change at all', () => {
    const same = { ...base.config, port: 6432 };
    assert.deepEqual(decide(side('changed', 'L0', 'L1', same), side('changed', 'R0', 'R1', same), last), {
      kind: 'none',
    });
  });

  it('pulls a workspace change that keeps the target without asking, and asks for one that moves it', () => {
    const renamed: Side = { ...base, name: 'Warehouse (prod)', updatedAt: 'R1' };
    assert.deepEqual(decide(side('unchanged', 'L0', 'L1'), renamed, last), { kind: 'pull', targetChanged: false });
    const moves: Record<string, string | number>[] = [
      { host: 'evil.example' },
      { port: 6543 },
      { user: 'admin' },
      { sslMode: 'disable' },
    ];
    for (const moved of moves) {
      const remote: Side = { ...base, config: { ...base.config, ...moved }, updatedAt: 'R1' };
      assert.deepEqual(
        decide(side('unchanged', 'L0', 'L1'), remote, last),
        { kind: 'pull', targetChanged: true },
        JSON.stringify(moved),
      );
    }
  });
});

describe('sync: only what the workspace sent is compared', () => {
  it('takes a setting the workspace does not keep for no change: a rename is pulled, no new target announced', () => {
    const mine: Side = {
      ...base,
      config: { ...base.config, connectTimeoutSeconds: 30, sslMode: 'require' },
      updatedAt: 'L0',
    };
    const theirs: Side = { ...base, name: 'Warehouse (prod)', updatedAt: 'R1' }; // no timeout, no TLS setting kept there
    assert.deepEqual(decide(mine, theirs, last), { kind: 'pull', targetChanged: false });
    // Touched there without a difference in what it sent: nothing to do.
    assert.deepEqual(decide(mine, { ...base, updatedAt: 'R1' }, last), { kind: 'none' });
    // A setting it does send still moves the target.
    assert.deepEqual(decide(mine, { ...base, config: { ...base.config, sslMode: 'disable' }, updatedAt: 'R1' }, last), {
      kind: 'pull',
      targetChanged: true,
    });
  });

  it('pushes a setting added here that the workspace does not have yet', () => {
    const mine: Side = { ...base, config: { ...base.config, connectTimeoutSeconds: 30 }, updatedAt: 'L1' };
    assert.deepEqual(decide(mine, { ...base, updatedAt: 'R0' }, last), { kind: 'push' });
  });
});
