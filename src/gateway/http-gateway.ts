// The PaymentGateway port over HTTP, for a gateway in another process (`npm run gateway` serves the
// simulator's /v1 API). The mapping keeps the port's promise about what a failure means: only a
// timeout leaves the outcome unknown; a refusal or a connection that never got through did nothing.
import {
  GatewayError,
  type CreatePaymentInput,
  type CreateRefundInput,
  type GatewayFailure,
  type GatewayPayment,
  type GatewayRefund,
  type PaymentGateway,
} from './gateway.ts';

export interface HttpGatewayOptions {
  baseUrl: string;
  apiKey: string;
  /** per call, connection and body included */
  timeoutMs: number;
  /** stored in payments.gateway (default 'simulator-http') */
  name?: string;
}

/** Status -> failure. 504 is a timeout, not 'unavailable': a gateway behind a proxy may have acted. */
export function failureForStatus(status: number): GatewayFailure {
  if (status === 402) return 'declined';
  if (status === 404) return 'not_found';
  if (status === 504) return 'timeout';
  if (status >= 500) return 'unavailable';
  return 'invalid';
}

// Connection failures where the request never reached a gateway able to process it.
function networkCode(err: unknown): string {
  const cause = (err as { cause?: { code?: string } }).cause;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return 'connection_refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
      return 'connection_reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'dns_failed';
    default:
      return 'network_error';
  }
}

const isAbort = (err: unknown) => err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');

export function createHttpGateway(opts: HttpGatewayOptions): PaymentGateway {
  const base = opts.baseUrl.replace(/\/+$/, '');

  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${opts.apiKey}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
    let status: number;
    let text: string;
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(opts.timeoutMs),
        // never follow: a redirect would carry the API key's request (a POST's body with it on a
        // 307) to a host nobody configured; a provider's API does not redirect
        redirect: 'manual',
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      if (isAbort(err)) throw new GatewayError('timeout', 'timeout', `no answer from the gateway in ${opts.timeoutMs} ms`);
      throw new GatewayError('unavailable', networkCode(err), (err as Error).message);
    }
    // A redirect is not followed, and what it means depends on the call. To a read it is no answer
    // (unavailable: try again). To a write it may come after the work was done (303 See Other after
    // a POST that created the payment or refund), so it is an unknown outcome, like a timeout: the
    // caller finds out later with the same idempotency key, and never takes it for a refusal (a
    // refund marked failed and asked for again would pay twice).
    if (status >= 300 && status < 400)
      throw new GatewayError(
        method === 'POST' ? 'timeout' : 'unavailable',
        'redirect_refused',
        `the gateway answered ${status} (redirects are not followed)`,
      );
    const parsed = parseJson(text);
    if (status >= 200 && status < 300) {
      // It answered yes to something, but we cannot read what: as unknown as a timeout.
      if (parsed === undefined) throw new GatewayError('timeout', 'invalid_response', 'the gateway answered 2xx without JSON');
      return parsed as T;
    }
    const error = (parsed as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const code = typeof error?.code === 'string' ? error.code : `http_${status}`;
    throw new GatewayError(failureForStatus(status), code, typeof error?.message === 'string' ? error.message : undefined);
  }

  const id = (s: string) => encodeURIComponent(s);

  return {
    name: opts.name ?? 'simulator-http',
    createPayment: (input: CreatePaymentInput) =>
      call<GatewayPayment>(
        'POST',
        '/v1/payments',
        {
          amount: input.amount,
          currency: input.currency,
          method: input.method,
          reference: input.reference,
          description: input.description,
          expires_in_seconds: input.expiresInSeconds,
          return_url: input.returnUrl,
        },
        input.idempotencyKey,
      ),
    getPayment: (paymentId) => call<GatewayPayment>('GET', `/v1/payments/${id(paymentId)}`),
    cancelPayment: (paymentId) => call<GatewayPayment>('POST', `/v1/payments/${id(paymentId)}/cancel`),
    refund: (input: CreateRefundInput) =>
      call<GatewayRefund>(
        'POST',
        '/v1/refunds',
        { payment_id: input.paymentId, amount: input.amount, reference: input.reference, reason: input.reason },
        input.idempotencyKey,
      ),
    getRefund: (refundId) => call<GatewayRefund>('GET', `/v1/refunds/${id(refundId)}`),
  };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
