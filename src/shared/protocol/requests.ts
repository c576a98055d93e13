/**
 * Requests a webview sends that the host answers, paired by a request id. A protocol declares each
 * request's kind with its body and the answer it gets (an "exchange"); the types below then make a
 * request and its answer one pair: the host answers a request with `answerTo`, which can only build the
 * answer that request's kind has, and the webview keeps the latest request of each kind with `Latest`.
 */
export type Exchanges = Record<string, { request: object; answer: { type: string } }>;

/** A request of kind K as it crosses: its kind, its id, its body. */
export type RequestOf<E extends Exchanges, K extends keyof E & string> = {
  type: K;
  requestId: number;
} & E[K]['request'];

/** The answer to a request of kind K: its own type, the request's id, its body. */
export type AnswerOf<E extends Exchanges, K extends keyof E & string> = E[K]['answer'] & { requestId: number };

/** The answer to `request`: the same id, and only the answer its kind has. */
export function answerTo<E extends Exchanges, K extends keyof E & string>(
  request: RequestOf<E, K>,
  answer: E[K]['answer'],
): AnswerOf<E, K> {
  return { ...answer, requestId: request.requestId };
}

/**
 * The webview's side: ids for new requests, and whether an answer is to the latest request (an answer
 * to a request since superseded, or to none, is dropped).
 */
export class Latest {
  private next = 1;
  private current: number | undefined;

  /** The id of a new request, which supersedes the one before. */
  issue(): number {
    this.current = this.next++;
    return this.current;
  }

  /** Whether an answer is to the latest request; it is then no longer waited for. */
  answers(answer: { requestId: number }): boolean {
    if (answer.requestId !== this.current) return false;
    this.current = undefined;
    return true;
  }
}
