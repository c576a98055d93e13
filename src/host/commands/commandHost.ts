import * as vscode from 'vscode';
import { ConnectionError, errorMessage } from '../../core/errors';
import type { Logger } from '../../core/ports';
import { msg, notify, withNotificationProgress, type Message } from '../ui/untrusted';

/** Shows a short failure with a way to the full detail, which goes to the log. */
export async function reportError(logger: Logger, what: string, error: unknown): Promise<void> {
  if (ConnectionError.is(error, 'cancelled')) return;
  const code = ConnectionError.is(error) ? ` (${error.code})` : '';
  logger.error(
    `${what}${code}: ${errorMessage(error)}${error instanceof Error && !ConnectionError.is(error) && error.stack ? `\n${error.stack}` : ''}`,
  );
  if (ConnectionError.is(error, 'target_changed') && error.details?.connectionId) {
    const review = await notify.warn(msg`${errorMessage(error)}`, {}, 'Review New Target…');
    if (review)
      await vscode.commands.executeCommand('planasonix.connections.confirmTarget', error.details.connectionId);
    return;
  }
  const choice = await notify.error(msg`${what}: ${errorMessage(error)}`, {}, 'Show Log');
  if (choice === 'Show Log') await vscode.commands.executeCommand('planasonix.showLog');
}

/** Registers a command whose failures are reported, never thrown into the void. */
export function registerCommand<A extends unknown[]>(
  logger: Logger,
  id: string,
  what: string,
  handler: (...args: A) => unknown,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...(args as A));
    } catch (error) {
      await reportError(logger, what, error);
      return undefined;
    }
  });
}

/** Runs long work with a cancellable notification; cancelling aborts the signal down to the driver. */
export function withCancellableProgress<T>(title: Message, work: (signal: AbortSignal) => Promise<T>): Thenable<T> {
  return withNotificationProgress(title, (_progress, token) => {
    const controller = new AbortController();
    const listener = token.onCancellationRequested(() => controller.abort());
    return work(controller.signal).finally(() => {
      listener.dispose();
    });
  });
}
