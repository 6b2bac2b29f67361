// POST /api/v1/payments/webhook: the gateway tells us what happened to a payment or refund.
// - The signature (HMAC-SHA256 over the timestamp and the raw bytes) is checked before anything is
//   parsed; a bad or stale one is 401 and changes nothing. The raw body is kept in this plugin only.
// - The body is a claim, not the truth (claims.ts): the payment or refund it names is read
//   from the gateway's API and that answer is settled, so a leaked secret cannot mint tickets. A body
//   the answer does not back is an anomaly (logged, counted); a gateway that cannot be asked answers
//   503, nothing recorded, and the gateway delivers again.
// - The event is recorded in webhook_events (event id unique) in the SAME transaction as its effect:
//   a redelivery of a processed event is a no-op answered 200; a crash before commit leaves no record,
//   so the redelivery does the work.
// - Order does not matter: confirmPayment's and applyRefund's rules are monotonic. A refund.succeeded
//   may arrive before the caller that sent the refund hears back: it restocks the seats here.
// - We answer as soon as the effect committed (a refund it causes is sent in the background); a
//   database failure answers 503 and the gateway delivers again.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import type { Sql } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import { ok } from '../../http/schemas.ts';
import type { GatewayEvent, GatewayPayment, GatewayRefund } from '../../gateway/gateway.ts';
import { GATEWAY_SIGNATURE_HEADER, verifyWebhook } from '../../gateway/webhook-signature.ts';
import { reportAnomaly } from '../../gateway/anomalies.ts';
import { confirmPayment } from '../checkout/index.ts';
import { afterRestock, type Applied, applyRefundIn } from '../refunds/index.ts';
import { fromGateway, paymentClaimDiffers, refundClaimDiffers } from './claims.ts';
import { webhookSchema } from './schemas.ts';

/** Public: the gateway calls it; its signature, not a token, is checked (and then it is only a hint). */
async function webhookPublicRoutes(app: FastifyInstance, deps: Deps) {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // anyone can post here: a body past the gateway's own limit is 413 before a byte is hashed
  app.post('/payments/webhook', { schema: webhookSchema, bodyLimit: deps.config.WEBHOOK_BODY_LIMIT_BYTES }, async (req) => {
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

/** Records the event and applies what the gateway confirms, in one transaction; the returned word says what it did. */
export async function handleGatewayEvent(deps: Deps, event: GatewayEvent, log?: FastifyBaseLogger): Promise<string> {
  const record = async (trx: Sql) => {
    const { rows } = await trx.query(
      `INSERT INTO webhook_events (event_id, gateway, type, payload, processed_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
      [event.id, deps.gateway.name, event.type, JSON.stringify(event)],
    );
    return rows.length === 1;
  };
  const isPayment = event.type.startsWith('payment.');
  if (!isPayment && !event.type.startsWith('refund.')) {
    return (await deps.db.tx(record)) ? 'ignored' : 'duplicate';
  }
  // A redelivery of an applied event needs no call to the gateway (the insert above stays the guard).
  if (await seen(deps, event.id)) return 'duplicate';

  if (isPayment) {
    const claim = event.data as GatewayPayment;
    const truth = await fromGateway(() => deps.gateway.getPayment(claim.id));
    if (!truth) return unknownToGateway(deps, event, record, log);
    const differs = paymentClaimDiffers(event.type, claim, truth);
    if (differs) reportAnomaly(log, { kind: 'webhook_unconfirmed', source: 'webhook', gateway_id: claim.id, ...differs });
    const result = await confirmPayment(deps, truth, {
      first: record,
      awaitRefund: false,
      onRefundError: (err) => log?.error({ err }, 'refund after a late payment failed; the reconciler retries it'),
      log,
      source: `webhook ${event.id}`,
    });
    if (result === 'unknown') log?.warn({ event: event.id, reference: truth.reference }, 'webhook for a payment we do not know');
    return result;
  }
  const claim = event.data as GatewayRefund;
  const truth = await fromGateway(() => deps.gateway.getRefund(claim.id));
  if (!truth) return unknownToGateway(deps, event, record, log);
  const differs = refundClaimDiffers(event.type, claim, truth);
  if (differs) reportAnomaly(log, { kind: 'webhook_unconfirmed', source: 'webhook', gateway_id: claim.id, ...differs });
  const out = await deps.db.tx(async (trx): Promise<Applied | { outcome: 'duplicate'; restocked?: undefined }> => {
    if (!(await record(trx))) return { outcome: 'duplicate' };
    return applyRefundIn(trx, truth);
  });
  // a refund that restocked seats: viewers and cached maps hear of it once it is committed
  await afterRestock(deps, out.restocked);
  return out.outcome;
}

async function seen(deps: Deps, eventId: string): Promise<boolean> {
  const { rows } = await deps.db.query('SELECT 1 FROM webhook_events WHERE event_id = $1', [eventId]);
  return rows.length > 0;
}

/** The gateway does not know what the event names: forged, or sent by another account. Recorded, nothing else. */
async function unknownToGateway(deps: Deps, event: GatewayEvent, record: (trx: Sql) => Promise<boolean>, log?: FastifyBaseLogger) {
  if (!(await deps.db.tx(record))) return 'duplicate';
  reportAnomaly(log, {
    kind: 'unknown_payment',
    source: `webhook ${event.id}`,
    gateway_id: event.data.id,
    expected: 'a payment or refund the gateway knows',
    got: { type: event.type, reference: event.data.reference },
  });
  return 'unknown';
}

export const webhookRoutes: RouteGroups = { public: webhookPublicRoutes };
