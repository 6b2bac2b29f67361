// One JSON POST to a receiver that dedupes by a message id (an SMS provider, a webhook endpoint), its
// outcome told the outbox's way: 2xx sent; 3xx (not followed) and 4xx a permanent refusal, except 408 and 429 which ask us
// to come back (Retry-After honoured); 5xx transient; a timeout or a broken connection "outcome
// unknown" (safe to retry only because the receiver dedupes).
import { DeliveryError } from './delivery-error.ts';

export interface JsonPost {
  url: string;
  headers: Record<string, string>;
  /** the exact bytes sent (a signature may cover them) */
  body: string;
  timeoutMs: number;
  /** names the receiver in errors: 'sms', 'webhook' */
  what: string;
}

export async function postJson(p: JsonPost): Promise<void> {
  let res: Response;
  try {
    res = await fetch(p.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...p.headers },
      body: p.body,
      signal: AbortSignal.timeout(p.timeoutMs),
      // not followed: a receiver that moved is configuration to fix, and a redirect must not steer
      // a signed request elsewhere
      redirect: 'manual',
    });
  } catch (err) {
    const reason = (err as Error).name === 'TimeoutError' ? `timed out after ${p.timeoutMs} ms` : (err as Error).message;
    throw new DeliveryError(`${p.what}: ${reason}`, { permanent: false, outcomeUnknown: true, cause: err });
  }
  const text = await res.text().catch(() => '');
  if (res.ok) return;
  const permanent = res.status >= 300 && res.status < 500 && res.status !== 408 && res.status !== 429;
  throw new DeliveryError(`${p.what}: answered ${res.status} ${text.slice(0, 200)}`.trim(), {
    permanent,
    retryAfterMs: retryAfterMs(res.headers.get('retry-after')),
  });
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
