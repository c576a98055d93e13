import { ConnectionError } from '../errors';

/** What one poll found. */
export type PollOutcome = 'changed' | 'unchanged';

export interface PollerDeps {
  /** Lists the workspace (and syncs the links); says whether anything changed since the last poll. */
  poll(): Promise<PollOutcome>;
  /** Seconds between polls while the view is visible and things change (the setting). */
  baseSeconds(): number;
  /** Whether the connections view is visible: hidden, polls are five times rarer. */
  visible(): boolean;
  /** Runs work after ms; tests give a fake timer. */
  schedule(ms: number, work: () => void): { cancel(): void };
  onError?(error: unknown): void;
}

/** Idle polls before the interval doubles, and the most it grows (times the base). */
const idlePollsPerStep = 3;
const maxIdleFactor = 8;
/** The longest wait after failures or rate limits. */
const maxBackoffMs = 15 * 60_000;

/**
 * Polls the hosted workspace for remote changes (the API has no events): every `baseSeconds` while the
 * view is visible and things change, less often when hidden or idle (the interval doubles after every
 * three polls that found nothing, up to eight times), and backing off when rate-limited (at least the
 * Retry-After) or failing (doubling, up to 15 minutes). The user's own activity polls again soon.
 */
export class WorkspacePoller {
  private timer: { cancel(): void } | undefined;
  private idle = 0;
  private failures = 0;
  private running = false;
  private stopped = true;
  /** The wait before the next poll, as last scheduled (for tests and the log). */
  lastDelayMs = 0;

  constructor(private readonly deps: PollerDeps) {}

  start(): void {
    this.stopped = false;
    this.idle = 0;
    this.failures = 0;
    this.plan(this.interval());
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** The user is here (the view was shown, a refresh): poll at once and reset the idle back-off. */
  nudge(): void {
    if (this.stopped) return;
    this.idle = 0;
    if (!this.running) this.plan(0);
  }

  private interval(): number {
    const base = Math.max(5, this.deps.baseSeconds()) * 1000 * (this.deps.visible() ? 1 : 5);
    return base * Math.min(maxIdleFactor, 2 ** Math.floor(this.idle / idlePollsPerStep));
  }

  private plan(ms: number): void {
    this.timer?.cancel();
    this.lastDelayMs = ms;
    this.timer = this.deps.schedule(ms, () => void this.tick());
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = true;
    let next: number;
    try {
      const outcome = await this.deps.poll();
      this.failures = 0;
      this.idle = outcome === 'changed' ? 0 : this.idle + 1;
      next = this.interval();
    } catch (error) {
      this.deps.onError?.(error);
      this.failures++;
      const backoff = Math.min(maxBackoffMs, this.interval() * 2 ** this.failures);
      const retryAfter = ConnectionError.is(error, 'rate_limited') ? (error.details?.retryAfterMs ?? 0) : 0;
      next = Math.min(maxBackoffMs, Math.max(backoff, retryAfter));
    } finally {
      this.running = false;
    }
    if (!this.stopped) this.plan(next);
  }
}
