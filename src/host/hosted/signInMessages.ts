import { ConnectionError, errorMessage } from '../../core/errors';
import { msg, type Message } from '../ui/untrusted';

/** Why a sign-in to `server` did not work, in the user's words (the full detail goes to the log). */
export function refusal(server: string, error: unknown): Message {
  if (ConnectionError.is(error, 'auth_failed'))
    return msg`${server} did not accept the sign-in: the key or code is wrong, expired or revoked.`;
  if (ConnectionError.is(error, 'forbidden'))
    return msg`${server} accepted the sign-in, but it may not list connections (the key lacks the connections:read scope).`;
  if (ConnectionError.is(error, 'unreachable') || ConnectionError.is(error, 'timeout'))
    return msg`${server} could not be reached. Check the address (planasonix.hosted.baseUrl) and your network.`;
  if (ConnectionError.is(error, 'invalid_config')) return msg`${errorMessage(error)}`;
  return msg`Signing in to ${server} failed: ${errorMessage(error)}`;
}
