// POST /api/v1/payments/webhook: the gateway tells us what happened to a payment or refund.
// - The signature (HMAC-SHA256 over the timestamp and the raw bytes) is checked before anything is
//   parsed; a bad or stale one is 401 and changes nothing. The raw body is kept in this plugin only.
// - The event is recorded in webhook_events (event id unique) in the SAME transaction as its effect:
//   a redelivery of a processed event is a no-op answered 200; a crash before commit leaves no record,
//   so the redelivery does the work.
// - Order does not matter: confirmPayment's and applyRefund's rules are monotonic. A refund.succeeded
//   may arrive before the caller that sent the refund hears back: it restocks the seats here.
// - We answer as soon as the effect committed (a refund it causes is sent in the background); a
//   database failure answers 503 and the gateway delivers again.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../../deps.ts';
import type { Sql } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import { Envelope, ok, problems } from '../../http/schemas.ts';
import type { GatewayEvent, GatewayPayment, GatewayRefund } from '../../payments/gateway.ts';
import { GATEWAY_SIGNATURE_HEADER, verifyWebhook } from '../../payments/webhook-signature.ts';
import { confirmPayment } from './confirm-payment.ts';
import { afterRestock, type Applied, applyRefundIn } from './settle-refund.ts';

const webhookSchema = {
  tags: ['payments'],
  summary: 'Gateway webhook (signed)',
  description:
    `Called by the payment gateway. The \`${GATEWAY_SIGNATURE_HEADER}\` header carries \`t=<unix seconds>,v1=<hex HMAC-SHA256 ` +
    'of "<t>.<raw body>">` with GATEWAY_WEBHOOK_SECRET; older than 5 minutes or wrong is 401 invalid_signature. ' +
    'Events are deduplicated by id; 200 means recorded (or seen before).',
  headers: Type.Object({ [GATEWAY_SIGNATURE_HEADER]: Type.Optional(Type.String()) }),
  response: {
    200: Envelope(Type.Object({ event_id: Type.String(), result: Type.String({ description: 'what it changed, e.g. sold, duplicate' }) })),
    ...problems(400, 401, 503),
  },
};

export async function webhookRoutes(app: FastifyInstance, deps: Deps) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post('/payments/webhook', { schema: webhookSchema }, async (req) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const nowSeconds = Math.floor(deps.clock.now().getTime() / 1000);
    const check = verifyWebhook(deps.config.gatewayWebhookSecret, raw, req.headers[GATEWAY_SIGNATURE_HEADER], nowSeconds);
    if (!check.ok) {
      req.log.warn({ reason: check.reason }, 'webhook refused');
      throw new AppError('invalid_signature', `The webhook signature is not valid (${check.reason})`, { reason: check.reason });
    }
    const event = parseEvent(raw);
    const result = await handleGatewayEvent(deps, event, req.log);
    return ok('Webhook processed', { event_id: event.id, result });
  });
}

function parseEvent(raw: Buffer): GatewayEvent {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError('invalid_json');
  }
  const e = value as Partial<GatewayEvent> | null;
  if (!e || typeof e.id !== 'string' || typeof e.type !== 'string' || typeof e.data !== 'object' || e.data === null) {
    throw new AppError('validation_failed', 'Not a gateway event');
  }
  const d = e.data as Partial<GatewayPayment>;
  if (typeof d.id !== 'string' || typeof d.status !== 'string' || typeof d.reference !== 'string') {
    throw new AppError('validation_failed', 'The event has no payment or refund');
  }
  return e as GatewayEvent;
}

/** Records the event and applies it, in one transaction; the returned word says what it did. */
export async function handleGatewayEvent(deps: Deps, event: GatewayEvent, log?: FastifyBaseLogger): Promise<string> {
  const record = async (trx: Sql) => {
    const { rows } = await trx.query(
      `INSERT INTO webhook_events (event_id, gateway, type, payload, processed_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [event.id, deps.gateway.name, event.type, JSON.stringify(event)],
    );
    return rows.length === 1;
  };
  if (event.type.startsWith('payment.')) {
    const result = await confirmPayment(deps, event.data as GatewayPayment, {
      first: record,
      awaitRefund: false,
      onRefundError: (err) => log?.error({ err }, 'refund after a late payment failed; the reconciler retries it'),
    });
    if (result === 'unknown') log?.warn({ event: event.id, reference: event.data.reference }, 'webhook for a payment we do not know');
    return result;
  }
  const out = await deps.db.tx(async (trx): Promise<Applied | { outcome: 'duplicate' | 'ignored'; restocked?: undefined }> => {
    if (!(await record(trx))) return { outcome: 'duplicate' };
    if (!event.type.startsWith('refund.')) return { outcome: 'ignored' };
    return applyRefundIn(trx, event.data as GatewayRefund);
  });
  // a refund that restocked seats: viewers and cached maps hear of it once it is committed
  await afterRestock(deps, out.restocked);
  return out.outcome;
}
