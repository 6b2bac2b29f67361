// Wire shapes of sell-out alerts and the route schemas of their list and live feed.
import { Type } from 'typebox';
import { PageQuery } from '../../http/paging.ts';
import { Envelope, ListMeta, problems } from '../../http/schemas.ts';

export const AlertSchema = Type.Object({
  id: Type.Integer({ description: 'Increases with every alert: the live feed resumes after it (Last-Event-ID)' }),
  screening_id: Type.Integer(),
  theater_id: Type.Integer(),
  threshold: Type.Integer({ description: "The theater's threshold crossed, percent of sellable seats sold", examples: [80] }),
  direction: Type.Enum(['up', 'down'], {
    description: 'up: the sold share reached the threshold; down: it fell back under it (refunds, a cancellation)',
  }),
  sold: Type.Integer({ description: 'Seats sold when it was raised' }),
  sellable: Type.Integer({ description: 'Seats that can be sold (all but blocked ones) when it was raised' }),
  headline: Type.String({ examples: ['80 % sold', 'sold out', 'back under 95 %'] }),
  movie: Type.String(),
  theater: Type.String(),
  hall: Type.String(),
  show_time: Type.String({ format: 'date-time' }),
  local_time: Type.String({ description: "The show's start in the theater's time zone, as people read it" }),
  raised_at: Type.String({ format: 'date-time' }),
});

const filters = {
  screening_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
  theater_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
};

export const listAlertsSchema = {
  tags: ['alerts'],
  summary: 'Sell-out alerts, newest first (admin)',
  description: "Raised once per crossing of a theater's thresholds (sellout_alert_percents), up or back down. Keyset pages.",
  querystring: Type.Object({ ...PageQuery, ...filters }),
  response: { 200: Envelope(Type.Array(AlertSchema), { meta: ListMeta }), ...problems(400, 401, 403) },
};

export const liveAlertsSchema = {
  tags: ['alerts'],
  summary: 'Sell-out alerts as they are raised: server-sent events (admin)',
  description:
    'text/event-stream. Each alert is an event `sellout` whose id is the alert id and whose data is the alert (as in GET /alerts). ' +
    'Reconnecting with `Last-Event-ID` (or `?after=`) first sends what was raised since. A comment line every 15 s keeps proxies from ' +
    'closing an idle stream. Any instance serves it: alerts are read from the database.',
  querystring: Type.Object({ ...filters, after: Type.Optional(Type.Integer({ minimum: 0, description: 'Alerts after this id' })) }),
  headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$' })) }),
  response: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
    ...problems(400, 401, 403),
  },
};
