import * as assert from 'node:assert/strict';
import { ConnectionError } from '../../src/core/errors';
import { WorkspacePoller, type PollOutcome } from '../../src/core/sync/poller';

/** A poller on a fake timer: run() fires the pending poll and returns the delay it was scheduled with. */
function fakePoller(outcomes: (PollOutcome | Error)[], opts: { visible?: boolean } = {}) {
  let pending: { ms: number; work: () => void } | undefined;
  const state = { visible: opts.visible ?? true, polls: 0 };
  const poller = new WorkspacePoller({
    baseSeconds: () => 30,
    visible: () => state.visible,
    poll: async () => {
      state.polls++;
      const next = outcomes.shift() ?? 'unchanged';
      if (next instanceof Error) throw next;
      return next;
    },
    schedule: (ms, work) => {
      const entry = { ms, work };
      pending = entry;
      return { cancel: () => (pending === entry ? (pending = undefined) : undefined) };
    },
  });
  const run = async (): Promise<number> => {
    const entry = pending;
    assert.ok(entry, 'nothing was scheduled');
    entry.work();
    for (let i = 0; i < 5; i++) await Promise.resolve();
    return poller.lastDelayMs;
  };
  return { poller, run, state, pending: () => pending };
}

describe('hosted workspace polling: backs off when idle, hidden, failing or rate-limited', () => {
  it('polls every base interval while things change, and less often after polls that find nothing', async () => {
    const { poller, run } = fakePoller([
      'changed',
      'changed',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'changed',
    ]);
    poller.start();
    assert.equal(poller.lastDelayMs, 30_000);
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) delays.push(await run());
    assert.deepEqual(delays, [30_000, 30_000, 30_000, 30_000, 60_000, 60_000, 60_000, 120_000, 30_000]);
  });

  it('never waits more than eight times the base while idle', async () => {
    const { poller, run } = fakePoller([]);
    poller.start();
    let last = 0;
    for (let i = 0; i < 40; i++) last = await run();
    assert.equal(last, 240_000);
  });

  it('polls five times less often while the view is hidden', async () => {
    const { poller } = fakePoller([], { visible: false });
    poller.start();
    assert.equal(poller.lastDelayMs, 150_000);
  });

  it('waits at least as long as Retry-After says when rate-limited, and doubles on repeated failures', async () => {
    const limited = new ConnectionError('rate_limited', 'GET /api/connections answered 429', { retryAfterMs: 300_000 });
    const down = new ConnectionError('unreachable', 'GET /api/connections answered 503');
    const { poller, run } = fakePoller([limited, down, down, 'unchanged']);
    poller.start();
    assert.equal(await run(), 300_000);
    assert.equal(await run(), 120_000);
    assert.equal(await run(), 240_000);
    assert.equal(await run(), 30_000, 'a poll that works again goes back to the base interval');
  });

  it('caps the back-off at 15 minutes', async () => {
    const down = new ConnectionError('unreachable', 'down');
    const { poller, run } = fakePoller(Array.from({ length: 20 }, () => down));
    poller.start();
    let last = 0;
    for (let i = 0; i < 20; i++) last = await run();
    assert.equal(last, 15 * 60_000);
  });

  it('polls at once when the user comes back, and not at all once stopped', async () => {
    const { poller, run, state, pending } = fakePoller([]);
    poller.start();
    for (let i = 0; i < 9; i++) await run();
    assert.equal(poller.lastDelayMs, 240_000);
    poller.nudge();
    assert.equal(poller.lastDelayMs, 0);
    assert.equal(await run(), 30_000, 'the idle back-off starts over');
    poller.stop();
    assert.equal(pending(), undefined);
    const polls = state.polls;
    poller.nudge();
    assert.equal(pending(), undefined);
    assert.equal(state.polls, polls);
  });
});
