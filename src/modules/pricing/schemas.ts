import { Type, type Static } from 'typebox';
import { Envelope, IdParams, problems } from '../../http/schemas.ts';

const Money = (description: string, example: number) =>
  Type.Number({ minimum: -9999999999.99, maximum: 9999999999.99, description, examples: [example] });
const LocalTime = (description: string) =>
  Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: `${description}, HH:MM local time`, examples: ['17:00'] });

const SeatTypes = ['regular', 'vip', 'couple', 'wheelchair', 'companion'] as const;

export const Surcharges = Type.Partial(
  Type.Object(
    Object.fromEntries(SeatTypes.map((t) => [t, Money(`Added for ${t} seats`, 20000)])) as Record<
      (typeof SeatTypes)[number],
      ReturnType<typeof Money>
    >,
  ),
);

export const Rule = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, examples: ['Matinee'] }),
  days: Type.Enum(['all', 'weekday', 'weekend'], { default: 'all', description: 'weekend = Saturday and Sunday' }),
  starts_at: Type.Optional(LocalTime('Applies from')),
  ends_at: Type.Optional(LocalTime('Applies until (exclusive)')),
  adjustment: Money('Added to the base price (negative for a discount)', -10000),
});

export const Pricing = Type.Object({
  theater_id: Type.Integer(),
  currency: Type.String(),
  surcharges: Surcharges,
  rules: Type.Array(Type.Intersect([Type.Object({ id: Type.Integer() }), Rule])),
});

export const PricingBody = Type.Object({
  surcharges: Surcharges,
  rules: Type.Array(Rule, { maxItems: 50 }),
});
export type PricingBody = Static<typeof PricingBody>;

export const getPricingSchema = {
  tags: ['pricing'],
  summary: "A theater's price card",
  description:
    'Seat price = base (price_3d for a 3D show, else price) + the seat type surcharge + every rule matching the ' +
    "show's local day and time; never below one unit of the currency (a rupiah; a cent in USD). Public.",
  params: IdParams,
  response: { 200: Envelope(Pricing), ...problems(400, 404) },
};

export const putPricingSchema = {
  tags: ['pricing'],
  summary: "Replace a theater's price card (admin)",
  description: 'Replaces surcharges and rules at once. If-Match with the ETag from GET avoids lost updates (412).',
  params: IdParams,
  body: PricingBody,
  response: { 200: Envelope(Pricing), ...problems(400, 401, 403, 404, 412) },
};
