import type { Static } from 'typebox';
import type { ScreeningSchema } from './schemas.ts';
import { decimalToNumber } from '../../lib/money.ts';
import type { ScreeningRow } from './queries.ts';

/** The seed's screening fields, plus currency and status. */
export function presentScreening(s: ScreeningRow): Static<typeof ScreeningSchema> {
  return {
    id: s.id,
    movie_id: s.movie_id,
    theater_id: s.theater_id,
    hall_id: s.hall_id,
    show_time: s.show_time.toISOString(),
    end_time: s.end_time.toISOString(),
    price: decimalToNumber(s.price) as number,
    price_3d: decimalToNumber(s.price_3d),
    price_from: decimalToNumber(s.price_from),
    currency: s.currency,
    available_seats: s.available_seats,
    is_3d: s.is_3d,
    is_available: s.is_available,
    status: s.status,
    created_at: s.created_at.toISOString(),
    updated_at: s.updated_at.toISOString(),
  };
}
