// How a sender tells the outbox worker what a failed delivery means for the message: try again
// later (transient), never (permanent), or "we cannot know whether it arrived" (outcomeUnknown),
// which a sender that the receiver cannot dedupe must never retry.

export interface DeliveryErrorOptions {
  /** retrying the same message would fail the same way (bad address, rejected content) */
  permanent: boolean;
  /** the message may have been delivered: the connection broke after it was handed over */
  outcomeUnknown?: boolean;
  /** the receiver asked us to wait at least this long (HTTP Retry-After) */
  retryAfterMs?: number;
  cause?: unknown;
}

export class DeliveryError extends Error {
  readonly permanent: boolean;
  readonly outcomeUnknown: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, opts: DeliveryErrorOptions) {
    super(message, { cause: opts.cause });
    this.name = 'DeliveryError';
    this.permanent = opts.permanent;
    this.outcomeUnknown = opts.outcomeUnknown ?? false;
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** Message ids become file names and header values: keep them to a safe alphabet. */
export const MESSAGE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export function assertMessageId(id: string): void {
  if (!MESSAGE_ID.test(id)) throw new DeliveryError(`invalid message id ${JSON.stringify(id)}`, { permanent: true });
}
