import { createHash } from 'node:crypto';
import { mkdir, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** A lock held longer than this belongs to a window that died: it is taken over. */
const staleMs = 30_000;
const waitMs = 50;

/**
 * Runs `work` while holding a lock that every VS Code window of this user on this machine shares (a
 * directory, whose creation is atomic). Two windows refreshing one sign-in at once would spend the
 * same rotating refresh token twice; with this, the second waits and then sees the first's tokens.
 */
export async function withMachineLock<T>(name: string, work: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const dir = path.join(tmpdir(), `planasonix-${createHash('sha256').update(name).digest('hex').slice(0, 16)}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await mkdir(dir, { mode: 0o700 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = await stat(dir).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (held > staleMs) await rmdir(dir).catch(() => undefined);
      else if (Date.now() > deadline)
        break; // a lock that never frees must not block sign-in for good
      else await new Promise((r) => setTimeout(r, waitMs));
    }
  }
  try {
    return await work();
  } finally {
    await rmdir(dir).catch(() => undefined);
  }
}
