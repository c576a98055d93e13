import * as vscode from 'vscode';
import { errorMessage } from '../../core/errors';
import type { Logger } from '../../core/ports';
import { refusal } from './signInMessages';
import { checkedInput, msg, notify, withNotificationProgress } from '../ui/untrusted';

/**
 * What the user sees while signing in: the API-key box, the device code's approval in the browser, and
 * a failed sign-in's message. The workspace's lifecycle (hostedWorkspace.ts) calls these.
 */

/** Asks for an API key; a refused key is said in the box, which stays open for another. */
export async function askForApiKey(server: string, use: (key: string) => Promise<void>, logger: Logger): Promise<void> {
  // No notification outlives a later success.
  await checkedInput(
    {
      title: 'Sign in to your Planasonix workspace',
      prompt: msg`An API key for ${server} (Organization › API keys in Planasonix). It is sent only there and kept in VS Code's secret storage.`,
      password: true,
    },
    async (key) => {
      try {
        await use(key);
        return undefined;
      } catch (error) {
        logger.warn(`Signing in to Planasonix with an API key failed: ${errorMessage(error)}`);
        return refusal(server, error);
      }
    },
  );
}

/** A device code to approve: where, and which code. */
export interface DeviceApproval {
  verificationUri: string;
  verificationUriComplete?: string;
  userCode: string;
}

/**
 * Opens the approval page (with the code in its address where the server offers that), says the code,
 * and waits, cancellable, while `complete` polls for the approval.
 */
export async function approveInBrowser<T>(
  start: DeviceApproval,
  complete: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const page = start.verificationUriComplete ?? start.verificationUri;
  const host = vscode.Uri.parse(page).authority;
  const opened = await vscode.env.openExternal(vscode.Uri.parse(page));
  void notify
    .info(
      msg`Approve the sign-in on ${host} with the code ${start.userCode}.${opened ? ' The page was opened in your browser.' : ''}`,
      {},
      'Open Browser Again',
      'Copy Code',
    )
    .then(async (choice) => {
      if (choice === 'Open Browser Again') await vscode.env.openExternal(vscode.Uri.parse(page));
      if (choice === 'Copy Code') await vscode.env.clipboard.writeText(start.userCode);
    });
  return withNotificationProgress(
    msg`Waiting for approval of code ${start.userCode} on ${host}…`,
    (_progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return complete(controller.signal);
    },
  );
}

/** A failed sign-in in the user's words, with a way to try again (the full detail goes to the log). */
export async function sayFailedSignIn(
  server: string,
  error: unknown,
  logger: Logger,
  again: () => Promise<void>,
): Promise<void> {
  logger.warn(`Signing in to Planasonix failed: ${errorMessage(error)}`);
  const choice = await notify.error(refusal(server, error), {}, 'Try Again', 'Show Log');
  if (choice === 'Try Again') await again();
  if (choice === 'Show Log') await vscode.commands.executeCommand('planasonix.showLog');
}
