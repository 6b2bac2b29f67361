// The gateway's webhook route, as the OpenAPI document shows it.
import { Type } from 'typebox';
import { GATEWAY_SIGNATURE_HEADER } from '../../gateway/webhook-signature.ts';
import { Envelope, problems } from '../../http/schemas.ts';

export const webhookSchema = {
  tags: ['payments'],
  summary: 'Gateway webhook (signed)',
  description:
    `Called by the payment gateway. The \`${GATEWAY_SIGNATURE_HEADER}\` header carries \`t=<unix seconds>,v1=<hex HMAC-SHA256 ` +
    'of "<t>.<raw body>">` with GATEWAY_WEBHOOK_SECRET; older than 5 minutes or wrong is 401 invalid_signature. ' +
    'Events are deduplicated by id; 200 means recorded (or seen before). The payment or refund an event names is read back ' +
    "from the gateway's API and only that answer is applied; 503 when the gateway cannot be asked (deliver again).",
  headers: Type.Object({ [GATEWAY_SIGNATURE_HEADER]: Type.Optional(Type.String()) }),
  response: {
    200: Envelope(Type.Object({ event_id: Type.String(), result: Type.String({ description: 'what it changed, e.g. sold, duplicate' }) })),
    ...problems(400, 401, 503),
  },
};
