import { ConnectionError } from '../../errors';

/**
 * Stops a running statement on the server when the caller aborts, or when it outlives its timeout
 * by a margin (a backstop for a server-side time limit that a statement managed to lift).
 */
export function cancelOnAbortOrTimeout(
  signal: AbortSignal | undefined,
  timeoutMs: number,
  cancelOnServer: () => void,
): { readonly cancelledByCaller: boolean; readonly requested: boolean; dispose(): void } {
  let requested = false;
  const cancel = (): void => {
    requested = true;
    cancelOnServer();
  };
  signal?.addEventListener('abort', cancel);
  const backstop = setTimeout(cancel, timeoutMs + 2000);
  return {
    get cancelledByCaller() {
      return requested && (signal?.aborted ?? false);
    },
    /** A cancel went to the server: the connection must not be reused, the cancel may land late. */
    get requested() {
      return requested;
    },
    dispose() {
      clearTimeout(backstop);
      signal?.removeEventListener('abort', cancel);
    },
  };
}

/** What a cancelled statement reports, whichever server it ran on. */
export function cancelledError(): ConnectionError {
  return new ConnectionError('cancelled', 'The query was cancelled and stopped on the server.');
}

/** What a connection attempt the caller cancelled reports. */
export function connectCancelledError(): ConnectionError {
  return new ConnectionError('cancelled', 'Cancelled; the connection attempt was dropped.');
}

/** What a listing (databases, schemas, tables, columns) the caller cancelled reports. */
export function listingCancelledError(): ConnectionError {
  return new ConnectionError('cancelled', 'Cancelled; the request was dropped.');
}

/**
 * Work that stops when the signal aborts: the promise rejects at once as cancelled, and `onAbort`
 * drops what the work holds (a socket still connecting), so nothing waits on a host that never answers.
 */
export function raceAbort<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort: () => void,
  cancelled = connectCancelledError,
): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    onAbort();
    work.catch(() => undefined);
    return Promise.reject(cancelled());
  }
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onAbort();
      reject(cancelled());
    };
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}
