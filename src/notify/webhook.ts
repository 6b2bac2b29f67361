// Outgoing webhooks (sell-out alerts to a marketing tool): a JSON POST signed the way our payment
// gateway signs its webhooks to us, so a receiver checks it the same way:
//   Cinema-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the shared secret>
//   Cinema-Webhook-Id: <outbox message id>, the same on every retry: the receiver dedupes by it
// A receiver should refuse a timestamp older than five minutes (replays).
import { createHmac } from 'node:crypto';
import { assertMessageId } from './delivery-error.ts';
import { postJson } from './post-json.ts';

export interface OutgoingWebhook {
  messageId: string;
  url: string;
  /** the event: {type, data} */
  event: object;
}

export interface WebhookSender {
  send(hook: OutgoingWebhook): Promise<void>;
  readonly idempotent: boolean;
}

export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function createWebhookSender(opts: { secret: string; timeoutMs: number; now?: () => number }): WebhookSender {
  const now = opts.now ?? Date.now;
  return {
    idempotent: true,
    async send(hook) {
      assertMessageId(hook.messageId);
      const body = JSON.stringify({ id: hook.messageId, ...hook.event });
      await postJson({
        url: hook.url,
        headers: { 'cinema-signature': webhookSignature(opts.secret, Math.floor(now() / 1000), body), 'cinema-webhook-id': hook.messageId },
        body,
        timeoutMs: opts.timeoutMs,
        what: 'webhook',
      });
    },
  };
}
